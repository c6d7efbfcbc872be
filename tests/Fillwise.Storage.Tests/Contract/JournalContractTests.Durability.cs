using Fillwise.Engine.Journal;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Storage.Tests;

public abstract partial class JournalContractTests
{
    [JournalFact]
    public async Task Everything_is_there_after_dispose_and_reopen_and_unresolved_intents_come_back()
    {
        var resolved = Journals.Intent("resolved");
        var pending = Journals.Intent("pending", purpose: OrderPurpose.Exit);
        var unknown = Journals.Intent("unknown-outcome", purpose: OrderPurpose.Hedge);
        var fill = Journals.Fill("trade-1", "resolved");
        var position = new JournalPosition(new PositionId("pos-1"), resolved.Instrument, Fillwise.Domain.Portfolio.PositionSide.Long, resolved.ClientOrderId,
            Quantity.Parse("50.00"), Price.Parse("0.3000"), Price.Parse("0.8000"), "whale-follower", "", Journals.T0);
        var exit = new JournalExit(position.PositionId, new VenueOrderId("v-" + pending.ClientOrderId), Quantity.Parse("20.00"), Price.Parse("0.8000"),
            Money.Parse("7.000000"), Money.Parse("0.011200"), Money.Parse("6.988800"), Journals.T0.AddMinutes(3), Fillwise.Domain.Portfolio.ExitReason.TakeProfit);
        var alert = new JournalEngineEvent("kill_switch", """{"reason":"daily_loss","limit":"50.0000"}""", Journals.T0.AddMinutes(4));

        await using (var journal = await OpenAsync())
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

        await using (var journal = await OpenAsync())
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


    [JournalFact]
    public async Task Dispose_writes_everything_already_accepted()
    {
        var journal = await OpenAsync();
        var appends = Enumerable.Range(0, 300).Select(i => journal.AppendIntentAsync(Journals.Intent($"q-{i}"))).ToList();
        await journal.DisposeAsync();
        await Task.WhenAll(appends);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => journal.AppendIntentAsync(Journals.Intent("late")));

        await using var reopened = await OpenAsync();
        Assert.Equal(300, (await reopened.GetUnresolvedIntentsAsync()).Count);
    }

    [JournalFact]
    public async Task Recorded_time_comes_from_the_injected_clock()
    {
        var clock = new Fillwise.Testing.ManualTimeProvider(new DateTimeOffset(2031, 7, 4, 9, 0, 0, TimeSpan.Zero));
        await using var journal = await OpenAsync(clock);
        await journal.AppendIntentAsync(Journals.Intent("t1"));
        clock.Advance(TimeSpan.FromMinutes(90));
        await journal.AppendEngineEventAsync(new JournalEngineEvent("alert", "{}", Journals.T0));
        Assert.Equal(new DateTimeOffset(2031, 7, 4, 9, 0, 0, TimeSpan.Zero), (await journal.GetIntentAsync(new ClientOrderId("t1")))!.RecordedAt);
        Assert.Equal(new DateTimeOffset(2031, 7, 4, 10, 30, 0, TimeSpan.Zero), Assert.Single(await journal.GetRecentEngineEventsAsync(1)).RecordedAt);
    }
}
