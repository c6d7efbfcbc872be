using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Arbitrage;

/// <summary>
/// One leg while it is worked: the instrument's rules, the side it trades, its target, and every
/// order placed for it with the phase it was placed in. What it filled is read from those orders
/// as the order tracker holds them (fills deduplicated by trade id), net of orders on the other
/// side (a hedge or a rollback that took some back): never from what was asked.
/// </summary>
internal sealed class TwoLegLeg
{
    private readonly object _gate;
    private readonly List<(Order Order, TwoLegPhase Phase, bool PostOnly, bool ReduceOnly)> _orders = [];

    public TwoLegLeg(object gate, Instrument instrument, OrderSide side, bool closing, Quantity target)
    {
        _gate = gate;
        Instrument = instrument;
        Side = side;
        Closing = closing;
        Target = target;
    }

    public Instrument Instrument { get; }

    public InstrumentId Id => Instrument.Id;

    public string Venue => Instrument.Id.Venue;

    /// <summary>The side this leg trades: buy for the long leg of an open or the close of a short.</summary>
    public OrderSide Side { get; }

    public OrderSide OtherSide => Side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;

    /// <summary>A closing leg reduces the venue's position (reduce-only exit orders on its lots).</summary>
    public bool Closing { get; }

    /// <summary>The position the leg works on, as the venue holds it: long when an open buys or a close sells.</summary>
    public PositionSide Held => (Side == OrderSide.Buy) != Closing ? PositionSide.Long : PositionSide.Short;

    public Quantity Target { get; set; }

    /// <summary>The lot an opening leg's fills build (one per leg of the operation).</summary>
    public PositionId? Lot { get; init; }

    /// <summary>The venue's signed position on the instrument when the operation began.</summary>
    public decimal Baseline { get; set; }

    /// <summary>The venue's average entry price of the position a closing leg closes (break-even), when it reports one.</summary>
    public Price? Entry { get; set; }

    /// <summary>What this leg could not trade: settled as tracked dust.</summary>
    public Quantity Dust { get; set; }

    /// <summary>Why the leg stopped short (a refusal, a denial, a venue that could not be read), or null.</summary>
    public string? Problem { get; set; }

    /// <summary>Set once the leg was seen complete (the moment the other leg's hedge latency counts from).</summary>
    public long? CompletedAt { get; set; }

    public void Add(Order order, TwoLegPhase phase, bool postOnly, bool reduceOnly)
    {
        lock (_gate) _orders.Add((order, phase, postOnly, reduceOnly));
    }

    public IReadOnlyList<Order> Orders
    {
        get { lock (_gate) return _orders.Select(o => o.Order).ToList(); }
    }

    /// <summary>Net filled in the leg's direction (never below zero: a rollback takes back at most what was filled).</summary>
    public Quantity Filled
    {
        get
        {
            lock (_gate)
            {
                var net = 0m;
                foreach (var (order, _, _, _) in _orders) net += order.Side == Side ? order.Filled.Value : -order.Filled.Value;
                return Quantity.Of(Math.Max(0m, net));
            }
        }
    }

    /// <summary>Still to trade: below half a step it is done (a remainder no order could carry).</summary>
    public Quantity Remaining => Quantity.Shortfall(Target, Filled + Dust);

    public bool Complete => Remaining.Value < Instrument.Step.Value / 2m;

    /// <summary>Units that may still be working on the venue (orders not known finished).</summary>
    public bool HasLiveOrders
    {
        get { lock (_gate) return _orders.Any(o => o.Order.MayBeLiveOnVenue); }
    }

    /// <summary>The average price of the leg's own-side fills; null before any.</summary>
    public Price? AveragePrice
    {
        get
        {
            lock (_gate)
            {
                var quantity = 0m;
                var notional = 0m;
                foreach (var (order, _, _, _) in _orders.Where(o => o.Order.Side == Side))
                {
                    quantity += order.Filled.Value;
                    notional += order.FilledNotional.Dollars;
                }
                return quantity == 0m ? null : Price.Of(Math.Round(notional / quantity, Price.MaxDecimals, MidpointRounding.AwayFromZero));
            }
        }
    }

