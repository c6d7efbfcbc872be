using Fillwise.Engine.Journal;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Storage.Tests;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Everything_is_there_after_dispose_and_reopen_and_unresolved_intents_come_back()
    {
        using var dir = new TempDataDirectory();
        var resolved = Journals.Intent("resolved");
        var pending = Journals.Intent("pending", purpose: OrderPurpose.Exit);
        var unknown = Journals.Intent("unknown-outcome", purpose: OrderPurpose.Hedge);
        var fill = Journals.Fill("trade-1", "resolved");
        var position = new JournalPosition(new PositionId("pos-1"), resolved.Instrument, Fillwise.Domain.Portfolio.PositionSide.Long, resolved.ClientOrderId,
            Quantity.Parse("50.00"), Price.Parse("0.3000"), Price.Parse("0.8000"), "whale-follower", "", Journals.T0);
        var exit = new JournalExit(position.PositionId, new VenueOrderId("v-" + pending.ClientOrderId), Quantity.Parse("20.00"), Price.Parse("0.8000"),
            Money.Parse("7.000000"), Money.Parse("0.011200"), Money.Parse("6.988800"), Journals.T0.AddMinutes(3), Fillwise.Domain.Portfolio.ExitReason.TakeProfit);
        var alert = new JournalEngineEvent("kill_switch", """{"reason":"daily_loss","limit":"50.0000"}""", Journals.T0.AddMinutes(4));

        await using (var journal = await Journals.OpenAsync(dir))
        {
            await journal.AppendIntentAsync(resolved);
            await journal.AppendIntentAsync(pending);
            await journal.AppendIntentAsync(unknown);
            await journal.AppendOrderEventAsync(new JournalOrderEvent(resolved.ClientOrderId, new VenueOrderId("v-1"), "executed", "{}", Journals.T0, ResolvesIntent: true));
            await journal.AppendOrderEventAsync(new JournalOrderEvent(unknown.ClientOrderId, null, "timeout", """{"after_ms":5000}""", Journals.T0));
            await journal.AppendFillAsync(fill);
            await journal.OpenPositionAsync(position);
            await journal.AppendExitAsync(exit);
            await journal.SetMetadataAsync(MetadataOwner.Position(position.PositionId), "why", "\"whale 0xabc bought 5k\"");
            await journal.AppendEngineEventAsync(alert);
        }

        await using (var journal = await Journals.OpenAsync(dir))
        {
            Assert.Equal([pending, unknown], (await journal.GetUnresolvedIntentsAsync()).Select(e => e.Record));
            Assert.Equal("timeout", Assert.Single(await journal.GetOrderEventsAsync(unknown.ClientOrderId)).Record.Kind);
            Assert.Equal(fill, Assert.Single(await journal.GetFillsByOrderAsync(resolved.ClientOrderId)).Record);
            var open = Assert.Single(await journal.GetOpenPositionsAsync());
            Assert.Equal(position, open.Position);
            Assert.Equal(exit, Assert.Single(open.Exits).Record);
            Assert.Equal("6.988800", JournalText.Money(open.Exits[0].Record.RealizedPnl));
            Assert.Equal("\"whale 0xabc bought 5k\"", (await journal.GetMetadataAsync(MetadataOwner.Position(position.PositionId)))["why"]);
            Assert.Equal(alert, Assert.Single(await journal.GetRecentEngineEventsAsync(10)).Record);

            // The journal keeps accepting appends after a restart, with sequences after the old ones.
            var next = await journal.AppendIntentAsync(Journals.Intent("after-restart"));
            Assert.True(next > (await journal.GetIntentAsync(unknown.ClientOrderId))!.Sequence);
        }
    }

    [Fact]
    public async Task A_completed_append_is_already_in_the_files_without_any_dispose()
    {
        // A crash is simulated by copying the files while the journal is still open: whatever a
        // reopen of the copy finds is what a restart after a kill -9 at that moment would find.
        using var dir = new TempDataDirectory();
        using var copy = new TempDataDirectory();
        await using var journal = await Journals.OpenAsync(dir);
        await journal.AppendIntentAsync(Journals.Intent("before-crash"));
        await journal.AppendFillAsync(Journals.Fill("t-crash", "before-crash"));

        foreach (var suffix in new[] { "", "-wal" })
        {
            var source = dir.DatabasePath + suffix;
            if (File.Exists(source))
            {
                // Read with sharing: the live journal keeps its handles.
                await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                await using var output = File.Create(copy.DatabasePath + suffix);
                await input.CopyToAsync(output);
            }
        }

        await using var recovered = await Journals.OpenAsync(copy);
        Assert.Equal("before-crash", Assert.Single(await recovered.GetUnresolvedIntentsAsync()).Record.ClientOrderId.Value);
        Assert.Single(await recovered.GetFillsByOrderAsync(new ClientOrderId("before-crash")));
    }

    [Fact]
    public async Task Dispose_writes_everything_already_accepted()
    {
        using var dir = new TempDataDirectory();
        var journal = await Journals.OpenAsync(dir);
        var appends = Enumerable.Range(0, 300).Select(i => journal.AppendIntentAsync(Journals.Intent($"q-{i}"))).ToList();
        await journal.DisposeAsync();
        await Task.WhenAll(appends);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => journal.AppendIntentAsync(Journals.Intent("late")));

        await using var reopened = await Journals.OpenAsync(dir);
        Assert.Equal(300, (await reopened.GetUnresolvedIntentsAsync()).Count);
    }
}
