using Fillwise.Domain.Values;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Server;

/// <summary>
/// Kalshi's candlesticks, kept per market as one-minute candles and merged into the period a read
/// asks for (1, 60 or 1440 minutes; the batch read takes any whole number of minutes). A candle
/// holds the best YES bid and ask seen in its minute (open, high, low, close), the trades' prices
/// (open, high, low, close, volume-weighted mean) and volume, and the open interest at its end.
/// Minutes without any change have no candle, as a period without activity has none here.
/// Updated under the exchange gate, like the rest of the hub.
/// </summary>
internal sealed class MarketCandles
{
    /// <summary>Minutes kept per market (about five weeks of continuous activity); the oldest go first.</summary>
    public const int MaxMinutesKept = 50_000;

    private readonly Dictionary<MarketTicker, List<Candle>> _byMarket = [];

    /// <summary>A trade prints in its minute's candle.</summary>
    public void OnTrade(TradeView trade)
    {
        var candle = CandleAt(trade.Ticker, trade.Time);
        var price = trade.YesPrice.Dollars;
        candle.Price.Add(price);
        candle.Volume += trade.Count.Value;
        candle.Notional += price * trade.Count.Value;
    }

    /// <summary>The market's book and open interest after an operation that touched it.</summary>
    public void OnQuote(MarketView market, DateTimeOffset now)
    {
        var candle = CandleAt(market.Definition.Ticker, now);
        candle.YesBid.Add(market.YesBid?.Dollars ?? 0m);
        candle.YesAsk.Add(market.YesAsk?.Dollars ?? 1m);
        candle.OpenInterest = market.OpenInterest.Value;
    }

    /// <summary>Candles of <paramref name="periodMinutes"/> whose period ends within [start, end] (unix seconds).</summary>
    public IReadOnlyList<PeriodCandle> Read(MarketTicker ticker, long startTs, long endTs, int periodMinutes)
    {
        if (!_byMarket.TryGetValue(ticker, out var minutes)) return [];
        var result = new List<PeriodCandle>();
        decimal? lastPrice = null;
        var i = 0;
        while (i < minutes.Count)
        {
            var period = Math.Floor((decimal)minutes[i].Minute / periodMinutes);
            var merged = new PeriodCandle((long)((period + 1) * periodMinutes * 60)) { Previous = lastPrice };
            while (i < minutes.Count && Math.Floor((decimal)minutes[i].Minute / periodMinutes) == period)
            {
                merged.Absorb(minutes[i]);
                i++;
            }
            lastPrice = merged.Price.Close ?? lastPrice;
            if (merged.EndTs >= startTs && merged.EndTs <= endTs) result.Add(merged);
        }
        return result;
    }

    private Candle CandleAt(MarketTicker ticker, DateTimeOffset time)
    {
        if (!_byMarket.TryGetValue(ticker, out var minutes)) _byMarket[ticker] = minutes = [];
        var minute = time.ToUnixTimeSeconds() / 60;
        if (minutes.Count > 0 && minutes[^1].Minute >= minute) return minutes[^1];
        if (minutes.Count >= MaxMinutesKept) minutes.RemoveRange(0, MaxMinutesKept / 10);
        var candle = new Candle(minute);
        // A minute opens where the last one closed, so its book high and low include the carried level.
        if (minutes.Count > 0)
        {
            var last = minutes[^1];
            if (last.YesBid.Close is { } bid) candle.YesBid.Add(bid);
            if (last.YesAsk.Close is { } ask) candle.YesAsk.Add(ask);
            candle.OpenInterest = last.OpenInterest;
        }
        minutes.Add(candle);
        return candle;
    }

    /// <summary>Open, high, low and close of one value; null until a value is seen.</summary>
    internal sealed class Ohlc
    {
        public decimal? Open { get; private set; }
        public decimal? High { get; private set; }
        public decimal? Low { get; private set; }
        public decimal? Close { get; private set; }

        public void Add(decimal value)
        {
            Open ??= value;
            High = High is { } h ? Math.Max(h, value) : value;
            Low = Low is { } l ? Math.Min(l, value) : value;
            Close = value;
        }

