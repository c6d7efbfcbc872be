using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Portfolio;

/// <summary>
/// A domain position with the strategy's plan and its exit order. It is "closing" only while an
/// exit order may be live on the venue: closing is derived from that order, never a flag that can
/// outlive it (seed 000).
/// </summary>
public sealed class TrackedPosition
{
    internal TrackedPosition(Position position, PositionPlan plan, VenueOrderId? entryOrderId)
    {
        Position = position;
        Plan = plan;
        EntryOrderId = entryOrderId;
    }

    public Position Position { get; }
    public PositionPlan Plan { get; internal set; }
    public VenueOrderId? EntryOrderId { get; }

    /// <summary>The latest exit order, live or finished.</summary>
    public Order? ExitOrder { get; internal set; }

    /// <summary>Set between the exit intent and its order being tracked (the journal write).</summary>
    internal bool ExitStarting { get; set; }

    public string? LastExitReason { get; internal set; }

    public bool Closing => ExitStarting || ExitOrder is { MayBeLiveOnVenue: true };

    public MarketTicker Ticker => Position.Ticker;
    public OutcomeSide Side => Position.Side;
    public Contracts Contracts => Position.Contracts;
    public bool IsClosed => Position.IsClosed;
}
