using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

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
/// The one gate every order passes before it is journaled or sent. It checks the instrument's own
/// rules (price grid, step, minimums) and the sanity bounds; exposure-reducing orders (exits) are
/// spared the bounds that would trap a position.
/// </summary>
public sealed class PreTradeGate
{
    private readonly TradingStates? _trading;

    public PreTradeGate(OrderSanityLimits? limits = null, TradingStates? trading = null)
    {
        Limits = limits ?? new OrderSanityLimits();
        _trading = trading;
    }

    public OrderSanityLimits Limits { get; }

    public GateDecision Check(OrderIntent intent, Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(instrument);
        if (intent.Instrument != instrument.Id) return GateDecision.Deny($"intent is for {intent.Instrument} but the rules are {instrument.Id}'s");
        // Exits reduce exposure: they pass a halt and a reducing state alike.
        if (intent.Purpose != OrderPurpose.Exit && !intent.ReduceOnly && _trading?.Status is { Mode: not TradingMode.Active } status)
            return GateDecision.Deny($"trading is {TradingStatus.Wire(status.Mode)}: {status.Reason}");
        if (instrument.Check(intent.Quantity, intent.LimitPrice, intent.ReduceOnly) is { } violation)
            return GateDecision.Deny($"{violation.Reason}: {violation.Message}");
        if (intent.Purpose == OrderPurpose.Exit) return GateDecision.Allow;
        if (intent.Quantity > Limits.MaxOrderQuantity)
            return GateDecision.Deny($"quantity {intent.Quantity} is above the sanity bound of {Limits.MaxOrderQuantity} per order");
        var notional = intent.LimitPrice * intent.Quantity;
        if (notional > Limits.MaxOrderNotional)
            return GateDecision.Deny($"order worth {notional} {instrument.QuoteCurrency} is above the sanity bound of {Limits.MaxOrderNotional} per order");
        return GateDecision.Allow;
    }
}
