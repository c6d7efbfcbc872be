using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>Aster's public market data: instruments from exchangeInfo filters, depth, mark and funding.</summary>
public sealed class AsterMarketDataClient
{
    private readonly AsterTransport _transport;
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _statuses = new(StringComparer.Ordinal);

    internal AsterMarketDataClient(AsterTransport transport) => _transport = transport;

    private string Venue => _transport.Options.Venue;

    /// <summary>An instrument loaded by <see cref="GetInstrumentsAsync"/>, or null.</summary>
    public Instrument? Instrument(string symbol) => _instruments.GetValueOrDefault(symbol);

    /// <summary>
    /// A perpetual's exchangeInfo status as last loaded by <see cref="GetInstrumentsAsync"/>
    /// (TRADING, PENDING_TRADING, BREAK, SETTLING, CLOSE ...), or null when it was not listed.
    /// </summary>
    public string? Status(string symbol) => _statuses.GetValueOrDefault(symbol);

    /// <summary>
    /// Every TRADING perpetual, with its grid (PRICE_FILTER), step and minimum (LOT_SIZE) and minimum
    /// notional (MIN_NOTIONAL, which reduce-only orders are spared). Cached for order formatting.
    /// </summary>
    public async Task<IReadOnlyList<Instrument>> GetInstrumentsAsync(CancellationToken ct)
    {
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/exchangeInfo", [], signed: false, weight: 1, isOrder: false, AsterRetry.Safe, ct);
        var list = new List<Instrument>();
        foreach (var s in doc.RootElement.GetProperty("symbols").EnumerateArray())
        {
            if (AsterJson.OptStr(s, "contractType") is not (null or "PERPETUAL")) continue;
            var status = AsterJson.OptStr(s, "status") ?? "UNKNOWN";
            if (AsterJson.OptStr(s, "symbol") is { } listed) _statuses[listed] = status;
            if (status != "TRADING") continue;
            var instrument = ToInstrument(s, Venue);
            _instruments[instrument.Id.Symbol] = instrument;
            list.Add(instrument);
        }
        return list;
    }

    internal static Instrument ToInstrument(JsonElement s, string venue)
    {
        var symbol = AsterJson.Str(s, "symbol");
        JsonElement? Filter(string type)
        {
            foreach (var f in s.GetProperty("filters").EnumerateArray())
                if (AsterJson.OptStr(f, "filterType") == type) return f;
            return null;
        }
        var price = Filter("PRICE_FILTER") ?? throw new AsterApiException(VenueErrorKind.Unknown, 0, $"{symbol} has no PRICE_FILTER");
        var lot = Filter("LOT_SIZE") ?? throw new AsterApiException(VenueErrorKind.Unknown, 0, $"{symbol} has no LOT_SIZE");
        var notional = Filter("MIN_NOTIONAL");
        var minNotional = notional is { } n ? Money.Parse(AsterJson.OptStr(n, "notional") ?? AsterJson.OptStr(n, "minNotional") ?? "0") : Money.Zero;
        var tick = AsterJson.Price(price, "tickSize");
        var minPrice = AsterJson.Price(price, "minPrice");
        return new Instrument(new InstrumentId(venue, symbol), InstrumentKind.Perpetual, AsterJson.OptStr(s, "baseAsset") ?? symbol,
            [new PriceBand(minPrice.IsZero ? tick : minPrice, AsterJson.Price(price, "maxPrice"), tick)],
            AsterJson.Qty(lot, "stepSize"), AsterJson.Qty(lot, "minQty"), minNotional,
            reduceOnlyWaivesMinimums: true, quoteCurrency: AsterJson.OptStr(s, "quoteAsset") ?? "USDT");
    }

    public async Task<AsterDepth> GetDepthAsync(string symbol, int limit, CancellationToken ct)
    {
        var weight = limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/depth",
            [new("symbol", symbol), new("limit", limit.ToString(CultureInfo.InvariantCulture))], signed: false, weight, isOrder: false, AsterRetry.Safe, ct);
        var root = doc.RootElement;
        return new AsterDepth(new InstrumentId(Venue, symbol), AsterJson.Long(root, "lastUpdateId"), Levels(root.GetProperty("bids")), Levels(root.GetProperty("asks")));
    }

    private static List<AsterLevel> Levels(JsonElement array)
    {
        var list = new List<AsterLevel>(array.GetArrayLength());
        foreach (var level in array.EnumerateArray())
            list.Add(new AsterLevel(Price.Parse(level[0].GetString()!), Quantity.Parse(level[1].GetString()!)));
        return list;
    }

    public async Task<AsterPremiumIndex> GetPremiumIndexAsync(string symbol, CancellationToken ct)
    {
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/premiumIndex", [new("symbol", symbol)], signed: false, 1, false, AsterRetry.Safe, ct);
        var e = doc.RootElement;
        return new AsterPremiumIndex(new InstrumentId(Venue, symbol), AsterJson.Price(e, "markPrice"), FundingRate.Parse(AsterJson.Str(e, "lastFundingRate")),
            AsterJson.Time(e, "nextFundingTime"), AsterJson.Time(e, "time"));
    }

    /// <summary>The symbol's funding: rate and next time from premiumIndex, interval from fundingInfo (never assumed 8 h when listed).</summary>
    public async Task<FundingSchedule> GetFundingScheduleAsync(string symbol, CancellationToken ct)
    {
        var premium = await GetPremiumIndexAsync(symbol, ct);
        var interval = await GetFundingIntervalAsync(symbol, ct);
        return new FundingSchedule(premium.Instrument, premium.LastFundingRate, interval, premium.NextFundingTime);
    }

    /// <summary>The symbol's funding interval from fundingInfo; 8 h only for a symbol fundingInfo does not list (Binance's default).</summary>
    public async Task<TimeSpan> GetFundingIntervalAsync(string symbol, CancellationToken ct)
    {
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/fundingInfo", [], signed: false, 1, false, AsterRetry.Safe, ct);
        var interval = TimeSpan.FromHours(8);
        foreach (var info in doc.RootElement.EnumerateArray())
        {
            if (AsterJson.OptStr(info, "symbol") != symbol || !info.TryGetProperty("fundingIntervalHours", out var h) || h.ValueKind != JsonValueKind.Number) continue;
            interval = TimeSpan.FromMinutes((double)(h.GetDecimal() * 60m));
        }
        return interval;
    }
}
