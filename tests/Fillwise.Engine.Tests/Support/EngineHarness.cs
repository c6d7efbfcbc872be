using Fillwise.Domain.Values;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Support;

/// <summary>The engine's execution parts wired to a scripted venue and a manual clock.</summary>
internal sealed class EngineHarness : IDisposable
{
    public static readonly MarketTicker Ticker = new("KXTEST-1");

    public EngineHarness()
    {
        Portfolio = new PortfolioBook(Tracker, Clock);
        Confirmation = new FillConfirmation(Venue, Tracker, IIntentJournal.Transient, Clock, Metrics);
        Ids = new ClientOrderIds(Clock, 1);
        Exits = new ExitExecutor(Confirmation, Portfolio, Ids, Metrics, Clock);
        Entries = new EntryExecutor(Confirmation, Portfolio, Exits, Quotes, Ids, Metrics, Clock);
        Monitor = new ExitMonitor(Portfolio, Quotes, Exits);
    }

    public ManualTimeProvider Clock { get; } = new();
    public ScriptedVenue Venue { get; } = new();
    public OrderTracker Tracker { get; } = new();
    public EngineMetrics Metrics { get; } = new();
    public FixedQuotes Quotes { get; } = new();
    public PortfolioBook Portfolio { get; }
    public FillConfirmation Confirmation { get; }
    public ClientOrderIds Ids { get; }
    public ExitExecutor Exits { get; }
    public EntryExecutor Entries { get; }
    public ExitMonitor Monitor { get; }

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

    public void Dispose() => Metrics.Dispose();
}
