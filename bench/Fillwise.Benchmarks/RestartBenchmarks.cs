using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Restart;
using Fillwise.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Benchmarks;

/// <summary>
/// A restart's rebuild from the journal alone (issue 9): 10,000 open lots (each an entry with its
/// fill and plan) and 100,000 journaled orders in all, of which 1,000 still live; the SQLite journal
/// on disk, read in bulk, lots replayed from their fills, unfinished orders replayed from their
/// events. The venue is not asked here: that is network time.
/// </summary>
[MemoryDiagnoser]
public class RestartBenchmarks
{
    public const int OpenLots = 10_000;
    public const int Orders = 100_000;
    public const int Live = 1_000;
    private string _dir = null!;
    private SqliteJournal _journal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "fillwise-restart-bench-" + Guid.NewGuid().ToString("N"));
        _journal = SqliteJournal.OpenAsync(new SqliteJournalOptions(_dir)).GetAwaiter().GetResult();
        var started = Stopwatch.StartNew();
        Populate(_journal).GetAwaiter().GetResult();
        Console.WriteLine($"// journal populated with {Orders} orders, {OpenLots} open lots in {started.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task Populate(IJournal journal)
    {
        var instruments = Enumerable.Range(0, 50).Select(i => new InstrumentId("kalshi", $"KXREST-{i}:yes")).ToArray();
        var writes = new List<Task>(64);
        for (var i = 0; i < Orders; i++)
        {
            writes.Add(JournalPicture.WriteOrderAsync(journal, i, instruments[i % instruments.Length], JournalPicture.KindOf(i, OpenLots, Orders, Live)));
            if (writes.Count == 64)
            {
                await Task.WhenAll(writes);
                writes.Clear();
            }
        }
        await Task.WhenAll(writes);
    }

    [Benchmark(Description = "rebuild 10k open lots + 100k journaled orders (1k live) from SQLite")]
    public async Task<int> Rebuild()
    {
        using var metrics = new EngineMetrics();
        var anomalies = new Anomalies(NullLogger<Anomalies>.Instance, metrics, TimeProvider.System);
        var tracker = new OrderTracker();
        var portfolio = new PortfolioBook(tracker, anomalies, TimeProvider.System);
        await using var recorder = new JournalRecorder(_journal);
        var result = await new JournalRebuild(_journal, recorder, tracker, portfolio, anomalies, TimeProvider.System).RebuildAsync(CancellationToken.None);
        if (result.Lots != OpenLots || result.Orders.Count != Live) throw new InvalidOperationException($"rebuilt {result.Lots} lots and {result.Orders.Count} orders");
        return result.Lots;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }
}
