using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Arbitrage;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Venues;
using Fillwise.Storage;
using Fillwise.Testing;

namespace Fillwise.Benchmarks;

/// <summary>
/// From one leg's fill to the other leg's hedge order on the wire, in process: a two-leg open on
/// two scripted venues (Aster's and Lighter's rules) rests both legs post-only; the benchmark then
/// streams the long leg's full fill through the venue's private stream and times until the short
/// leg's hedge create reaches its venue's submit. In between, all of the executor's reaction: the
/// fill applied, the leg seen complete, the other leg's order canceled, the cancel's answer
/// awaited and its final counts read, the break-even price, the gate, the durable intent, the
/// submit. Each invocation records its own sample; p50/p99 are printed at cleanup. "Durable" puts
/// the SQLite journal (WAL, synchronous=FULL) in the path.
/// </summary>
[MemoryDiagnoser]
public class TwoLegHedgeLatencyBenchmarks
{
    private static readonly InstrumentId AsterZec = new("aster", "ZECUSDT");
    private static readonly InstrumentId LighterZec = new("lighter", "ZEC");
    private readonly List<double> _samples = new(100_000);
    private HedgeRig _rig = null!;

    [Params(false, true)]
    public bool Durable { get; set; }

    [GlobalSetup]
    public void Setup() => _rig = HedgeRig.StartAsync(Durable).GetAwaiter().GetResult();

    [Benchmark(Description = "one leg's fill -> the other leg's hedge on the wire")]
    public async Task FillToHedge() => _samples.Add(await _rig.OneAsync());

    [GlobalCleanup]
    public void Cleanup()
    {
        Print($"fill-to-hedge (durable={Durable})", _samples);
        _rig.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    internal static void Print(string what, List<double> samples)
    {
        if (samples.Count == 0) return;
        samples.Sort();
        double P(double q) => samples[Math.Min(samples.Count - 1, (int)(q * samples.Count))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// {what}: n={samples.Count} p50={P(0.50):F1}us p90={P(0.90):F1}us p99={P(0.99):F1}us p99.9={P(0.999):F1}us max={samples[^1]:F1}us"));
    }

    /// <summary>Stopwatch check without BenchmarkDotNet: ... -- quick-arb [runs]</summary>
    public static void Quick(int runs)
    {
        foreach (var durable in new[] { false, true })
        {
            var rig = HedgeRig.StartAsync(durable).GetAwaiter().GetResult();
            var samples = new List<double>(runs);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 50; i++) rig.OneAsync().GetAwaiter().GetResult(); // warm-up
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// warm-up: 50 opens in {clock.Elapsed.TotalMilliseconds:F0} ms"));
            for (var i = 0; i < runs; i++) samples.Add(rig.OneAsync().GetAwaiter().GetResult());
            Print($"fill-to-hedge (durable={durable})", samples);
            rig.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The engine on two scripted venues, running (stream pumps included), and the means to play one open.</summary>
    private sealed class HedgeRig : IAsyncDisposable
    {
        private readonly ScriptedVenue _aster = new("aster", "aster-");
        private readonly ScriptedVenue _lighter = new("lighter", "lighter-");
        private readonly CancellationTokenSource _stop = new();
        private TradingEngine _engine = null!;
        private IJournal _journal = null!;
        private string? _dir;
        private Task _loops = Task.CompletedTask;
        private TaskCompletionSource _asterResting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _lighterResting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource<long> _hedgeOnWire = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static async Task<HedgeRig> StartAsync(bool durable)
        {
            var rig = new HedgeRig();
            await rig.InitAsync(durable);
            return rig;
        }

        private async Task InitAsync(bool durable)
        {
            Instrument Rules(InstrumentId id, decimal tick, decimal min, decimal notional, bool waiver) =>
                new(id, InstrumentKind.Perpetual, "ZEC", [new PriceBand(Price.Of(tick), Price.Of(100_000m), Price.Of(tick))], Quantity.Of(0.001m), Quantity.Of(min),
                    Money.FromDollars(notional), waiver);
            var aster = Rules(AsterZec, 0.01m, 0.001m, 5m, true);
            var lighter = Rules(LighterZec, 0.001m, 0.05m, 10m, false);
            _aster.Rules = id => id == AsterZec ? aster : null;
            _lighter.Rules = id => id == LighterZec ? lighter : null;
            _aster.SetBid(AsterZec, 513.99m, 514.03m);
            _lighter.SetBid(LighterZec, 513.647m, 514.033m);
            _aster.OnSubmit = (i, _) =>
            {
                if (i.PostOnly) _asterResting.TrySetResult();
                return SubmitScript.Accept;
            };
            // The short leg's hedge (not post-only) is the moment measured; it fills at once, ending the open.
            _lighter.OnSubmit = (i, _) =>
            {
                if (i.PostOnly)
                {
                    _lighterResting.TrySetResult();
                    return SubmitScript.Accept;
                }
                _hedgeOnWire.TrySetResult(Stopwatch.GetTimestamp());
                return new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
            };
            if (durable)
            {
                _dir = Path.Combine(Path.GetTempPath(), "fillwise-bench-arb-" + Guid.NewGuid().ToString("N"));
                _journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(_dir));
            }
            else
            {
                _journal = new NullJournal();
            }
            _engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(_aster), VenueConnection.Of(_lighter)]), _journal, TimeProvider.System, new TradingEngineOptions
            {
                Risk = Engine.Risk.RiskLimits.None,
                KillSwitch = Engine.Risk.KillSwitchOptions.Off,
                Alerts = new Engine.Alerts.AlertOptions { Trades = false },
                Arbitrage = new TwoLegOptions { PassiveTimeout = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromSeconds(1) },
            });
            await _engine.StartAsync(CancellationToken.None);
            _loops = Task.Run(() => _engine.RunAsync(_stop.Token));
        }

