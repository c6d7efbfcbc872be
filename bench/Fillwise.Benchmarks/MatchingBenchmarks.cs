using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;
using Fillwise.Exchange.Core.Internal;
using VenueOrderStatus = Fillwise.Domain.Orders.VenueOrderStatus;

namespace Fillwise.Benchmarks;

/// <summary>
/// One market, a pre-generated deterministic stream of adds (passive GTC), cancels and crossing IOCs
/// from a few users. Ops/s = 1 / (reported mean per operation). Event sink null.
/// </summary>
[MemoryDiagnoser]
public class MatchingBenchmarks
{
    public const int Operations = 200_000;
    public const int RestingOrders = 100_000;

    private static readonly MarketTicker Ticker = new("KXBENCH-1");

    private enum Kind : byte { Add, Cancel, Cross }

    private readonly record struct Op(Kind Kind, int User, OrderRequest? Request, int Target);

    private Op[] _ops = [];
    private OrderRequest[] _passive = [];
    private KalshiExchange _exchange = null!;
    private string[] _users = [];
    private string?[] _ids = [];
    private Order?[] _orders = [];

    [GlobalSetup]
    public void GlobalSetup()
    {
        var random = new Random(42);
        _ops = new Op[Operations];
        var placed = 0;
        for (var i = 0; i < Operations; i++)
        {
            var user = random.Next(4);
            var roll = random.Next(100);
            var side = random.Next(2) == 0 ? BookSide.Bid : BookSide.Ask;
            var count = Contracts.Of(random.Next(1, 11));
            if (roll < 55 || placed == 0)
            {
                var tick = side == BookSide.Bid ? random.Next(40, 50) : random.Next(51, 61);
                _ops[i] = new Op(Kind.Add, user, Request(side, tick, count, VenueTimeInForce.GoodTillCanceled), -1);
                placed++;
            }
            else if (roll < 85)
            {
                // Mostly recent orders: the ones still likely to rest.
                var target = Math.Max(0, placed - 1 - random.Next(Math.Min(placed, 200)));
                _ops[i] = new Op(Kind.Cancel, user, null, target);
            }
            else
            {
                _ops[i] = new Op(Kind.Cross, user, Request(side, side == BookSide.Bid ? 60 : 40, count, VenueTimeInForce.ImmediateOrCancel), -1);
                placed++;
            }
        }
        _passive = new OrderRequest[RestingOrders];
        for (var i = 0; i < RestingOrders; i++)
        {
            var side = i % 2 == 0 ? BookSide.Bid : BookSide.Ask;
            _passive[i] = Request(side, side == BookSide.Bid ? 1 + i % 49 : 51 + i % 48, Contracts.Of(1 + i % 10), VenueTimeInForce.GoodTillCanceled);
        }
        ReportRetainedBytesPerRestingOrder();
    }

    private static OrderRequest Request(BookSide side, int tick, Contracts count, VenueTimeInForce tif) =>
        new(Ticker, side, count, ContractPrice.FromDollars(tick / 100m), tif, SelfTradePrevention.TakerAtCross);

    [IterationSetup]
    public void IterationSetup()
    {
        (_exchange, _users) = NewExchange();
        _ids = new string?[Operations];
        _orders = new Order?[Operations];
    }

    private static (KalshiExchange, string[]) NewExchange()
    {
        var clock = new FixedClock();
        var exchange = new KalshiExchange(clock, seed: 1);
        exchange.CreateMarket(new MarketDefinition(Ticker, "KXBENCH", "bench", clock.GetUtcNow().AddHours(-1), clock.GetUtcNow().AddDays(1)));
        var users = Enumerable.Range(0, 4).Select(_ => exchange.CreateAccount(Money.FromDollars(100_000_000m))).ToArray();
        return (exchange, users);
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "mixed add/cancel/cross, public API (views)")]
    public int PublicApi()
    {
        var placed = 0;
        var errors = 0;
        foreach (var op in _ops)
        {
            if (op.Kind == Kind.Cancel)
            {
                var id = _ids[op.Target]!;
                var result = _exchange.CancelOrder(_users[op.User], id);
                if (!result.IsSuccess) errors++;
            }
            else
            {
                var result = _exchange.PlaceOrder(_users[op.User], op.Request!);
                _ids[placed++] = result.Order!.OrderId;
            }
        }
        return errors;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "mixed add/cancel/cross, internal core (no views)")]
    public int CoreApi()
    {
        var placed = 0;
        var errors = 0;
        foreach (var op in _ops)
        {
            if (op.Kind == Kind.Cancel)
            {
                if (_exchange.CancelOrderCore(_orders[op.Target]!) is not null) errors++;
            }
            else
            {
                _orders[placed++] = _exchange.PlaceOrderCore(_users[op.User], op.Request!, fills: null).Order;
            }
        }
        return errors;
    }

    [Benchmark(OperationsPerInvoke = RestingOrders, Description = "add 100k resting orders, public API")]
    public int AddResting()
    {
        var user = _users[0];
        var resting = 0;
        foreach (var request in _passive)
        {
            if (_exchange.PlaceOrder(user, request).Order!.Status == VenueOrderStatus.Resting) resting++;
        }
        return resting;
    }

    public static void Quick()
    {
        var bench = new MatchingBenchmarks();
        bench.GlobalSetup();
        for (var round = 0; round < 3; round++)
        {
            foreach (var (name, run) in new (string, Func<MatchingBenchmarks, int>)[] { ("public", b => b.PublicApi()), ("core", b => b.CoreApi()), ("resting", b => b.AddResting()) })
            {
                bench.IterationSetup();
                // CPU time as well as wall time: the machine is shared, wall time is inflated by waiting.
                var process = System.Diagnostics.Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var pause = GC.GetTotalPauseDuration();
                var watch = System.Diagnostics.Stopwatch.StartNew();
                run(bench);
                Console.Write($"gc pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms of {watch.Elapsed.TotalMilliseconds:F0} ms; ");
                var wall = watch.Elapsed.TotalSeconds;
                process.Refresh();
                var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
                var ops = name == "resting" ? RestingOrders : Operations;
                Console.WriteLine($"{name}: {ops / wall:N0} ops/s wall, {ops / cpuSeconds:N0} ops/s per CPU second");
            }
        }
    }

    /// <summary>Live heap per resting order (after a full GC) and bytes allocated while adding them.</summary>
    private void ReportRetainedBytesPerRestingOrder()
    {
        var (exchange, users) = NewExchange();
        // Warm the paths once so JIT and first-use allocations stay out of the numbers.
        exchange.PlaceOrder(users[1], _passive[0]);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        foreach (var request in _passive) exchange.PlaceOrderCore(users[0], request, fills: null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// resting orders: {exchange.GetAccount(users[0])!.RestingOrders}; retained {(after - before) / (double)RestingOrders:F1} B/order; allocated while adding {allocated / (double)RestingOrders:F1} B/order");
        GC.KeepAlive(exchange);
    }

    private sealed class FixedClock : TimeProvider
    {
        private readonly DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
