using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Testing;

/// <summary>
/// A test double of a venue whose behaviour each test scripts: what a create does (accept, fill,
/// reject, lose the answer), what a cancel races. It keeps its own truth, like a venue, so tests
/// can compare the engine's beliefs with it. It speaks the engine's neutral ports.
/// </summary>
public sealed class ScriptedVenue : IExecutionClient, IExecutionReports, IMarketData, IInstrumentProvider
{
    public const string Name = "scripted";
    private readonly object _gate = new();
    private readonly string _venue;
    private readonly Channel<ExecutionEvent> _events = Channel.CreateUnbounded<ExecutionEvent>();
    private int _orderSeq, _tradeSeq;

    /// <param name="venue">The venue name it answers to ("scripted", or "kalshi" for code that builds Kalshi instrument ids).</param>
    public ScriptedVenue(string venue = Name) => _venue = venue;

    public string Venue => _venue;

    /// <summary>Which instruments this venue knows; the others are unknown to it (null instrument and status).</summary>
    public Func<InstrumentId, bool> Knows { get; set; } = _ => true;

    public static InstrumentId Instrument(string symbol = "KX-TEST:yes") => new(Name, symbol);

    /// <summary>A perpetual here: any symbol without a ":yes" / ":no" outcome ("ZEC-PERP"), on Aster's ZECUSDT rules.</summary>
    public static InstrumentId Perpetual(string symbol = "ZEC-PERP") => new(Name, symbol);

    public List<VenueOrder> Orders { get; } = [];

    /// <summary>Decides what a create does; default: accept and rest.</summary>
    public Func<OrderIntent, int, SubmitScript> OnSubmit { get; set; } = (_, _) => SubmitScript.Accept;

    /// <summary>Runs (before the create's answer) when a post-only order is expired as crossing: a test hands the report to the engine here, or later.</summary>
    public Action<OrderStatusReport>? OrderExpired { get; set; }

    /// <summary>Runs just before a cancel takes effect: a test can fill here to race the cancel.</summary>
    public Action<VenueOrder>? BeforeCancel { get; set; }

    /// <summary>Quotes by instrument; none means no book.</summary>
    public Dictionary<InstrumentId, Quote> Quotes { get; } = [];

    /// <summary>Statuses by instrument; an instrument not listed is open.</summary>
    public Dictionary<InstrumentId, InstrumentStatus> Statuses { get; } = [];

    /// <summary>
    /// The rules every instrument has here unless a test sets its own: an outcome ("MARKET:yes") is an
    /// event contract on a cent grid; anything else a perpetual with Aster's ZECUSDT filters (tick
    /// 0.01, step 0.001, minimum 5 USDT of notional, reduce-only spared it).
    /// </summary>
    public Func<InstrumentId, Instrument?> Rules { get; set; } = id => Complement(id) is null
        ? new Instrument(id, InstrumentKind.Perpetual, id.Symbol.Split('-')[0], [new PriceBand(Price.Of(0.01m), Price.Of(100_000m), Price.Of(0.01m))],
            Quantity.Of(0.001m), Quantity.Of(0.001m), Money.FromDollars(5m), true, quoteCurrency: "USDT")
        : new Instrument(id, InstrumentKind.EventContract, id.Symbol.Split(':')[0],
            [new PriceBand(Price.Of(0.01m), Price.Of(0.99m), Price.Of(0.01m))], Quantity.Of(0.01m), Quantity.Of(0.01m), Money.Zero, false,
            id.Symbol.EndsWith(":no", StringComparison.Ordinal) ? "no" : "yes", complement: Complement(id));

    /// <summary>The other outcome of a "MARKET:yes" / "MARKET:no" instrument.</summary>
    public static InstrumentId? Complement(InstrumentId id) =>
        id.Symbol.EndsWith(":yes", StringComparison.Ordinal) ? new(id.Venue, id.Symbol[..^4] + ":no")
        : id.Symbol.EndsWith(":no", StringComparison.Ordinal) ? new(id.Venue, id.Symbol[..^3] + ":yes")
        : null;

