using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Orders;

public class JournalReplayProperties
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Replaying_an_orders_journaled_events_rebuilds_exactly_the_order_the_engine_had()
    {
        var kinds = Gen.Elements(Enum.GetValues<OrderEventKind>()).ListOf();
        PropertyCheck.Run(Prop.ForAll(kinds.ToArbitrary(), Gen.Choose(1, 1000).ToArbitrary(), (List<OrderEventKind> list, int size) =>
        {
            var live = New(size);
            var journaled = new List<Journal.JournalOrderEvent>();
            var n = 0;
            foreach (var kind in list)
            {
                var e = Sample(kind, live, ref n);
                if (live.Apply(e).IsApplied) journaled.Add(OrderEventCodec.Encode(live, e));
            }
            var rebuilt = New(size);
            foreach (var stored in journaled)
                if (!rebuilt.Apply(OrderEventCodec.Decode(stored)).IsApplied) return false;
            return rebuilt.Status == live.Status && rebuilt.Filled == live.Filled && rebuilt.VenueOrderId == live.VenueOrderId
                && rebuilt.Commissions == live.Commissions && rebuilt.IsOutcomeUnknown == live.IsOutcomeUnknown
                && rebuilt.AverageFillPrice == live.AverageFillPrice && rebuilt.VenueReportedFilled == live.VenueReportedFilled
                && rebuilt.RejectReason == live.RejectReason
                && (journaled.Count == 0 || journaled[^1].FinishesOrder == live.IsClosedOnVenue);
        }));
    }

    private static Order New(int size) =>
        new(new ClientOrderId("c"), new InstrumentId("aster", "ZECUSDT"), OrderSide.Buy, Quantity.Of(size / 1000m), Price.Parse("495.791668"), OrderPurpose.Hedge, T0);

    private static OrderEvent Sample(OrderEventKind kind, Order order, ref int n) => kind switch
    {
        OrderEventKind.Submit => new OrderSubmitted(T0),
        OrderEventKind.Deny => new OrderDenied("risk", T0),
        OrderEventKind.OutcomeUnknown => new OrderOutcomeUnknown("timeout", T0),
        OrderEventKind.Accept => new OrderAccepted(new VenueOrderId("v1"), T0),
        OrderEventKind.Reject => new OrderRejected(RejectionReason.PostOnlyWouldCross, "EXPIRED", "would cross", T0),
        OrderEventKind.Fill => new OrderFilled(new TradeId($"t{n++}"), Quantity.Of(Math.Max(0.001m, Math.Round(order.Remaining.Value / 3m, 3))),
            Price.Parse("495.79"), Money.Parse("0.0001234"), n % 2 == 0, T0.AddSeconds(n)),
        OrderEventKind.CancelRequest => new OrderCancelRequested(T0),
        OrderEventKind.Cancel => new OrderCanceled(T0),
        OrderEventKind.CancelReject => new OrderCancelRejected("too late", T0),
        OrderEventKind.Expire => new OrderExpired(T0),
        _ => new OrderStatusReported(new VenueOrderId("v1"), (VenueOrderState)(n++ % 4), order.Filled, T0),
    };
}
