using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Restart;

public class RestartTests
{
    [Fact]
    public async Task An_open_position_and_its_stop_survive_a_restart_and_the_stop_still_fires()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        PositionId lot;
        await using (var first = new EngineHarness(journal, venue))
        {
            (_, lot) = await ExitTests.Holding50(stop: "0.40", harness: first);
        }

        await using var second = new EngineHarness(journal, venue);
        var report = await second.Engine.StartAsync(CancellationToken.None);
        Assert.Equal(1, report.Lots);
        var restored = Assert.Single(second.OpenLots);
        Assert.Equal((lot, Quantity.Of(50), Price.Parse("0.40"), Price.Parse("0.45")), (restored.Id, restored.Quantity, restored.StopLoss, restored.AverageEntryPrice));

        venue.SetBid(EngineHarness.Instrument, 0.38m);
        venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        var exit = Assert.Single(await second.Run(() => second.Monitor.CheckAsync(CancellationToken.None)));
        Assert.Equal(lot, exit.PositionId);
        Assert.Empty(second.OpenLots);
        Assert.Equal(ExitReason.StopLoss, second.ClosedLots.Single().Exits.Single().Reason);
    }

    [Fact]
    public async Task A_partial_exit_is_remembered_and_not_booked_twice_after_a_restart()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        await using (var first = new EngineHarness(journal, venue))
        {
            await ExitTests.Holding50(harness: first);
            venue.SetBid(EngineHarness.Instrument, 0.38m);
            venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 20);
            await first.Run(() => first.Monitor.CheckAsync(CancellationToken.None));
        }

        await using var second = new EngineHarness(journal, venue);
        await second.Engine.StartAsync(CancellationToken.None);
        var lot = Assert.Single(second.OpenLots);
        Assert.Equal(Quantity.Of(30), lot.Quantity);
        var exit = Assert.Single(lot.Exits);
        Assert.Equal((Quantity.Of(20), Money.Parse("-1.40"), ExitReason.StopLoss), (exit.Quantity, exit.GrossPnl, exit.Reason));
        await second.Engine.StopAsync(CancellationToken.None);
        // The journal holds the exit once: 20, not 20 again after the rebuild.
        var stored = await journal.GetPositionAsync(lot.Id);
        Assert.Equal(Quantity.Of(20), stored!.Exits.Aggregate(Quantity.Zero, (s, e) => s + e.Record.Quantity));
    }

    [Fact]
    public async Task An_order_live_at_the_crash_is_followed_after_restart_with_the_fills_made_while_down()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        var clock = new ManualTimeProvider();
        await using (var first = new EngineHarness(journal, venue, clock: clock))
        {
            // The entry rests on the venue; the engine goes down before its timeout.
            _ = first.Engine.EnterAsync(PlaceAndConfirmTests.Buy(100));
            await first.Until(() => venue.Orders.Count == 1 && first.Tracker.LiveOrders.Any(o => o.VenueOrderId is not null), "the entry rests on the venue");
        }
        // While the engine is down, 40 fill.
        venue.Fill(venue.Orders.Single(), 40);

        await using var second = new EngineHarness(journal, venue, clock: clock);
        var report = await second.Engine.StartAsync(CancellationToken.None);
        var restored = Assert.Single(report.Restored);
        Assert.Contains("live on the venue", restored.Resolution, StringComparison.Ordinal);
        // The lot exists for what filled, with the plan the entry was placed with.
        var lot = Assert.Single(second.OpenLots);
        Assert.Equal((Quantity.Of(40), Price.Parse("0.40"), Quantity.Of(100)), (lot.Quantity, lot.StopLoss, lot.RequestedQuantity));
        // It is followed to its end: past its deadline the remainder is canceled on the venue.
        await second.Until(() => venue.Orders.Single().State == VenueOrderState.Canceled, "the remainder is canceled");
        await second.Until(() => second.Tracker.LiveOrders.Count == 0, "nothing is live any more");
    }

    [Fact]
    public async Task An_intent_journaled_but_never_sent_is_closed_as_not_sent_and_never_resent()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        await using (var first = new EngineHarness(journal, venue))
        {
            first.Engine.Confirmation.AfterIntentJournaled = _ => throw new OperationCanceledException("crash between journal and send");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Run(() => first.Entries.EnterAsync(PlaceAndConfirmTests.Buy(10), CancellationToken.None)));
        }

        await using var second = new EngineHarness(journal, venue);
        var report = await second.Engine.StartAsync(CancellationToken.None);
        Assert.Contains("never reached the venue", Assert.Single(report.Restored).Resolution, StringComparison.Ordinal);
        Assert.Equal(0, venue.SubmitCalls);
        await second.Engine.StopAsync(CancellationToken.None);
        Assert.Empty(await journal.GetUnfinishedOrdersAsync());
    }
}
