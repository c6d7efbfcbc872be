using Fillwise.App.Configuration;
using Fillwise.Engine;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Venues;
using Fillwise.Venues.Kalshi;
using Microsoft.Extensions.Logging;

namespace Fillwise.App.Hosting;

/// <summary>
/// `fillwise reconcile`: the engine's picture rebuilt from the journal, compared with every venue
/// (Kalshi, and the perp venues configured as for `run`), and printed. Nothing is changed anywhere: no order is sent, nothing is journaled. Exit 0 when clean,
/// 3 when there are discrepancies (the next start of the engine mends them as its settings say).
/// </summary>
public static class ReconcileCommand
{
    public static async Task<int> RunAsync(FillwiseSettings settings, KalshiEnvironment environment, string keyId, string keyPath, string dataDirectory,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var time = TimeProvider.System;
        using var loggers = EngineLogging.Create(settings);
        IJournal journal;
        try
        {
            // The journal the engine uses (SQLite in the data folder, or the account's on PostgreSQL), under its lease.
            journal = await JournalFactory.OpenAsync(settings, dataDirectory, JournalFactory.Account(environment, keyId), time,
                loggers.CreateLogger("Fillwise.App"), cancellationToken);
        }
        catch (JournalException e)
        {
            await error.WriteLineAsync($"error: cannot open the journal: {e.Message}");
            await error.WriteLineAsync("(a running engine holds its journal: ask it instead, GET /api/v1/reconciliation)");
            return Cli.ExitCodes.Error;
        }
        KalshiRequestSigner signer;
        try
        {
            signer = KalshiRequestSigner.FromPemFile(keyId, keyPath, time);
        }
        catch (KalshiKeyException e)
        {
            await journal.DisposeAsync();
            await error.WriteLineAsync($"error: {e.Message}");
            return Cli.ExitCodes.Error;
        }

        PerpVenues perps;
        try
        {
            perps = PerpVenues.Create(settings, time);
        }
        catch (SettingsException e)
        {
            await journal.DisposeAsync();
            await error.WriteLineAsync($"error: {e.Message}");
            return Cli.ExitCodes.Error;
        }

        await using (journal)
        await using (perps)
        await using (var connection = KalshiConnection.Create(environment, signer, time))
        await using (var engine = new TradingEngine(new VenueRegistry([connection.Connection, .. perps.Connections]), journal, time, EngineRuntime.EngineOptions(settings), loggers))
        {
            // Only REST reads are needed: the perp venues' streams are not opened.
            IReadOnlyList<ReconciliationReport> reports;
            try
            {
                reports = await engine.ReportAsync(cancellationToken);
            }
            catch (Domain.Venues.VenueException e)
            {
                await error.WriteLineAsync($"error: the venue could not be read: {e.Message}");
                return Cli.ExitCodes.Error;
            }
            var discrepancies = 0;
            foreach (var report in reports)
            {
                await output.WriteLineAsync($"{report.Venue}: {report.VenueOrders} open order(s), {report.VenueFills} fill(s) since the last pass, " +
                    $"{report.VenuePositions} position(s), balance {report.Balance?.ToString() ?? "unknown"}");
                foreach (var d in report.Discrepancies)
                {
                    discrepancies++;
                    await output.WriteLineAsync($"  {Discrepancy.Wire(d.Kind)} {d.Instrument?.ToString() ?? "-"}: {d.Detail}");
                }
            }
            await output.WriteLineAsync(discrepancies == 0
                ? "clean: the journal agrees with the venue"
                : $"{discrepancies} discrepancies; nothing was changed: the next start of the engine mends them as its settings say");
            return discrepancies == 0 ? Cli.ExitCodes.Ok : Cli.ExitCodes.Discrepancies;
        }
    }
}
