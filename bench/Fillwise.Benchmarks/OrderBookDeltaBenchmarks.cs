using BenchmarkDotNet.Attributes;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Benchmarks;

/// <summary>
/// Applying Kalshi orderbook_delta WebSocket frames (raw UTF-8 JSON, parsing included) to the
/// price-indexed books, seq check included. One invocation replays the whole 100k-message stream;
/// results are per message.
/// </summary>
[MemoryDiagnoser]
public class OrderBookDeltaBenchmarks
{
    private const int Messages = 100_000;
    private byte[][] _deltas = [];
    private OrderBookFeed _feed = null!;

    /// <summary>Stream length; the default is the reported figure, shorter streams show the cache's share.</summary>
    public int StreamLength { get; set; } = Messages;

    [GlobalSetup]
    public void Setup()
    {
        var (snapshots, deltas) = KalshiDeltaStream.Generate(StreamLength);
        _deltas = [.. deltas];
        _feed = new OrderBookFeed();
        foreach (var s in snapshots)
        {
            if (_feed.Apply(s).Outcome != BookFeedOutcome.SnapshotApplied) throw new InvalidOperationException("snapshot not applied");
        }
        // One checked pass: every delta must apply (no gaps, no negative levels).
        if (ApplyAll() != StreamLength) throw new InvalidOperationException("stream does not apply cleanly");
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int ApplyDeltaMessages() => ApplyAll();

    /// <summary>Stopwatch check without BenchmarkDotNet: ns per message over a few rounds.</summary>
    public static void Quick(int streamLength, int rounds)
    {
        var bench = new OrderBookDeltaBenchmarks { StreamLength = streamLength };
        bench.Setup();
        var passes = Math.Max(1, 2_000_000 / streamLength);
        for (var r = 0; r < rounds; r++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var p = 0; p < passes; p++) bench.ApplyAll();
            Console.WriteLine($"stream {streamLength:N0}: {watch.Elapsed.TotalNanoseconds / ((double)passes * streamLength):F1} ns/msg");
        }
    }

    private int ApplyAll()
    {
        _feed.ForgetSequence(KalshiDeltaStream.Sid); // the replayed stream restarts its seq count
        var applied = 0;
        var deltas = _deltas;
        for (var i = 0; i < deltas.Length; i++)
        {
            if (_feed.Apply(deltas[i]).Outcome == BookFeedOutcome.DeltaApplied) applied++;
        }
        return applied;
    }
}