    public int SubmitCalls { get; private set; }

    /// <summary>The clock fills are stamped with (the epoch plus a second per fill when unset).</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>Someone else's order (another program, a person on the website) that fills at once: the engine never sent it.</summary>
    public VenueOrder ExternalTrade(InstrumentId instrument, OrderSide side, decimal quantity, decimal price)
    {
        lock (_gate)
        {
            var order = new VenueOrder(new VenueOrderId($"x{++_orderSeq}"), new ClientOrderId($"other-{_orderSeq}"), instrument, side, Price.Of(price), Quantity.Of(quantity));
            Orders.Add(order);
            FillLocked(order, quantity, price);
            return order;
        }
    }

    /// <summary>Someone else's order resting on the book.</summary>
    public VenueOrder ExternalResting(InstrumentId instrument, OrderSide side, decimal quantity, decimal price)
    {
        lock (_gate)
        {
            var order = new VenueOrder(new VenueOrderId($"x{++_orderSeq}"), new ClientOrderId($"other-{_orderSeq}"), instrument, side, Price.Of(price), Quantity.Of(quantity));
            Orders.Add(order);
            return order;
        }
    }

    /// <summary>Units that leave the account without a fill the engine can see (a transfer, a fill from before anyone asked).</summary>
    public void Vanish(InstrumentId instrument, decimal quantity) => Adjustments[instrument] = Adjustments.GetValueOrDefault(instrument) - quantity;

    /// <summary>Signed corrections to the positions the fills add up to.</summary>
    public Dictionary<InstrumentId, decimal> Adjustments { get; } = [];

    public void SetBid(InstrumentId instrument, decimal? bid, decimal? ask = null) =>
        Quotes[instrument] = new Quote(instrument, bid is { } b ? Price.Of(b) : null, bid is null ? null : Quantity.Of(100m),
            ask is { } a ? Price.Of(a) : null, ask is null ? null : Quantity.Of(100m), DateTimeOffset.UnixEpoch, false);

    /// <summary>Pushes an event onto the private stream, as the venue's WebSocket would.</summary>
    public void Publish(ExecutionEvent e) => _events.Writer.TryWrite(e);