        /// <summary>One open: both legs rest, the long leg's fill is streamed; microseconds from the stream to the hedge's submit.</summary>
        public async Task<double> OneAsync()
        {
            _asterResting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _lighterResting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _hedgeOnWire = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var planning = await _engine.Arbitrage.PlanOpenAsync(new ArbOpenRequest("ZEC", "aster", "lighter", Quantity.Of(1m)), CancellationToken.None);
            var open = _engine.RunArbAsync(planning.Plan!);
            await Within(Task.WhenAll(_asterResting.Task, _lighterResting.Task), "both legs resting");
            // Both creates answered and the orders tracked as resting before the fill comes.
            await Task.Delay(2);
            var order = _aster.Orders.Last();
            _aster.Fill(order, order.Remaining.Value);
            var start = Stopwatch.GetTimestamp();
            _aster.Publish(new ExecutionEvent.FillReported(order.Fills[^1]));
            var onWire = await Within(_hedgeOnWire.Task, "the hedge on the wire");
            // The hedge filled at once: its fill comes on the stream too, so the open ends without waiting for a poll.
            while (_lighter.Orders.LastOrDefault() is not { Fills.Count: > 0 }) await Task.Delay(1);
            _lighter.Publish(new ExecutionEvent.FillReported(_lighter.Orders.Last().Fills[^1]));
            var view = await Within(open, "the open's end");
            if (view.Outcome != TwoLegOutcome.Success) throw new InvalidOperationException($"the open ended {view.Outcome}: {view.Error}");
            return Stopwatch.GetElapsedTime(start, onWire).TotalMicroseconds;
        }

        /// <summary>A step that does not come within 20 s is a bug in the rig or the engine: say where it stood.</summary>
        private async Task<T> Within<T>(Task<T> task, string what)
        {
            await Within((Task)task, what);
            return await task;
        }

        private async Task Within(Task task, string what)
        {
            if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20))) == task) return;
            var op = _engine.ArbBook.All.FirstOrDefault();
            throw new TimeoutException($"waited 20 s for {what}; the last operation: {(op is null ? "none" : TwoLegJson.ToJson(op).ToJsonString())}");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loops;
            await _engine.DisposeAsync();
            await _journal.DisposeAsync();
            _stop.Dispose();
            if (_dir is not null) Directory.Delete(_dir, recursive: true);
        }
    }
}

/// <summary>The ladder's prices: one passive price and one rung from a live quote, as the executor asks before every order.</summary>
[MemoryDiagnoser]
public class TwoLegPricingBenchmarks
{
    private readonly Instrument _lighter = new(new InstrumentId("lighter", "ZEC"), InstrumentKind.Perpetual, "ZEC",
        [new PriceBand(Price.Of(0.001m), Price.Of(100_000m), Price.Of(0.001m))], Quantity.Of(0.001m), Quantity.Of(0.05m), Money.FromDollars(10m), false);
    private readonly Quote _quote = new(new InstrumentId("lighter", "ZEC"), Price.Of(513.647m), Quantity.Of(5m), Price.Of(514.033m), Quantity.Of(5m), DateTimeOffset.UnixEpoch, false);

    [Benchmark(Description = "passive price + spread guard")]
    public Price? Passive() => TwoLegPricing.SpreadGuard(_quote, 2m) is null ? TwoLegPricing.Passive(_lighter, OrderSide.Sell, _quote, 1, 0) : null;

    [Benchmark(Description = "cross rung")]
    public Price? Cross() => TwoLegPricing.Rung(TwoLegPhase.Cross, _lighter, OrderSide.Buy, _quote, null, 0.1m, 1m);
}
