using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Execution;

public class PlaceAndConfirmTests
{
    internal static EntryRequest Buy(decimal count, string price = "0.45", AcceptancePolicy? policy = null, string stop = "0.40") =>
        new(EngineHarness.Instrument, PositionSide.Long, Quantity.Of(count), Price.Parse(price), "test",
            StopLoss: Price.Parse(stop), Acceptance: policy, FillTimeout: TimeSpan.FromSeconds(3));

    [Fact]
    public async Task Seed_001_partial_entry_creates_a_position_only_for_what_filled()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 50);

        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));

        Assert.Equal(ConfirmationOutcome.Partial, result.Confirmation.Outcome);
        Assert.Equal(Quantity.Of(50), result.Confirmation.Filled);
        var position = Assert.Single(h.OpenLots);
        Assert.Equal(Quantity.Of(50), position.Quantity);
        Assert.Equal(Quantity.Of(100), position.RequestedQuantity);
        Assert.Equal(result.Confirmation.OrderId, position.EntryOrderId);
        Assert.Equal(Price.Parse("0.40"), position.StopLoss);
        Assert.Equal(result.PositionId, position.Id);
        // The remainder was canceled: nothing rests on the venue.
        Assert.All(h.Venue.Orders, o => Assert.NotEqual(VenueOrderState.Open, o.State));
        Assert.Equal(OrderStatus.Canceled, result.Confirmation.Order.Status);
        var m = h.Metrics.Snapshot();
        Assert.Equal((1, 0, 1, 0), (m.EntryOrdersPlaced, m.EntryOrdersFullFilled, m.EntryOrdersPartialFilled, m.EntryOrdersFailed));
    }

    [Fact]
    public async Task A_full_fill_is_filled()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 100, FillPrice: 0.44m);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, result.Confirmation.Outcome);
        Assert.Equal(Quantity.Of(100), h.OpenLots.Single().Quantity);
        Assert.Equal(Price.Parse("0.44"), result.Confirmation.AverageFillPrice);
        Assert.Equal(-0.01m, result.Confirmation.Slippage); // paid a cent less than the limit
    }

    [Fact]
    public async Task No_fill_means_no_position()
    {
        await using var h = new EngineHarness();
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Unfilled, result.Confirmation.Outcome);
        Assert.Empty(h.OpenLots);
        Assert.Equal(1, h.Metrics.Snapshot().EntryOrdersFailed);
    }

    [Fact]
    public async Task A_rejection_is_typed_and_opens_nothing()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Reject, Code: "insufficient_balance", Reason: RejectionReason.InsufficientBalance);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Rejected, result.Confirmation.Outcome);
        Assert.Equal(RejectionReason.InsufficientBalance, result.Confirmation.Rejection!.Reason);
        Assert.Equal("insufficient_balance", result.Confirmation.Rejection.VenueCode);
        Assert.Equal(RejectionReason.InsufficientBalance, result.Confirmation.Order.RejectReason);
        Assert.Empty(h.OpenLots);
    }

    [Fact]
    public async Task An_order_outside_the_instruments_grid_or_above_the_sanity_bound_is_denied_before_anything_is_journaled()
    {
        await using var h = new EngineHarness();
        // Off the grid inside its bounds is snapped (LifecycleTests); outside them it is refused, never moved in.
        var offGrid = await h.Run(() => h.Entries.EnterAsync(Buy(10, price: "0.995"), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Denied, offGrid.Confirmation.Outcome);
        Assert.Contains("InvalidPrice", offGrid.Confirmation.Error, StringComparison.Ordinal);
        var huge = await h.Run(() => h.Entries.EnterAsync(Buy(999_999_999m), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Denied, huge.Confirmation.Outcome);
        Assert.Contains("sanity bound", huge.Confirmation.Error, StringComparison.Ordinal);
        Assert.Equal(0, h.Venue.SubmitCalls);
        Assert.Empty(await h.Journal.GetUnresolvedIntentsAsync());
    }

    [Fact]
    public async Task A_lost_answer_is_resolved_by_asking_and_never_placed_twice()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.LoseAnswer, FillNow: 100);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, result.Confirmation.Outcome);
        Assert.Single(h.Venue.Orders);
        Assert.Equal(1, h.Venue.SubmitCalls);
        Assert.Equal(Quantity.Of(100), h.OpenLots.Single().Quantity);
    }

    [Fact]
    public async Task A_create_that_never_reached_the_venue_is_resent_with_the_same_id()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, call) => call == 1 ? new SubmitScript(SubmitKind.LoseBeforeVenue) : new SubmitScript(SubmitKind.Accept, FillNow: 100);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, result.Confirmation.Outcome);
        var order = Assert.Single(h.Venue.Orders);
        Assert.Equal(result.Confirmation.ClientOrderId, order.ClientOrderId);
        Assert.Equal(2, h.Venue.SubmitCalls);
    }

    [Fact]
    public async Task An_unresolvable_outcome_stays_unknown_never_failed()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.LoseBeforeVenue);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Unknown, result.Confirmation.Outcome);
        Assert.True(result.Confirmation.Order.IsOutcomeUnknown);
        Assert.Equal(OrderStatus.Submitted, result.Confirmation.Order.Status);
        Assert.Contains(result.Confirmation.Order, h.Tracker.LiveOrders);
    }

    [Fact]
    public async Task A_fill_racing_the_cancel_is_counted()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 30);
        h.Venue.BeforeCancel = o => h.Venue.Fill(o, 20);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(Quantity.Of(50), result.Confirmation.Filled);
        Assert.Equal(Quantity.Of(50), h.OpenLots.Single().Quantity);
        Assert.Equal(OrderStatus.Canceled, result.Confirmation.Order.Status);
    }

    [Fact]
    public async Task A_fill_seen_by_stream_and_by_rest_counts_once()
    {
        await using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 40);
        var entry = h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        // The stream delivers the same fills the REST fallback will find.
        await Task.Delay(20);
        foreach (var f in h.Venue.Orders.SelectMany(o => o.Fills)) h.Tracker.ApplyVenueFill(f);
        var result = await entry;
        Assert.Equal(Quantity.Of(40), result.Confirmation.Filled);
        Assert.Equal(Quantity.Of(40), h.OpenLots.Single().Quantity);
    }

    [Fact]
    public async Task Seed_004_acceptance_policy_exits_a_partial_below_the_ratio()
    {
        await using var h = new EngineHarness();
        h.Venue.SetBid(EngineHarness.Instrument, 0.44m);
        h.Venue.OnSubmit = (intent, _) => intent.Purpose == OrderPurpose.Entry
            ? new SubmitScript(SubmitKind.Accept, FillNow: 50)
            : new SubmitScript(SubmitKind.Accept, FillNow: intent.Quantity.Value);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100, policy: new AcceptancePolicy(0.8m)), CancellationToken.None));
        Assert.False(result.Kept);
        Assert.NotNull(result.Unwound);
        Assert.Empty(h.OpenLots);
        var closed = Assert.Single(h.ClosedLots);
        Assert.Equal(ExitReason.AcceptancePolicy, Assert.Single(closed.Exits).Reason);
    }
}
