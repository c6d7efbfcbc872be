using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Venues;

namespace Fillwise.Engine.Risk;

/// <summary>Bounds that keep a typo from becoming an order: no order above these is ever journaled or sent.</summary>
public sealed record OrderSanityLimits
{
    /// <summary>The most units one order may ask for.</summary>
    public Quantity MaxOrderQuantity { get; init; } = Quantity.Of(100_000m);

    /// <summary>The most one order may be worth at its limit price.</summary>
    public Money MaxOrderNotional { get; init; } = Money.FromDollars(1_000_000m);
}

/// <summary>What the gate said: allowed, or denied with the reason a person reads.</summary>
public readonly record struct GateDecision(bool Allowed, string? Reason)
{
    public static readonly GateDecision Allow = new(true, null);

    public static GateDecision Deny(string reason) => new(false, reason);
}

/// <summary>
/// The one gate every order passes before it is journaled or sent: the trading state, a market
/// known closed, the instrument's own rules, then (for orders that can add exposure) the sanity
/// bounds, the price against the live book, the cost against the venue's balance, and the limits on
/// open orders, positions and contracts per market. Exits and reduce-only orders only meet the
/// instrument's rules: nothing here may trap a position. The allowed path allocates nothing.
/// </summary>
public sealed class PreTradeGate
{
    private readonly TradingStates? _trading;
    private readonly ExposureBook? _exposure;
    private readonly AccountMonitor? _accounts;
    private readonly VenueRegistry? _venues;

    public PreTradeGate(OrderSanityLimits? limits = null, TradingStates? trading = null, RiskLimits? risk = null,
        ExposureBook? exposure = null, AccountMonitor? accounts = null, VenueRegistry? venues = null)
    {
        Limits = limits ?? new OrderSanityLimits();
        Risk = risk ?? RiskLimits.None;
        _trading = trading;
        _exposure = exposure;
        _accounts = accounts;
        _venues = venues;
    }

    public OrderSanityLimits Limits { get; }

    public RiskLimits Risk { get; }

    /// <summary>Every check but the exposure limits; reserves nothing.</summary>
    public GateDecision Check(OrderIntent intent, Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(instrument);
        if (intent.Instrument != instrument.Id) return GateDecision.Deny($"intent is for {intent.Instrument} but the rules are {instrument.Id}'s");
        var reducing = intent.Purpose == OrderPurpose.Exit || intent.ReduceOnly;
        // Exits reduce exposure: they pass a halt and a reducing state alike.
        if (!reducing && _trading?.Status is { Mode: not TradingMode.Active } status)
            return GateDecision.Deny($"trading is {TradingStatus.Wire(status.Mode)}: {status.Reason}");
        if (!reducing && _venues?.ClosedReason(intent.Instrument) is { } closed)
            return GateDecision.Deny($"market {intent.Instrument} is closed ({closed}): skipped");
        if (instrument.Check(intent.Quantity, intent.LimitPrice, intent.ReduceOnly) is { } violation)
            return GateDecision.Deny($"{violation.Reason}: {violation.Message}");
        if (reducing) return GateDecision.Allow;

        if (intent.Quantity > Limits.MaxOrderQuantity)
            return GateDecision.Deny($"quantity {intent.Quantity} is above the sanity bound of {Limits.MaxOrderQuantity} per order");
        var cost = intent.LimitPrice * intent.Quantity;
        if (cost > Limits.MaxOrderNotional)
            return GateDecision.Deny($"order worth {cost} {instrument.QuoteCurrency} is above the sanity bound of {Limits.MaxOrderNotional} per order");
        if (PriceAgainstBook(intent, instrument) is { } away) return GateDecision.Deny(away);
        // A perpetual is bought on margin: its notional is not what leaves the balance, and the
        // venue checks the margin itself (a refusal for funds halts through the kill switch).
        return instrument.Kind == InstrumentKind.Perpetual ? GateDecision.Allow : CostAgainstBalance(intent, cost);
    }

    /// <summary>
    /// <see cref="Check"/>, then the exposure limits against what is held, resting and already
    /// admitted; an order that passes is reserved until the tracker counts it (<see cref="Release"/>).
    /// </summary>
    public GateDecision Admit(OrderIntent intent, Instrument instrument)
    {
        var decision = Check(intent, instrument);
        if (!decision.Allowed || intent.Purpose == OrderPurpose.Exit || intent.ReduceOnly || _exposure is null) return decision;
        return _exposure.Admit(intent, (Gate: this, Instrument: instrument, Intent: intent), static (s, exposure, reserved) => s.Gate.Limit(s.Intent, s.Instrument, exposure, reserved));
    }