    public Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            SubmitCalls++;
            if (Orders.Any(o => o.ClientOrderId == intent.ClientOrderId))
                return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Rejected(new Rejection(RejectionReason.DuplicateClientOrderId, "order_already_exists", "duplicate client_order_id")));
            var script = OnSubmit(intent, SubmitCalls);
            switch (script.Kind)
            {
                case SubmitKind.Reject:
                    return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Rejected(new Rejection(script.Reason, script.Code ?? "invalid_order", "scripted rejection")));
                case SubmitKind.LoseBeforeVenue:
                    return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Unknown("scripted: request lost"));
            }
            var order = new VenueOrder(new VenueOrderId($"v{++_orderSeq}"), intent.ClientOrderId, intent.Instrument, intent.Side, intent.LimitPrice, intent.Quantity);
            Orders.Add(order);
            if (script.Kind == SubmitKind.ExpirePostOnly)
            {
                // Aster's way with a crossing post-only (GTX) order: the venue takes it and ends it at once,
                // its stream says EXPIRED, and the create's answer is the engine's typed refusal.
                order.State = VenueOrderState.Expired;
                OrderExpired?.Invoke(order.Report());
                return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Rejected(new Rejection(RejectionReason.PostOnlyWouldCross, "EXPIRED", "post-only order would have crossed")));
            }
            if (script.FillNow > 0) FillLocked(order, script.FillNow, script.FillPrice ?? intent.LimitPrice.Value);
            if (script.Kind == SubmitKind.LoseAnswer)
                return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Unknown("scripted: response dropped"));
            return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Accepted(order.Id, order.Filled, order.Remaining));
        }
    }

    public void Fill(VenueOrder order, decimal quantity, decimal? price = null)
    {
        lock (_gate) FillLocked(order, quantity, price ?? order.LimitPrice.Value);
    }

    /// <summary>A fill matched before the venue processed our cancel, reported after it: what was canceled shrinks by it.</summary>
    public FillReport LateFill(VenueOrder order, decimal quantity, decimal? price = null)
    {
        lock (_gate)
        {
            var state = order.State;
            order.CanceledQuantity -= Quantity.Of(Math.Min(quantity, order.CanceledQuantity.Value));
            FillLocked(order, quantity, price ?? order.LimitPrice.Value);
            if (!order.Remaining.IsZero || order.CanceledQuantity > Quantity.Zero) order.State = state;
            return order.Fills[^1];
        }
    }

    private void FillLocked(VenueOrder order, decimal quantity, decimal price)
    {
        var q = Quantity.Of(Math.Min(quantity, order.Remaining.Value));
        if (q.IsZero) return;
        _tradeSeq++;
        order.Fills.Add(new FillReport(new TradeId($"tr{_tradeSeq}"), order.Instrument, order.Id, order.ClientOrderId, order.Side, q, Price.Of(price),
            Money.Parse("0.01"), true, Clock?.GetUtcNow() ?? DateTimeOffset.UnixEpoch.AddSeconds(_tradeSeq)));
        order.Filled += q;
        if (order.Remaining.IsZero) order.State = VenueOrderState.Filled;
    }

    public Task<CancelOutcome> CancelAsync(OrderRef orderRef, CancellationToken cancellationToken)
    {
        VenueOrder? order;
        lock (_gate) order = Orders.FirstOrDefault(o => o.Id == orderRef.VenueOrderId);
        if (order is null || order.State != VenueOrderState.Open)
            return Task.FromResult<CancelOutcome>(new CancelOutcome.NotFound("not open"));
        BeforeCancel?.Invoke(order);
        lock (_gate)
        {
            if (order.State != VenueOrderState.Open) return Task.FromResult<CancelOutcome>(new CancelOutcome.NotFound("not open"));
            var reduced = order.Remaining;
            order.State = VenueOrderState.Canceled;
            order.CanceledQuantity = reduced;
            return Task.FromResult<CancelOutcome>(new CancelOutcome.Canceled(reduced));
        }
    }

    public Task<OrderStatusReport> GetOrderAsync(OrderRef orderRef, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var order = Orders.FirstOrDefault(o => o.Id == orderRef.VenueOrderId)
                ?? throw new VenueException(VenueErrorKind.NotFound, "not_found", $"order {orderRef.VenueOrderId} not found");
            return Task.FromResult(order.Report());
        }
    }

    public Task<ResolveOutcome> ResolveAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var order = Orders.FirstOrDefault(o => o.ClientOrderId == clientOrderId);
            return Task.FromResult<ResolveOutcome>(order is null ? new ResolveOutcome.NotFound() : new ResolveOutcome.Found(order.Report()));
        }
    }

    public Task<IReadOnlyList<FillReport>> GetFillsAsync(OrderRef orderRef, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<FillReport>>(Orders.Where(o => o.Id == orderRef.VenueOrderId).SelectMany(o => o.Fills).ToList());
    }

    public Task<IReadOnlyList<FillReport>> GetFillsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<FillReport>>(Orders.SelectMany(o => o.Fills).Where(f => f.Time >= since).ToList());
    }

    public Task<IReadOnlyList<OrderStatusReport>> GetOpenOrdersAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<OrderStatusReport>>(Orders.Where(o => o.State == VenueOrderState.Open).Select(o => o.Report()).ToList());
    }

    /// <summary>What its fills add up to per instrument (buys long, sells short), at the average price of the side held.</summary>
    public Task<IReadOnlyList<PositionReport>> GetPositionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var positions = Orders.SelectMany(o => o.Fills).GroupBy(f => f.Instrument).Select(g =>
            {
                var net = g.Sum(f => f.Side == OrderSide.Buy ? f.Quantity.Value : -f.Quantity.Value) + Adjustments.GetValueOrDefault(g.Key);
                var held = g.Where(f => (f.Side == OrderSide.Buy) == (net > 0)).ToList();
                Price? avg = net == 0 || held.Count == 0 ? null
                    : Price.Of(Math.Round(held.Sum(f => f.Price.Value * f.Quantity.Value) / held.Sum(f => f.Quantity.Value), Price.MaxDecimals));
                return new PositionReport(g.Key, net >= 0 ? PositionSide.Long : PositionSide.Short, Quantity.Of(Math.Abs(net)), avg, null, null);
            }).ToList();
            return Task.FromResult<IReadOnlyList<PositionReport>>(positions);
        }
    }

    /// <summary>When set, balance reads fail with this message (the venue is unreachable).</summary>
    public string? AccountError { get; set; }

    /// <summary>The cash the account reports.</summary>
    public Money Balance { get; set; } = Money.Parse("1000");

    public Task<AccountReport> GetAccountAsync(CancellationToken cancellationToken) =>
        AccountError is { } error
            ? Task.FromException<AccountReport>(new VenueException(VenueErrorKind.Unknown, "unreachable", error))
            : Task.FromResult(new AccountReport(Balance, "USD", DateTimeOffset.UnixEpoch));

    public async IAsyncEnumerable<ExecutionEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken)) yield return e;
    }

    public Task WatchAsync(InstrumentId instrument, CancellationToken cancellationToken) => Task.CompletedTask;

    public Quote? GetQuote(InstrumentId instrument) => Quotes.GetValueOrDefault(instrument);

    public async IAsyncEnumerable<TradeTick> ReadTradesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    public Task<FundingInfo> GetFundingAsync(InstrumentId instrument, CancellationToken cancellationToken) =>
        throw new VenueException(VenueErrorKind.Rejected, "no_funding", "scripted instruments have no funding");

    public Task<Instrument?> GetInstrumentAsync(InstrumentId instrument, CancellationToken cancellationToken) =>
        Task.FromResult(Knows(instrument) ? Rules(instrument) : null);

    public Task<InstrumentStatus?> GetStatusAsync(InstrumentId instrument, CancellationToken cancellationToken) =>
        Task.FromResult(!Knows(instrument) ? null
            : Statuses.GetValueOrDefault(instrument) ?? new InstrumentStatus(instrument, InstrumentPhase.Open, null, null, "active"));
}

