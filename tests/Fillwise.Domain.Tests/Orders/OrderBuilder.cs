using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Orders;

/// <summary>Builds orders already standing in a given state, by driving them through legal events.</summary>
internal static class OrderBuilder
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly VenueOrderId Venue = new("ord-1");
    private static int _trade;

    public static Order New(decimal count = 100m) => new(
        new ClientOrderId("c-1"), new Fillwise.Domain.Instruments.InstrumentId("kalshi", "KXTEST-1:yes"), OrderSide.Buy,
        Quantity.Of(count), Price.Parse("0.45"), OrderPurpose.Entry, T0);

    public static OrderFilled Fill(decimal count, string? tradeId = null, string price = "0.45") =>
        new(new TradeId(tradeId ?? $"t-{Interlocked.Increment(ref _trade)}"), Quantity.Of(count), Price.Parse(price), Money.Parse("0.01"), true, T0);

    public static Order InState(OrderStatus status)
    {
        var o = New();
        void Do(OrderEvent e)
        {
            var r = o.Apply(e);
            if (!r.IsApplied) throw new InvalidOperationException(r.Reason);
        }
        switch (status)
        {
            case OrderStatus.Initialized: break;
            case OrderStatus.Denied: Do(new OrderDenied("limit", T0)); break;
            case OrderStatus.Submitted: Do(new OrderSubmitted(T0)); break;
            case OrderStatus.Resting: Do(new OrderSubmitted(T0)); Do(new OrderAccepted(Venue, T0)); break;
            case OrderStatus.PartiallyFilled: Do(new OrderSubmitted(T0)); Do(new OrderAccepted(Venue, T0)); Do(Fill(10)); break;
            case OrderStatus.Filled: Do(new OrderSubmitted(T0)); Do(new OrderAccepted(Venue, T0)); Do(Fill(100)); break;
            case OrderStatus.PendingCancel: Do(new OrderSubmitted(T0)); Do(new OrderAccepted(Venue, T0)); Do(new OrderCancelRequested(T0)); break;
            case OrderStatus.Canceled: Do(new OrderSubmitted(T0)); Do(new OrderAccepted(Venue, T0)); Do(new OrderCanceled(T0)); break;
            case OrderStatus.Rejected: Do(new OrderSubmitted(T0)); Do(new OrderRejected(Fillwise.Domain.Venues.RejectionReason.Other, "invalid_order", "bad", T0)); break;
            case OrderStatus.Expired: Do(new OrderSubmitted(T0)); Do(new OrderAccepted(Venue, T0)); Do(new OrderExpired(T0)); break;
            default: throw new ArgumentOutOfRangeException(nameof(status));
        }
        if (o.Status != status) throw new InvalidOperationException($"built {o.Status}, wanted {status}");
        return o;
    }

    public static OrderEvent Sample(OrderEventKind kind) => kind switch
    {
        OrderEventKind.Submit => new OrderSubmitted(T0),
        OrderEventKind.Deny => new OrderDenied("risk", T0),
        OrderEventKind.OutcomeUnknown => new OrderOutcomeUnknown("timeout", T0),
        OrderEventKind.Accept => new OrderAccepted(Venue, T0),
        OrderEventKind.Reject => new OrderRejected(Fillwise.Domain.Venues.RejectionReason.Other, "invalid_order", "nope", T0),
        OrderEventKind.Fill => Fill(10),
        OrderEventKind.CancelRequest => new OrderCancelRequested(T0),
        OrderEventKind.Cancel => new OrderCanceled(T0),
        OrderEventKind.CancelReject => new OrderCancelRejected("not_found", T0),
        OrderEventKind.Expire => new OrderExpired(T0),
        OrderEventKind.StatusReport => new OrderStatusReported(Venue, VenueOrderState.Open, Quantity.Zero, T0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
