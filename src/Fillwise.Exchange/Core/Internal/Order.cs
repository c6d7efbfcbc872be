using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

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
    // Enums and flags as bytes: every order is kept for history, so each field costs per order ever placed.
    private readonly byte _side;
    private readonly byte _timeInForce;
    private readonly byte _selfTradePrevention;
    private byte _status;

    public required BookSide Side { get => (BookSide)_side; init => _side = checked((byte)value); }
    public required VenueTimeInForce TimeInForce { get => (VenueTimeInForce)_timeInForce; init => _timeInForce = checked((byte)value); }
    public required SelfTradePrevention SelfTradePrevention { get => (SelfTradePrevention)_selfTradePrevention; init => _selfTradePrevention = checked((byte)value); }
    // Times as UTC ticks: 8 bytes instead of 16 (24 nullable) per field, for every resting order.
    private readonly long _createdTicks;
    private long _lastUpdateTicks;
    private readonly long _expirationTicks;

    public required DateTimeOffset CreatedTime { get => new(_createdTicks, TimeSpan.Zero); init => _createdTicks = value.UtcTicks; }
    public bool PostOnly { get; init; }
    public bool ReduceOnly { get; init; }
    public bool CancelOnPause { get; init; }
    public DateTimeOffset? ExpirationTime
    {
        get => _expirationTicks == 0 ? null : new DateTimeOffset(_expirationTicks, TimeSpan.Zero);
        init => _expirationTicks = value?.UtcTicks ?? 0;
    }
    public OrderGroup? Group { get; init; }

    public string? ClientOrderId { get; set; }

    /// <summary>Yes-leg price in ticks of the market grid.</summary>
    public int YesTick { get; set; }

    public long InitialLots { get; set; }
    public long FilledLots { get; set; }
    public long RemainingLots { get; set; }
    public VenueOrderStatus Status { get => (VenueOrderStatus)_status; set => _status = checked((byte)value); }
    public DateTimeOffset LastUpdateTime { get => new(_lastUpdateTicks, TimeSpan.Zero); set => _lastUpdateTicks = value.UtcTicks; }

    // Micro-dollars (Money keeps 6 places, so these are exact).
    public long TakerFillCost { get; set; }
    public long MakerFillCost { get; set; }
    public long TakerFees { get; set; }
    public long MakerFees { get; set; }

    // FIFO queue links within one price level.
    public Order? Next { get; set; }
    public Order? Previous { get; set; }

    /// <summary>
    /// Formatted when read, not cached: the matching path never needs the string, and a cached id
    /// would keep ~100 bytes alive per order ever read.
    /// </summary>
    public string Id => Market.Exchange.Ids.OrderId(Sequence);

    public bool IsResting => Status == VenueOrderStatus.Resting;

    /// <summary>The leg this order bids on: a V2 bid is a YES bid, an ask is a NO bid.</summary>
    public OutcomeSide Leg => Side == BookSide.Bid ? OutcomeSide.Yes : OutcomeSide.No;

    /// <summary>The price index on its own leg's ladder.</summary>
    public int LegTick => Side == BookSide.Bid ? YesTick : Market.TickCount - YesTick;
}
