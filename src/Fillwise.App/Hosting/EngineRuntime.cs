using Fillwise.App.Control;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Storage;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Hosting;

public sealed record EngineRuntimeOptions(
    KalshiEnvironment Environment,
    string KeyId,
    string PrivateKeyPath,
    string DataDirectory,
    int ControlPort,
    string? ControlToken,
    string Mode,
    int Seed = 1,
    TimeSpan? Duration = null);

/// <summary>
/// The engine as a running program: journal opened (or a clear error), venue connected, unresolved
/// intents recovered from the venue before anything trades, control API up; then it runs until
/// canceled or the duration ends. `run` and `paper` both go through here.
/// </summary>
public static class EngineRuntime
{
    public static async Task<int> RunAsync(EngineRuntimeOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var time = TimeProvider.System;

        SqliteJournal journal;
        try
        {
            journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(options.DataDirectory) { Time = time }, cancellationToken);
        }
        catch (JournalException e)
        {
            await error.WriteLineAsync($"error: cannot open the journal: {e.Message}");
            return Cli.ExitCodes.Error;
        }

        KalshiRequestSigner signer;
        try
        {
            signer = KalshiRequestSigner.FromPemFile(options.KeyId, options.PrivateKeyPath, time);
        }
        catch (KalshiKeyException e)
        {
            await journal.DisposeAsync();
            await error.WriteLineAsync($"error: {e.Message}");
            return Cli.ExitCodes.Error;
        }

        await using (journal)
        await using (var connection = KalshiConnection.Create(options.Environment, signer, time, new KalshiRestOptions { RandomSeed = options.Seed },
                         new KalshiWebSocketOptions { RandomSeed = options.Seed }))
        {
            var recorder = new JournalRecorder(journal);
            await using (recorder)
            {
                using var engine = new TradingEngine(connection.Venue, connection.Venue, connection.Venue, recorder, time,
                    new TradingEngineOptions { Seed = options.Seed }, connection.Venue);
                recorder.Attach(engine.Tracker, engine.Portfolio);
                await connection.StartAsync(cancellationToken);

                // The exchange is the truth: learn what happened to every intent left unresolved before trading.
                var recovered = await new IntentRecovery(journal, connection.Venue, engine.Tracker, time).RecoverAsync(cancellationToken);
                foreach (var r in recovered) await output.WriteLineAsync($"recovered {r.ClientOrderId}: {r.Resolution}");

                var token = Control.ControlToken.Resolve(options.ControlToken, options.DataDirectory);
                await using var host = await ControlHost.StartAsync(new ControlContext(engine, token, options.Mode), options.ControlPort, cancellationToken);
                await output.WriteLineAsync($"Fillwise {options.Mode} engine on {options.Environment.RestBase}");
                await output.WriteLineAsync($"Dashboard: {host.BaseUrl}?token={token.Value}");
                await output.WriteLineAsync($"Control API: {host.BaseUrl}api/v1 (Authorization: Bearer <token in {Path.Combine(options.DataDirectory, "control-token")}>)");

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (options.Duration is { } d) stop.CancelAfter(d);
                await engine.RunAsync(stop.Token);

                var m = engine.Metrics.Snapshot();
                await output.WriteLineAsync($"stopped: {engine.Portfolio.OpenPositions.Count} open position(s), {engine.Portfolio.ClosedPositions.Count} closed, " +
                    $"entries placed {m.EntryOrdersPlaced} (full {m.EntryOrdersFullFilled}, partial {m.EntryOrdersPartialFilled}, failed {m.EntryOrdersFailed}), " +
                    $"exits placed {m.ExitOrdersPlaced}");
            }
        }
        return Cli.ExitCodes.Ok;
    }
}
