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
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
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
            writes.Add(One(journal, i, instruments[i % instruments.Length]));
            if (writes.Count == 64)
            {
                await Task.WhenAll(writes);
                writes.Clear();
            }
        }
        await Task.WhenAll(writes);
    }

    private static async Task One(IJournal journal, int i, InstrumentId instrument)
    {
        var id = new ClientOrderId($"fw-bench-{i.ToString(CultureInfo.InvariantCulture)}");
        var lot = i < OpenLots ? new PositionId(id.Value) : (PositionId?)null;
        var venueId = new VenueOrderId($"v-{i.ToString(CultureInfo.InvariantCulture)}");
        var plan = lot is null ? "" : ""","plan":{"strategy":"bench","side":"long","stop_loss":"0.40","take_profit":"0.60","requested":"10","reason":"bench"}""";
        await journal.AppendIntentAsync(new JournalIntent(id, instrument, OrderSide.Buy, Quantity.Of(10), Price.Parse("0.45"), OrderPurpose.Entry, "bench", "bench",
            $$"""{"time_in_force":"GoodTillCanceled"{{plan}}}""", T0, lot));
        await journal.AppendOrderEventAsync(new JournalOrderEvent(id, null, "Submit", "{}", T0));
        await journal.AppendOrderEventAsync(new JournalOrderEvent(id, venueId, "Accept", "{}", T0, ResolvesIntent: true));
        if (lot is { } l)
        {
            var trade = new TradeId($"t-{i.ToString(CultureInfo.InvariantCulture)}");
            await journal.AppendOrderEventAsync(new JournalOrderEvent(id, venueId, "Fill",
                $$"""{"trade_id":"{{trade}}","quantity":"10","price":"0.45","commission":"0.0173","is_taker":true}""", T0, ResolvesIntent: true, FinishesOrder: true));
            await journal.AppendFillAsync(new JournalFill(trade, id, venueId, instrument, OrderSide.Buy, Quantity.Of(10), Price.Parse("0.45"), Money.Parse("0.0173"), true, T0));
            await journal.OpenPositionAsync(new JournalPosition(l, instrument, PositionSide.Long, id, Quantity.Of(10), Price.Parse("0.40"), Price.Parse("0.60"), "bench", "bench", T0));
        }
        else if (i >= Orders - Live)
        {
            // Still live: accepted, resting.
        }
        else
        {
            await journal.AppendOrderEventAsync(new JournalOrderEvent(id, venueId, "Cancel", "{}", T0, ResolvesIntent: true, FinishesOrder: true));
        }
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
