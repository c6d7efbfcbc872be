using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Execution;

public class ExitTests
{
    internal static async Task<(EngineHarness H, PositionId Lot)> Holding50(string stop = "0.40", string? takeProfit = null, EngineHarness? harness = null)
    {
        var h = harness ?? new EngineHarness();
        h.Venue.OnSubmit = (i, _) => i.Purpose == OrderPurpose.Entry ? new SubmitScript(SubmitKind.Accept, FillNow: 50) : SubmitScript.Accept;
        var entry = await h.Run(() => h.Entries.EnterAsync(new EntryRequest(EngineHarness.Instrument, PositionSide.Long, Quantity.Of(50), Price.Parse("0.45"), "test",
            StopLoss: Price.Parse(stop), TakeProfit: takeProfit is null ? null : Price.Parse(takeProfit)), CancellationToken.None));
        return (h, entry.PositionId);
    }

    [Fact]
    public async Task An_exit_the_venue_refuses_waits_longer_after_each_refusal_and_goes_again_once_it_may()
    {
        var (h, lot) = await Holding50();
        await using var _ = h;
        h.Venue.SetBid(EngineHarness.Instrument, 0.38m);
        h.Venue.OnSubmit = (i, _) => i.Purpose == OrderPurpose.Exit
            ? new SubmitScript(SubmitKind.Reject, Code: "invalid_order", Reason: RejectionReason.ReduceOnlyWouldIncrease) : SubmitScript.Accept;

        var refused = Assert.Single(await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None)));
        Assert.Equal(ConfirmationOutcome.Rejected, refused.Confirmation!.Outcome);
        // Still below the stop, but refused a moment ago: no order now, one after a second.
        Assert.Empty(h.Monitor.Evaluate());
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(h.Monitor.Evaluate());
        await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
        // The second refusal in a row waits two seconds.
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Monitor.Evaluate());
        h.Clock.Advance(TimeSpan.FromSeconds(1));

        // The venue takes it now: the lot closes, and the count of refusals is forgotten.
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 50);
        var filled = Assert.Single(await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None)));
        Assert.Equal(ConfirmationOutcome.Filled, filled.Confirmation!.Outcome);
        Assert.Equal(lot, Assert.Single(h.ClosedLots).Id);
        Assert.True(h.Exits.MayExitNow(lot));
        Assert.Equal(3, h.Metrics.Snapshot().ExitOrdersPlaced);
        Assert.Equal((1, 2, 4, 60), (ExitExecutor.RefusalBackoff(1).Seconds, ExitExecutor.RefusalBackoff(2).Seconds, ExitExecutor.RefusalBackoff(3).Seconds,
            (int)ExitExecutor.RefusalBackoff(12).TotalSeconds));
    }

    [Fact]
    public async Task An_exit_refused_because_the_venue_holds_less_asks_for_one_reconciliation_pass_after_the_quiet_period()
    {
        var (h, _) = await Holding50(harness: new EngineHarness(reconciliation: new Fillwise.Engine.Reconciliation.ReconciliationOptions { QuietPeriod = TimeSpan.FromSeconds(2) }));
        await using var __ = h;
        var passes = new List<string>();
        h.Engine.Reconciler.Completed += r => { lock (passes) passes.Add(r.Trigger); };
        h.Venue.SetBid(EngineHarness.Instrument, 0.38m);
        h.Venue.OnSubmit = (i, _) => i.Purpose == OrderPurpose.Exit
            ? new SubmitScript(SubmitKind.Reject, Code: "invalid_order", Reason: RejectionReason.ReduceOnlyWouldIncrease) : SubmitScript.Accept;

        await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
        // Two refusals, one pass asked for; none yet: the exit order is too fresh for the pass to judge.
        lock (passes) Assert.DoesNotContain("exit_refused", passes);

        h.Clock.Advance(TimeSpan.FromSeconds(3));
        await h.Until(() => { lock (passes) return passes.Contains("exit_refused"); }, "the pass the refusal asked for");
        lock (passes) Assert.Single(passes, p => p == "exit_refused");
    }

    [Fact]
    public async Task Seed_000_a_half_filled_stop_loss_exit_leaves_the_rest_protected()
    {
        var (h, lot) = await Holding50();
        await using var _ = h;
        // The best bid drops to 0.38 with 20 there: the exit sells 20.
        h.Venue.SetBid(EngineHarness.Instrument, 0.38m);
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 20);
        var first = await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));

        var exit = Assert.Single(first);
        Assert.Equal(ConfirmationOutcome.Partial, exit.Confirmation!.Outcome);
        var position = Assert.Single(h.OpenLots);
        Assert.Equal(Quantity.Of(30), position.Quantity);
        Assert.False(position.Closing);
        var booked = Assert.Single(position.Exits);
        Assert.Equal(Quantity.Of(20), booked.Quantity);
        Assert.Equal(Money.Parse("-1.40"), booked.GrossPnl);
        Assert.Equal(ExitReason.StopLoss, booked.Reason);

        // Still below the stop: the remainder is retried, and now 30 are bid.
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 30);
        var second = await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, Assert.Single(second).Confirmation!.Outcome);
        Assert.Empty(h.OpenLots);
        var closed = Assert.Single(h.ClosedLots);
        Assert.Equal(lot, closed.Id);
        Assert.Equal(2, closed.Exits.Count);
        Assert.Equal(Money.Parse("-3.50"), closed.Exits.Aggregate(Money.Zero, (s, e) => s + e.GrossPnl)); // 20 x -0.07 + 30 x -0.07
        var m = h.Metrics.Snapshot();
        Assert.Equal((2, 1, 1), (m.ExitOrdersPlaced, m.ExitOrdersFullFilled, m.ExitOrdersPartialFilled));
    }

    [Fact]
    public async Task No_bid_means_no_trigger()
    {
        var (h, _) = await Holding50();
        await using var _h = h;
        Assert.Empty(h.Monitor.Evaluate());
    }

    [Fact]
    public async Task Bid_above_the_stop_does_not_trigger_and_take_profit_does()
    {
        var (h, _) = await Holding50(takeProfit: "0.60");
        await using var _h = h;
        h.Venue.SetBid(EngineHarness.Instrument, 0.50m);
        Assert.Empty(h.Monitor.Evaluate());
        h.Venue.SetBid(EngineHarness.Instrument, 0.61m);
        var trigger = Assert.Single(h.Monitor.Evaluate());
        Assert.Equal(ExitReason.TakeProfit, trigger.Reason);
        Assert.Equal(Price.Parse("0.61"), trigger.Limit);
    }

    [Fact]
    public async Task Two_entries_on_one_market_keep_their_own_stops_and_only_the_crossed_one_exits()
    {
        var (h, wide) = await Holding50(stop: "0.30");
        await using var _h = h;
        var (_, tight) = await Holding50(stop: "0.40", harness: h);
        Assert.Equal(2, h.OpenLots.Count);
        Assert.Equal(Quantity.Of(100), h.OpenLots.Aggregate(Quantity.Zero, (s, l) => s + l.Quantity));

        h.Venue.SetBid(EngineHarness.Instrument, 0.38m);
        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        var exits = await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));

        Assert.Equal(tight, Assert.Single(exits).PositionId);
        var left = Assert.Single(h.OpenLots);
        Assert.Equal(wide, left.Id);
        Assert.Equal((Quantity.Of(50), Price.Parse("0.30")), (left.Quantity, left.StopLoss));
        // The exit sold exactly the tight lot's 50, not the market's 100.
        Assert.Equal(Quantity.Of(50), h.Venue.Orders.Single(o => o.Side == OrderSide.Sell).Initial);
    }

    [Fact]
    public async Task An_exit_order_is_the_only_thing_that_makes_a_position_closing()
    {
        var (h, lot) = await Holding50();
        await using var _h = h;
        Assert.False(h.OpenLots.Single().Closing);
        h.Venue.OnSubmit = (_, _) => SubmitScript.Accept; // rests, never fills
        var exiting = h.Run(() => h.Exits.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.50"), CancellationToken.None));
        await Task.Delay(20);
        Assert.True(h.OpenLots.Single().Closing);
        // A second exit while one is live is refused, not doubled.
        var second = await h.Exits.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.50"), CancellationToken.None);
        Assert.NotNull(second.Skipped);
        var result = await exiting;
        Assert.Equal(ConfirmationOutcome.Unfilled, result.Confirmation!.Outcome);
        Assert.False(h.OpenLots.Single().Closing);
        Assert.Equal(Quantity.Of(50), h.OpenLots.Single().Quantity);
        Assert.Single(h.Venue.Orders, o => o.ClientOrderId == result.Confirmation.ClientOrderId);
    }

    [Fact]
    public async Task Settlement_closes_the_position_at_the_venues_settlement_price()
    {
        var (h, _) = await Holding50();
        await using var _h = h;
        var settled = h.Portfolio.Settle(EngineHarness.Instrument, Price.Of(1m));
        Assert.Single(settled);
        var p = Assert.Single(h.ClosedLots);
        Assert.Equal(Money.Parse("27.50"), p.Exits.Single().GrossPnl); // 50 x (1 - 0.45)
        Assert.Empty(h.OpenLots);
    }
}
