using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Lighter;

/// <summary>A perpetual's funding at Lighter: the rate per interval (hourly), the next settlement, and the mark when the venue gives it.</summary>
public sealed record LighterFundingRate(FundingSchedule Schedule, Price? MarkPrice);

/// <summary>
/// Lighter's public market data: markets from orderBookDetails (cached; each gives the instrument
/// with its integer scaling and minimums), funding from funding-rates, recent public trades.
/// </summary>
public sealed class LighterMarketDataClient
{
    private static readonly TimeSpan LighterFundingInterval = TimeSpan.FromHours(1);

    private readonly LighterTransport _transport;
    private readonly ConcurrentDictionary<string, LighterMarketInfo> _bySymbol = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, LighterMarketInfo> _byIndex = new();

    internal LighterMarketDataClient(LighterTransport transport) => _transport = transport;

    private string Venue => _transport.Options.Venue;

    /// <summary>Every market (orderBookDetails), refreshing the cache.</summary>
    public async Task<IReadOnlyList<LighterMarketInfo>> GetMarketsAsync(CancellationToken ct)
    {
        using var doc = await _transport.GetAsync("/orderBookDetails", [], ct);
        var markets = new List<LighterMarketInfo>();
        foreach (var e in LighterJson.Array(doc.RootElement, "order_book_details").EnumerateArray())
        {
            var m = Parse(e, Venue);
            _bySymbol[m.Symbol] = m;
            _byIndex[m.MarketIndex] = m;
            markets.Add(m);
        }
        return markets;
    }

    /// <summary>A market from the cache (null when never loaded or unknown).</summary>
    public LighterMarketInfo? Market(string symbol) => _bySymbol.GetValueOrDefault(symbol);

    public LighterMarketInfo? Market(int marketIndex) => _byIndex.GetValueOrDefault(marketIndex);

    /// <summary>A market, loading the list when it is not cached; null when the venue has none by that symbol.</summary>
    public async Task<LighterMarketInfo?> MarketAsync(string symbol, CancellationToken ct)
    {
        if (Market(symbol) is { } known) return known;
        await GetMarketsAsync(ct);
        return Market(symbol);
    }

    /// <summary>One market read fresh (its mark and last price move).</summary>
    public async Task<LighterMarketInfo?> RefreshAsync(int marketIndex, CancellationToken ct)
    {
        using var doc = await _transport.GetAsync("/orderBookDetails", [new("market_id", marketIndex.ToString(CultureInfo.InvariantCulture))], ct);
        foreach (var e in LighterJson.Array(doc.RootElement, "order_book_details").EnumerateArray())
        {
            var m = Parse(e, Venue);
            _bySymbol[m.Symbol] = m;
            _byIndex[m.MarketIndex] = m;
            if (m.MarketIndex == marketIndex) return m;
        }
        return null;
    }

    internal static LighterMarketInfo Parse(JsonElement e, string venue)
    {
        var symbol = LighterJson.Str(e, "symbol");
        var sizeDecimals = (int)LighterJson.Long(e, "supported_size_decimals");
        var priceDecimals = (int)LighterJson.Long(e, "supported_price_decimals");
        if (sizeDecimals is < 0 or > 12 || priceDecimals is < 0 or > 12) throw LighterJson.Bad("supported decimals", $"market {symbol}");
        var step = Quantity.Of(1m / LighterMarketInfo.Pow10(sizeDecimals));
        var tick = Price.Of(1m / LighterMarketInfo.Pow10(priceDecimals));
        var maxPrice = Price.Of(uint.MaxValue / LighterMarketInfo.Pow10(priceDecimals));
        var instrument = new Instrument(new InstrumentId(venue, symbol), InstrumentKind.Perpetual, symbol, [new PriceBand(tick, maxPrice, tick)], step,
            LighterJson.Qty(e, "min_base_amount"), LighterJson.Money(e, "min_quote_amount"),
            // Lighter spares no order its minimums, reduce-only included (dust closes get 21706).
            reduceOnlyWaivesMinimums: false, quoteCurrency: "USDC");
        var mark = LighterJson.OptDec(e, "mark_price") is { } mp && mp > 0m ? Price.Of(mp) : (Price?)null;
        var last = LighterJson.OptDec(e, "last_trade_price") is { } lp && lp > 0m ? Price.Of(lp) : (Price?)null;
        return new LighterMarketInfo((int)LighterJson.Long(e, "market_id"), instrument, sizeDecimals, priceDecimals, LighterJson.OptStr(e, "status") ?? "active",
            (LighterJson.OptDec(e, "taker_fee") ?? 0m) / 100m, (LighterJson.OptDec(e, "maker_fee") ?? 0m) / 100m, mark, last);
    }

    /// <summary>
    /// The funding rate of a market (funding-rates), its interval (Lighter: hourly, unless the venue
    /// says otherwise) and next settlement, and the mark when orderBookDetails has it.
    /// </summary>
    public async Task<LighterFundingRate> GetFundingAsync(string symbol, CancellationToken ct)
    {
        var market = await MarketAsync(symbol, ct) ?? throw new LighterApiException(Domain.Venues.VenueErrorKind.NotFound, 0, $"Lighter has no market {symbol}");
        using var doc = await _transport.GetAsync("/funding-rates", [], ct);
        foreach (var e in LighterJson.Array(doc.RootElement, "funding_rates").EnumerateArray())
        {
            if (LighterJson.OptStr(e, "exchange") is { } ex && ex != "lighter") continue;
            if (LighterJson.OptLong(e, "market_id") != market.MarketIndex && LighterJson.OptStr(e, "symbol") != symbol) continue;
            var rate = FundingRate.Of(LighterJson.Dec(e, "rate"));
            var interval = LighterJson.OptDec(e, "funding_interval_hours") is { } h && h > 0m ? TimeSpan.FromMinutes((double)(h * 60m)) : LighterFundingInterval;
            var next = LighterJson.OptLong(e, "next_funding_time") is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : FundingSchedule.NextSettlementAfter(_transport.Time.GetUtcNow(), interval);
            var fresh = await RefreshAsync(market.MarketIndex, ct) ?? market;
            return new LighterFundingRate(new FundingSchedule(market.Instrument.Id, rate, interval, next), fresh.MarkPrice);
        }
        throw new LighterApiException(Domain.Venues.VenueErrorKind.NotFound, 0, $"Lighter lists no funding rate for {symbol}");
    }

    /// <summary>The latest public trades of a market, newest first.</summary>
    public async Task<IReadOnlyList<LighterTrade>> GetRecentTradesAsync(LighterMarketInfo market, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(market);
        using var doc = await _transport.GetAsync("/recentTrades",
            [new("market_id", market.MarketIndex.ToString(CultureInfo.InvariantCulture)), new("limit", Math.Clamp(limit, 1, 100).ToString(CultureInfo.InvariantCulture))], ct);
        return [.. LighterJson.Array(doc.RootElement, "trades").EnumerateArray().Select(t => LighterWire.Trade(t, market))];
    }
}
