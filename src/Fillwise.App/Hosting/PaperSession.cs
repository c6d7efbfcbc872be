using Fillwise.App.Configuration;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Hosting;

/// <summary>
/// `fillwise paper`: the built-in exchange with its demo markets and agents, a paper account on it,
/// and the engine connected through the real Kalshi client over loopback, exactly as it would be
/// connected to Kalshi.
/// </summary>
public static class PaperSession
{
    private static string? KeepPreviousRun(string data)
    {
        var journal = Path.Combine(data, "journal.db");
        if (!File.Exists(journal)) return null;
        // Another paper run holding this folder's journal keeps it: the journal's own open refuses us then, naming the holder.
        try
        {
            using var held = new FileStream(Path.Combine(data, "journal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        var kept = Path.Combine(data, "previous", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(kept);
        foreach (var file in new[] { "journal.db", "journal.db-wal", "journal.db-shm" })
        {
            var from = Path.Combine(data, file);
            if (File.Exists(from)) File.Move(from, Path.Combine(kept, file));
        }
        return kept;
    }

    public static async Task<int> RunAsync(FillwiseSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(settings, output, error, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (Ctrl-C, SIGTERM) while starting: nothing traded, nothing left half-done.
            await output.WriteLineAsync("stopped before trading started");
            return Cli.ExitCodes.Ok;
        }
    }

    private static async Task<int> RunCoreAsync(FillwiseSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var data = settings.Get("Data:Directory") ?? "./data/paper";
        await using var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Port = settings.Int("Paper:ExchangePort"),
            Seed = settings.Int("Engine:Seed"),
            Scenario = ExchangeScenario.Demo,
        }, cancellationToken);
        await output.WriteLineAsync($"Built-in exchange: {exchange.RestBaseUrl} (admin {exchange.AdminUrl})");

        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(data);
        else Directory.CreateDirectory(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The built-in exchange lives in memory: a new paper run is a new venue and a new account, so
        // the last run's journal (whose orders that venue never saw) is kept aside, not replayed.
        if (KeepPreviousRun(data) is { } kept) await output.WriteLineAsync($"The previous paper run's journal is kept in {kept}");
        var keyPath = Path.Combine(data, "paper-account.pem");
        using var http = new HttpClient();
        var admin = new AdminClient(http, exchange.AdminUrl);
        var account = await admin.CreateAccountAsync(Money.Parse("1000.00"), cancellationToken);
        await File.WriteAllTextAsync(keyPath, account.PrivateKeyPem, cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        return await EngineRuntime.RunAsync(new EngineRuntimeOptions(settings, KalshiEnvironment.Parse(exchange.RestBaseUrl), account.ApiKeyId, keyPath, data, "paper")
            {
                SummaryEvery = TimeSpan.FromSeconds(5),
            },
            output, error, cancellationToken);
    }
}
