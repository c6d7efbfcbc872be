using BenchmarkDotNet.Running;
using Fillwise.Benchmarks;

// Run with: dotnet run -c Release --project bench/Fillwise.Benchmarks -- --filter '*'
// Quick stopwatch check without BenchmarkDotNet: ... -- quick
if (args is ["quick", ..])
{
    MatchingBenchmarks.Quick();
    return;
}
// Write the Kalshi delta stream for bench/ccxt: ... -- --write-kalshi-delta-stream bench/ccxt/stream.ndjson
if (args is ["--write-kalshi-delta-stream", var path])
{
    KalshiDeltaStream.WriteNdjson(path);
    Console.WriteLine($"wrote {path}");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
