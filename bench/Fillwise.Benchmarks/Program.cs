using BenchmarkDotNet.Running;
using Fillwise.Benchmarks;

// Run with: dotnet run -c Release --project bench/Fillwise.Benchmarks -- --filter '*'
// Quick stopwatch check without BenchmarkDotNet: ... -- quick
if (args is ["quick", ..])
{
    MatchingBenchmarks.Quick();
    return;
}
// Stopwatch check of the orderbook_delta path: ... -- quick-delta [stream length] [rounds]
if (args is ["quick-delta", ..])
{
    OrderBookDeltaBenchmarks.Quick(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
    return;
}
// Write the Kalshi delta stream for bench/ccxt: ... -- --write-kalshi-delta-stream bench/ccxt/stream.ndjson
if (args is ["--write-kalshi-delta-stream", var path])
{
    KalshiDeltaStream.WriteNdjson(path);
    Console.WriteLine($"wrote {path}");
    return;
}
// Stopwatch checks of the perp core and the Aster depth path: ... -- quick-perp
if (args is ["quick-perp", ..])
{
    PerpMatchingBenchmarks.Quick();
    AsterDepthBenchmarks.Quick();
    return;
}
// Write the Aster depth stream for bench/ccxt: ... -- --write-aster-depth-stream bench/ccxt/aster-depth.ndjson
if (args is ["--write-aster-depth-stream", var asterPath])
{
    AsterDepthStream.WriteNdjson(asterPath);
    Console.WriteLine($"wrote {asterPath}");
    return;
}
// Stopwatch and CPU check of one reconciliation pass at 1k/10k/100k orders: ... -- quick-reconcile [sizes]
if (args is ["quick-reconcile", ..])
{
    ReconciliationBenchmarks.Quick(args.Length > 1 ? args[1..].Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToList() : [1_000, 10_000, 100_000]);
    return;
}
// Stopwatch check of a whale's trade to the follow's create on the wire (and its parts): ... -- quick-whale [whales]
if (args is ["quick-whale", ..])
{
    WhaleToWireBenchmarks.Quick(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000);
    return;
}
// Stopwatch check of the pre-trade gate per call (p50/p99/p99.9, bytes): ... -- quick-gate
if (args is ["quick-gate", ..])
{
    PreTradeGateBenchmarks.Quick();
    return;
}
// Stopwatch check of one leg's fill to the other leg's hedge on the wire: ... -- quick-arb [runs]
if (args is ["quick-arb", ..])
{
    TwoLegHedgeLatencyBenchmarks.Quick(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
