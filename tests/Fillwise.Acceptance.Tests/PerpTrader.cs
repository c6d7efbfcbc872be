using Fillwise.Engine;
using Fillwise.Storage;
using Fillwise.Testing;

namespace Fillwise.Acceptance.Tests;

/// <summary>A running engine on a perp venue (its connection, journal and loops); dispose to stop it.</summary>
internal sealed class PerpTrader<TConnection>(TConnection connection, Func<CancellationToken, Task> start, SqliteJournal journal, TradingEngine engine,
    ListLoggerProvider log) : IAsyncDisposable
    where TConnection : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loops;

    public TConnection Connection { get; } = connection;
    public SqliteJournal Journal { get; } = journal;
    public TradingEngine Engine { get; } = engine;
    public ListLoggerProvider Log { get; } = log;
    public StartReport Started { get; private set; } = null!;

    public async Task StartAsync()
    {
        await start(CancellationToken.None);
        Started = await Engine.StartAsync(CancellationToken.None);
        _loops = Task.Run(() => Engine.RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loops is not null) await _loops;
        await Engine.DisposeAsync();
        await Connection.DisposeAsync();
        await Journal.DisposeAsync();
        _stop.Dispose();
        // A journal write that failed is an anomaly the engine reports; in a story it is a bug.
        var failed = Engine.Anomalies.Recent.Where(a => a.Kind == Fillwise.Engine.Anomalies.JournalWriteFailed).ToList();
        if (failed.Count > 0) throw new InvalidOperationException("journal writes failed: " + string.Join("; ", failed.Select(a => a.Detail)));
    }
}
