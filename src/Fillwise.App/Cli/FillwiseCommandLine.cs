using System.CommandLine;
using Fillwise.App.Configuration;

namespace Fillwise.App.Cli;

/// <summary>
/// The `fillwise` command line of CONTRACTS.md §1. Each command parses its options, lays them over
/// the settings (appsettings.json or --config, then FILLWISE__* variables) and hands the validated
/// settings to its handler; a wrong setting stops with its name. A command whose handler does not
/// exist yet says so and exits 1.
/// </summary>
public static class FillwiseCommandLine
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, terminal: null, cancellationToken);

    /// <param name="terminal">The interactive terminal behind <paramref name="output"/>, when it is one: `paper` draws its live panel there.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Spectre.Console.IAnsiConsole? terminal, CancellationToken cancellationToken)
    {
        var root = Build(terminal);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync($"error: {e.Message}");
            await error.WriteLineAsync("Run 'fillwise --help' for usage.");
            return ExitCodes.Usage;
        }
        // Program.cs handles SIGINT and SIGTERM itself and cancels the token: no forced exit after a timeout.
        var config = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(config, cancellationToken);
    }

    public static RootCommand Build(Spectre.Console.IAnsiConsole? terminal = null)
    {
        var root = new RootCommand("Fillwise: a trading engine for Kalshi event contracts that believes only what the exchange says.");
        root.Subcommands.Add(Paper(terminal));
        root.Subcommands.Add(Exchange());
        root.Subcommands.Add(Run());
        root.Subcommands.Add(Reconcile());
        root.Subcommands.Add(Cleanup());
        root.Subcommands.Add(JournalCommands.Build());
        return root;
    }

    private static Command Paper(Spectre.Console.IAnsiConsole? terminal)
    {
        var cmd = new Command("paper", "The main job: the built-in exchange (demo markets, agents and whales, and its Aster and Lighter perp venues with ZEC, funding sped up 400 times), a paper account on each, the engine connected over loopback through the real Kalshi, Aster and Lighter clients, the whale follower and the funding-arb strategy, reconciliation, the kill switch, and the control API with its dashboard page. On a terminal it keeps a live panel (log in <data>/paper.log); otherwise it prints a summary line every 5 s. At the end, a run report.");
        var port = new Option<int?>("--port") { Description = "Dashboard and control API port (default 5080; 0 picks a free port)." };
        var exchangePort = new Option<int?>("--exchange-port") { Description = "Built-in exchange port (default: a free port)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for the demo agents and the engine (default 1): with the simulated clock, the same seed and duration give the same run and the same report." };
        var clock = new Option<string?>("--clock") { Description = "simulated (default): the exchange and the engine share a clock that moves only when both are idle, at most as fast as the wall clock, so a seed replays its run (measured latencies read 0); wall: the engine on the wall clock beside the agents, with real latencies and no replay." };
        var duration = new Option<string?>("--duration") { Description = "How long to run, e.g. 90s, 10m, counted in the demo agents' 250 ms steps from when the engine is ready (default: until Ctrl-C or SIGTERM)." };
        var data = new Option<string?>("--data") { Description = "Data folder: journal, control token (default ./data/paper)." };
        var token = new Option<string?>("--control-token") { Description = "Control API token (default: generated into <data>/control-token)." };
        var strategy = new Option<string?>("--strategy") { Description = "Strategies to run: whale-follower, funding-arb (on the built-in Aster and Lighter venues), none (orders only through the control API); a comma list (default: whale-follower,funding-arb)." };
        var config = ConfigOption();
        foreach (var o in new Option[] { port, exchangePort, seed, clock, duration, data, token, strategy, config }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!TryDuration(parse.GetValue(duration), out _, out var why)) return await Usage(error, why);
            var settings = await LoadAsync(parse, config, error, new Dictionary<string, string?>
            {
                ["Control:Port"] = parse.GetValue(port)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paper:ExchangePort"] = parse.GetValue(exchangePort)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Engine:Seed"] = parse.GetValue(seed)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paper:Duration"] = parse.GetValue(duration),
                ["Paper:Clock"] = parse.GetValue(clock),
                ["Data:Directory"] = parse.GetValue(data),
                ["Control:Token"] = parse.GetValue(token),
                ["Engine:Strategy"] = parse.GetValue(strategy),
            }, Hosting.PaperSession.Defaults);
            if (settings is null) return ExitCodes.Usage;
            return await Hosting.PaperSession.RunAsync(settings, output, error, ct, terminal);
        });
        return cmd;
    }

    private static Command Exchange()
    {
        var cmd = new Command("exchange", "Only the built-in exchange: Kalshi's REST V2 + WebSocket API and the admin API /sim/v1.");
        var port = new Option<int>("--port") { Description = "Port to listen on (127.0.0.1).", DefaultValueFactory = _ => 9000 };
        var seed = new Option<int>("--seed") { Description = "Seed for the market agents.", DefaultValueFactory = _ => 1 };
        var scenario = new Option<string>("--scenario") { Description = "empty (no markets, no agents) or demo.", DefaultValueFactory = _ => "demo" }
            .AcceptOnlyFromAmong("empty", "demo");
        foreach (var o in new Option[] { port, seed, scenario }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            var options = new Fillwise.Exchange.Server.ExchangeServerOptions
            {
                Port = parse.GetValue(port),
                Seed = parse.GetValue(seed),
                Scenario = parse.GetValue(scenario) == "empty" ? Fillwise.Exchange.Server.ExchangeScenario.Empty : Fillwise.Exchange.Server.ExchangeScenario.Demo,
            };
            await Fillwise.Exchange.Server.ExchangeServer.RunAsync(options, parse.InvocationConfiguration.Output, ct);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Run()
    {
        var cmd = new Command("run", "The engine against any Kalshi-compatible venue: production, demo, or a built-in exchange; and, with --aster-url / --lighter-url, on those perp venues beside it.");
        var venue = AddVenueOptions(cmd);
        var perps = AddPerpVenueOptions(cmd);
        var port = new Option<int?>("--port") { Description = "Control API port (default 5080; 0 picks a free port)." };
        var data = new Option<string?>("--data") { Description = "Data folder (default ./data/run)." };
        var strategy = new Option<string?>("--strategy") { Description = "Strategies to run: none (default), whale-follower, funding-arb (needs both FundingArb:Venues configured); a comma list." };
        var token = new Option<string?>("--control-token") { Description = "Control API token." };
        var live = new Option<bool>("--live") { Description = "Required before any order goes to Kalshi production." };
        var config = ConfigOption();
        foreach (var o in new Option[] { port, data, strategy, token, live, config }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var settings = await LoadAsync(parse, config, error, new Dictionary<string, string?>(venue.Values(parse).Concat(perps.Values(parse)))
            {
                ["Control:Port"] = parse.GetValue(port)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Data:Directory"] = parse.GetValue(data),
                ["Engine:Strategy"] = parse.GetValue(strategy),
                ["Control:Token"] = parse.GetValue(token),
            });
            if (settings is null) return ExitCodes.Usage;
            var (env, keyId, keyPath, problem) = VenueOptions.Resolve(settings);
            if (problem is not null) return await Usage(error, problem);
            if (env!.IsProduction && !parse.GetValue(live))
                return await Fail(error, "refusing to trade on Kalshi production without --live");
            if (Hosting.PerpVenues.Check(settings, parse.GetValue(live)) is { } perp)
            {
                await error.WriteLineAsync($"error: {perp.Problem}");
                return perp.ExitCode;
            }
            var mode = env.IsProduction ? "live" : env.Name == Venues.Kalshi.KalshiEnvironment.DemoName ? "demo" : "paper";
            return await Hosting.EngineRuntime.RunAsync(new Hosting.EngineRuntimeOptions(settings, env, keyId!, keyPath!,
                settings.Get("Data:Directory") ?? "./data/run", mode), parse.InvocationConfiguration.Output, error, ct);
        });
        return cmd;
    }

    private static Command Reconcile()
    {
        var cmd = new Command("reconcile", "One reconciliation pass: the journal's picture against every venue's (Kalshi, and the perp venues given with --aster-* / --lighter-*), printed; nothing is changed. Exit 0 clean, 3 on discrepancies.");
        var venue = AddVenueOptions(cmd);
        var perps = AddPerpVenueOptions(cmd);
        var data = new Option<string?>("--data") { Description = "Data folder of the engine's journal (default ./data/run)." };
        var config = ConfigOption();
        cmd.Options.Add(data);
        cmd.Options.Add(config);
        cmd.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var settings = await LoadAsync(parse, config, error, new Dictionary<string, string?>(venue.Values(parse).Concat(perps.Values(parse))) { ["Data:Directory"] = parse.GetValue(data) });
            if (settings is null) return ExitCodes.Usage;
            var (env, keyId, keyPath, problem) = VenueOptions.Resolve(settings);
            if (problem is not null) return await Usage(error, problem);
            // Reading changes nothing, so production needs no --live here.
            if (Hosting.PerpVenues.Check(settings, live: true) is { } perp)
            {
                await error.WriteLineAsync($"error: {perp.Problem}");
                return perp.ExitCode;
            }
            return await Hosting.ReconcileCommand.RunAsync(settings, env!, keyId!, keyPath!, settings.Get("Data:Directory") ?? "./data/run",
                parse.InvocationConfiguration.Output, error, ct);
        });
        return cmd;
    }

    private static Command Cleanup()
    {
        var cmd = new Command("cleanup", "Cancel every resting order of the account (ours and any other) on Kalshi, and on the perp venues given with --aster-* / --lighter-*, in one sweep; positions are left to settle or exit. Prints {\"canceled\",\"errors\",\"note\",\"venues\":{<venue>:{\"canceled\",\"errors\",\"details\"}}}; exit 1 when some could not be canceled.");
        var venue = AddVenueOptions(cmd);
        var perps = AddPerpVenueOptions(cmd);
        var config = ConfigOption();
        cmd.Options.Add(config);
        cmd.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var settings = await LoadAsync(parse, config, error, new Dictionary<string, string?>(venue.Values(parse).Concat(perps.Values(parse))));
            if (settings is null) return ExitCodes.Usage;
            var (env, keyId, keyPath, problem) = VenueOptions.Resolve(settings);
            if (problem is not null) return await Usage(error, problem);
            // Canceling only takes risk off, so production needs no --live here (as on Kalshi).
            if (Hosting.PerpVenues.Check(settings, live: true) is { } perp)
            {
                await error.WriteLineAsync($"error: {perp.Problem}");
                return perp.ExitCode;
            }
            return await Hosting.CleanupCommand.RunAsync(settings, env!, keyId!, keyPath!, parse.InvocationConfiguration.Output, error, ct);
        });
        return cmd;
    }

    private static Option<string?> ConfigOption() =>
        new("--config") { Description = "Settings file (default: appsettings.json in the working directory, when there is one)." };

    /// <summary>The settings with the command line on top; null (after saying why) when a setting is wrong.</summary>
    private static async Task<FillwiseSettings?> LoadAsync(ParseResult parse, Option<string?> config, TextWriter error, IReadOnlyDictionary<string, string?> commandLine,
        IReadOnlyDictionary<string, string>? defaults = null)
    {
        try
        {
            return FillwiseSettings.Load(parse.GetValue(config), commandLine, defaults: defaults);
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return null;
        }
    }

    private static VenueOptions AddVenueOptions(Command cmd)
    {
        var venue = new VenueOptions(
            new Option<string?>("--venue-url") { Description = "kalshi, kalshi-demo (default), or a base URL such as http://127.0.0.1:9000/trade-api/v2." },
            new Option<string?>("--key-id") { Description = "Kalshi API key id (or KALSHI_API_KEY_ID)." },
            new Option<string?>("--private-key-file") { Description = "PEM private key file (or KALSHI_PRIVATE_KEY_PATH)." });
        cmd.Options.Add(venue.Url);
        cmd.Options.Add(venue.KeyId);
        cmd.Options.Add(venue.KeyFile);
        return venue;
    }

    /// <summary>The perp venues of `run`, `reconcile` and `cleanup` (CONTRACTS.md §1), as Aster:* and Lighter:* settings.</summary>
    private static PerpVenueOptions AddPerpVenueOptions(Command cmd)
    {
        var perps = new PerpVenueOptions(
            new Option<string?>("--aster-url") { Description = "Aster too: aster (production; run needs --live there) or a built-in venue's futures REST base, e.g. http://127.0.0.1:9000/aster/fapi." },
            new Option<string?>("--aster-credentials") { Description = "Aster credentials JSON file: the built-in venue's admin answer, or real keys in the same shape ({\"private_key\",\"address\"|\"user\",\"signer\"?})." },
            new Option<string?>("--lighter-url") { Description = "A Lighter-like venue too: its REST base, e.g. http://127.0.0.1:9000/lighter (real Lighter is refused: its signer is not built)." },
            new Option<string?>("--lighter-credentials") { Description = "Lighter credentials JSON file: the built-in venue's admin answer ({\"account_index\",\"api_key_index\",\"private_key\",\"chain_id\"?})." });
        foreach (var o in new[] { perps.AsterUrl, perps.AsterCredentials, perps.LighterUrl, perps.LighterCredentials }) cmd.Options.Add(o);
        return perps;
    }

    private sealed record PerpVenueOptions(Option<string?> AsterUrl, Option<string?> AsterCredentials, Option<string?> LighterUrl, Option<string?> LighterCredentials)
    {
        public IEnumerable<KeyValuePair<string, string?>> Values(ParseResult parse) =>
        [
            new("Aster:Url", parse.GetValue(AsterUrl)),
            new("Aster:CredentialsFile", parse.GetValue(AsterCredentials)),
            new("Lighter:Url", parse.GetValue(LighterUrl)),
            new("Lighter:CredentialsFile", parse.GetValue(LighterCredentials)),
        ];
    }

    private sealed record VenueOptions(Option<string?> Url, Option<string?> KeyId, Option<string?> KeyFile)
    {
        public IEnumerable<KeyValuePair<string, string?>> Values(ParseResult parse) =>
        [
            new("Kalshi:Url", parse.GetValue(Url)),
            new("Kalshi:KeyId", parse.GetValue(KeyId) ?? Environment.GetEnvironmentVariable("KALSHI_API_KEY_ID")),
            new("Kalshi:PrivateKeyFile", parse.GetValue(KeyFile) ?? Environment.GetEnvironmentVariable("KALSHI_PRIVATE_KEY_PATH")),
        ];

        public static (Venues.Kalshi.KalshiEnvironment? Env, string? KeyId, string? KeyPath, string? Problem) Resolve(FillwiseSettings settings)
        {
            Venues.Kalshi.KalshiEnvironment env;
            try
            {
                env = Venues.Kalshi.KalshiEnvironment.Parse(settings.Require("Kalshi:Url"));
            }
            catch (ArgumentException e)
            {
                return (null, null, null, $"--venue-url (Kalshi:Url): {e.Message}");
            }
            var keyId = settings.Get("Kalshi:KeyId");
            var keyPath = settings.Get("Kalshi:PrivateKeyFile");
            if (string.IsNullOrWhiteSpace(keyId)) return (null, null, null, "--key-id (or KALSHI_API_KEY_ID, or Kalshi:KeyId) is required");
            if (string.IsNullOrWhiteSpace(keyPath)) return (null, null, null, "--private-key-file (or KALSHI_PRIVATE_KEY_PATH, or Kalshi:PrivateKeyFile) is required");
            return (env, keyId, keyPath, null);
        }
    }

    internal static bool TryDuration(string? text, out TimeSpan? duration, out string problem)
    {
        duration = null;
        problem = string.Empty;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var unit = text[^1];
        var scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        if (scale == 0 || !int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            problem = $"--duration '{text}' must be a positive whole number followed by s, m or h (e.g. 90s)";
            return false;
        }
        duration = TimeSpan.FromSeconds((long)n * scale);
        return true;
    }

    private static async Task<int> Usage(TextWriter error, string message)
    {
        await error.WriteLineAsync($"error: {message}");
        return ExitCodes.Usage;
    }

    private static async Task<int> Fail(TextWriter error, string message)
    {
        await error.WriteLineAsync($"error: {message}");
        return ExitCodes.Error;
    }

}
