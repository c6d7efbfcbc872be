using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Restart;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine;

public sealed record TradingEngineOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>How often the stop-loss / take-profit monitor looks at the books.</summary>
    public TimeSpan ExitCheckInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the instruments of open lots are checked for settlement.</summary>
    public TimeSpan SettlementCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each venue's balance is read.</summary>
    public TimeSpan AccountRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How far before the last moment the stream was whole a resync reads fills from.</summary>
    public TimeSpan ResyncMargin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a fill of an untracked order waits for its order to be learned (a fill can beat the create's answer) before it is judged.</summary>
    public TimeSpan OrphanFillGrace { get; init; } = TimeSpan.FromSeconds(2);

    public ConfirmationOptions EntryConfirmation { get; init; } = ConfirmationOptions.Default;

    public ConfirmationOptions ExitConfirmation { get; init; } = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(5) };

    public AcceptancePolicy Acceptance { get; init; } = AcceptancePolicy.KeepAnyFill;

    public OrderSanityLimits Sanity { get; init; } = new();

    /// <summary>On a clean stop: cancel every order still resting (true), or leave them for the next start to follow (false).</summary>
    public bool CancelRestingOnStop { get; init; }

    public Reconciliation.ReconciliationOptions Reconciliation { get; init; } = new();

    /// <summary>Pre-trade limits (CONTRACTS.md §1 `Risk:*`).</summary>
    public RiskLimits Risk { get; init; } = new();

    public KillSwitchOptions KillSwitch { get; init; } = new();

    public Alerts.AlertOptions Alerts { get; init; } = new();

    /// <summary>Funding on perpetual positions: how often payments and rates are read.</summary>
    public Funding.FundingOptions Funding { get; init; } = new();
    /// <summary>Two-leg funding-arbitrage operations (CONTRACTS.md §1 `Arb:*`).</summary>
    public Arbitrage.TwoLegOptions Arbitrage { get; init; } = new();
}

/// <summary>What a start found: lots and orders rebuilt from the journal, and what the venues said about each order.</summary>
public sealed record StartReport(int Lots, int Orders, TimeSpan RebuildTime, IReadOnlyList<RestoredOrder> Restored,
    IReadOnlyList<Reconciliation.ReconciliationReport> Reconciliation);

