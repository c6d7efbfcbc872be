using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Venues;
using Fillwise.Testing;

namespace Fillwise.Benchmarks;

/// <summary>
/// One periodic reconciliation pass (issue 10) over a picture that agrees with the venue, so every
/// order, fill and position is compared and nothing needs mending: N journaled orders, N/10 of them
/// entries whose lots are open (one per instrument, so N/10 venue positions and N/10 fills in the
/// pass's window), N/100 still resting. The venue's answers are read once in setup and handed back
/// from memory, and the journal is in memory: what is timed is the engine's own work (I/O excluded).
/// </summary>
[MemoryDiagnoser]
public class ReconciliationBenchmarks
{
    [Params(1_000, 10_000, 100_000)]
    public int Orders { get; set; }

    private TradingEngine _engine = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var lots = Orders / 10;
        var live = Orders / 100;
        // Inside the quiet period's end and the fill timeout: nothing is left for later, no live order is canceled.
        var time = new ManualTimeProvider(JournalPicture.T0 + TimeSpan.FromSeconds(10));
        var setupClock = Stopwatch.StartNew();
        var venue = new ScriptedVenue();
        var journal = new InMemoryJournal();
        for (var i = 0; i < Orders; i++)
        {
            var kind = JournalPicture.KindOf(i, lots, Orders, live);
            var instrument = ScriptedVenue.Instrument($"KXREC-{i % lots}:yes");
            await JournalPicture.WriteOrderAsync(journal, i, instrument, kind);
            var order = new VenueOrder(JournalPicture.VenueId(i), JournalPicture.ClientId(i), instrument, OrderSide.Buy, JournalPicture.EntryPrice, JournalPicture.Size);
            switch (kind)
            {
                case BenchOrderKind.OpenLot:
                    order.Filled = JournalPicture.Size;
                    order.State = VenueOrderState.Filled;
                    order.Fills.Add(new FillReport(JournalPicture.TradeIdOf(i), instrument, order.Id, order.ClientOrderId, OrderSide.Buy, JournalPicture.Size,
                        JournalPicture.EntryPrice, JournalPicture.Commission, true, JournalPicture.T0));
                    break;
                case BenchOrderKind.Canceled:
                    order.CanceledQuantity = JournalPicture.Size;
                    order.State = VenueOrderState.Canceled;
                    break;
            }
            venue.Orders.Add(order);
        }
        Console.WriteLine($"// {Orders} orders journaled and on the venue in {setupClock.Elapsed.TotalSeconds:F1} s");
        var reports = await FrozenReports.ReadAsync(venue);
        _engine = new TradingEngine(new VenueRegistry([new VenueConnection(ScriptedVenue.Name, venue, reports, venue, venue)]), journal, time, new TradingEngineOptions
        {
            Risk = Engine.Risk.RiskLimits.None,
            KillSwitch = Engine.Risk.KillSwitchOptions.Off,
            Alerts = new Engine.Alerts.AlertOptions { Trades = false },
        });
        var start = await _engine.StartAsync(CancellationToken.None);
        Console.WriteLine($"// engine started (rebuilt, reconciled at start) at {setupClock.Elapsed.TotalSeconds:F1} s");
        if (start.Lots != lots) throw new InvalidOperationException($"rebuilt {start.Lots} lots, expected {lots}");
        var clock = Stopwatch.StartNew();
        var first = await PassAsync();
        Console.WriteLine($"// {Orders} orders: {first.VenueOrders} open on the venue, {first.VenueFills} fills read, {first.VenuePositions} positions; first pass {clock.Elapsed.TotalMilliseconds:F1} ms");
    }

    /// <summary>The periodic pass: applied (mends would be made, its checkpoint journaled), and clean.</summary>
    [Benchmark(Description = "one periodic reconciliation pass, picture in agreement")]
    public async Task<int> Pass() => (await PassAsync()).VenuePositions;

    private async Task<ReconciliationReport> PassAsync()
    {
        var report = await _engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "periodic", apply: true, CancellationToken.None);
        if (!report.Clean)
            throw new InvalidOperationException($"the bench picture disagrees: {string.Join("; ", report.Discrepancies.Take(5).Select(d => d.Detail))}");
        return report;
    }

    /// <summary>
    /// Stopwatch and CPU-time check without BenchmarkDotNet (its in-process runner gives up on the
    /// 100k setup): per size, 20 passes; wall p50/max, and the process's CPU time per pass.
    /// </summary>
    public static void Quick(IReadOnlyList<int> sizes)
    {
        foreach (var size in sizes)
        {
            var bench = new ReconciliationBenchmarks { Orders = size };
            bench.Setup();
            var walls = new List<double>();
            // The setup's garbage collected before timing, as BenchmarkDotNet does between its stages.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            for (var i = 0; i < 5; i++) bench.PassAsync().GetAwaiter().GetResult();
            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var pause0 = GC.GetTotalPauseDuration();
            var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < 20; i++)
            {
                var clock = Stopwatch.StartNew();
                bench.PassAsync().GetAwaiter().GetResult();
                walls.Add(clock.Elapsed.TotalMilliseconds);
            }
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds / walls.Count;
            var pause = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds / walls.Count;
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / walls.Count / 1024.0 / 1024.0;
            walls.Sort();
            Console.WriteLine($"reconcile {size,7} orders / {size / 10,6} positions: wall p50 {walls[walls.Count / 2]:F2} ms, max {walls[^1]:F2} ms; CPU {cpu:F2} ms a pass (whole process), of which GC pauses {pause:F2} ms; {allocated:F1} MiB allocated a pass");
            bench.Cleanup();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The venue's answers read once; fills still filtered by time as a venue would.</summary>
    private sealed class FrozenReports(IExecutionReports venue, IReadOnlyList<OrderStatusReport> open, IReadOnlyList<PositionReport> positions,
        IReadOnlyList<FillReport> fills, AccountReport account) : IExecutionReports
    {
        public static async Task<FrozenReports> ReadAsync(ScriptedVenue venue)
        {
            var ct = CancellationToken.None;
            return new FrozenReports(venue, await venue.GetOpenOrdersAsync(ct), await venue.GetPositionsAsync(ct),
                await venue.GetFillsSinceAsync(DateTimeOffset.MinValue, ct), await venue.GetAccountAsync(ct));
        }

        public string Venue => venue.Venue;

        public Task<OrderStatusReport> GetOrderAsync(OrderRef order, CancellationToken cancellationToken) => venue.GetOrderAsync(order, cancellationToken);

        public Task<ResolveOutcome> ResolveAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken) =>
            venue.ResolveAsync(instrument, clientOrderId, cancellationToken);

        public Task<IReadOnlyList<FillReport>> GetFillsAsync(OrderRef order, CancellationToken cancellationToken) => venue.GetFillsAsync(order, cancellationToken);

        public Task<IReadOnlyList<FillReport>> GetFillsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FillReport>>(fills[0].Time >= since ? fills : fills.Where(f => f.Time >= since).ToList());

        public Task<IReadOnlyList<OrderStatusReport>> GetOpenOrdersAsync(CancellationToken cancellationToken) => Task.FromResult(open);

        public Task<IReadOnlyList<PositionReport>> GetPositionsAsync(CancellationToken cancellationToken) => Task.FromResult(positions);

        public Task<AccountReport> GetAccountAsync(CancellationToken cancellationToken) => Task.FromResult(account);

        public IAsyncEnumerable<ExecutionEvent> ReadEventsAsync(CancellationToken cancellationToken) => venue.ReadEventsAsync(cancellationToken);
    }
}
