using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using static Fillwise.Domain.Tests.Orders.OrderBuilder;

namespace Fillwise.Domain.Tests.Orders;

public class OrderTests
{
    [Fact]
    public void A_fill_can_arrive_after_the_cancel()
    {
        var order = InState(OrderStatus.PartiallyFilled); // 10 of 100
        Assert.True(order.Apply(new OrderCanceled(T0)).IsApplied);
        var late = order.Apply(Fill(20));
        Assert.True(late.IsApplied);
        Assert.Equal(OrderStatus.Canceled, order.Status);
        Assert.Equal(Quantity.Of(30), order.Filled);
        Assert.Equal(Quantity.Of(70), order.Remaining);
    }

    [Fact]
    public void A_fill_completing_the_order_after_cancel_makes_it_filled()
    {
        var order = InState(OrderStatus.Canceled);
        Assert.True(order.Apply(Fill(100)).IsApplied);
        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    [Fact]
    public void Pending_cancel_keeps_partial_fills_and_completes_on_a_full_fill()
    {
        var order = InState(OrderStatus.PendingCancel);
        order.Apply(Fill(40));
        Assert.Equal(OrderStatus.PendingCancel, order.Status);
        order.Apply(Fill(60));
        Assert.Equal(OrderStatus.Filled, order.Status);
    }

    [Fact]
    public void A_duplicate_trade_id_is_ignored()
    {
        var order = InState(OrderStatus.Resting);
        Assert.True(order.Apply(Fill(10, "t-dup")).IsApplied);
        var again = order.Apply(Fill(10, "t-dup"));
        Assert.Equal(OrderEventOutcome.Duplicate, again.Outcome);
        Assert.Equal(Quantity.Of(10), order.Filled);
        Assert.Single(order.Fills);
        Assert.Empty(order.Refusals);
    }

    [Fact]
    public void An_overfill_is_refused_and_reported()
    {
        var order = InState(OrderStatus.Resting);
        order.Apply(Fill(90));
        var over = order.Apply(Fill(20));
        Assert.Equal(OrderEventOutcome.Refused, over.Outcome);
        Assert.Contains("overfill", over.Reason, StringComparison.Ordinal);
        Assert.Equal(Quantity.Of(90), order.Filled);
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
        Assert.Single(order.Refusals);
    }

    [Fact]
    public void An_unknown_outcome_stays_in_flight_until_the_venue_answers()
    {
        var order = InState(OrderStatus.Submitted);
        order.Apply(new OrderOutcomeUnknown("response dropped", T0));
        Assert.Equal(OrderStatus.Submitted, order.Status);
        Assert.True(order.IsOutcomeUnknown);
        Assert.True(order.MayBeLiveOnVenue);

        order.Apply(new OrderStatusReported(Venue, VenueOrderState.Open, Quantity.Zero, T0));
        Assert.False(order.IsOutcomeUnknown);
        Assert.Equal(OrderStatus.Resting, order.Status);
        Assert.Equal(Venue, order.VenueOrderId);
    }

    [Fact]
    public void A_venue_report_of_more_fills_than_we_hold_asks_for_the_fills_but_invents_none()
    {
        var order = InState(OrderStatus.Resting);
        order.Apply(new OrderStatusReported(Venue, VenueOrderState.Filled, Quantity.Of(100), T0));
        Assert.Equal(OrderStatus.Resting, order.Status);
        Assert.True(order.HasUnseenFills);
        Assert.True(order.Filled.IsZero);

        order.Apply(Fill(100));
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.False(order.HasUnseenFills);
        // Agreeing is not news: nothing to journal, nothing changes.
        Assert.Equal(OrderEventOutcome.Duplicate, order.Apply(new OrderStatusReported(Venue, VenueOrderState.Filled, Quantity.Of(100), T0)).Outcome);
    }

    [Fact]
    public void An_order_the_venue_finished_with_less_than_asked_is_closed_once_its_fills_are_here()
    {
        // A reduce-only exit cut to the venue's position: 1 of 2 filled, the venue calls it executed.
        var order = InState(OrderStatus.Resting);
        order.Apply(new OrderCancelRequested(T0));
        order.Apply(new OrderStatusReported(Venue, VenueOrderState.Filled, Quantity.Of(1), T0));
        Assert.Equal(OrderStatus.PendingCancel, order.Status); // its fill is not here yet
        Assert.True(order.HasUnseenFills);

        order.Apply(new OrderFilled(new TradeId("t-cut"), Quantity.Of(1), Price.Parse("0.50"), Money.Zero, true, T0));
        var closed = order.Apply(new OrderStatusReported(Venue, VenueOrderState.Filled, Quantity.Of(1), T0));

        Assert.True(closed.IsApplied);
        Assert.Equal(OrderStatus.Canceled, order.Status);
        Assert.False(order.MayBeLiveOnVenue);
        Assert.Equal(Quantity.Of(1), order.Filled);
    }

    [Fact]
    public void A_repeated_report_of_the_same_state_is_not_news()
    {
        var order = InState(OrderStatus.Resting);
        Assert.Equal(OrderEventOutcome.Duplicate, order.Apply(new OrderStatusReported(Venue, VenueOrderState.Open, Quantity.Zero, T0)).Outcome);
        Assert.Empty(order.Refusals);
    }

    [Fact]
    public void A_report_for_another_venue_order_is_refused()
    {
        var order = InState(OrderStatus.Resting);
        var r = order.Apply(new OrderStatusReported(new VenueOrderId("ord-2"), VenueOrderState.Canceled, Quantity.Zero, T0));
        Assert.Equal(OrderEventOutcome.Refused, r.Outcome);
        Assert.Equal(OrderStatus.Resting, order.Status);
    }

    [Fact]
    public void A_rejected_cancel_returns_to_the_state_the_fills_say()
    {
        var order = InState(OrderStatus.PendingCancel);
        order.Apply(Fill(5));
        order.Apply(new OrderCancelRejected("not_found", T0));
        Assert.Equal(OrderStatus.PartiallyFilled, order.Status);
    }

    [Fact]
    public void Average_fill_price_and_fees_come_from_fills()
    {
        var order = InState(OrderStatus.Resting);
        order.Apply(Fill(10, price: "0.40"));
        order.Apply(Fill(30, price: "0.44"));
        Assert.Equal(Price.Parse("0.43"), order.AverageFillPrice);
        Assert.Equal(Money.Parse("0.02"), order.Commissions);
    }

    [Fact]
    public void An_order_of_zero_contracts_cannot_exist()
    {
        Assert.Throws<DomainException>(() => New(0m));
    }
}
