using Fillwise.Domain.Instruments;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;
using Fillwise.Testing;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Tests.Support;

/// <summary>The whole engine wired to a scripted venue, an in-memory journal and a manual clock.</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly InstrumentId Instrument = ScriptedVenue.Instrument();

    public EngineHarness(InMemoryJournal? journal = null, ScriptedVenue? venue = null, ILoggerFactory? loggers = null, ManualTimeProvider? clock = null,
        Fillwise.Engine.Reconciliation.ReconciliationOptions? reconciliation = null, Fillwise.Engine.Risk.RiskLimits? risk = null,
        Fillwise.Engine.Risk.KillSwitchOptions? killSwitch = null, IEnumerable<Fillwise.Engine.Alerts.IAlertSink>? alertSinks = null)
    {
        Clock = clock ?? new ManualTimeProvider();
        Venue = venue ?? new ScriptedVenue();
        Venue.Clock ??= Clock;
        Journal = journal ?? new InMemoryJournal();
        Engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(Venue)]), Journal, Clock, new TradingEngineOptions
        {
            EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(3) },
            ExitConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(5) },
            Reconciliation = reconciliation ?? new Fillwise.Engine.Reconciliation.ReconciliationOptions { QuietPeriod = TimeSpan.Zero },
            // The risk tests set their own; everything else runs without limits or a kill switch in the way.
            Risk = risk ?? Fillwise.Engine.Risk.RiskLimits.None,
            KillSwitch = killSwitch ?? Fillwise.Engine.Risk.KillSwitchOptions.Off,
        }, loggers, alertSinks);
    }

    public ManualTimeProvider Clock { get; }
    public ScriptedVenue Venue { get; }
    public InMemoryJournal Journal { get; }
    public TradingEngine Engine { get; }
    public OrderTracker Tracker => Engine.Tracker;
    public EngineMetrics Metrics => Engine.Metrics;
    public PortfolioBook Portfolio => Engine.Portfolio;
    public ExitExecutor Exits => Engine.Exits;
    public EntryExecutor Entries => Engine.Entries;
    public ExitMonitor Monitor => Engine.ExitMonitor;

    public IReadOnlyList<LotView> OpenLots => Portfolio.Snapshot().Open;
    public IReadOnlyList<LotView> ClosedLots => Portfolio.Snapshot().Closed;

    /// <summary>Runs an operation to completion, moving the manual clock while it waits.</summary>
    public async Task<T> Run<T>(Func<Task<T>> operation, TimeSpan? step = null)
    {
        var task = operation();
        for (var i = 0; i < 100_000 && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
            if (!task.IsCompleted) Clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
        }
        return await task;
    }

    /// <summary>Waits (moving the clock) until a condition holds.</summary>
    public async Task Until(Func<bool> condition, string what)
    {
        for (var i = 0; i < 2000; i++)
        {
            if (condition()) return;
            await Task.Delay(2);
            Clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.Fail($"never happened: {what}");
    }

    public async ValueTask DisposeAsync() => await Engine.DisposeAsync();
}
