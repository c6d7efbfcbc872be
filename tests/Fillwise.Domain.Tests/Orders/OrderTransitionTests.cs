using Fillwise.Domain.Orders;

namespace Fillwise.Domain.Tests.Orders;

public class OrderTransitionTests
{
    public static TheoryData<OrderStatus, OrderEventKind> AllPairs()
    {
        var data = new TheoryData<OrderStatus, OrderEventKind>();
        foreach (var s in Enum.GetValues<OrderStatus>())
            foreach (var k in Enum.GetValues<OrderEventKind>())
                data.Add(s, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_pair_is_applied_exactly_when_the_table_allows_it(OrderStatus from, OrderEventKind kind)
    {
        var order = OrderBuilder.InState(from);
        var result = order.Apply(OrderBuilder.Sample(kind));

        if (OrderTransitions.IsLegal(from, kind))
        {
            // A venue answer that agrees with what the order already holds (a report, a late accept or
            // cancel) is legal but not news: ignored, never refused.
            var agreed = kind is OrderEventKind.StatusReport or OrderEventKind.Accept or OrderEventKind.Cancel
                && result.Outcome == OrderEventOutcome.Duplicate && order.Status == from;
            Assert.True(result.IsApplied || agreed, result.Reason);
            Assert.Contains(order.Status, OrderTransitions.Targets(from, kind));
        }
        else
        {
            Assert.Equal(OrderEventOutcome.Refused, result.Outcome);
            Assert.Equal(from, order.Status);
            Assert.Contains(result, order.Refusals);
            Assert.Contains(kind.ToString(), result.Reason, StringComparison.Ordinal);
        }
        Assert.Equal(order.Initial, order.Filled + order.Remaining);
    }

    [Fact]
    public void The_table_has_the_expected_number_of_legal_pairs()
    {
        var legal = Enum.GetValues<OrderStatus>().SelectMany(s => Enum.GetValues<OrderEventKind>().Where(k => OrderTransitions.IsLegal(s, k))).Count();
        Assert.Equal(36, legal);
    }

    [Theory]
    [InlineData(OrderStatus.Filled)]
    [InlineData(OrderStatus.Rejected)]
    [InlineData(OrderStatus.Denied)]
    public void Terminal_states_accept_no_change(OrderStatus terminal)
    {
        Assert.True(OrderTransitions.IsTerminal(terminal));
        foreach (var k in Enum.GetValues<OrderEventKind>())
        {
            foreach (var to in OrderTransitions.Targets(terminal, k)) Assert.Equal(terminal, to);
        }
    }
}
