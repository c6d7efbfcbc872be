using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Execution;

public class PlaceAndConfirmTests
{
    private static EntryRequest Buy(decimal count, string price = "0.45", AcceptancePolicy? policy = null) =>
        new(EngineHarness.Ticker, OutcomeSide.Yes, Contracts.Of(count), ContractPrice.Parse(price), "test",
            StopLoss: ContractPrice.Parse("0.40"), Acceptance: policy, FillTimeout: TimeSpan.FromSeconds(3));

    [Fact]
    public async Task Seed_001_partial_entry_creates_a_position_only_for_what_filled()
    {
        using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 50);

        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));

        Assert.Equal(ConfirmationOutcome.Partial, result.Confirmation.Outcome);
        Assert.Equal(Contracts.Of(50), result.Confirmation.Filled);
        var position = Assert.Single(h.Portfolio.OpenPositions);
        Assert.Equal(Contracts.Of(50), position.Contracts);
        Assert.Equal(Contracts.Of(100), position.Plan.RequestedContracts);
        Assert.Equal(result.Confirmation.OrderId, position.EntryOrderId);
        Assert.Equal(ContractPrice.Parse("0.40"), position.Plan.StopLoss);
        // The remainder was canceled: nothing rests on the venue.
        Assert.All(h.Venue.Orders, o => Assert.NotEqual(Domain.Orders.VenueOrderStatus.Resting, o.Status));
        Assert.Equal(OrderStatus.Canceled, result.Confirmation.Order.Status);
        var m = h.Metrics.Snapshot();
        Assert.Equal((1, 0, 1, 0), (m.EntryOrdersPlaced, m.EntryOrdersFullFilled, m.EntryOrdersPartialFilled, m.EntryOrdersFailed));
    }

    [Fact]
    public async Task A_full_fill_is_filled()
    {
        using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 100, FillYesPrice: ContractPrice.Parse("0.44"));
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, result.Confirmation.Outcome);
        Assert.Equal(Contracts.Of(100), h.Portfolio.OpenPositions.Single().Contracts);
        Assert.Equal(0.44m, result.Confirmation.AverageFillPrice);
        Assert.Equal(-0.01m, result.Confirmation.Slippage); // paid a cent less than the limit
    }

    [Fact]
    public async Task No_fill_means_no_position()
    {
        using var h = new EngineHarness();
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Unfilled, result.Confirmation.Outcome);
        Assert.Empty(h.Portfolio.OpenPositions);
        Assert.Equal(1, h.Metrics.Snapshot().EntryOrdersFailed);
    }

    [Fact]
    public async Task A_rejection_is_rejected_and_opens_nothing()
    {
        using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Reject, Code: "insufficient_balance");
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Rejected, result.Confirmation.Outcome);
        Assert.Contains("insufficient_balance", result.Confirmation.Error, StringComparison.Ordinal);
        Assert.Empty(h.Portfolio.OpenPositions);
    }

    [Fact]
    public async Task A_lost_answer_is_resolved_by_asking_and_never_placed_twice()
    {
        using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.LoseAnswer, FillNow: 100);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, result.Confirmation.Outcome);
        Assert.Single(h.Venue.Orders);
        Assert.Equal(1, h.Venue.SubmitCalls);
        Assert.Equal(Contracts.Of(100), h.Portfolio.OpenPositions.Single().Contracts);
    }

    [Fact]
    public async Task A_create_that_never_reached_the_venue_is_resent_with_the_same_id()
    {
        using var h = new EngineHarness();
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
        using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.LoseBeforeVenue);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Unknown, result.Confirmation.Outcome);
        Assert.True(result.Confirmation.Order.IsOutcomeUnknown);
        Assert.Equal(OrderStatus.Submitted, result.Confirmation.Order.Status);
        Assert.Contains(result.Confirmation.Order, h.Tracker.OpenOrders);
    }

    [Fact]
    public async Task A_fill_racing_the_cancel_is_counted()
    {
        using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 30);
        h.Venue.BeforeCancel = o => h.Venue.Fill(o, 20);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        Assert.Equal(Contracts.Of(50), result.Confirmation.Filled);
        Assert.Equal(Contracts.Of(50), h.Portfolio.OpenPositions.Single().Contracts);
        Assert.Equal(OrderStatus.Canceled, result.Confirmation.Order.Status);
    }

    [Fact]
    public async Task A_fill_seen_by_stream_and_by_rest_counts_once()
    {
        using var h = new EngineHarness();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 40);
        var entry = h.Run(() => h.Entries.EnterAsync(Buy(100), CancellationToken.None));
        // The stream delivers the same fills the REST fallback will find.
        await Task.Delay(20);
        foreach (var f in h.Venue.Orders.SelectMany(o => o.Fills)) h.Tracker.ApplyVenueFill(f);
        var result = await entry;
        Assert.Equal(Contracts.Of(40), result.Confirmation.Filled);
        Assert.Equal(Contracts.Of(40), h.Portfolio.OpenPositions.Single().Contracts);
    }

    [Fact]
    public async Task Seed_004_acceptance_policy_exits_a_partial_below_the_ratio()
    {
        using var h = new EngineHarness();
        h.Quotes.Bids[(EngineHarness.Ticker, OutcomeSide.Yes)] = ContractPrice.Parse("0.44");
        h.Venue.OnSubmit = (intent, _) => intent.Purpose == OrderPurpose.Entry
            ? new SubmitScript(SubmitKind.Accept, FillNow: 50)
            : new SubmitScript(SubmitKind.Accept, FillNow: intent.Count.Value);
        var result = await h.Run(() => h.Entries.EnterAsync(Buy(100, policy: new AcceptancePolicy(0.8m)), CancellationToken.None));
        Assert.False(result.Kept);
        Assert.NotNull(result.Unwound);
        Assert.Empty(h.Portfolio.OpenPositions);
        var closed = Assert.Single(h.Portfolio.ClosedPositions);
        Assert.Equal("acceptance_policy", closed.LastExitReason);
    }
}