/// <summary>
/// The engine's parts wired together once, the same way for paper, live and tests: order tracking,
/// place-and-confirm, the lots, entries, exits and the exit monitor, settlement, resync after stream
/// cuts, balances, fed by every configured venue's stream. Start rebuilds from the journal and asks
/// the venues before anything trades; background work runs on the engine's own lifetime, never on
/// a caller's (a control API client that goes away changes nothing about how an order is followed).
/// </summary>
public sealed partial class TradingEngine : IAsyncDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<Task> _background = [];
    private readonly ILogger _logger;
    private readonly SettlementWatch _settlements;
    private readonly StreamResync _resync;
    private readonly JournalRebuild _rebuild;
    private readonly RestartCatchUp _catchUp;
    private readonly IJournal _journal;
    private readonly CancellationTokenRegistration _leaseLost;
    private int _stopped;

    public TradingEngine(VenueRegistry venues, IJournal journal, TimeProvider time, TradingEngineOptions? options = null, ILoggerFactory? loggers = null,
        IEnumerable<Alerts.IAlertSink>? alertSinks = null)
    {
        ArgumentNullException.ThrowIfNull(venues);
        ArgumentNullException.ThrowIfNull(journal);
        loggers ??= NullLoggerFactory.Instance;
        Venues = venues;
        _journal = journal;
        Time = time;
        Options = options ?? new TradingEngineOptions();
        _logger = loggers.CreateLogger<TradingEngine>();
        Metrics = new EngineMetrics();
        Anomalies = new Anomalies(loggers.CreateLogger<Anomalies>(), Metrics, time);
        Tracker = new OrderTracker();
        Portfolio = new PortfolioBook(Tracker, Anomalies, time, loggers.CreateLogger<PortfolioBook>());
        Recorder = new JournalRecorder(journal, loggers.CreateLogger<JournalRecorder>());
        Recorder.Attach(Tracker, Portfolio, Anomalies);
        Tracker.EventRefused += (order, result) => Anomalies.Report(Anomalies.OrderEventRefused, result.Reason ?? $"order {order.ClientOrderId} refused an event");
        Confirmation = new FillConfirmation(venues, Tracker, Recorder, time, Metrics, loggers.CreateLogger<FillConfirmation>());
        Ids = new ClientOrderIds(time, Options.Seed);
        Trading = new TradingStates(time, loggers.CreateLogger<TradingStates>());
        Trading.Attach(Recorder);
        Accounts = new AccountMonitor(venues, Metrics, loggers.CreateLogger<AccountMonitor>());
        Exposure = new ExposureBook(Tracker, Portfolio, venues);
        Gate = new PreTradeGate(Options.Sanity, Trading, Options.Risk, Exposure, Accounts, venues);
        Exits = new ExitExecutor(Confirmation, Portfolio, Ids, Metrics, time, loggers.CreateLogger<ExitExecutor>()) { Options = Options.ExitConfirmation };
        Entries = new EntryExecutor(Confirmation, Portfolio, Exits, venues, Gate, Ids, Metrics, time, loggers.CreateLogger<EntryExecutor>()) { Options = Options.EntryConfirmation };
        _settlements = new SettlementWatch(venues, Portfolio, Metrics, loggers.CreateLogger<SettlementWatch>());
        ExitMonitor = new ExitMonitor(Portfolio, venues, Exits, _settlements.IsTrading);
        _resync = new StreamResync(venues, Tracker, Confirmation, Metrics, time, loggers.CreateLogger<StreamResync>(), Options.ResyncMargin, Options.EntryConfirmation.PollInterval);
        _rebuild = new JournalRebuild(journal, Recorder, Tracker, Portfolio, Anomalies, time);
        var triage = new OrphanFillTriage(Tracker, Recorder, _rebuild, Anomalies, time, loggers.CreateLogger<OrphanFillTriage>(), Options.OrphanFillGrace);
        Tracker.OrphanFill += fill => Background(() => triage.TriageAsync(fill, _lifetime.Token), $"triage of fill {fill.TradeId}");
        _catchUp = new RestartCatchUp(venues, Tracker, Confirmation, time, loggers.CreateLogger<RestartCatchUp>());
        Funding = new Funding.FundingBook(venues, Portfolio, Recorder, journal, time, loggers.CreateLogger<Funding.FundingBook>(), Options.Funding);
        Reconciler = new Reconciliation.Reconciler(venues, Tracker, Portfolio, Confirmation, Recorder, journal, _rebuild, Funding, time,
            loggers.CreateLogger<Reconciliation.Reconciler>(), Options.Reconciliation);
        Alerts = new Alerts.AlertDispatcher(alertSinks ?? [], time, loggers.CreateLogger<Alerts.AlertDispatcher>(), Options.Alerts);
        Exits.VenueHoldsLess += instrument => ReconcileSoon(instrument.Venue, "exit_refused");
        Sweep = new RestingOrderSweep(venues, Tracker, time);
        KillSwitch = new KillSwitch(Options.KillSwitch, Trading, Portfolio, Tracker, venues, Accounts, Metrics, Recorder, Sweep, Alerts,
            () => Reconciler.LastReports.Any(r => r.Applied && r.Trigger != "start" && r.HasBlocking), time, loggers.CreateLogger<KillSwitch>());
        WireRisk();
        ArbBook = new Arbitrage.TwoLegBook(Recorder, time, loggers.CreateLogger<Arbitrage.TwoLegBook>(), Options.Arbitrage.Kept);
        Arbitrage = new Arbitrage.TwoLegExecutor(venues, Confirmation, Portfolio, Gate, Trading, Ids, Metrics, ArbBook, time, Options.Arbitrage, Alerts,
            loggers.CreateLogger<Arbitrage.TwoLegExecutor>());
        ArbBook.Changed += view => Events.Publish(() => new EngineEvent.ArbChanged(view, Time.GetUtcNow()));
        // Last, so a lease already lost finds every part in place (Register then runs at once).
        _leaseLost = journal.WriterLease.Lost.Register(OnWriterLeaseLost);
    }

    public VenueRegistry Venues { get; }
    public TimeProvider Time { get; }
    public TradingEngineOptions Options { get; }
    public EngineMetrics Metrics { get; }
    public Anomalies Anomalies { get; }
    public OrderTracker Tracker { get; }
    public PortfolioBook Portfolio { get; }
    public JournalRecorder Recorder { get; }
    public FillConfirmation Confirmation { get; }
    public ClientOrderIds Ids { get; }
    public PreTradeGate Gate { get; }
    public TradingStates Trading { get; }
    public Reconciliation.Reconciler Reconciler { get; }
    public ExitExecutor Exits { get; }
    public EntryExecutor Entries { get; }
    public ExitMonitor ExitMonitor { get; }
    public AccountMonitor Accounts { get; }

    /// <summary>Funding on perpetual positions: payments booked on lots, rates and next settlements.</summary>
    public Funding.FundingBook Funding { get; }
    /// <summary>Two-leg opens and closes across two perp venues (funding arbitrage).</summary>
    public Arbitrage.TwoLegExecutor Arbitrage { get; }

    /// <summary>Every two-leg operation, running and finished (restored from the journal at start).</summary>
    public Arbitrage.TwoLegBook ArbBook { get; }

    /// <summary>Cancelled when the engine stops: the lifetime every background operation runs on.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>True once the journal is rebuilt and the venues asked about every unfinished order.</summary>
    public bool IsReady { get; private set; }

    /// <summary>
    /// Rebuilds open lots and unfinished orders from the journal, asks the venues about each order,
    /// and starts following those still live. Nothing trades before this returns.
    /// </summary>
    public async Task<StartReport> StartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        // Each start is counted in the journal: its client order ids can never repeat an earlier run's.
        var engineState = MetadataOwner.Engine("engine");
        var starts = (await _journal.GetMetadataAsync(engineState, linked.Token)).TryGetValue("starts", out var s)
            && long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        await _journal.SetMetadataAsync(engineState, "starts", (starts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), linked.Token);
        Ids.StartGeneration(starts + 1);
        // Nothing new trades until the picture is rebuilt and checked against every venue.
        Trading.Block(StartBlock, "starting: rebuilding from the journal and reconciling with the venues");
        await Trading.RestoreAsync(_journal, linked.Token);
        var rebuilt = await _rebuild.RebuildAsync(linked.Token);
        await Funding.LoadAsync(linked.Token);
        await ArbBook.RestoreAsync(_journal, linked.Token);
        EngineLog.Rebuilt(_logger, rebuilt.Lots, rebuilt.Orders.Count, (long)rebuilt.Elapsed.TotalMilliseconds);
        var restored = await _catchUp.CatchUpAsync(rebuilt.Orders, linked.Token);
        foreach (var lot in Portfolio.OpenLots) await Venues.For(lot.Instrument).MarketData.WatchAsync(lot.Instrument, linked.Token);
        // Each held instrument's rules before anything counts exposure: they name a binary market's other
        // outcome, and a market is both (an unknown one would be counted as a market of its own).
        foreach (var instrument in Portfolio.OpenLots.Select(l => l.Instrument).Distinct())
        {
            try
            {
                await Venues.GetInstrumentAsync(instrument, linked.Token);
            }
            catch (VenueException)
            {
                // Asked again by the first order on it; the start's reconciliation says whether the venue answers.
            }
        }
        foreach (var order in rebuilt.Orders.Where(o => o.MayBeLiveOnVenue))
        {
            var options = order.Purpose == OrderPurpose.Entry ? Options.EntryConfirmation : Options.ExitConfirmation;
            Background(() => Confirmation.FollowAsync(order, options, order.CreatedAt + options.FillTimeout, _lifetime.Token), $"following order {order.ClientOrderId}");
        }
        await Accounts.RefreshAsync(linked.Token);
        await KillSwitch.StartAsync(_journal, linked.Token);
        var reports = new List<Reconciliation.ReconciliationReport>();
        foreach (var venue in Venues.All)
        {
            try
            {
                reports.Add(await Reconciler.ReconcileAsync(venue.Name, "start", apply: true, linked.Token));
            }
            catch (VenueException e)
            {
                // Trading stays blocked: a picture that was not checked is not traded on.
                EngineLog.ReconciliationFailed(_logger, venue.Name, e.Message);
                Trading.Block(UnreconciledBlock, $"{venue.Name} could not be reconciled at start ({e.Message}); the next pass retries");
            }
        }
        if (reports.Any(r => r.HasBlocking))
            Trading.Block(OrphanBlock, "orphans found at start that were not adopted: review GET /api/v1/reconciliation, then POST /api/v1/reconciliation/allow");
        Trading.Unblock(StartBlock);
        IsReady = true;
        return new StartReport(rebuilt.Lots, rebuilt.Orders.Count, rebuilt.Elapsed, restored, reports);
    }

    private const string StartBlock = "start";
    private const string OrphanBlock = "orphans";
    private const string UnreconciledBlock = "unreconciled";
    private const string JournalBlock = "journal";

    /// <summary>
    /// Another engine may own the account now: nothing new trades here, for the rest of this run (the
    /// journal refuses every append anyway; the block says why in the trading state). Only a restart,
    /// with its own lease and its start reconciliation, trades again.
    /// </summary>
    private void OnWriterLeaseLost()
    {
        var lease = _journal.WriterLease;
        var reason = $"the journal's writer lease was lost (held by {lease.Holder}): {lease.LostReason ?? "no reason given"}; another engine may hold the account";
        // The block first: it is what stops trading. Runs on the journal's thread that noticed the loss.
        try
        {
            Trading.Block(JournalBlock, reason);
        }
        finally
        {
            // Not written to the journal: it refuses this engine's appends from now on.
            Anomalies.ReportWithoutJournal(Anomalies.WriterLeaseLost, reason);
        }
    }

    /// <summary>A person has looked at the orphans found at start and lets trading go on (seed 004).</summary>
    public void AllowOrphans() => Trading.Unblock(OrphanBlock);

    /// <summary>
    /// The `reconcile` command: the picture rebuilt from the journal alone, compared with each venue,
    /// and nothing changed anywhere (no order sent, nothing journaled).
    /// </summary>
    public async Task<IReadOnlyList<Reconciliation.ReconciliationReport>> ReportAsync(CancellationToken cancellationToken)
    {
        await _rebuild.RebuildAsync(cancellationToken);
        await Funding.LoadAsync(cancellationToken);
        var reports = new List<Reconciliation.ReconciliationReport>();
        foreach (var venue in Venues.All) reports.Add(await Reconciler.ReconcileAsync(venue.Name, "manual", apply: false, cancellationToken));
        return reports;
    }

    /// <summary>Runs the stream pumps, the exit monitor, the settlement watch and the balance reader until stopped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var ct = linked.Token;
        var loops = new List<Task>
        {
            EveryAsync(Options.ExitCheckInterval, CheckExitsAsync, ct),
            EveryAsync(Options.SettlementCheckInterval, _settlements.CheckAsync, ct),
            EveryAsync(Options.AccountRefreshInterval, Accounts.RefreshAsync, ct),
            EveryAsync(Options.Reconciliation.Interval, ReconcilePeriodicallyAsync, ct),
            EveryAsync(Options.KillSwitch.CheckInterval, KillSwitch.CheckAsync, ct),
            Funding.RunAsync(ct),
        };
        loops.AddRange(Venues.All.Select(v => PumpAsync(v, ct)));
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>An entry on the engine's own lifetime: the caller may stop waiting, the order is still followed and canceled at its timeout.</summary>
    public Task<EntryResult> EnterAsync(EntryRequest request) => Entries.EnterAsync(request, _lifetime.Token);

    /// <summary>A two-leg operation on the engine's own lifetime: a caller that stops waiting does not stop it half-way.</summary>
    public Task<Arbitrage.TwoLegView> RunArbAsync(Arbitrage.TwoLegPlan plan)
    {
        var task = Arbitrage.ExecuteAsync(plan, _lifetime.Token);
        // A clean stop waits for it to record how it ended (its orders stay followed after the restart).
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
        return task;
    }

    /// <summary>An exit on the engine's own lifetime.</summary>
    public Task<ExitResult> ExitAsync(PositionId lot, ExitReason reason, Domain.Values.Price limit) => Exits.ExitAsync(lot, reason, limit, _lifetime.Token);

    /// <summary>Asks for an exit of a lot at the first live price (no bid or ask now): the exit monitor sends it.</summary>
    public bool RequestExit(PositionId lot, ExitReason reason)
    {
        if (Portfolio.Find(lot) is not { } live) return false;
        Portfolio.RequestExit(live, reason);
        return true;
    }

    /// <summary>Applies one venue event: fills and order updates to orders; a resync request starts a REST catch-up.</summary>
    public void OnExecutionEvent(ExecutionEvent executionEvent)
    {
        switch (executionEvent)
        {
            case ExecutionEvent.FillReported f:
                Tracker.ApplyVenueFill(f.Fill);
                break;
            case ExecutionEvent.OrderReported u:
                Tracker.ApplyVenueReport(u.Order, Time.GetUtcNow());
                break;
            case ExecutionEvent.ResyncNeeded r:
                // After every reconnect: catch up over REST, then reconcile before trusting the picture again.
                Background(async () =>
                {
                    await _resync.ResyncAsync(r.Venue, r.Since, _lifetime.Token);
                    await Reconciler.ReconcileAsync(r.Venue, "reconnect", apply: true, _lifetime.Token);
                }, $"resync of {r.Venue}");
                break;
        }
    }

    /// <summary>Checks settlement once (tests and the control API use it; the loop calls it on a timer).</summary>
    public Task CheckSettlementsAsync(CancellationToken ct) => _settlements.CheckAsync(ct);

    /// <summary>A consistent copy of what the engine believes, for every reader.</summary>
    public EngineSnapshot Snapshot()
    {
        var (open, closed) = Portfolio.Snapshot();
        return new EngineSnapshot(Time.GetUtcNow(), IsReady, open, closed, Tracker.Snapshot(Portfolio.LotOf), Accounts.Views, Metrics.Snapshot(),
            Anomalies.Recent, _settlements.Statuses, Recorder.FailureCount, Trading.Status, Reconciler.LastReports,
            KillSwitch.Status(), Exposure.Current, Options.Risk, new AlertCounters(Alerts.Sent, Alerts.Failed, Alerts.Dropped, Alerts.Sinks), Funding.Snapshot());
    }

    /// <summary>The instrument's rules as learned from its venue (null before the engine has asked).</summary>
    public Instrument? KnownInstrument(InstrumentId id) => Venues.KnownInstrument(id);

    /// <summary>
    /// A clean stop: background work ends, resting orders are canceled when configured (or left for
    /// the next start to follow), and everything queued for the journal is written.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        if (Options.CancelRestingOnStop)
        {
            foreach (var order in Tracker.LiveOrders.Where(o => o.VenueOrderId is not null))
            {
                var outcome = await Venues.For(order.Instrument).Execution.CancelAsync(new OrderRef(order.Instrument, order.ClientOrderId, order.VenueOrderId), cancellationToken);
                if (outcome is CancelOutcome.Canceled) Tracker.Apply(order.ClientOrderId, new OrderCanceled(Time.GetUtcNow()));
            }
        }
        await _lifetime.CancelAsync();
        Task[] pending;
        lock (_background) pending = _background.ToArray();
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        await Recorder.FlushAsync(cancellationToken);
        // Alerts already raised (a kill switch just before the stop) still go out, briefly.
        await Alerts.DrainAsync(TimeSpan.FromSeconds(2));
    }

    private async Task ReconcilePeriodicallyAsync(CancellationToken ct)
    {
        foreach (var venue in Venues.All)
        {
            try
            {
                await Reconciler.ReconcileAsync(venue.Name, "periodic", apply: true, ct);
                // A venue that could not be reconciled at start is trusted once a pass succeeds;
                // orphans a person must decide on stay blocked until they do.
                Trading.Unblock(UnreconciledBlock);
            }
            catch (VenueException e)
            {
                EngineLog.ReconciliationFailed(_logger, venue.Name, e.Message);
            }
        }
    }

    // Venues with a pass asked for and not yet run: a burst of refusals asks once.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _reconcileAsked = new(StringComparer.Ordinal);

    /// <summary>
    /// A pass on one venue, out of turn, once the quiet period after the order that prompted it has
    /// passed (the pass leaves an instrument with a fresh order for later).
    /// </summary>
    private void ReconcileSoon(string venue, string trigger)
    {
        if (!_reconcileAsked.TryAdd(venue, 0)) return;
        Background(async () =>
        {
            try
            {
                await Task.Delay(Options.Reconciliation.QuietPeriod + TimeSpan.FromMilliseconds(100), Time, _lifetime.Token);
                _reconcileAsked.TryRemove(venue, out _);
                await Reconciler.ReconcileAsync(venue, trigger, apply: true, _lifetime.Token);
            }
            catch (VenueException e)
            {
                EngineLog.ReconciliationFailed(_logger, venue, e.Message);
            }
            finally
            {
                _reconcileAsked.TryRemove(venue, out _);
            }
        }, $"{trigger} reconciliation of {venue}");
    }

    private async Task CheckExitsAsync(CancellationToken ct)
    {
        foreach (var lot in Portfolio.OpenLots) await Venues.For(lot.Instrument).MarketData.WatchAsync(lot.Instrument, ct);
        // Exits run beside the loop so a slow one never stops the others being watched.
        foreach (var trigger in ExitMonitor.Evaluate())
        {
            var t = trigger;
            Background(() => Exits.ExitAsync(t.Lot, t.Reason, t.Limit, _lifetime.Token), $"{t.Reason.ToWire()} exit of {t.Lot.Id}");
        }
    }

    private async Task PumpAsync(VenueConnection venue, CancellationToken ct)
    {
        try
        {
            await foreach (var e in venue.Reports.ReadEventsAsync(ct)) OnExecutionEvent(e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            EngineLog.StreamFailed(_logger, venue.Name, e.Message);
            Anomalies.Report(Anomalies.StreamFailed, $"{venue.Name} event stream ended: {e.Message}");
        }
    }

    private async Task EveryAsync(TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, Time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await work(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Anomalies.Report("loop_failed", $"{work.Method.Name}: {e.Message}");
            }
        }
    }

    /// <summary>Runs work on the engine's lifetime; a failure is logged and reported, never lost.</summary>
    private void Background(Func<Task> work, string what)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Anomalies.Report("background_failed", $"{what}: {e.Message}");
            }
        });
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _leaseLost.DisposeAsync();
        await StopAsync(CancellationToken.None);
        await Recorder.DisposeAsync();
        await Alerts.DisposeAsync();
        Metrics.Dispose();
        _lifetime.Dispose();
    }
}

/// <summary>Everything a reader needs, copied under the owners' locks: never live engine objects.</summary>
public sealed record EngineSnapshot(
    DateTimeOffset Time,
    bool Ready,
    IReadOnlyList<LotView> OpenLots,
    IReadOnlyList<LotView> ClosedLots,
    IReadOnlyList<OrderView> OpenOrders,
    IReadOnlyList<AccountView> Accounts,
    EngineMetricsSnapshot Metrics,
    IReadOnlyList<Anomaly> Anomalies,
    IReadOnlyDictionary<InstrumentId, InstrumentStatus> InstrumentStatuses,
    long JournalFailures,
    TradingStatus Trading,
    IReadOnlyList<Reconciliation.ReconciliationReport> Reconciliation,
    KillSwitchStatus KillSwitch,
    ExposureSnapshot Exposure,
    RiskLimits Limits,
    AlertCounters Alerts,
    Funding.FundingSnapshot Funding);

/// <summary>What became of the alerts raised: sent, given up after retries, dropped from a full queue; and where they go.</summary>
public sealed record AlertCounters(long Sent, long Failed, long Dropped, IReadOnlyList<string> Sinks);