        public void Merge(Ohlc later)
        {
            if (later.Open is null) return;
            Open ??= later.Open;
            High = High is { } h ? Math.Max(h, later.High!.Value) : later.High;
            Low = Low is { } l ? Math.Min(l, later.Low!.Value) : later.Low;
            Close = later.Close;
        }
    }

    internal sealed class Candle(long minute)
    {
        public long Minute { get; } = minute;
        public Ohlc YesBid { get; } = new();
        public Ohlc YesAsk { get; } = new();
        public Ohlc Price { get; } = new();
        public decimal Volume { get; set; }
        public decimal Notional { get; set; }
        public decimal OpenInterest { get; set; }
    }

    /// <summary>One candle of the period asked for, ending at <see cref="EndTs"/>.</summary>
    internal sealed class PeriodCandle(long endTs)
    {
        public long EndTs { get; } = endTs;
        public Ohlc YesBid { get; } = new();
        public Ohlc YesAsk { get; } = new();
        public Ohlc Price { get; } = new();
        public decimal Volume { get; private set; }
        public decimal Notional { get; private set; }
        public decimal OpenInterest { get; private set; }
        public decimal? Previous { get; init; }

        public decimal? Mean => Volume == 0m ? null : Math.Round(Notional / Volume, 4, MidpointRounding.AwayFromZero);

        public void Absorb(Candle minute)
        {
            YesBid.Merge(minute.YesBid);
            YesAsk.Merge(minute.YesAsk);
            Price.Merge(minute.Price);
            Volume += minute.Volume;
            Notional += minute.Notional;
            OpenInterest = minute.OpenInterest;
        }

        /// <summary>MarketCandlestick: *_dollars distributions, volume_fp and open_interest_fp.</summary>
        public JsonObject ToWire() => new()
        {
            ["end_period_ts"] = EndTs,
            ["yes_bid"] = Distribution(YesBid, "_dollars", 0m),
            ["yes_ask"] = Distribution(YesAsk, "_dollars", 1m),
            ["price"] = PriceDistribution("_dollars"),
            ["volume_fp"] = KalshiWire.Count(Volume),
            ["open_interest_fp"] = KalshiWire.Count(OpenInterest),
        };

        /// <summary>MarketCandlestickHistorical: the same values under the archive's names (open, volume, open_interest).</summary>
        public JsonObject ToHistoricalWire() => new()
        {
            ["end_period_ts"] = EndTs,
            ["yes_bid"] = Distribution(YesBid, string.Empty, 0m),
            ["yes_ask"] = Distribution(YesAsk, string.Empty, 1m),
            ["price"] = PriceDistribution(string.Empty),
            ["volume"] = KalshiWire.Count(Volume),
            ["open_interest"] = KalshiWire.Count(OpenInterest),
        };

        private static JsonObject Distribution(Ohlc ohlc, string suffix, decimal empty) => new()
        {
            ["open" + suffix] = Dollars(ohlc.Open ?? empty),
            ["low" + suffix] = Dollars(ohlc.Low ?? empty),
            ["high" + suffix] = Dollars(ohlc.High ?? empty),
            ["close" + suffix] = Dollars(ohlc.Close ?? empty),
        };

        /// <summary>Trade prices; null in a period without trades (previous still says where the last one was).</summary>
        private JsonObject PriceDistribution(string suffix)
        {
            var o = new JsonObject
            {
                ["open" + suffix] = Dollars(Price.Open),
                ["low" + suffix] = Dollars(Price.Low),
                ["high" + suffix] = Dollars(Price.High),
                ["close" + suffix] = Dollars(Price.Close),
                ["mean" + suffix] = Dollars(Mean),
                ["previous" + suffix] = Dollars(Previous),
            };
            if (suffix.Length > 0)
            {
                o["min" + suffix] = Dollars(Price.Low);
                o["max" + suffix] = Dollars(Price.High);
            }
            return o;
        }

        private static string? Dollars(decimal? value) => value?.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
    }
}
