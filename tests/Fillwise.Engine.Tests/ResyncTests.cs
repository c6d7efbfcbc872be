using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests;

public class ResyncTests
{
    [Fact]
    public async Task A_fill_made_while_the_stream_was_cut_is_learned_from_the_resync_once()
    {
        var (h, lot) = await ExitTests.Holding50();
        await using var _ = h;
        // An exit rests on the venue; the stream is cut, and 20 of it fill unseen.
        h.Venue.OnSubmit = (_, _) => SubmitScript.Accept;
        var exiting = h.Engine.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.44"));
        while (h.Venue.Orders.Count(o => o.Side == OrderSide.Sell) == 0) await Task.Delay(2);
        var exitOrder = h.Venue.Orders.Single(o => o.Side == OrderSide.Sell);
        h.Venue.Fill(exitOrder, 20);

        // The stream comes back and asks for a resync: the fill is read over REST, without the clock moving.
        h.Engine.OnExecutionEvent(new ExecutionEvent.ResyncNeeded(ScriptedVenue.Name, DateTimeOffset.UnixEpoch));
        for (var i = 0; i < 500 && h.OpenLots.Single().Quantity != Quantity.Of(30); i++) await Task.Delay(2);
        Assert.Equal(Quantity.Of(30), h.OpenLots.Single().Quantity);

        // The same fill arriving late on the stream changes nothing.
        h.Engine.OnExecutionEvent(new ExecutionEvent.FillReported(exitOrder.Fills.Single()));
        Assert.Equal(Quantity.Of(30), h.OpenLots.Single().Quantity);
        Assert.Single(h.OpenLots.Single().Exits);
        await h.Run(() => exiting);
    }

    [Fact]
    public async Task While_a_venue_resyncs_its_positions_are_not_exited_on_a_stale_picture()
    {
        var (h, _) = await ExitTests.Holding50();
        await using var _h = h;
        h.Venue.SetBid(EngineHarness.Instrument, 0.30m);
        Assert.Single(h.Monitor.Evaluate());
        h.Engine.Venues.MarkResyncing(ScriptedVenue.Name, true);
        Assert.Empty(h.Monitor.Evaluate());
        h.Engine.Venues.MarkResyncing(ScriptedVenue.Name, false);
        Assert.Single(h.Monitor.Evaluate());
    }
}
