using System.CommandLine;

namespace Fillwise.App.Cli;

/// <summary>
/// The `fillwise` command line of CONTRACTS.md §1. Each command parses its options here and hands
/// them to its handler; a command whose handler does not exist yet says so and exits 1.
/// </summary>
public static class FillwiseCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync($"error: {e.Message}");
            await error.WriteLineAsync("Run 'fillwise --help' for usage.");
            return ExitCodes.Usage;
        }
        var config = new InvocationConfiguration { Output = output, Error = error };
        return await parse.InvokeAsync(config, cancellationToken);
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("Fillwise: a trading engine for Kalshi event contracts that believes only what the exchange says.");
        root.Subcommands.Add(Paper());
        root.Subcommands.Add(Exchange());
        root.Subcommands.Add(Run());
        root.Subcommands.Add(Reconcile());
        root.Subcommands.Add(Cleanup());
        return root;
    }

    private static Command Paper()
    {
        var cmd = new Command("paper", "The main job: built-in exchange, engine over loopback, whale follower with exits, reconciliation, kill switch and dashboard.");
        cmd.Options.Add(new Option<int>("--port") { Description = "Dashboard and control API port.", DefaultValueFactory = _ => 5080 });
        cmd.Options.Add(new Option<int?>("--exchange-port") { Description = "Built-in exchange port (default: a free port)." });
        cmd.Options.Add(new Option<int>("--seed") { Description = "Seed for every random source.", DefaultValueFactory = _ => 1 });
        cmd.Options.Add(new Option<string?>("--duration") { Description = "How long to run, e.g. 90s, 10m (default: until Ctrl-C)." });
        cmd.Options.Add(new Option<string>("--data") { Description = "Data folder (journal, control token).", DefaultValueFactory = _ => "./data/paper" });
        cmd.Options.Add(new Option<string?>("--control-token") { Description = "Control API token (default: generated into <data>/control-token)." });
        cmd.SetAction((_, _) => NotImplemented("paper"));
        return cmd;
    }

    private static Command Exchange()
    {
        var cmd = new Command("exchange", "Only the built-in exchange: Kalshi's REST V2 + WebSocket API and the admin API.");
        cmd.Options.Add(new Option<int>("--port") { Description = "Port to listen on (127.0.0.1).", DefaultValueFactory = _ => 9000 });
        cmd.Options.Add(new Option<int>("--seed") { Description = "Seed for the market agents.", DefaultValueFactory = _ => 1 });
        cmd.Options.Add(new Option<string>("--scenario") { Description = "empty (no markets, no agents) or demo.", DefaultValueFactory = _ => "demo" }
            .AcceptOnlyFromAmong("empty", "demo"));
        cmd.SetAction((_, _) => NotImplemented("exchange"));
        return cmd;
    }

    private static Command Run()
    {
        var cmd = new Command("run", "The engine against any Kalshi-compatible venue: production, demo, or a built-in exchange.");
        AddVenueOptions(cmd);
        cmd.Options.Add(new Option<int>("--port") { Description = "Control API port.", DefaultValueFactory = _ => 5080 });
        cmd.Options.Add(new Option<string>("--data") { Description = "Data folder.", DefaultValueFactory = _ => "./data/run" });
        cmd.Options.Add(new Option<string>("--strategy") { Description = "none or whale-follower.", DefaultValueFactory = _ => "none" }
            .AcceptOnlyFromAmong("none", "whale-follower"));
        cmd.Options.Add(new Option<string?>("--control-token") { Description = "Control API token." });
        cmd.Options.Add(new Option<bool>("--live") { Description = "Required before any order goes to production." });
        cmd.SetAction((_, _) => NotImplemented("run"));
        return cmd;
    }

    private static Command Reconcile()
    {
        var cmd = new Command("reconcile", "One reconciliation pass against the venue; exit 3 on discrepancies.");
        AddVenueOptions(cmd);
        cmd.Options.Add(new Option<string>("--data") { Description = "Data folder.", DefaultValueFactory = _ => "./data/run" });
        cmd.SetAction((_, _) => NotImplemented("reconcile"));
        return cmd;
    }

    private static Command Cleanup()
    {
        var cmd = new Command("cleanup", "Cancel every resting order of the account; positions settle by themselves.");
        AddVenueOptions(cmd);
        cmd.SetAction((_, _) => NotImplemented("cleanup"));
        return cmd;
    }

    private static void AddVenueOptions(Command cmd)
    {
        cmd.Options.Add(new Option<string>("--venue-url") { Description = "kalshi, kalshi-demo, or a base URL such as http://127.0.0.1:9000/trade-api/v2.", DefaultValueFactory = _ => "kalshi-demo" });
        cmd.Options.Add(new Option<string?>("--key-id") { Description = "Kalshi API key id (or KALSHI_API_KEY_ID)." });
        cmd.Options.Add(new Option<string?>("--private-key-file") { Description = "PEM private key file (or KALSHI_PRIVATE_KEY_PATH)." });
    }

    private static async Task<int> NotImplemented(string command)
    {
        await Console.Error.WriteLineAsync($"not implemented yet: {command}");
        return ExitCodes.Error;
    }
}
