using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Perp.Core;

/// <summary>What a reduce-only order does when it is larger than the position it can reduce.</summary>
public enum ReduceOnlyExcess
{
    /// <summary>Accepted; each fill is capped at what the position still holds, the rest expires (Aster, Binance).</summary>
    TrimOnFill,
    /// <summary>Refused when placed if larger than the position (a stricter venue).</summary>
    Refuse,
}

/// <summary>
/// One venue's rules on the shared perp core: its fee schedule, how it rounds fees and funding,
/// the leverage its simple margin uses, its reduce-only and minimum-size policies and how far a
/// market order may walk. The wire layer of each venue (Aster's REST, a Lighter-like sendTx) maps
/// the core's neutral outcomes to its own words; everything that changes what happens lives here.
/// </summary>
public sealed record PerpVenueRules
{
    /// <summary>Venue name used in instrument ids ("aster", "lighter").</summary>
    public required string Venue { get; init; }

    /// <summary>Fee rate on a resting order's fills (0.0001 = 1 bp; negative = rebate).</summary>
    public decimal MakerFeeRate { get; init; }

    /// <summary>Fee rate on a taking order's fills.</summary>
    public decimal TakerFeeRate { get; init; }

    /// <summary>Places fees are rounded to (half away from zero).</summary>
    public int FeeDecimals { get; init; } = 8;

    /// <summary>Places funding payments are rounded to (half away from zero).</summary>
    public int FundingDecimals { get; init; } = 8;

    /// <summary>
    /// The one leverage the simple margin model uses: initial margin = notional / leverage, on
    /// positions at the mark and on opening orders at their price. Cross margin; no liquidation.
    /// </summary>
    public int Leverage { get; init; } = 20;

    public ReduceOnlyExcess ReduceOnlyExcess { get; init; } = ReduceOnlyExcess.TrimOnFill;

    /// <summary>Reduce-only orders are spared the minimum notional (Aster: "unless you choose reduce only").</summary>
    public bool ReduceOnlyWaivesMinNotional { get; init; }

    /// <summary>Reduce-only orders are spared the minimum quantity too (Aster's LOT_SIZE still applies: false).</summary>
    public bool ReduceOnlyWaivesMinQuantity { get; init; }

    /// <summary>A market order fills no further than mark × (1 ± this) (Aster's marketTakeBound 0.05).</summary>
    public decimal MarketPriceBand { get; init; } = 0.05m;

    /// <summary>Open orders per account and symbol (Aster's MAX_NUM_ORDERS 200).</summary>
    public int MaxOpenOrdersPerSymbol { get; init; } = 200;

    /// <summary>Fills and orders an account keeps for queries (oldest forgotten first).</summary>
    public int HistoryPerAccount { get; init; } = 10_000;

    /// <summary>Aster's published schedule: maker 0.01 %, taker 0.035 %.</summary>
    public static PerpVenueRules Aster { get; } = new()
    {
        Venue = "aster",
        MakerFeeRate = 0.0001m,
        TakerFeeRate = 0.00035m,
        ReduceOnlyWaivesMinNotional = true,
    };

    /// <summary>
    /// Lighter's Standard account: no maker or taker fee; fees and funding in USDC's 6 places; no
    /// reduce-only waiver of <c>min_base_amount</c> / <c>min_quote_amount</c> (dust closes get 21706,
    /// perp-venues.md §7). Premium accounts pay fees: <see cref="LighterPremium"/>.
    /// </summary>
    public static PerpVenueRules Lighter { get; } = new()
    {
        Venue = "lighter",
        MakerFeeRate = 0m,
        TakerFeeRate = 0m,
        FeeDecimals = 6,
        FundingDecimals = 6,
        ReduceOnlyWaivesMinNotional = false,
        ReduceOnlyWaivesMinQuantity = false,
    };

    /// <summary>Lighter's Premium account (base tier): maker 0.002 %, taker 0.02 %.</summary>
    public static PerpVenueRules LighterPremium { get; } = Lighter with { MakerFeeRate = 0.00002m, TakerFeeRate = 0.0002m };

    /// <summary>Null when usable; otherwise what is wrong.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Venue)) return "venue name is empty";
        if (Math.Abs(MakerFeeRate) >= 0.1m || Math.Abs(TakerFeeRate) >= 0.1m) return "fee rates must be below 10 %";
        if (FeeDecimals is < 0 or > Money.MaxDecimals || FundingDecimals is < 0 or > Money.MaxDecimals) return "fee and funding decimals must be 0..12";
        if (Leverage is < 1 or > 200) return "leverage must be 1..200";
        if (MarketPriceBand is <= 0m or >= 1m) return "market price band must be between 0 and 1";
        if (MaxOpenOrdersPerSymbol < 1 || HistoryPerAccount < 1) return "order limits must be positive";
        return null;
    }
}