    /// <summary>The admitted order is tracked now, or will never be sent.</summary>
    public void Release(ClientOrderId id) => _exposure?.Release(id);

    private GateDecision Limit(OrderIntent intent, Instrument instrument, ExposureSnapshot exposure, ExposureBook.Reserved reserved)
    {
        if (exposure.OpenOrders + reserved.Entries + 1 > Risk.MaxOpenOrders)
            return GateDecision.Deny($"{exposure.OpenOrders + reserved.Entries} order(s) open: the limit is {Risk.MaxOpenOrders}");
        if (intent.Purpose == OrderPurpose.Entry && exposure.OpenPositions + reserved.Entries + 1 > Risk.MaxPositions)
            return GateDecision.Deny($"{exposure.OpenPositions + reserved.Entries} position(s) open: the limit is {Risk.MaxPositions}");
        if (instrument.Kind == InstrumentKind.EventContract)
        {
            // Kalshi nets a market's two outcomes: buying NO while YES is held sells the YES on the
            // venue, and the engine would hold two lots where the venue holds less (their exits then refused).
            if (instrument.Complement is { } other && (reserved.OtherOutcome == other || exposure.Holds(other)))
                return GateDecision.Deny($"{other} is held or being bought in this market: an entry on {intent.Instrument} would net against it on the venue (exit that position instead)");
            var after = exposure.ContractsIn(reserved.Market) + reserved.InMarket + intent.Quantity;
            if (after > Risk.MaxContractsPerMarket)
                return GateDecision.Deny($"{after} contracts held and resting in {reserved.Market.Symbol.Split(':')[0]} with this order: the limit is {Risk.MaxContractsPerMarket} per market");
        }
        return GateDecision.Allow;
    }

    private string? PriceAgainstBook(OrderIntent intent, Instrument instrument)
    {
        if (_venues is null || !_venues.Has(intent.Instrument.Venue)) return null;
        // No book, or a stale one: nothing to check against (the limit still bounds the price).
        if (_venues.For(intent.Instrument).MarketData.GetQuote(intent.Instrument) is not { IsStale: false } quote) return null;
        var band = Risk.MaxPriceDeviationPercent / 100m;
        if (intent.Side == OrderSide.Buy && quote.BestAsk is { } ask)
        {
            var highest = Math.Max(ask.Value * (1m + band), instrument.SnapToGrid(Price.Of(ask.Value + instrument.TickAt(ask).Value), up: true).Value);
            if (intent.LimitPrice.Value > highest)
                return $"buy limit {intent.LimitPrice} is more than {Risk.MaxPriceDeviationPercent}% above the best ask {ask}: a typo is not a trade";
        }
        if (intent.Side == OrderSide.Sell && quote.BestBid is { } bid)
        {
            var lowest = Math.Min(bid.Value * (1m - band), bid.Value - instrument.TickAt(bid).Value);
            if (intent.LimitPrice.Value < lowest)
                return $"sell limit {intent.LimitPrice} is more than {Risk.MaxPriceDeviationPercent}% below the best bid {bid}: a typo is not a trade";
        }
        return null;
    }

    private GateDecision CostAgainstBalance(OrderIntent intent, Money cost)
    {
        if (_accounts is null) return GateDecision.Allow;
        if (_accounts.For(intent.Instrument.Venue) is not { Balance: { } balance })
            return !Risk.RequireKnownBalance ? GateDecision.Allow : GateDecision.Deny($"the balance on {intent.Instrument.Venue} is not known yet: no order is sized against a made-up one");
        if (cost > balance) return GateDecision.Deny($"order costs {cost}, more than the {balance} available on {intent.Instrument.Venue}");
        var share = Money.FromDollars(balance.Dollars * Risk.MaxOrderCostPercentOfBalance / 100m);
        if (cost > share)
            return GateDecision.Deny($"order costs {cost}, more than {Risk.MaxOrderCostPercentOfBalance}% of the {balance} balance on {intent.Instrument.Venue}");
        return GateDecision.Allow;
    }
}
