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

    [GlobalSetup]
    public void Setup()
    {
        var (snapshots, deltas) = KalshiDeltaStream.Generate(Messages);
        _deltas = [.. deltas];
        _feed = new OrderBookFeed();
        foreach (var s in snapshots)
        {
            if (_feed.Apply(s).Outcome != BookFeedOutcome.SnapshotApplied) throw new InvalidOperationException("snapshot not applied");
        }
        // One checked pass: every delta must apply (no gaps, no negative levels).
        if (ApplyAll() != Messages) throw new InvalidOperationException("stream does not apply cleanly");
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int ApplyDeltaMessages() => ApplyAll();

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
