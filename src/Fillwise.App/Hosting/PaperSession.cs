using Fillwise.App.Configuration;
using Fillwise.App.Hosting.Simulation;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Perp.Agents;
using Fillwise.Exchange.Perp.Server;
using Fillwise.Exchange.Server;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Hosting;

/// <summary>
/// `fillwise paper`: the built-in exchange with its demo markets and agents, a paper account on it
/// and on its Aster-compatible and Lighter-like perp venues, and the engine connected through the
/// real Kalshi, Aster and Lighter clients over loopback, exactly as it would be connected to them.
/// </summary>
public static class PaperSession
{
    /// <summary>
    /// The demo's funding settles this many times faster than the venues' own schedules (Aster's
    /// 8 h every 72 s, Lighter's hour every 9 s), so a short paper run collects funding.
    /// </summary>
    public const int FundingSpeedup = 400;

    /// <summary>
    /// Paper's own defaults, weaker than anything a person gives (file, environment, command line):
    /// both strategies; room for the follower's three positions beside the pair's two; and the
    /// funding-arb strategy's horizon and longest hold on the demo's sped-up funding clock (24 h and
    /// 168 h divided by <see cref="FundingSpeedup"/>), so it decides as it would in real time,
    /// checking every 2 s instead of every minute.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["Engine:Strategy"] = "whale-follower,funding-arb",
        ["Risk:MaxPositions"] = "5",
        ["FundingArb:CheckIntervalSeconds"] = "2",
        ["FundingArb:HorizonHours"] = "0.06",
        ["FundingArb:MaxHoldHours"] = "0.42",
    };

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

    /// <param name="terminal">The terminal to draw the live panel on; null (output redirected, tests): plain summary lines.</param>
    public static async Task<int> RunAsync(FillwiseSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        Spectre.Console.IAnsiConsole? terminal = null)
    {
        try
        {
            return await RunCoreAsync(settings, output, error, terminal, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (Ctrl-C, SIGTERM) while starting: nothing traded, nothing left half-done.
            await output.WriteLineAsync("stopped before trading started");
            return Cli.ExitCodes.Ok;
        }
    }

    private static async Task<int> RunCoreAsync(FillwiseSettings settings, TextWriter output, TextWriter error, Spectre.Console.IAnsiConsole? terminal,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var data = settings.Get("Data:Directory") ?? "./data/paper";
        // One clock for the exchange and the engine, moved on only when both are idle: one seed, one run.
        using var simulation = settings.Get("Paper:Clock") == "wall" ? null : SimulationDriver.Start(DateTimeOffset.UtcNow);
        await using var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Port = settings.Int("Paper:ExchangePort"),
            Seed = settings.Int("Engine:Seed"),
            TimeProvider = simulation?.Clock ?? TimeProvider.System,
            Scenario = ExchangeScenario.Demo,
            PerpDemo = new PerpDemoOptions { FundingSpeedup = FundingSpeedup },
            AgentsWaitForStart = true,
        }, cancellationToken);
        await output.WriteLineAsync($"Built-in exchange: {exchange.RestBaseUrl} (admin {exchange.AdminUrl})");
        simulation?.WatchPorts(exchange.Port);

        DataFolder.Prepare(data);
        // The built-in exchange lives in memory: a new paper run is a new venue and a new account, so
        // the last run's journal (whose orders that venue never saw) is kept aside, not replayed.
        if (KeepPreviousRun(data) is { } kept) await output.WriteLineAsync($"The previous paper run's journal is kept in {kept}");
        var keyPath = Path.Combine(data, "paper-account.pem");
        using var http = new HttpClient();
        var admin = new AdminClient(http, exchange.AdminUrl);
        var account = await admin.CreateAccountAsync(Money.Parse("1000.00"), cancellationToken);
        await DataFolder.WriteSecretAsync(keyPath, account.PrivateKeyPem, cancellationToken);

        // The exchange's own perp venues (demo ZEC markets): a paper account on each, traded through
        // the real Aster and Lighter clients over loopback, as `run` would trade them.
        if (settings.Get("Aster:Url") is not null || settings.Get("Lighter:Url") is not null)
            await output.WriteLineAsync("Note: paper trades the built-in exchange's own Aster and Lighter venues; the Aster:* / Lighter:* settings given are for `run` and are not used here");
        var aster = await new PerpAdminClient(http, exchange.AsterAdminUrl).CreateAccountAsync(PerpPaperBalance, cancellationToken);
        var lighter = await new PerpAdminClient(http, exchange.LighterAdminUrl).CreateAccountAsync(PerpPaperBalance, cancellationToken);
        var withPerps = settings.With(new Dictionary<string, string>
        {
            ["Aster:Url"] = exchange.AsterRestUrl,
            ["Aster:WebSocketUrl"] = exchange.AsterWebSocketUrl,
            ["Aster:CredentialsFile"] = await DataFolder.WriteSecretAsync(Path.Combine(data, "paper-aster.json"), aster.CredentialsJson, cancellationToken),
            ["Lighter:Url"] = exchange.LighterRestUrl,
            ["Lighter:WebSocketUrl"] = exchange.LighterWebSocketUrl,
            ["Lighter:CredentialsFile"] = await DataFolder.WriteSecretAsync(Path.Combine(data, "paper-lighter.json"), lighter.CredentialsJson, cancellationToken),
        });
        await output.WriteLineAsync($"Paper accounts: Kalshi 1000.00 USD, Aster {PerpPaperBalance} USDT (account {aster.AccountId}), Lighter {PerpPaperBalance} USDC (account {lighter.AccountId})");

        return await EngineRuntime.RunAsync(new EngineRuntimeOptions(withPerps, KalshiEnvironment.Parse(exchange.RestBaseUrl), account.ApiKeyId, keyPath, data, "paper")
            {
                SummaryEvery = TimeSpan.FromSeconds(5),
                Terminal = terminal,
                Pace = Pace(exchange, simulation),
                Simulation = simulation,
            },
            output, error, cancellationToken);
    }

    /// <summary>The demo agents start when the engine trades; `--duration` is counted in their steps (250 ms each), and the world holds still after the last.</summary>
    private static PaperPace Pace(ExchangeServer exchange, SimulationDriver? simulation)
    {
        var step = exchange.Options.AgentStepInterval;
        long Steps(TimeSpan duration) => Math.Max(1, duration.Ticks / step.Ticks);
        return new PaperPace(
            duration =>
            {
                simulation?.Begin();
                exchange.StartAgents(duration is { } d ? Steps(d) : null);
            },
            (duration, ct) => exchange.WaitForAgentStepsAsync(Steps(duration), ct),
            () => $"demo, seed {exchange.Options.Seed}, {exchange.AgentSteps} agent steps of {step.TotalMilliseconds:0} ms; " + Replay(simulation));
    }

    /// <summary>Whether the run can be replayed by its seed: the clock only ever moved with the process idle.</summary>
    private static string Replay(SimulationDriver? simulation) => simulation?.Impatient switch
    {
        null => "wall clock: the engine runs beside the agents in real time, so the seed does not replay this run",
        0 when simulation!.Exact => "simulated clock, moved only when idle: the seed replays this run",
        0 => "simulated clock, idleness guessed from the thread pool: the seed should replay this run",
        var n => $"simulated clock moved {n} time(s) while the process was busy: the seed may not replay this run exactly",
    };

    /// <summary>What each paper perp account starts with.</summary>
    private const string PerpPaperBalance = "10000";
}
