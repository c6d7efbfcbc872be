using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Strategies;
using Fillwise.Engine.Venues;
using Fillwise.Storage;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Benchmarks;

/// <summary>
/// Seed 002's path, in process (issue 12): a whale's trade arrives and the follow's signed create
/// request reaches the socket layer. Three parts, timed apart so each can be read on its own:
/// the trade frame parsed (Kalshi's `trade` message as raw UTF-8 into the trade the adapter
/// publishes); the trade on the tape to the create on the wire (whale tracker, follower, live book,
/// gate, journal, the real Kalshi client building, signing and sending the request to an in-memory
/// HTTP handler: <see cref="KalshiWireTap"/>); and the RSA-PSS signature inside it. Each whale is in a
/// new market whose rules are already known and whose book is live, as in a running follower.
/// </summary>
public static class WhaleToWireBenchmarks
{
    public static void Quick(int whales)
    {
        var frame = ParsePercentiles(50_000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"whale trade frame parsed: p50 {frame.P50:F2} us, p99 {frame.P99:F2} us"));
        using (var rsa = RSA.Create(2048))
        using (var signer = KalshiRequestSigner.FromPem("bench-key", rsa.ExportPkcs8PrivateKeyPem()))
        {
            var sign = Percentiles(2_000, () => signer.Sign("POST", "/trade-api/v2/portfolio/events/orders"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RSA-PSS sign of a create (inside the path below): p50 {sign.P50:F1} us, p99 {sign.P99:F1} us"));
        }
        foreach (var durable in new[] { false, true })
        {
            var tape = TapeToWireAsync(whales, durable).GetAwaiter().GetResult();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"whale on the tape -> follow's create on the wire ({(durable ? "SQLite journal" : "in-memory journal")}): n={whales} p50 {tape.P50:F0} us, p99 {tape.P99:F0} us, max {tape.Max:F0} us"));
        }
    }

    private static (double P50, double P99, double Max) ParsePercentiles(int n)
    {
        var bytes = Encoding.UTF8.GetBytes("""{"type":"trade","sid":11,"msg":{"trade_id":"d91bc706-ee49-470d-82d8-11418bda6fed","ticker":"KXDEMO-BTC-0002","count_fp":"911.00","yes_price_dollars":"0.4100","no_price_dollars":"0.5900","taker_outcome_side":"no","taker_book_side":"bid","created_time":"2026-11-30T09:47:34.430Z","ts_ms":1796032054430}}""");
        return Percentiles(n, () =>
        {
            using var doc = JsonDocument.Parse(bytes);
            var trade = KalshiTrade.From(doc.RootElement.GetProperty("msg"));
            var side = trade.TakerOutcomeSide ?? OutcomeSide.Yes;
            var price = side == OutcomeSide.Yes ? trade.YesPrice : trade.YesPrice.Complement;
            return new TradeTick(KalshiInstruments.Outcome(trade.Ticker, side), trade.TradeId, Price.Of(price.Dollars), KalshiInstruments.Quantity(trade.Count), OrderSide.Buy, trade.Time!.Value);
        });
    }

    private static (double P50, double P99, double Max) Percentiles<T>(int n, Func<T> one)
    {
        for (var i = 0; i < n / 10; i++) one(); // warm up (tiered JIT)
        var samples = new double[n];
        for (var i = 0; i < n; i++)
        {
            var start = Stopwatch.GetTimestamp();
            GC.KeepAlive(one());
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return Summary(samples);
    }

    private static (double P50, double P99, double Max) Summary(double[] samples)
    {
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[Math.Min(samples.Length - 1, (int)(samples.Length * 0.99))], samples[^1]);
    }

    private static async Task<(double P50, double P99, double Max)> TapeToWireAsync(int whales, bool durable)
    {
        using var rsa = RSA.Create(2048);
        var tap = new KalshiWireTap();
        await using var connection = KalshiConnection.Create(KalshiEnvironment.Parse("http://127.0.0.1:9/trade-api/v2"), KalshiRequestSigner.FromPem("bench-key", rsa.ExportPkcs8PrivateKeyPem()),
            TimeProvider.System, new KalshiRestOptions { RateTier = new KalshiRateTier("bench", new(10_000_000, 10_000_000), new(10_000_000, 10_000_000)) }, handler: tap);
        var dir = durable ? Path.Combine(Path.GetTempPath(), "fillwise-bench-whale-" + Guid.NewGuid().ToString("N")) : null;
        IJournal journal = dir is null ? new NullJournal() : await SqliteJournal.OpenAsync(new SqliteJournalOptions(dir));
        var book = new LiveBook();
        var venue = connection.Connection with { MarketData = book };
        try
        {
            await using var engine = new TradingEngine(new VenueRegistry([venue]), journal, TimeProvider.System, new TradingEngineOptions
            {
                EntryConfirmation = ConfirmationOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(1), FillTimeout = TimeSpan.FromSeconds(5) },
                Risk = Engine.Risk.RiskLimits.None,
                KillSwitch = Engine.Risk.KillSwitchOptions.Off,
            });
            await engine.StartAsync(CancellationToken.None);
            using var stop = new CancellationTokenSource();
            var follower = new WhaleFollower(engine, journal, venue.Name, new WhaleOptions { ContractsPerFollow = Quantity.Of(1m) });
            await follower.StartAsync(CancellationToken.None);
            var following = Task.Run(() => follower.RunAsync(stop.Token));
            var warmup = Math.Max(20, whales / 10);
            var samples = new double[whales];
            for (var i = 0; i < warmup + whales; i++)
            {
                var instrument = KalshiInstruments.Outcome(new MarketTicker($"KXWHALE-{i.ToString(CultureInfo.InvariantCulture)}"), OutcomeSide.Yes);
                await engine.Venues.GetInstrumentAsync(instrument, CancellationToken.None); // the market's rules, known before its whale
                var onWire = tap.NextCreate();
                var start = Stopwatch.GetTimestamp();
                book.Trade(new TradeTick(instrument, new TradeId($"t-whale-{i.ToString(CultureInfo.InvariantCulture)}"), Price.Of(0.60m), Quantity.Of(1000m), OrderSide.Buy, DateTimeOffset.UtcNow));
                var wireAt = await onWire.WaitAsync(TimeSpan.FromSeconds(10));
                if (i >= warmup) samples[i - warmup] = Stopwatch.GetElapsedTime(start, wireAt).TotalMicroseconds;
                // The canned venue fills it at once: the follow ends before the next whale.
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                while (follower.Snapshot().Followed < i + 1)
                {
                    if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"whale {i} was not followed: {follower.Snapshot().Recent.FirstOrDefault()?.Reason}");
                    await Task.Delay(1);
                }
            }
            await stop.CancelAsync();
            book.End();
            await following;
            return Summary(samples);
        }
        finally
        {
            await journal.DisposeAsync();
            if (dir is not null) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A live book on every market (0.58 / 0.62) and a tape the bench writes whales to.</summary>
    private sealed class LiveBook : IMarketData
    {
        private readonly Channel<TradeTick> _tape = Channel.CreateUnbounded<TradeTick>(new UnboundedChannelOptions { SingleReader = true });

        public string Venue => KalshiInstruments.Venue;

        public void Trade(TradeTick trade) => _tape.Writer.TryWrite(trade);

        public void End() => _tape.Writer.TryComplete();

        public Task WatchAsync(InstrumentId instrument, CancellationToken cancellationToken) => Task.CompletedTask;

        public Quote? GetQuote(InstrumentId instrument) =>
            new(instrument, Price.Of(0.58m), Quantity.Of(100m), Price.Of(0.62m), Quantity.Of(100m), DateTimeOffset.UtcNow, false);

        public async IAsyncEnumerable<TradeTick> ReadTradesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var trade in _tape.Reader.ReadAllAsync(cancellationToken)) yield return trade;
        }

        public Task<FundingInfo> GetFundingAsync(InstrumentId instrument, CancellationToken cancellationToken) =>
            throw new VenueException(VenueErrorKind.Rejected, "not_a_perpetual", $"{instrument} is an event contract: it has no funding");
    }
}
