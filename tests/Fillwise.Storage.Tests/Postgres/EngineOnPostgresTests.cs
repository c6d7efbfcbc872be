using Fillwise.Engine;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Risk;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Venues;
using Fillwise.Storage.Postgres;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

/// <summary>
/// The engine on a PostgreSQL journal: a writer whose session is killed stops trading by itself,
/// and the engine that takes the account over trades only after its start has reconciled.
/// </summary>
[RequiresPostgres]
public sealed class EngineOnPostgresTests : IAsyncLifetime
{
    private readonly PostgresPlace _account = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _account.DisposeAsync();

    private static TradingEngine NewEngine(IJournal journal) =>
        new(new VenueRegistry([VenueConnection.Of(new ScriptedVenue())]), journal, TimeProvider.System);

    [JournalFact]
    public async Task A_killed_writer_session_halts_trading_and_the_engine_that_takes_over_trades_only_after_reconciling()
    {
        var first = (PostgresJournal)await _account.OpenAsync(TimeProvider.System);
        await using (first)
        {
            await using var engine = NewEngine(first);
            await engine.StartAsync(CancellationToken.None);
            Assert.Equal(TradingMode.Active, engine.Trading.Status.Mode);
            var halted = new TaskCompletionSource<TradingStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
            engine.Trading.Changed += status =>
            {
                if (status.Mode == TradingMode.Halted) halted.TrySetResult(status);
            };

            Assert.Equal(true, await PostgresJournalTests.ScalarAsync("SELECT pg_terminate_backend($1)", first.WriterBackendProcessId));

            // The idle writer checks its lease every 100 ms here; seconds of slack for a loaded machine.
            var status = await halted.Task.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(engine.Trading.IsBlocked("journal"));
            Assert.Contains(first.WriterLease.Holder, status.Reason, StringComparison.Ordinal);
            Assert.Contains(engine.Anomalies.Recent, a => a.Kind == Anomalies.WriterLeaseLost);

            // The next engine on the account: blocked while its start rebuilds and reconciles, then free to trade.
            await using var second = await OpenWhenFreeAsync();
            await using var next = NewEngine(second);
            var sawStartBlock = false;
            next.Trading.Changed += s => sawStartBlock |= s.Blocks.Any(b => b.StartsWith("starting", StringComparison.Ordinal));
            var report = await next.StartAsync(CancellationToken.None);
            Assert.True(sawStartBlock, "the start blocked trading while it reconciled");
            Assert.True(Assert.Single(report.Reconciliation).Clean);
            Assert.Equal(TradingMode.Active, next.Trading.Status.Mode);
            Assert.Null(second.WriterLease.LostReason);
        }
    }

    private async Task<IJournal> OpenWhenFreeAsync()
    {
        // The server ends a dead session a moment after its socket closes.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _account.OpenAsync(TimeProvider.System);
            }
            catch (JournalUnavailableException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }
    }
}
