using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;

namespace Fillwise.Engine;

public sealed record TradingEngineOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>How often the stop-loss / take-profit monitor looks at the book.</summary>
    public TimeSpan ExitCheckInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the markets of open positions are checked for settlement.</summary>
    public TimeSpan SettlementCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    public ConfirmationOptions EntryConfirmation { get; init; } = ConfirmationOptions.Default;

    public ConfirmationOptions ExitConfirmation { get; init; } = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(5) };

    public AcceptancePolicy Acceptance { get; init; } = AcceptancePolicy.KeepAnyFill;
}

/// <summary>
/// The engine's parts wired together once, the same way for paper, live and tests: order tracking,
/// place-and-confirm, the portfolio, entries, exits and the exit monitor, fed by the venue's stream.
/// </summary>
public sealed class TradingEngine : IDisposable
{
    private readonly IVenueEventSource? _events;
    private readonly List<string> _faults = [];

    public TradingEngine(IExecutionVenue venue, IMarketQuotes quotes, IMarketCatalog catalog, IIntentJournal journal, TimeProvider time,
        TradingEngineOptions? options = null, IVenueEventSource? events = null)
    {
        Venue = venue;
        Catalog = catalog;
        Time = time;
        Options = options ?? new TradingEngineOptions();
        _events = events;
        Tracker = new OrderTracker();
        Metrics = new EngineMetrics();
        Portfolio = new PortfolioBook(Tracker, time);
        Confirmation = new FillConfirmation(venue, Tracker, journal, time, Metrics);
        Ids = new ClientOrderIds(time, Options.Seed);
        Exits = new ExitExecutor(Confirmation, Portfolio, Ids, Metrics, time) { Options = Options.ExitConfirmation };
        Entries = new EntryExecutor(Confirmation, Portfolio, Exits, quotes, Ids, Metrics, time) { Options = Options.EntryConfirmation };
        ExitMonitor = new ExitMonitor(Portfolio, quotes, Exits);
        Quotes = quotes;
    }

    public IExecutionVenue Venue { get; }
    public IMarketCatalog Catalog { get; }
    public IMarketQuotes Quotes { get; }
    public TimeProvider Time { get; }
    public TradingEngineOptions Options { get; }
    public OrderTracker Tracker { get; }
    public EngineMetrics Metrics { get; }
    public PortfolioBook Portfolio { get; }
    public FillConfirmation Confirmation { get; }
    public ClientOrderIds Ids { get; }
    public ExitExecutor Exits { get; }
    public EntryExecutor Entries { get; }
    public ExitMonitor ExitMonitor { get; }

    /// <summary>Failures of background work (an exit that threw), kept for the report and alerts.</summary>
    public IReadOnlyList<string> Faults
    {
        get { lock (_faults) return _faults.ToList(); }
    }

    /// <summary>Runs the stream pump and the exit monitor until canceled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loops = new List<Task> { MonitorExitsAsync(cancellationToken), WatchSettlementsAsync(cancellationToken) };
        if (_events is not null) loops.Add(PumpEventsAsync(_events, cancellationToken));
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Applies one venue event: fills and order updates to orders, settlements to positions.</summary>
    public void OnVenueEvent(VenueEvent venueEvent)
    {
        switch (venueEvent)
        {
            case VenueEvent.FillReceived f:
                Tracker.ApplyVenueFill(f.Fill);
                break;
            case VenueEvent.OrderUpdated u:
                Tracker.ApplyVenueReport(u.Order, Time.GetUtcNow());
                break;
            case VenueEvent.MarketSettled s:
                Portfolio.Settle(s.Ticker, s.Result);
                break;
        }
    }

    private async Task PumpEventsAsync(IVenueEventSource source, CancellationToken ct)
    {
        await foreach (var e in source.ReadEventsAsync(ct)) OnVenueEvent(e);
    }

    private async Task MonitorExitsAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Options.ExitCheckInterval, Time);
        var running = new List<Task>();
        while (await timer.WaitForNextTickAsync(ct))
        {
            running.RemoveAll(t => t.IsCompleted);
            foreach (var p in Portfolio.OpenPositions) await Quotes.WatchAsync(p.Ticker, ct);
            // Exits run beside the loop so a slow one never stops the others being watched.
            foreach (var trigger in ExitMonitor.Evaluate())
                running.Add(RunExitAsync(trigger, ct));
        }
    }

    private async Task RunExitAsync(ExitTrigger trigger, CancellationToken ct)
    {
        try
        {
            await Exits.ExitAsync(trigger.Position, trigger.Reason, trigger.Limit, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The position stays open and watched; the failure is kept, never swallowed silently.
            lock (_faults) _faults.Add($"{Time.GetUtcNow():O} exit of {trigger.Position.Ticker} ({ExitExecutor.Wire(trigger.Reason)}) failed: {e.Message}");
        }
    }

    /// <summary>Closes positions whose market the venue reports settled, at $1 or $0 per contract.</summary>
    public async Task CheckSettlementsAsync(CancellationToken ct)
    {
        foreach (var ticker in Portfolio.OpenPositions.Select(p => p.Ticker).Distinct().ToList())
        {
            VenueMarket? market;
            try
            {
                market = await Catalog.GetMarketAsync(ticker, ct);
            }
            catch (VenueException)
            {
                Metrics.ApiError();
                continue;
            }
            if (market?.Result is { } result) Portfolio.Settle(ticker, result);
        }
    }

    private async Task WatchSettlementsAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Options.SettlementCheckInterval, Time);
        while (await timer.WaitForNextTickAsync(ct)) await CheckSettlementsAsync(ct);
    }

    public void Dispose() => Metrics.Dispose();
}
