using BenchmarkDotNet.Running;
using Fillwise.Benchmarks;

// Run with: dotnet run -c Release --project bench/Fillwise.Benchmarks -- --filter '*'
// Quick stopwatch check without BenchmarkDotNet: ... -- quick
if (args is ["quick", ..])
{
    MatchingBenchmarks.Quick();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