    public TwoLegLegView View()
    {
        lock (_gate)
        {
            var maker = Money.Zero;
            var taker = Money.Zero;
            var fees = Money.Zero;
            foreach (var (order, _, _, _) in _orders)
            {
                fees += order.Commissions;
                foreach (var f in order.Fills)
                {
                    if (f.IsTaker) taker += f.Commission;
                    else maker += f.Commission;
                }
            }
            var orders = _orders.Select(o => new TwoLegOrderView(o.Order.ClientOrderId, o.Order.VenueOrderId, o.Phase, o.Order.Side, o.Order.LimitPrice,
                o.Order.Initial, o.Order.Filled, o.Order.Status, o.PostOnly, o.ReduceOnly)).ToList();
            return new TwoLegLegView(Venue, Id, Side, Target, Filled, AveragePrice, fees, orders, Instrument.QuantityDecimals, Instrument.PriceDecimals, maker, taker);
        }
    }
}

/// <summary>
/// A two-leg operation while it runs: its legs, the phases it entered, its dust, its outcome. Only
/// the executor changes it; readers take <see cref="View"/>.
/// </summary>
internal sealed class TwoLegOperation
{
    private readonly object _gate = new();
    private readonly List<TwoLegPhase> _phases = [];
    private readonly List<TwoLegDust> _dust = [];
    private readonly List<string> _notes = [];
    private readonly List<TwoLegLeg> _legs = [];

    public TwoLegOperation(string id, TwoLegKind kind, string symbol, string reason, string strategy, DateTimeOffset startedAt)
    {
        Id = id;
        Kind = kind;
        Symbol = symbol;
        Reason = reason;
        Strategy = strategy;
        StartedAt = startedAt;
    }

    public string Id { get; }
    public TwoLegKind Kind { get; }
    public string Symbol { get; }
    public string Reason { get; }
    public string Strategy { get; }
    public DateTimeOffset StartedAt { get; }
    public TwoLegOutcome Outcome { get; private set; } = TwoLegOutcome.Running;
    public string? Error { get; private set; }
    public bool RolledBack { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public TimeSpan? HedgeLatency { get; private set; }

    public IReadOnlyList<TwoLegLeg> Legs
    {
        get { lock (_gate) return _legs.ToList(); }
    }

    public TwoLegLeg AddLeg(Instrument instrument, OrderSide side, bool closing, Quantity target, PositionId? lot = null)
    {
        var leg = new TwoLegLeg(_gate, instrument, side, closing, target) { Lot = lot };
        lock (_gate) _legs.Add(leg);
        return leg;
    }

    public TwoLegLeg Other(TwoLegLeg leg)
    {
        lock (_gate) return _legs.First(l => l != leg);
    }

    /// <summary>Notes the phase as entered (once, in the order first entered).</summary>
    public bool Enter(TwoLegPhase phase)
    {
        lock (_gate)
        {
            if (_phases.Contains(phase)) return false;
            _phases.Add(phase);
            if (phase == TwoLegPhase.Rollback) RolledBack = true;
            return true;
        }
    }

    public bool Entered(TwoLegPhase phase)
    {
        lock (_gate) return _phases.Contains(phase);
    }

    public void AddDust(TwoLegLeg leg, Quantity quantity, string why)
    {
        lock (_gate)
        {
            leg.Dust += quantity;
            _dust.Add(new TwoLegDust(leg.Venue, quantity, why));
        }
    }

    public void Note(string note)
    {
        lock (_gate) _notes.Add(note);
    }

    public void RecordHedgeLatency(TimeSpan latency)
    {
        lock (_gate) HedgeLatency ??= latency;
    }

    /// <summary>Ends the operation. Once ended (success above all) nothing changes it again: no rollback after success.</summary>
    public bool End(TwoLegOutcome outcome, string? error, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (Outcome != TwoLegOutcome.Running) return false;
            Outcome = outcome;
            Error = error;
            EndedAt = at;
            return true;
        }
    }

    public TwoLegView View()
    {
        lock (_gate)
        {
            return new TwoLegView(Id, Kind, Symbol, Reason, Strategy, Outcome, _legs.Select(l => l.View()).ToList(), _phases.ToList(), _dust.ToList(),
                RolledBack, Error, _notes.ToList(), StartedAt, EndedAt, HedgeLatency);
        }
    }
}
