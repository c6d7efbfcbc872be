using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Testing;
using static Fillwise.Domain.Tests.Orders.OrderBuilder;

namespace Fillwise.Domain.Tests.Orders;

public class OrderProperties
{
    // A step: a fill of (count) with a trade id drawn from a small pool (so duplicates happen),
    // a cancel request, a cancel, or a status report.
    private sealed record Step(int Kind, int Count, int TradeId);

    private static readonly Gen<Step> StepGen =
        from kind in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)))
        from count in Gen.Choose(1, 60)
        from trade in Gen.Choose(1, 12)
        select new Step(kind, count, trade);

    [Fact]
    public void Filled_never_exceeds_initial_and_every_overfill_is_reported()
    {
        var prop = Prop.ForAll(StepGen.ListOf().ToArbitrary(), (List<Step> steps) =>
        {
            var order = InState(OrderStatus.Resting);
            var applied = new Dictionary<int, int>();
            var expectedOverfills = 0;
            foreach (var s in steps)
            {
                OrderEvent e = s.Kind switch
                {
                    0 => Fill(s.Count, $"t{s.TradeId}"),
                    1 => new OrderCancelRequested(T0),
                    2 => new OrderCanceled(T0),
                    _ => new OrderStatusReported(Venue, VenueOrderState.Open, Quantity.Zero, T0),
                };
                var before = order.Filled;
                var legal = OrderTransitions.IsLegal(order.Status, e.Kind);
                var r = order.Apply(e);
                if (s.Kind == 0 && legal && !applied.ContainsKey(s.TradeId))
                {
                    if (before.Value + s.Count > order.Initial.Value)
                    {
                        expectedOverfills++;
                        if (r.Outcome != OrderEventOutcome.Refused) return false;
                    }
                    else
                    {
                        if (!r.IsApplied) return false;
                        applied[s.TradeId] = s.Count;
                    }
                }
                if (s.Kind == 0 && applied.ContainsKey(s.TradeId) && r.Outcome == OrderEventOutcome.Applied && before == order.Filled) return false;
                if (order.Filled > order.Initial) return false;
                if (order.Filled + order.Remaining != order.Initial) return false;
            }
            var overfills = order.Refusals.Count(x => x.Reason!.Contains("overfill", StringComparison.Ordinal));
            return overfills == expectedOverfills && order.Filled.Value == applied.Values.Sum();
        });
        PropertyCheck.Run(prop);
    }
}
