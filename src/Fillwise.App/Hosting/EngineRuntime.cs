using Fillwise.App.Configuration;
using Fillwise.App.Control;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Arbitrage;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Strategies;
using Fillwise.Engine.Venues;
using Fillwise.Venues.Kalshi;
using Microsoft.Extensions.Logging;

namespace Fillwise.App.Hosting;

public sealed record EngineRuntimeOptions(
    FillwiseSettings Settings,
    KalshiEnvironment Environment,
    string KeyId,
    string PrivateKeyPath,
    string DataDirectory,
    string Mode)
{
    /// <summary>Print a summary line this often while running, and the run report at the end (paper).</summary>
    public TimeSpan? SummaryEvery { get; init; }

    /// <summary>With <see cref="SummaryEvery"/>: the terminal to draw the live panel on instead of the plain lines (null: plain lines).</summary>
    public Spectre.Console.IAnsiConsole? Terminal { get; init; }

    /// <summary>paper's scenario: started once the engine trades, and the judge of when `Paper:Duration` has passed (null: the wall clock).</summary>
    public PaperPace? Pace { get; init; }

    /// <summary>paper's simulated clock, shared with its exchange (null: the wall clock).</summary>
    public Simulation.SimulationDriver? Simulation { get; init; }
}

/// <summary>
/// How `paper` paces a run by its scenario rather than by the wall clock: the agents start when the
/// engine is ready, and the duration is counted in the agents' steps, so a slow start or a busy machine
/// does not change which part of the seeded world the run sees.
/// </summary>
/// <param name="Start">Starts the scenario's agents (for the duration's steps only, when there is a duration).</param>
/// <param name="WaitFor">Completes when the scenario has made the duration's steps.</param>
/// <param name="Describe">The report's line about the scenario (seed, steps made).</param>
public sealed record PaperPace(Action<TimeSpan?> Start, Func<TimeSpan, CancellationToken, Task> WaitFor, Func<string> Describe);

/// <summary>
/// The engine as a running program: settings validated, journal opened (or a clear error), venue
/// connected, open positions and unfinished orders rebuilt from the journal and checked with the
/// venue before anything trades, control API up; then it runs until stopped (Ctrl-C, SIGTERM, or
/// the duration), stops cleanly within seconds, and exits 0. `run` and `paper` both go through here.
/// </summary>
public static class EngineRuntime
{
    /// <summary>A clean stop (cancel what is configured, flush the journal) gets this long; the command ends well inside 5 s.</summary>
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(EngineRuntimeOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(options, output, error, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (Ctrl-C, SIGTERM) while starting: the journal keeps what was written; the next start follows the rest.
            await output.WriteLineAsync("stopped before trading started");
            return Cli.ExitCodes.Ok;
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return Cli.ExitCodes.Error;
        }
    }

