using System.Globalization;
using System.Text;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Venues.Aster;

namespace Fillwise.Benchmarks;

/// <summary>
/// A deterministic Aster depthUpdate stream for ZECUSDT as the built-in venue sends it (Binance's
/// futures shape: U, u, pu, absolute level quantities, 0 removes): a 60-level snapshot a side, then
/// frames of one to three changed levels a side near the touch. Replayable from the snapshot.
/// </summary>
public static class AsterDepthStream
{
    public const long SnapshotId = 1000;

    public static Instrument Zec { get; } = new(new InstrumentId("aster", "ZECUSDT"), InstrumentKind.Perpetual, "ZEC",
        [new PriceBand(Price.Parse("0.01"), Price.Parse("100000"), Price.Parse("0.01"))], Quantity.Parse("0.001"), Quantity.Parse("0.001"), Money.Parse("5"), true);

    public static (AsterDepth Snapshot, List<byte[]> Frames) Generate(int frames = 100_000, int seed = 20260611)
    {
        var rng = new Random(seed);
        var bids = new List<AsterLevel>();
        var asks = new List<AsterLevel>();
        for (var i = 0; i < 60; i++)
        {
            bids.Add(new AsterLevel(Price.Of((51_399 - i) / 100m), Quantity.Of(rng.Next(1, 20_000) / 1000m)));
            asks.Add(new AsterLevel(Price.Of((51_401 + i) / 100m), Quantity.Of(rng.Next(1, 20_000) / 1000m)));
        }
        var snapshot = new AsterDepth(Zec.Id, SnapshotId, bids, asks);
        var list = new List<byte[]>(frames);
        var id = SnapshotId;
        long time = 1_781_000_000_000;
        var text = new StringBuilder(256);
        for (var n = 0; n < frames; n++)
        {
            id++;
            time += rng.Next(0, 3);
            text.Clear();
            text.Append("{\"e\":\"depthUpdate\",\"E\":").Append(time).Append(",\"T\":").Append(time)
                .Append(",\"s\":\"ZECUSDT\",\"U\":").Append(id).Append(",\"u\":").Append(id).Append(",\"pu\":").Append(id - 1).Append(",\"b\":[");
            Levels(text, rng, buy: true);
            text.Append("],\"a\":[");
            Levels(text, rng, buy: false);
            text.Append("]}");
            list.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }
        return (snapshot, list);
    }

    private static void Levels(StringBuilder text, Random rng, bool buy)
    {
        var count = rng.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(',');
            var ticks = buy ? 51_399 - rng.Next(0, 80) : 51_401 + rng.Next(0, 80);
            var lots = rng.Next(4) == 0 ? 0 : rng.Next(1, 20_000);
            text.Append("[\"").Append((ticks / 100m).ToString("F2", CultureInfo.InvariantCulture)).Append("\",\"")
                .Append((lots / 1000m).ToString("F3", CultureInfo.InvariantCulture)).Append("\"]");
        }
    }

    /// <summary>The snapshot as a REST depth answer on the first line, then the frames, for bench/ccxt.</summary>
    public static void WriteNdjson(string path, int frames = 100_000)
    {
        var (snapshot, list) = Generate(frames);
        using var file = File.Create(path);
        string Level(AsterLevel l) => $"[\"{l.Price.ToString(2)}\",\"{l.Quantity.ToString(3)}\"]";
        var head = $"{{\"lastUpdateId\":{snapshot.LastUpdateId},\"bids\":[{string.Join(',', snapshot.Bids.Select(Level))}],\"asks\":[{string.Join(',', snapshot.Asks.Select(Level))}]}}";
        file.Write(Encoding.UTF8.GetBytes(head));
        file.WriteByte((byte)'\n');
        foreach (var line in list)
        {
            file.Write(line);
            file.WriteByte((byte)'\n');
        }
    }
}

/// <summary>
/// Applying Aster depthUpdate frames (raw UTF-8 JSON, parsing and the U/u/pu continuity check
/// included) to the client's <see cref="AsterOrderBook"/>. One invocation replays 100,000 frames
/// from the snapshot; results are per frame.
/// </summary>
[BenchmarkDotNet.Attributes.MemoryDiagnoser]
public class AsterDepthBenchmarks
{
    private const int Frames = 100_000;
    private AsterDepth _snapshot = null!;
    private byte[][] _frames = [];
    private AsterOrderBook _book = null!;

    [BenchmarkDotNet.Attributes.GlobalSetup]
    public void Setup()
    {
        var (snapshot, frames) = AsterDepthStream.Generate(Frames);
        _snapshot = snapshot;
        _frames = [.. frames];
        _book = new AsterOrderBook(AsterDepthStream.Zec);
        if (ApplyAll() != Frames) throw new InvalidOperationException("the stream does not apply cleanly");
    }

    [BenchmarkDotNet.Attributes.Benchmark(OperationsPerInvoke = Frames)]
    public int ApplyDepthFrames() => ApplyAll();

    private int ApplyAll()
    {
        _book.LoadSnapshot(_snapshot);
        var applied = 0;
        var frames = _frames;
        for (var i = 0; i < frames.Length; i++)
        {
            if (_book.Apply(frames[i]) == AsterBookApply.Applied) applied++;
        }
        return applied;
    }

    public static void Quick(int rounds = 5)
    {
        var bench = new AsterDepthBenchmarks();
        bench.Setup();
        for (var r = 0; r < rounds; r++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            bench.ApplyAll();
            var ns = watch.Elapsed.TotalNanoseconds / Frames;
            Console.WriteLine($"aster depth: {ns:F0} ns/frame ({1e9 / ns:N0} frames/s), {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)Frames:F0} B/frame");
        }
        Console.WriteLine($"check: best bid {bench._book.BestBid}, best ask {bench._book.BestAsk}");
    }
}
