using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Portfolio;

/// <summary>
/// A lot with the strategy's plan and its exit order. It is "closing" only while an exit order
/// may be live on the venue: closing is derived from that order, never a flag that can outlive it
/// (seed 000). Mutated only by <see cref="PortfolioBook"/> under its lock.
/// </summary>
public sealed class TrackedLot
{
    internal TrackedLot(Lot lot, LotPlan plan, ClientOrderId? entryClientOrderId)
    {
        Lot = lot;
        Plan = plan;
        EntryClientOrderId = entryClientOrderId;
    }

    public Lot Lot { get; }
    public LotPlan Plan { get; internal set; }
    public ClientOrderId? EntryClientOrderId { get; }
    public VenueOrderId? EntryOrderId { get; internal set; }

    /// <summary>The latest exit order, live or finished.</summary>
    public Order? ExitOrder { get; internal set; }

    /// <summary>Set between the exit intent and its order being tracked (the journal write).</summary>
    internal bool ExitStarting { get; set; }

    public ExitReason? LastExitReason { get; internal set; }

    /// <summary>An exit someone asked for (kill switch, refused partial, manual) that waits for a price to sell at.</summary>
    public ExitReason? ExitRequested { get; internal set; }

    public bool Closing => ExitStarting || ExitOrder is { MayBeLiveOnVenue: true };

    public PositionId Id => Lot.Id;
    public InstrumentId Instrument => Lot.Instrument;
    public PositionSide Side => Lot.Side;
    public Quantity Quantity => Lot.Quantity;
    public bool IsClosed => Lot.IsClosed;
}

/// <summary>An immutable copy of one exit.</summary>
public sealed record ExitView(VenueOrderId? OrderId, ExitKind Kind, ExitReason Reason, Quantity Quantity, Price Price, Money GrossPnl, Money Fees, Money RealizedPnl, DateTimeOffset Time);

/// <summary>An immutable copy of a lot, for readers (control API, dashboard, reports).</summary>
public sealed record LotView(
    PositionId Id,
    InstrumentId Instrument,
    PositionSide Side,
    Quantity Quantity,
    Price? AverageEntryPrice,
    Money RealizedPnl,
    Money FeesPaid,
    Money FundingPaid,
    Price? StopLoss,
    Price? TakeProfit,
    bool Closing,
    VenueOrderId? EntryOrderId,
    ClientOrderId? EntryClientOrderId,
    Quantity? RequestedQuantity,
    string Strategy,
    string? Reason,
    IReadOnlyList<ExitView> Exits,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt)
{
    internal static LotView Of(TrackedLot t)
    {
        var lot = t.Lot;
        return new LotView(lot.Id, lot.Instrument, lot.Side, lot.Quantity, lot.AverageEntryPrice, lot.RealizedPnl, lot.FeesPaid, lot.FundingPaid,
            t.Plan.StopLoss, t.Plan.TakeProfit, t.Closing, t.EntryOrderId, t.EntryClientOrderId, t.Plan.RequestedQuantity, t.Plan.Strategy, t.Plan.Reason,
            lot.Exits.Select(e => new ExitView(e.OrderId, e.Kind, e.Reason, e.Quantity, e.AveragePrice, e.GrossPnl, e.Fees, e.RealizedPnl, e.Time)).ToList(),
            lot.OpenedAt, lot.ClosedAt);
    }
}
