using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Orders;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Issue 9's stories against the built-in exchange over loopback: each entry is its own position
/// with its own stop, positions and their stops survive a restart, and a fill made while the
/// stream was cut is learned from the resync without a duplicate.
/// </summary>
public sealed class EngineThatRemembers
{
    [Fact]
    public async Task An_entry_with_a_stop_survives_a_restart_and_the_stop_fires_after_it()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 50);
        PositionId lot;
        await using (var first = await world.StartTraderAsync())
        {
            var entry = await first.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(50, "0.45", stop: "0.40"), CancellationToken.None);
            Assert.Equal(ConfirmationOutcome.Filled, entry.Confirmation.Outcome);
            lot = entry.PositionId;
        }

        await using var restarted = await world.StartTraderAsync();
        var restored = Assert.Single(restarted.OpenLots);
        Assert.Equal((lot, Quantity.Of(50), Price.Parse("0.40")), (restored.Id, restored.Quantity, restored.StopLoss));

        // The bid drops below the stop after the restart: the restored stop fires.
        await world.RestAsync(BookSide.Bid, "0.38", 50);
        await Eventually.TrueAsync(() => Task.FromResult(restarted.ClosedLots.Any(l => l.Id == lot)), "the stop fired after the restart");
        Assert.Equal(ExitReason.StopLoss, restarted.ClosedLots.Single(l => l.Id == lot).Exits.Single().Reason);
        var venue = await world.TraderOnVenueAsync();
        Assert.Equal(0m, venue.Positions.Single().Position);
    }

    [Fact]
    public async Task Two_entries_on_one_market_with_different_stops_each_keep_their_own_and_only_the_crossed_one_exits()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 60);
        var wide = await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(30, "0.45", stop: "0.30"), CancellationToken.None);
        var tight = await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(30, "0.45", stop: "0.40"), CancellationToken.None);
        Assert.Equal(2, trader.OpenLots.Count);
        Assert.Equal(60m, (await world.TraderOnVenueAsync()).Positions.Single().Position);

        // 0.38 crosses only the tight stop: 30 sold, the wide lot untouched.
        await world.RestAsync(BookSide.Bid, "0.38", 60);
        await Eventually.TrueAsync(() => Task.FromResult(trader.ClosedLots.Any(l => l.Id == tight.PositionId)), "the tight lot exited");
        await Task.Delay(500); // the monitor keeps looking: the wide lot must stay
        var left = Assert.Single(trader.OpenLots);
        Assert.Equal((wide.PositionId, Quantity.Of(30), Price.Parse("0.30")), (left.Id, left.Quantity, left.StopLoss));
        Assert.Equal(30m, (await world.TraderOnVenueAsync()).Positions.Single().Position);
    }

    [Fact]
    public async Task A_fill_made_while_the_stream_was_cut_is_learned_from_the_resync_with_no_duplicate()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 50);
        // Exits here poll REST only once a minute: what the engine learns, it learns from the stream or the resync.
        var options = AcceptanceWorld.Options with
        {
            ExitConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromSeconds(60) },
        };
        // The stream is down from the start: the exit's fill cannot arrive on it.
        await using var trader = await world.StartTraderAsync(options: options, stream: false);
        var entry = await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(50, "0.45"), CancellationToken.None);
        Assert.Equal(ConfirmationOutcome.Filled, entry.Confirmation.Outcome);
        await world.RestAsync(BookSide.Bid, "0.42", 20);

        // An exit at 0.42: 20 fill at once on the venue, unseen by the engine.
        var exiting = trader.Engine.ExitAsync(entry.PositionId, ExitReason.Manual, Price.Parse("0.42"));
        await Eventually.TrueAsync(async () => (await world.TraderOnVenueAsync()).Positions.Single().Position == 30m, "20 sold on the venue");
        Assert.Equal(Quantity.Of(50), trader.OpenLots.Single().Quantity);

        // The stream comes back and asks for a resync: the fill is read over REST and applied once.
        trader.Engine.OnExecutionEvent(new ExecutionEvent.ResyncNeeded("kalshi", DateTimeOffset.UtcNow.AddMinutes(-1)));
        await Eventually.TrueAsync(() => Task.FromResult(trader.OpenLots.Single().Quantity == Quantity.Of(30)), "the resync booked the 20");
        // The summary line is written once the catch-up has finished, a moment after the fill is booked.
        await Eventually.TrueAsync(() => Task.FromResult(trader.Log.Messages.Any(l => l.StartsWith("kalshi resynced:", StringComparison.Ordinal))), "the resync summary is logged");
        // A second resync (as after another cut) books nothing again.
        trader.Engine.OnExecutionEvent(new ExecutionEvent.ResyncNeeded("kalshi", DateTimeOffset.UtcNow.AddMinutes(-1)));
        await Task.Delay(500);
        var lot = trader.OpenLots.Single();
        Assert.Equal(Quantity.Of(30), lot.Quantity);
        Assert.Equal(Quantity.Of(20), Assert.Single(lot.Exits).Quantity);
        _ = exiting;
    }
}
