using Fillwise.Domain.Values;

namespace Fillwise.Engine.Risk;

/// <summary>
/// The pre-trade limits (CONTRACTS.md §1 `Risk:*`): checked for every order that can add exposure,
/// before it is journaled or sent. Exits and reduce-only orders are never held back by them.
/// </summary>
public sealed record RiskLimits
{
    /// <summary>Orders that may rest on the venues at once (entries, exits and hedges alike).</summary>
    public int MaxOpenOrders { get; init; } = 10;

    /// <summary>Per event-contract market (a binary market's two outcomes count together): units held plus resting in entries.</summary>
    public Quantity MaxContractsPerMarket { get; init; } = Quantity.Of(100m);

    /// <summary>Open positions (lots), counting entries in flight.</summary>
    public int MaxPositions { get; init; } = 3;

    /// <summary>One order's cost at its limit at most this share of its venue's balance.</summary>
    public decimal MaxOrderCostPercentOfBalance { get; init; } = 5m;

    /// <summary>A buy priced this far above the best ask (a sell this far below the best bid) is a typo, not a trade; at least one tick is always allowed.</summary>
    public decimal MaxPriceDeviationPercent { get; init; } = 10m;

    /// <summary>An order that can add exposure waits until its venue's balance has been read (never sized against a made-up one).</summary>
    public bool RequireKnownBalance { get; init; } = true;

    /// <summary>Limits that never bind (tests that exercise other things).</summary>
    public static readonly RiskLimits None = new()
    {
        MaxOpenOrders = int.MaxValue,
        MaxContractsPerMarket = Quantity.Of(1_000_000_000m),
        MaxPositions = int.MaxValue,
        MaxOrderCostPercentOfBalance = 100m,
        MaxPriceDeviationPercent = 1_000_000m,
        RequireKnownBalance = false,
    };
}
