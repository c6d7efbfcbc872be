using System.Globalization;
using System.Text;

namespace Fillwise.Benchmarks;

/// <summary>
/// A deterministic stream of realistic Kalshi orderbook WebSocket frames: one snapshot per market,
/// then orderbook_delta messages on one sid with consecutive seq. The second half undoes the first in
/// reverse, so the books end where they began and the stream can be replayed (after forgetting the
/// seq baseline) without a level ever going negative.
/// </summary>
public static class KalshiDeltaStream
{
    public const int Sid = 1;

    public static (List<byte[]> Snapshots, List<byte[]> Deltas) Generate(int deltaCount = 100_000, int markets = 8, int seed = 20260611)
    {
        var rng = new Random(seed);
        var tickers = Enumerable.Range(0, markets).Select(i => $"KXBENCH-26DEC31-T{50 + i}").ToArray();
        var sizes = new Dictionary<(int Market, bool Yes, int Cents), long>(); // hundredths of a contract
        var snapshots = new List<byte[]>();
        long seq = 0;
        for (var m = 0; m < markets; m++)
        {
            var yes = new StringBuilder();
            var no = new StringBuilder();
            for (var c = 30; c <= 48; c++) Level(yes, m, true, c);
            for (var c = 40; c <= 58; c++) Level(no, m, false, c);
            snapshots.Add(Encoding.UTF8.GetBytes(
                $$$"""{"type":"orderbook_snapshot","sid":{{{Sid}}},"seq":{{{++seq}}},"msg":{"market_ticker":"{{{tickers[m]}}}","market_id":"{{{MarketId(m)}}}","yes_dollars_fp":[{{{yes}}}],"no_dollars_fp":[{{{no}}}]}}"""));
        }

        var half = deltaCount / 2;
        var forward = new List<(int Market, bool Yes, int Cents, long Delta)>(half);
        while (forward.Count < half)
        {
            var m = rng.Next(markets);
            var yesSide = rng.Next(2) == 0;
            var cents = yesSide ? 30 + rng.Next(22) : 40 + rng.Next(22); // near the touch, some new levels
            var current = sizes.GetValueOrDefault((m, yesSide, cents));
            long delta = current > 0 && rng.Next(2) == 0
                ? -Math.Min(current, (rng.Next(1, 200) * 100L) + (rng.Next(4) * 25)) // a cancel or fill, sometimes clearing the level
                : (rng.Next(1, 500) * 100L) + (rng.Next(4) * 25);
            sizes[(m, yesSide, cents)] = current + delta;
            forward.Add((m, yesSide, cents, delta));
        }
        var all = forward.Concat(Enumerable.Reverse(forward).Select(f => f with { Delta = -f.Delta }));
        var deltas = new List<byte[]>(deltaCount);
        long ts = 1_781_000_000_000;
        foreach (var (m, yesSide, cents, delta) in all)
        {
            ts += rng.Next(0, 3);
            deltas.Add(Encoding.UTF8.GetBytes(
                $$$"""{"type":"orderbook_delta","sid":{{{Sid}}},"seq":{{{++seq}}},"msg":{"market_ticker":"{{{tickers[m]}}}","market_id":"{{{MarketId(m)}}}","price_dollars":"{{{Dollars(cents)}}}","delta_fp":"{{{Count(delta)}}}","side":"{{{(yesSide ? "yes" : "no")}}}","ts_ms":{{{ts}}}}}"""));
        }
        return (snapshots, deltas);

        void Level(StringBuilder sb, int m, bool yesSide, int cents)
        {
            var size = (rng.Next(1, 2000) * 100L) + (rng.Next(4) * 25);
            sizes[(m, yesSide, cents)] = size;
            if (sb.Length > 0) sb.Append(',');
            sb.Append("[\"").Append(Dollars(cents)).Append("\",\"").Append(Count(size)).Append("\"]");
        }
    }

    private static string MarketId(int m) => $"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1{m:x2}";

    private static string Dollars(int cents) => (cents / 100m).ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Count(long centis) => (centis / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Writes snapshots then deltas, one JSON message per line, for the ccxt comparison.</summary>
    public static void WriteNdjson(string path, int deltaCount = 100_000)
    {
        var (snapshots, deltas) = Generate(deltaCount);
        using var file = File.Create(path);
        foreach (var line in snapshots.Concat(deltas))
        {
            file.Write(line);
            file.WriteByte((byte)'\n');
        }
    }
}
