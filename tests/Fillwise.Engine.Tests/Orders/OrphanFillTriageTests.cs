using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Orders;

/// <summary>
/// A fill of an order the engine does not track is judged before anyone is alarmed: a finished
/// order's fill read again is known, a late fill of our own finished order is booked, and only a
/// fill nobody here made is an orphan (found by the chaos story, where resyncs raised false alarms).
/// </summary>
public class OrphanFillTriageTests
{
    [Fact]
    public async Task A_finished_orders_fill_read_again_after_a_restart_is_known_and_raises_nothing()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        await using (var first = new EngineHarness(journal, venue))
            await ExitTests.Holding50(harness: first);
        var entryFill = venue.Orders.Single().Fills.Single();

        await using var second = new EngineHarness(journal, venue);
        await second.Run(() => second.Engine.StartAsync(CancellationToken.None));
        second.Engine.OnExecutionEvent(new ExecutionEvent.FillReported(entryFill));
        await second.Until(() => second.Tracker.KnowsTrade(entryFill.TradeId), "the journal says the trade is known");

        Assert.DoesNotContain(second.Engine.Anomalies.Recent, a => a.Kind == Anomalies.OrphanFill);
        Assert.Empty(second.Tracker.OrphanFills);
        Assert.Equal(Quantity.Of(50), Assert.Single(second.OpenLots).Quantity);
    }

    [Fact]
    public async Task A_late_fill_of_our_own_finished_exit_is_booked_to_its_position_once()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        var clock = new ManualTimeProvider();
        PositionId lot;
        await using (var first = new EngineHarness(journal, venue, clock: clock))
        {
            (_, lot) = await ExitTests.Holding50(harness: first);
            // The exit rests unfilled and is canceled at its timeout: the engine is done with it.
            var exit = await first.Run(() => first.Engine.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.44")));
            Assert.Equal(Fillwise.Engine.Orders.ConfirmationOutcome.Unfilled, exit.Confirmation!.Outcome);
        }
        var exitOrder = venue.Orders.Single(o => o.Side == OrderSide.Sell);

        // After a restart (finished orders are not tracked again), the venue reports 20 of it filled.
        await using var second = new EngineHarness(journal, venue, clock: clock);
        await second.Run(() => second.Engine.StartAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));
        var late = venue.LateFill(exitOrder, 20);
        second.Engine.OnExecutionEvent(new ExecutionEvent.FillReported(late));
        await second.Until(() => second.OpenLots.Single().Quantity == Quantity.Of(30), "the late fill is booked");
        second.Engine.OnExecutionEvent(new ExecutionEvent.FillReported(late));
        await second.Until(() => second.Tracker.OrphanFills.Count == 0, "nothing is left as an orphan");

        var position = Assert.Single(second.OpenLots);
        Assert.Equal(Quantity.Of(20), Assert.Single(position.Exits).Quantity);
        Assert.DoesNotContain(second.Engine.Anomalies.Recent, a => a.Kind == Anomalies.OrphanFill);
        await second.Engine.Recorder.FlushAsync(CancellationToken.None);
        Assert.Contains(late.TradeId, await journal.GetKnownTradeIdsAsync([late.TradeId]));
    }

    [Fact]
    public async Task A_first_pass_without_a_checkpoint_books_a_fill_that_explains_a_difference_instead_of_writing_it_down()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        var clock = new ManualTimeProvider();
        await using (var first = new EngineHarness(journal, venue, clock: clock))
        {
            var (_, lot) = await ExitTests.Holding50(harness: first);
            await first.Run(() => first.Engine.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.44")));
        }
        venue.LateFill(venue.Orders.Single(o => o.Side == OrderSide.Sell), 20);

        await using var second = new EngineHarness(journal, venue, clock: clock);
        var start = await second.Run(() => second.Engine.StartAsync(CancellationToken.None));

        var found = Assert.Single(start.Reconciliation).Discrepancies;
        Assert.Contains(found, d => (d.Kind, d.Resolution) == (DiscrepancyKind.MissedFill, Resolution.BookedFill));
        Assert.DoesNotContain(found, d => d.Resolution == Resolution.CorrectedLocally);
        var position = Assert.Single(second.OpenLots);
        Assert.Equal((Quantity.Of(30), ExitReason.Manual), (position.Quantity, Assert.Single(position.Exits).Reason));
    }

    [Fact]
    public async Task A_fill_nobody_here_made_is_an_orphan_anomaly_once_its_grace_has_passed()
    {
        await using var h = new EngineHarness();
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        var external = h.Venue.ExternalTrade(EngineHarness.Instrument, OrderSide.Buy, 7, 0.42m).Fills.Single();

        h.Engine.OnExecutionEvent(new ExecutionEvent.FillReported(external));
        await h.Until(() => h.Engine.Anomalies.Recent.Any(a => a.Kind == Anomalies.OrphanFill), "the orphan is reported");

        Assert.Contains(external, h.Tracker.OrphanFills);
        Assert.Contains("never placed", h.Engine.Anomalies.Recent.Single(a => a.Kind == Anomalies.OrphanFill).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fill_its_order_event_and_the_position_it_opens_are_journaled_as_one_group()
    {
        var (h, lot) = await ExitTests.Holding50();
        await using var _ = h;
        await h.Engine.Recorder.FlushAsync(CancellationToken.None);

        var group = Assert.Single(h.Journal.Groups, g => g.OfType<JournalWrite.Fill>().Any());
        Assert.Contains(group, w => w is JournalWrite.OrderEvent { Record.Kind: nameof(OrderEventKind.Fill) });
        Assert.Contains(group, w => w is JournalWrite.OpenPosition p && p.Record.PositionId == lot);
    }

    [Fact]
    public async Task A_report_only_pass_calls_a_missed_fill_of_our_finished_order_ours_not_external()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        var clock = new ManualTimeProvider();
        PositionId lot;
        await using (var first = new EngineHarness(journal, venue, clock: clock))
        {
            await first.Run(() => first.Engine.StartAsync(CancellationToken.None));
            (_, lot) = await ExitTests.Holding50(harness: first);
            await first.Run(() => first.Engine.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.44")));
            await first.Run(() => first.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "test", true, CancellationToken.None));
        }
        clock.Advance(TimeSpan.FromSeconds(1));
        venue.LateFill(venue.Orders.Single(o => o.Side == OrderSide.Sell), 20);

        await using var reader = new EngineHarness(journal, venue, clock: clock);
        var report = Assert.Single(await reader.Run(() => reader.Engine.ReportAsync(CancellationToken.None)));

        var missed = Assert.Single(report.Discrepancies, d => d.Kind == DiscrepancyKind.MissedFill);
        Assert.Equal(Resolution.AlertOnly, missed.Resolution);
        Assert.DoesNotContain(report.Discrepancies, d => d.Kind == DiscrepancyKind.ExternalFill);
    }
}
