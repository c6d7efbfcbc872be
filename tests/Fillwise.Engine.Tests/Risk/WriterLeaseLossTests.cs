using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;

namespace Fillwise.Engine.Tests.Risk;

/// <summary>
/// A journal whose writer lease is lost may already belong to another engine: this one must stop
/// trading at once and say why, not wait for its next append to fail.
/// </summary>
public class WriterLeaseLossTests
{
    [Fact]
    public async Task A_lost_writer_lease_halts_trading_names_the_holder_and_is_an_anomaly()
    {
        var h = new EngineHarness();
        await using var _h = h;
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        Assert.Equal(TradingMode.Active, h.Engine.Trading.Status.Mode);

        h.Journal.LoseWriterLease("the writer's session no longer holds the account's advisory lock");

        var status = h.Engine.Trading.Status;
        Assert.Equal(TradingMode.Halted, status.Mode);
        Assert.True(h.Engine.Trading.IsBlocked("journal"));
        Assert.Contains("in-memory journal", status.Reason, StringComparison.Ordinal);
        Assert.Contains("advisory lock", status.Reason, StringComparison.Ordinal);
        var anomaly = Assert.Single(h.Engine.Anomalies.Recent, a => a.Kind == Anomalies.WriterLeaseLost);
        Assert.Contains("in-memory journal", anomaly.Detail, StringComparison.Ordinal);

        var denied = await h.Run(() => h.Entries.EnterAsync(PlaceAndConfirmTests.Buy(5), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Denied, denied.Confirmation.Outcome);
        Assert.Contains("writer lease was lost", denied.Confirmation.Error, StringComparison.Ordinal);
        Assert.Empty(h.Venue.Orders);
    }

    [Fact]
    public async Task A_lease_lost_before_the_engine_was_built_blocks_it_from_the_start()
    {
        var journal = new Fillwise.Testing.InMemoryJournal();
        journal.LoseWriterLease("backend terminated");
        var h = new EngineHarness(journal);
        await using var _h = h;
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        Assert.True(h.Engine.Trading.IsBlocked("journal"));
        Assert.Equal(TradingMode.Halted, h.Engine.Trading.Status.Mode);
    }
}
