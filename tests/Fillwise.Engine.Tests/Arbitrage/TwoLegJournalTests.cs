using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Engine.Arbitrage;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Arbitrage;

/// <summary>Two-leg operations are journaled phase by phase, announced as events, and known again after a restart.</summary>
public sealed class TwoLegJournalTests
{
    [Fact]
    public async Task Every_change_is_an_arb_event_and_a_journal_record_and_the_journals_last_word_is_the_answer()
    {
        await using var h = new TwoLegHarness();
        h.Hold(TwoLegHarness.AsterZec, -2.332m, 495.791668m);
        h.Hold(TwoLegHarness.LighterZec, 2.311m, 495.246m);
        await h.StartAsync();
        using var events = h.Engine.Events.Subscribe();
        SeedThreeClosingTests.FillRestingAfter(h, h.Aster, TimeSpan.FromSeconds(1));
        SeedThreeClosingTests.FillRestingAfter(h, h.Lighter, TimeSpan.FromSeconds(1));

        var op = await h.CloseAsync();

        var seen = new List<TwoLegView>();
        while (events.Reader.TryRead(out var e)) if (e is EngineEvent.ArbChanged a) seen.Add(a.Operation);
        Assert.All(seen, v => Assert.Equal(op.Id, v.Id));
        Assert.Equal(TwoLegOutcome.Running, seen[0].Outcome);
        Assert.Empty(seen[0].Phases);
        Assert.Contains(seen, v => v.Outcome == TwoLegOutcome.Running && v.Phases.SequenceEqual([TwoLegPhase.Passive]));
        Assert.Equal(TwoLegOutcome.Success, seen[^1].Outcome);

        await h.Engine.Recorder.FlushAsync(CancellationToken.None);
        var stored = await h.Journal.GetMetadataAsync(TwoLegBook.JournalOwner);
        Assert.Equal(TwoLegJson.ToJson(op).ToJsonString(), stored[op.Id]);
        Assert.Equal(TwoLegJson.ToJson(op).ToJsonString(), TwoLegJson.ToJson(TwoLegJson.FromJson(JsonNode.Parse(stored[op.Id]))).ToJsonString());
    }

    [Fact]
    public async Task An_engine_restarted_on_the_journal_knows_every_operation_and_ends_one_left_running_by_a_crash_as_interrupted()
    {
        var journal = new InMemoryJournal();
        TwoLegView done;
        await using (var first = new TwoLegHarness(journal: journal))
        {
            first.Hold(TwoLegHarness.AsterZec, -1m, 500m);
            first.Hold(TwoLegHarness.LighterZec, 1m, 499m);
            await first.StartAsync();
            SeedThreeClosingTests.FillRestingAfter(first, first.Aster, TimeSpan.FromSeconds(1));
            SeedThreeClosingTests.FillRestingAfter(first, first.Lighter, TimeSpan.FromSeconds(1));
            done = await first.CloseAsync();
        }
        // A crash in the middle of another operation leaves its last document, still running.
        var crashed = done with { Id = "arb-crashed-1", Outcome = TwoLegOutcome.Running, EndedAt = null, StartedAt = done.StartedAt.AddMinutes(1) };
        await journal.SetMetadataAsync(TwoLegBook.JournalOwner, crashed.Id, TwoLegJson.ToJson(crashed).ToJsonString());

        await using var second = new TwoLegHarness(journal: journal);
        await second.StartAsync();

        var all = second.Engine.ArbBook.All;
        Assert.Equal(["arb-crashed-1", done.Id], all.Select(v => v.Id));
        Assert.Equal(TwoLegJson.ToJson(done).ToJsonString(), TwoLegJson.ToJson(all[1]).ToJsonString());
        Assert.Equal(TwoLegOutcome.Failed, all[0].Outcome);
        Assert.StartsWith("interrupted by a restart", all[0].Error, StringComparison.Ordinal);
        await second.Engine.Recorder.FlushAsync(CancellationToken.None);
        Assert.Contains("\"outcome\":\"failed\"", (await journal.GetMetadataAsync(TwoLegBook.JournalOwner))["arb-crashed-1"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_stopped_mid_open_records_how_it_ended_and_the_next_start_follows_the_legs_resting_order_to_its_end()
    {
        var journal = new InMemoryJournal();
        var clock = new ManualTimeProvider();
        var first = new TwoLegHarness(journal: journal, clock: clock);
        await first.StartAsync();
        // Nothing fills: both passive orders rest.
        var running = first.StartOpen("1.000");
        for (var i = 0; i < 200 && (TwoLegHarness.Resting(first.Aster) is null || TwoLegHarness.Resting(first.Lighter) is null); i++)
        {
            await Task.Delay(2);
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.NotNull(TwoLegHarness.Resting(first.Aster));
        await first.DisposeAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        await using var second = new TwoLegHarness(journal: journal, clock: clock, venues: (first.Aster, first.Lighter));
        await second.StartAsync();
        var stopped = Assert.Single(second.Engine.ArbBook.All);
        Assert.Equal(TwoLegOutcome.Failed, stopped.Outcome);
        Assert.StartsWith("stopped with the engine", stopped.Error, StringComparison.Ordinal);
        // The legs' orders were rebuilt from the journal and are followed: canceled at their deadline, nothing left resting.
        var orders = stopped.Legs.SelectMany(l => l.Orders).Select(o => o.ClientOrderId).ToList();
        Assert.All(orders, id => Assert.NotNull(second.Engine.Tracker.Find(id)));
        await second.Run(() => Task.Delay(TimeSpan.FromSeconds(40), clock));
        Assert.Null(TwoLegHarness.Resting(second.Aster));
        Assert.Null(TwoLegHarness.Resting(second.Lighter));
        Assert.All(orders, id => Assert.Equal(OrderStatus.Canceled, second.Engine.Tracker.Find(id)!.Status));
        Assert.Equal(Quantity.Zero, stopped.Legs[0].Filled);
    }
}
