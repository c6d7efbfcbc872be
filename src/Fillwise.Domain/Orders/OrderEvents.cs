using Fillwise.Domain.Values;

namespace Fillwise.Domain.Orders;

/// <summary>Something that happened to an order: ours (submit, cancel request) or the venue's.</summary>
public abstract record OrderEvent(DateTimeOffset Time)
{
    public abstract OrderEventKind Kind { get; }
}

public sealed record OrderSubmitted(DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.Submit;
}

public sealed record OrderDenied(string Reason, DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.Deny;
}

/// <summary>A timeout, 5xx, dropped answer or disconnect: the order may or may not exist on the venue.</summary>
public sealed record OrderOutcomeUnknown(string Reason, DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.OutcomeUnknown;
}

public sealed record OrderAccepted(VenueOrderId VenueOrderId, DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.Accept;
}

/// <summary>The venue (or the instrument's rules) refused the order; <paramref name="Code"/> is the venue's own code.</summary>
public sealed record OrderRejected(Venues.RejectionReason Why, string Code, string Reason, DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.Reject;
}

/// <summary>One execution, in the order's instrument's terms, with the commission the venue charged for it.</summary>
public sealed record OrderFilled(TradeId TradeId, Quantity Quantity, Price Price, Money Commission, bool IsTaker, DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.Fill;
}

public sealed record OrderCancelRequested(DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.CancelRequest;
}

public sealed record OrderCanceled(DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.Cancel;
}

public sealed record OrderCancelRejected(string Reason, DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.CancelReject;
}

public sealed record OrderExpired(DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.Expire;
}

/// <summary>
/// What the venue says when asked (REST order query, reconciliation). Its fill count is a claim:
/// contracts only count once their fills (with trade ids) are applied.
/// </summary>
public sealed record OrderStatusReported(VenueOrderId VenueOrderId, VenueOrderState State, Quantity Filled, DateTimeOffset Time) : OrderEvent(Time)
{
    public override OrderEventKind Kind => OrderEventKind.StatusReport;
}