    private static async Task<int> RunCoreAsync(EngineRuntimeOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var settings = options.Settings;
        TimeProvider time = options.Simulation?.Clock ?? TimeProvider.System;
        // Drawing the live panel: the log goes to a file (and the panel's last lines), not across the panel.
        var terminal = options.SummaryEvery is null ? null : options.Terminal;
        // Before the first file: the folder is the owner's alone, whichever journal is used (issue 17).
        DataFolder.Prepare(options.DataDirectory);
        using var tail = terminal is null ? null : new LogTail(Path.Combine(options.DataDirectory, options.Mode + ".log"), time);
        using var loggers = EngineLogging.Create(settings, tail);
        var log = loggers.CreateLogger("Fillwise.App");
        options.Simulation?.UseLogger(loggers.CreateLogger("Fillwise.App.Paper.SimulatedClock"));
        foreach (var key in settings.NotInForce)
            log.LogWarning(new EventId(100, "SettingNotInForce"), "setting {Key} is accepted but not acted on by this build yet", key);

        IJournal journal;
        try
        {
            journal = await JournalFactory.OpenAsync(settings, options.DataDirectory, JournalFactory.Account(options.Environment, options.KeyId), time, log, cancellationToken);
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

        var seed = settings.Int("Engine:Seed");
        var rest = new KalshiRestOptions { RandomSeed = seed, SignatureReuse = TimeSpan.FromMilliseconds(settings.Int("Kalshi:SignatureReuseMs")) };
        await using (journal)
        await using (var connection = KalshiConnection.Create(options.Environment, signer, time, rest, new KalshiWebSocketOptions { RandomSeed = seed }))
        await using (var perps = PerpVenues.Create(settings, time))
        {
            connection.Venue.CancelOrdersOnPause = settings.Bool("Kalshi:CancelOrdersOnPause");
            var venues = new VenueRegistry([connection.Connection, .. perps.Connections]);
            var fundingArb = ArbSettings.RunsFundingArb(settings) ? ArbSettings.FundingArb(settings) : null;
            if (fundingArb?.Venues.FirstOrDefault(v => !venues.Has(v)) is { } missing)
            {
                await error.WriteLineAsync($"error: FundingArb:Venues names '{missing}', which this run does not trade on (configured: {string.Join(", ", venues.All.Select(v => v.Name))})");
                return Cli.ExitCodes.Usage;
            }
            using var alertHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var engine = new TradingEngine(venues, journal, time, EngineOptions(settings), loggers, RiskSettings.Sinks(settings, alertHttp));
            await using (engine)
            {
                // A dry run a person left on stays on: restored before anything can trade.
                if (options.Mode == "live") await DryRun.RestoreAsync(engine, journal, cancellationToken);
                await connection.StartAsync(cancellationToken);
                await perps.StartAsync(cancellationToken);
                StartReport started;
                try
                {
                    started = await engine.StartAsync(cancellationToken);
                }
                catch (JournalException e)
                {
                    await error.WriteLineAsync($"error: the journal cannot be read back: {e.Message}");
                    return Cli.ExitCodes.Error;
                }
                foreach (var r in started.Restored) await output.WriteLineAsync($"restored {r.ClientOrderId}: {r.Resolution}");
                if (started.Lots > 0) await output.WriteLineAsync($"restored {started.Lots} open position(s) with their stops");

                var given = settings.Get("Control:Token");
                var token = ControlToken.Resolve(given, options.DataDirectory);
                WhaleFollower? whales = null;
                if (WhaleSettings.Wanted(settings))
                {
                    whales = new WhaleFollower(engine, journal, KalshiInstruments.Venue, WhaleSettings.Options(settings), loggers);
                    await whales.StartAsync(cancellationToken);
                }
                FundingArbStrategy? fundingStrategy = null;
                if (fundingArb is not null)
                {
                    fundingStrategy = new FundingArbStrategy(engine, fundingArb, loggers.CreateLogger<FundingArbStrategy>());
                    await fundingStrategy.RestoreAsync(cancellationToken);
                }
                var funding = Task.CompletedTask;
                var context = new ControlContext(engine, token, options.Mode, KalshiInstruments.Venue, settings.Seconds("Confirmation:EntryTimeoutSeconds"))
                {
                    Health = RiskSettings.Health(settings),
                    Whales = whales,
                    FundingArb = fundingStrategy,
                };
                await using (var host = await ControlHost.StartAsync(context, settings.Int("Control:Port"), cancellationToken))
                {
                    await output.WriteLineAsync($"Fillwise {options.Mode} engine on {options.Environment.RestBase}");
                    foreach (var line in perps.Descriptions) await output.WriteLineAsync(line);
                    await output.WriteLineAsync($"Dashboard: {host.BaseUrl}?token={token.Value}");
                    if (tail?.Path is { } logFile) await output.WriteLineAsync($"Log: {logFile}");
                    var where = token.FilePath is { } file ? $"the token in {file}" : "the token given with --control-token or Control:Token; no file was written";
                    await output.WriteLineAsync($"Control API: {host.BaseUrl}api/v1 (Authorization: Bearer <{where}>)");

                    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var paced = Task.CompletedTask;
                    TimeSpan? runFor = settings.Get("Paper:Duration") is { } d && Cli.FillwiseCommandLine.TryDuration(d, out var duration, out _) ? duration : null;
                    if (runFor is { } span)
                    {
                        if (options.Pace is { } pace) paced = StopAfterAsync(pace.WaitFor(span, stop.Token), stop);
                        else stop.CancelAfter(span);
                    }
                    options.Pace?.Start(runFor);
                    if (whales is null && fundingStrategy is null) await output.WriteLineAsync("Strategy: none (orders through the control API)");
                    if (whales is not null) await output.WriteLineAsync($"Strategy: whale follower (whales of {whales.Options.MinNotional} and up)");
                    if (fundingStrategy is not null)
                        await output.WriteLineAsync($"Strategy: funding-arb on {fundingArb!.Symbol}: {string.Join(" / ", fundingArb.Venues)}, {fundingArb.Quantity} a leg, " +
                            $"checked every {fundingArb.CheckInterval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s, {fundingArb.HorizonHours} h horizon");
                    var following = whales?.RunAsync(stop.Token) ?? Task.CompletedTask;
                    // Not awaited before the engine stops: a two-leg operation runs on the engine's lifetime, and the stop is what ends it.
                    funding = fundingStrategy is null ? Task.CompletedTask : RunFundingArbAsync(fundingStrategy, stop.Token);
                    var dashboard = $"{host.BaseUrl}?token={token.Value}";
                    var summary = options.SummaryEvery is { } every
                        ? LiveSummary.RunAsync(() => new LiveSummaryFrame(engine.Snapshot(), whales?.Snapshot(), dashboard, tail?.Recent ?? [], tail?.Path, Arb(engine, fundingStrategy)),
                            terminal, output, every, engine.Time, stop.Token)
                        : Task.CompletedTask;
                    await engine.RunAsync(stop.Token);
                    await Task.WhenAll(following, summary, paced);
                }

                using var budget = new CancellationTokenSource(StopBudget);
                try
                {
                    await engine.StopAsync(budget.Token);
                }
                catch (OperationCanceledException)
                {
                    log.LogWarning(new EventId(101, "StopSlow"), "the clean stop took longer than {Seconds} s; the journal keeps what was written", StopBudget.TotalSeconds);
                }
                try
                {
                    // The strategy's last step ends with the engine (an operation it ran is recorded as stopped; its orders are followed after the restart).
                    await funding.WaitAsync(StopBudget, CancellationToken.None);
                }
                catch (TimeoutException)
                {
                    log.LogWarning(new EventId(103, "StrategySlow"), "the funding-arb strategy had not ended {Seconds} s after the engine stopped", StopBudget.TotalSeconds);
                }
                if (options.SummaryEvery is not null)
                {
                    // The report ends with the venue's word on the run: a report-only pass that changes nothing.
                    using var final = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    try
                    {
                        foreach (var venue in venues.All) await engine.Reconciler.ReconcileAsync(venue.Name, "final", apply: false, final.Token);
                    }
                    catch (Exception e) when (e is OperationCanceledException or VenueException)
                    {
                        log.LogWarning(new EventId(102, "FinalReconciliationFailed"), "the final reconciliation could not finish: {Error}", e.Message);
                    }
                }
                var snapshot = engine.Snapshot();
                if (options.SummaryEvery is not null)
                {
                    var arb = Arb(engine, fundingStrategy) is { } view ? view with { VenuePositions = await PerpPositionsAsync(perps.Connections, cancellationToken) } : null;
                    foreach (var line in RunReport.Lines(snapshot, whales?.Snapshot(), await VenueRealizedAsync(connection, cancellationToken), KalshiInstruments.Venue, arb, options.Pace?.Describe(),
                                 options.Simulation?.Clock.Start))
                        await output.WriteLineAsync(line);
                }
                var m = snapshot.Metrics;
                await output.WriteLineAsync($"stopped: {snapshot.OpenLots.Count} open position(s), {snapshot.ClosedLots.Count} closed, {snapshot.OpenOrders.Count} order(s) still live, " +
                    $"entries placed {m.EntryOrdersPlaced} (full {m.EntryOrdersFullFilled}, partial {m.EntryOrdersPartialFilled}, failed {m.EntryOrdersFailed}), " +
                    $"exits placed {m.ExitOrdersPlaced}, anomalies {snapshot.Anomalies.Count}");
            }
        }
        return Cli.ExitCodes.Ok;
    }

    /// <summary>Stops the run when the scenario says its duration has passed (a stop before then just ends the wait).</summary>
    private static async Task StopAfterAsync(Task elapsed, CancellationTokenSource stop)
    {
        try
        {
            await elapsed;
            await stop.CancelAsync();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task RunFundingArbAsync(FundingArbStrategy strategy, CancellationToken ct)
    {
        try
        {
            await strategy.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>The two-leg side of the run for the summary and the report; null when the strategy did not run and no operation did either.</summary>
    private static ArbRunView? Arb(TradingEngine engine, FundingArbStrategy? strategy)
    {
        var operations = engine.ArbBook.All;
        if (strategy is null && operations.Count == 0) return null;
        return new ArbRunView(operations, strategy?.Position, strategy?.Decisions);
    }

    /// <summary>Each perp venue's own positions at the end of the run, for the report; null when one cannot be read.</summary>
    private static async Task<IReadOnlyList<PositionReport>?> PerpPositionsAsync(IEnumerable<VenueConnection> venues, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var all = new List<PositionReport>();
            foreach (var venue in venues) all.AddRange(await venue.Reports.GetPositionsAsync(timeout.Token));
            return all;
        }
        catch (Exception e) when (e is VenueException or OperationCanceledException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The venue's realized PnL over the account's positions, for the report; null when it cannot be read.</summary>
    private static async Task<Money?> VenueRealizedAsync(KalshiConnection connection, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var positions = await connection.Connection.Reports.GetPositionsAsync(timeout.Token);
            var sum = Money.Zero;
            foreach (var p in positions)
            {
                if (p.RealizedPnl is not { } r) return null;
                sum += r;
            }
            return sum;
        }
        catch (Exception e) when (e is VenueException or OperationCanceledException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The engine's options from the validated settings.</summary>
    public static TradingEngineOptions EngineOptions(FillwiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return RiskSettings.Apply(settings, new TradingEngineOptions
        {
            Seed = settings.Int("Engine:Seed"),
            EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = settings.Seconds("Confirmation:EntryTimeoutSeconds") },
            ExitConfirmation = ConfirmationOptions.Default with { FillTimeout = settings.Seconds("Confirmation:ExitTimeoutSeconds") },
            Acceptance = new AcceptancePolicy(settings.Decimal("Confirmation:MinFillRatio")),
            Sanity = new OrderSanityLimits
            {
                MaxOrderQuantity = Quantity.Of(settings.Decimal("Risk:MaxOrderQuantity")),
                MaxOrderNotional = Money.FromDollars(settings.Decimal("Risk:MaxOrderNotional")),
            },
            CancelRestingOnStop = settings.Bool("Engine:CancelRestingOnStop"),
            Funding = new Engine.Funding.FundingOptions { PollInterval = settings.Seconds("Funding:PollSeconds") },
            Arbitrage = ArbSettings.TwoLeg(settings),
        });
    }
}