public enum SubmitKind { Accept, Reject, LoseAnswer, LoseBeforeVenue, ExpirePostOnly }

public sealed record SubmitScript(SubmitKind Kind, decimal FillNow = 0, decimal? FillPrice = null, string? Code = null, RejectionReason Reason = RejectionReason.Other)
{
    public static readonly SubmitScript Accept = new(SubmitKind.Accept);
}

public sealed class VenueOrder(VenueOrderId id, ClientOrderId clientOrderId, InstrumentId instrument, OrderSide side, Price limitPrice, Quantity initial)
{
    public VenueOrderId Id { get; } = id;
    public ClientOrderId ClientOrderId { get; } = clientOrderId;
    public InstrumentId Instrument { get; } = instrument;
    public OrderSide Side { get; } = side;
    public Price LimitPrice { get; } = limitPrice;
    public Quantity Initial { get; } = initial;
    public Quantity Filled { get; set; } = Quantity.Zero;
    public Quantity CanceledQuantity { get; set; } = Quantity.Zero;
    public Quantity Remaining => Initial - Filled - CanceledQuantity;
    public VenueOrderState State { get; set; } = VenueOrderState.Open;
    public List<FillReport> Fills { get; } = [];

    public OrderStatusReport Report() => new(Instrument, Id, ClientOrderId, Side, LimitPrice, State, Initial, Filled, Remaining, null);
}
