using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Arbitrage;

public enum TwoLegKind
{
    Open,
    Close,
}

public enum TwoLegOutcome
{
    Running,
    Success,
    Failed,
}

/// <summary>The phases an operation may enter, in the order it can enter them (CONTRACTS.md §3).</summary>
public enum TwoLegPhase
{
    /// <summary>Both legs post-only at the touch (plus the offset), reduce-only when closing.</summary>
    Passive,
    /// <summary>A limit at the price that makes the pair break even against the other leg's fills.</summary>
    BreakEven,
    /// <summary>One tick inside the spread from the far side.</summary>
    Inside,
    /// <summary>At the far touch.</summary>
    Touch,
    /// <summary>Beyond the far touch.</summary>
    Cross,
    /// <summary>Immediate-or-cancel at a bounded worst price.</summary>
    Market,
    /// <summary>A residual below a venue's minimum, tried reduce-only on the leg that holds it.</summary>
    Hedge,
    /// <summary>An open that could not be hedged: the exposure it created, read from the venues, reduced again.</summary>
    Rollback,
}

public static class TwoLegText
{
    public static string Wire(TwoLegKind kind) => kind == TwoLegKind.Open ? "open" : "close";

    public static string Wire(TwoLegOutcome outcome) => outcome switch
    {
        TwoLegOutcome.Success => "success",
        TwoLegOutcome.Failed => "failed",
        _ => "running",
    };

    public static string Wire(TwoLegPhase phase) => phase switch
    {
        TwoLegPhase.Passive => "passive",
        TwoLegPhase.BreakEven => "break_even",
        TwoLegPhase.Inside => "inside",
        TwoLegPhase.Touch => "touch",
        TwoLegPhase.Cross => "cross",
        TwoLegPhase.Market => "market",
        TwoLegPhase.Hedge => "hedge",
        _ => "rollback",
    };

    public static bool TryParse(string? text, out TwoLegPhase phase)
    {
        foreach (var p in Enum.GetValues<TwoLegPhase>())
        {
            if (Wire(p) == text)
            {
                phase = p;
                return true;
            }
        }
        phase = default;
        return false;
    }

    /// <summary>Why a close is asked for (CONTRACTS.md §3); the strategy and people use the same words.</summary>
    public static IReadOnlySet<string> CloseReasons { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "funding_erosion", "divergence_flipped", "time_limit", "manual", "critical",
    };
}

/// <summary>One order of a leg as a reader sees it.</summary>
public sealed record TwoLegOrderView(
    ClientOrderId ClientOrderId,
    VenueOrderId? OrderId,
    TwoLegPhase Phase,
    OrderSide Side,
    Price Price,
    Quantity Quantity,
    Quantity Filled,
    OrderStatus Status,
    bool PostOnly,
    bool ReduceOnly);

/// <summary>
/// One leg: the venue and the side it trades, its target (from the venue's position when closing,
/// from the other leg's fills when opening), what its orders filled (net of any rollback), at what
/// average price and for what fees.
/// </summary>
public sealed record TwoLegLegView(
    string Venue,
    InstrumentId Instrument,
    OrderSide Side,
    Quantity Target,
    Quantity Filled,
    Price? AveragePrice,
    Money Fees,
    IReadOnlyList<TwoLegOrderView> Orders,
    int QuantityDecimals,
    int PriceDecimals,
    Money MakerFees,
    Money TakerFees);

/// <summary>A residual the venue would not trade (below its minimum): tracked, not hedged.</summary>
public sealed record TwoLegDust(string Venue, Quantity Quantity, string Why);

/// <summary>An immutable copy of a two-leg operation, for the control API, the dashboard, the journal.</summary>
public sealed record TwoLegView(
    string Id,
    TwoLegKind Kind,
    string Symbol,
    string Reason,
    string Strategy,
    TwoLegOutcome Outcome,
    IReadOnlyList<TwoLegLegView> Legs,
    IReadOnlyList<TwoLegPhase> Phases,
    IReadOnlyList<TwoLegDust> Dust,
    bool RolledBack,
    string? Error,
    IReadOnlyList<string> Notes,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    TimeSpan? HedgeLatency);
