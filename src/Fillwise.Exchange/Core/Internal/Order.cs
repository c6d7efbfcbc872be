using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>
/// One order's live state. Counts are kept as whole hundredths of a contract ("lots") and prices as
/// ticks of the market grid, so the hot matching path does integer work; decimals appear only where
/// money moves. The order is also its own FIFO queue node (intrusive links), which makes a cancel O(1).
/// </summary>
internal sealed class Order
{
    public required long Sequence { get; init; }
    public required Account Account { get; init; }
    public required Market Market { get; init; }
    public required BookSide Side { get; init; }
    public required TimeInForce TimeInForce { get; init; }
    public required SelfTradePrevention SelfTradePrevention { get; init; }
    public required DateTimeOffset CreatedTime { get; init; }
    public bool PostOnly { get; init; }
    public bool ReduceOnly { get; init; }
    public DateTimeOffset? ExpirationTime { get; init; }
    public OrderGroup? Group { get; init; }

    public string? ClientOrderId { get; set; }

    /// <summary>Yes-leg price in ticks of the market grid.</summary>
    public int YesTick { get; set; }

    public long InitialLots { get; set; }
    public long FilledLots { get; set; }
    public long RemainingLots { get; set; }
    public VenueOrderStatus Status { get; set; } = VenueOrderStatus.Resting;
    public DateTimeOffset LastUpdateTime { get; set; }

    // Micro-dollars (Money keeps 6 places, so these are exact).
    public long TakerFillCost { get; set; }
    public long MakerFillCost { get; set; }
    public long TakerFees { get; set; }
    public long MakerFees { get; set; }

    /// <summary>True while the order sits in a ladder (taker orders are matched before they rest).</summary>
    public bool InBook { get; set; }

    // FIFO queue links within one price level.
    public Order? Next { get; set; }
    public Order? Previous { get; set; }

    private string? _id;

    /// <summary>Formatted on first use: the matching path never needs the string.</summary>
    public string Id => _id ??= Market.Exchange.Ids.OrderId(Sequence);

    public bool IsResting => Status == VenueOrderStatus.Resting;

    /// <summary>The leg this order bids on: a V2 bid is a YES bid, an ask is a NO bid.</summary>
    public OutcomeSide Leg => Side == BookSide.Bid ? OutcomeSide.Yes : OutcomeSide.No;

    /// <summary>The price index on its own leg's ladder.</summary>
    public int LegTick => Side == BookSide.Bid ? YesTick : Market.TickCount - YesTick;
}
