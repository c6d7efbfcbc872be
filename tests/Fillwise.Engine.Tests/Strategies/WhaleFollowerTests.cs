using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Strategies;
using Fillwise.Engine.Venues;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Strategies;

/// <summary>The follower's market checks: both outcomes of a market are one market, whatever the engine has asked of the venue so far.</summary>
public sealed class WhaleFollowerTests
{
    [Fact]
    public async Task A_whale_on_the_other_outcome_of_a_market_held_is_skipped_even_before_that_outcome_was_ever_looked_up()
    {
        var venue = new ScriptedVenue("kalshi") { OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 5m) };
        var journal = new InMemoryJournal();
        await using var engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(venue)]), journal, TimeProvider.System);
        await engine.StartAsync(CancellationToken.None);
        var no = new InstrumentId("kalshi", "KXDEMO-BTC-0002:no");
        var yes = new InstrumentId("kalshi", "KXDEMO-BTC-0002:yes");
        var entry = await engine.Entries.EnterAsync(new EntryRequest(no, PositionSide.Long, Quantity.Of(5m), Price.Of(0.59m), "whale-follower"), CancellationToken.None);
        Assert.NotNull(entry.Position);
        Assert.Null(engine.Venues.KnownInstrument(yes)); // the YES side was never asked: its rules are not known yet

        var follower = new WhaleFollower(engine, journal, "kalshi");
        var whale = new Whale("KXDEMO-BTC-0002:1:0.44:yes", yes, "KXDEMO-BTC-0002", "yes", Price.Of(0.44m), Quantity.Of(1300m), Money.FromDollars(572m), DateTimeOffset.UtcNow);
        var decision = await follower.DecideAsync(whale, CancellationToken.None);

        Assert.Equal(WhaleVerdict.Skipped, decision.Verdict);
        Assert.Equal("a position is open in KXDEMO-BTC-0002", decision.Reason);
        Assert.Equal(1, venue.SubmitCalls);
    }
}
