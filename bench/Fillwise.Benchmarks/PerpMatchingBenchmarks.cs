using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Benchmarks;

/// <summary>
/// The perp core on one ZECUSDT market (tick 0.01, step 0.001): a pre-generated, seeded stream of
/// passive GTC adds (55 %), cancels of recent orders (30 %) and crossing IOCs that take one to a few
/// levels (15 %) from four accounts, after 2,000 resting orders. No listener. Ops/s = 1 / mean.
/// </summary>
[MemoryDiagnoser]
public class PerpMatchingBenchmarks
{
    public const int Operations = 100_000;
    private const string Symbol = "ZECUSDT";

    private enum Kind : byte { Add, Cancel, Cross }

    private readonly record struct Op(Kind Kind, int Account, PerpOrderRequest? Request, int Target);

    private Op[] _ops = [];
    private PerpExchange _exchange = null!;
    private long[] _accounts = [];
    private long[] _orderIds = [];

    [GlobalSetup]
    public void GlobalSetup()
    {
        var random = new Random(42);
        _ops = new Op[Operations];
        var placed = 0;
        for (var i = 0; i < Operations; i++)
        {
            var account = random.Next(4);
            var roll = random.Next(100);
            var side = random.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell;
            var qty = Quantity.Of(random.Next(10, 2000) / 1000m);
            if (roll < 55 || placed == 0)
            {
                var ticks = side == OrderSide.Buy ? random.Next(51_300, 51_400) : random.Next(51_401, 51_500);
                _ops[i] = new Op(Kind.Add, account, new PerpOrderRequest(Symbol, side, PerpOrderType.Limit, qty, Price.Of(ticks / 100m)), -1);
                placed++;
            }
            else if (roll < 85)
            {
                _ops[i] = new Op(Kind.Cancel, account, null, Math.Max(0, placed - 1 - random.Next(Math.Min(placed, 200))));
            }
            else
            {
                var limit = side == OrderSide.Buy ? 514.10m : 513.90m;
                _ops[i] = new Op(Kind.Cross, account, new PerpOrderRequest(Symbol, side, PerpOrderType.Limit, qty, Price.Of(limit), PerpTimeInForce.ImmediateOrCancel), -1);
                placed++;
            }
        }
    }

    [IterationSetup]
    public void IterationSetup() => (_exchange, _accounts, _orderIds) = NewExchange();

    private static (PerpExchange, long[], long[]) NewExchange()
    {
        var exchange = new PerpExchange(PerpVenueRules.Aster with { HistoryPerAccount = 1000 }, TimeProvider.System, seed: 1);
        exchange.CreateMarket(new PerpMarketDefinition(Symbol, "ZEC", "USDT", Price.Parse("0.01"), Quantity.Parse("0.001"), Quantity.Parse("0.001"),
            Money.Parse("5"), Price.Parse("514.00"), FundingRate.Parse("0.0001"), TimeSpan.FromHours(8)));
        var accounts = Enumerable.Range(0, 4).Select(_ => exchange.CreateAccount(Money.FromDollars(1_000_000_000m), retainHistory: false)).ToArray();
        var maker = exchange.CreateAccount(Money.FromDollars(1_000_000_000m), retainHistory: false);
        for (var i = 0; i < 2000; i++)
        {
            var side = i % 2 == 0 ? OrderSide.Buy : OrderSide.Sell;
            var ticks = side == OrderSide.Buy ? 51_200 + i % 100 : 51_501 + i % 100;
            exchange.PlaceOrder(maker, new PerpOrderRequest(Symbol, side, PerpOrderType.Limit, Quantity.Of(1 + i % 5), Price.Of(ticks / 100m)));
        }
        return (exchange, accounts, new long[Operations]);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int MixedOperations() => Run(_exchange, _accounts, _orderIds, _ops);

    private static int Run(PerpExchange exchange, long[] accounts, long[] orderIds, Op[] ops)
    {
        var done = 0;
        var placed = 0;
        for (var i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            if (op.Kind == Kind.Cancel)
            {
                if (orderIds[op.Target] != 0) exchange.CancelOrder(accounts[op.Account], Symbol, orderIds[op.Target], null);
            }
            else
            {
                var result = exchange.PlaceOrder(accounts[op.Account], op.Request!);
                orderIds[placed++] = result.Order?.OrderId ?? 0;
            }
            done++;
        }
        return done;
    }

    /// <summary>Stopwatch check without BenchmarkDotNet.</summary>
    public static void Quick(int rounds = 5)
    {
        var bench = new PerpMatchingBenchmarks();
        bench.GlobalSetup();
        for (var r = 0; r < rounds; r++)
        {
            bench.IterationSetup();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            bench.MixedOperations();
            var ns = watch.Elapsed.TotalNanoseconds / Operations;
            Console.WriteLine($"perp matching: {ns:F0} ns/op ({1e9 / ns:N0} ops/s), {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)Operations:F0} B/op");
        }
    }
}
