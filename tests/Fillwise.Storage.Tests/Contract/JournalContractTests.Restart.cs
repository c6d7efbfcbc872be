using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

public abstract partial class JournalContractTests
{
    [JournalFact]
    public async Task A_restart_reads_back_open_lots_their_fills_and_every_order_that_may_still_be_live()
    {
        var clock = new ManualTimeProvider(Journals.T0);
        await using (var journal = await OpenAsync(clock))
            await RichJournal.WriteAsync(journal, clock);

        await using var reopened = await OpenAsync(clock);
        // e-2's lot closed at settlement; e-1's is open, with its stop-loss exit.
        var open = Assert.Single(await reopened.GetOpenPositionsAsync());
        Assert.Equal("e-1", open.Position.PositionId.Value);
        Assert.Equal(Fillwise.Domain.Portfolio.ExitReason.StopLoss, ExitReasonOf(open));

        // Fills of orders working on open lots, in append order, with the lot and why the order was placed; not the external fill, not the closed lot's.
        var lotFills = await reopened.GetOpenPositionFillsAsync();
        Assert.Equal(["t-1", "t-3"], lotFills.Select(f => f.Fill.Record.TradeId.Value));
        Assert.All(lotFills, f => Assert.Equal("e-1", f.PositionId.Value));
        Assert.Equal([OrderPurpose.Entry, OrderPurpose.Exit], lotFills.Select(f => f.Purpose));
        Assert.True(lotFills[0].Fill.Sequence < lotFills[1].Fill.Sequence);

        // Every order with no finishing event, oldest first, each with all its events: m-1 was canceled.
        var unfinished = await reopened.GetUnfinishedOrdersAsync();
        Assert.Equal(["e-1", "e-2", "x-1"], unfinished.Select(o => o.Intent.Record.ClientOrderId.Value));
        Assert.Equal(["Accept"], unfinished[0].Events.Select(e => e.Record.Kind));
        Assert.Empty(unfinished[1].Events);
        // e-1 and m-1 had the venue's first answer; the other two did not.
        Assert.Equal(["e-2", "x-1"], (await reopened.GetUnresolvedIntentsAsync()).Select(i => i.Record.ClientOrderId.Value));

        // Strategy metadata: the latest value per key survives the restart; the engine's own too.
        Assert.Equal("\"0.4200\"", (await reopened.GetMetadataAsync(MetadataOwner.Position(new PositionId("e-1"))))["stop_loss"]);
        Assert.Equal("3", (await reopened.GetMetadataAsync(MetadataOwner.Engine("restart")))["count"]);
        Assert.Equal(["kill_switch", "anomaly"], (await reopened.GetRecentEngineEventsAsync(5)).Select(e => e.Record.Kind));
    }

    private static Fillwise.Domain.Portfolio.ExitReason ExitReasonOf(JournalPositionState state) => Assert.Single(state.Exits).Record.Reason;
}
