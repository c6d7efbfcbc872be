using Fillwise.Domain.Values;
using System.Text.Json.Nodes;
using Fillwise.Domain.Fees;
using Fillwise.Exchange.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Server;

/// <summary>
/// Kalshi's reads beyond orders and portfolio: series (where fee_type lives), the exchange schedule,
/// several order books at once, queue positions, candlesticks, and the historical archive of
/// markets and trades.
/// </summary>
internal sealed partial class TradeApi
{
    private const int MaxBatchTickers = 100;

    private void MapReads(RouteGroupBuilder api)
    {
        api.MapGet("/exchange/schedule", GetSchedule).Public();
        api.MapGet("/series", GetSeriesList).Public();
        api.MapGet("/series/{series_ticker}", GetSeries).Public();
        api.MapGet("/series/{series_ticker}/markets/{ticker}/candlesticks", GetMarketCandlesticks).Public();
        api.MapGet("/markets/orderbooks", GetOrderbooks).Read();
        api.MapGet("/markets/candlesticks", GetBatchCandlesticks).Read();
        api.MapGet("/portfolio/orders/queue_positions", GetQueuePositions).Read();
        api.MapGet("/portfolio/orders/{order_id}/queue_position", GetQueuePosition).Read();
        api.MapGet("/historical/markets", GetHistoricalMarkets).Public();
        api.MapGet("/historical/markets/{ticker}", GetHistoricalMarket).Public();
        api.MapGet("/historical/markets/{ticker}/candlesticks", GetHistoricalCandlesticks).Public();
        api.MapGet("/historical/trades", GetHistoricalTrades).Public();
        // Fixed paths that the {event_ticker} and {series_ticker} routes would otherwise answer "not found".
        // No fee ever changes here and no market is multivariate: the lists are empty, truthfully.
        api.MapGet("/events/fee_changes", (HttpContext _) => Ok(new JsonObject { ["event_fee_changes"] = new JsonArray(), ["cursor"] = string.Empty })).Public();
        api.MapGet("/series/fee_changes", (HttpContext _) => Ok(new JsonObject { ["series_fee_change_arr"] = new JsonArray() })).Public();
        api.MapGet("/events/multivariate", (HttpContext _) => EmptyList("events")).Public();
    }

    private IResult GetExchangeStatus(HttpContext _)
    {
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var maintenance = ex.Maintenance is { } window && window.Contains(now);
            var answer = new JsonObject
            {
                ["exchange_active"] = !maintenance,
                ["trading_active"] = !maintenance,
                ["intra_exchange_transfers_active"] = true,
            };
            if (maintenance) answer["exchange_estimated_resume_time"] = KalshiWire.Time(ex.Maintenance!.Around(now).End);
            return Ok(answer);
        });
    }

    /// <summary>Trading every day, all day; the weekly maintenance windows (the next four) when one is set.</summary>
    private IResult GetSchedule(HttpContext _)
    {
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var week = new JsonObject
            {
                ["start_time"] = KalshiWire.Time(DateTimeOffset.UnixEpoch),
                ["end_time"] = KalshiWire.Time(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero)),
            };
            foreach (var day in new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" })
                week[day] = new JsonArray(new JsonObject { ["open_time"] = "00:00", ["close_time"] = "24:00" });
            var windows = new JsonArray();
            foreach (var (start, end) in ex.Maintenance?.Upcoming(now, 4) ?? [])
                windows.Add(new JsonObject { ["start_datetime"] = KalshiWire.Time(start), ["end_datetime"] = KalshiWire.Time(end) });
            return Ok(new JsonObject { ["schedule"] = new JsonObject { ["standard_hours"] = new JsonArray(week), ["maintenance_windows"] = windows } });
        });
    }

    private IResult GetSeriesList(HttpContext http)
    {
        var q = new Query(http);
        var category = q.String("category");
        var volume = q.Bool("include_volume") ?? false;
        q.Bool("include_product_metadata");
        q.UnixSeconds("min_updated_ts");
        if (q.Error is not null) return q.Error;
        return gate.Run(ex =>
        {
            var array = new JsonArray();
            // Every market here is in category "Simulated" and has no tags.
            if (category is null or "Simulated")
                foreach (var g in SeriesGroups(ex)) array.Add(Series(g.Key, g.Value, volume));
            return Ok(new JsonObject { ["series"] = array });
        });
    }

    private IResult GetSeries(HttpContext http, string series_ticker)
    {
        var q = new Query(http);
        var volume = q.Bool("include_volume") ?? false;
        if (q.Error is not null) return q.Error;
        return gate.Run(ex => SeriesGroups(ex).TryGetValue(series_ticker, out var markets)
            ? Ok(new JsonObject { ["series"] = Series(series_ticker, markets, volume) })
            : KalshiErrors.NotFound("series not found"));
    }

    private static SortedDictionary<string, List<MarketView>> SeriesGroups(KalshiExchange ex)
    {
        var groups = new SortedDictionary<string, List<MarketView>>(StringComparer.Ordinal);
        foreach (var m in ex.GetMarkets())
        {
            var series = KalshiWire.SeriesOf(m.Definition.EventTicker);
            if (!groups.TryGetValue(series, out var list)) groups[series] = list = [];
            list.Add(m);
        }
        return groups;
    }

    /// <summary>A series as Kalshi describes it; its fee schedule is its first market's (the exchange sets fees per market).</summary>
    private static JsonObject Series(string ticker, List<MarketView> markets, bool withVolume)
    {
        var first = markets[0].Definition;
        var series = new JsonObject
        {
            ["ticker"] = ticker,
            ["frequency"] = "custom",
            ["title"] = ticker,
            ["category"] = "Simulated",
            ["tags"] = new JsonArray(),
            ["settlement_sources"] = new JsonArray(),
            ["contract_url"] = string.Empty,
            ["contract_terms_url"] = string.Empty,
            ["fee_type"] = KalshiFeeModel.ToWire(first.FeeType),
            ["fee_multiplier"] = first.FeeMultiplier,
            ["additional_prohibitions"] = new JsonArray(),
            ["exchange_index"] = 0,
        };
        if (withVolume) series["volume_fp"] = KalshiWire.Count(markets.Sum(m => m.Volume.Value));
        return series;
    }

    private IResult GetOrderbooks(HttpContext http)
    {
        var tickers = TickerList(http, "tickers");
        if (tickers is null) return KalshiErrors.ParameterValidation($"'tickers' must name 1 to {MaxBatchTickers} markets");
        return gate.Run(ex =>
        {
            var array = new JsonArray();
            foreach (var text in tickers)
            {
                if (!TryTicker(text, out var t) || ex.GetMarket(t) is null) continue;
                var book = ex.GetBook(t) ?? new BookSnapshot(t, [], []);
                array.Add(new JsonObject
                {
                    ["ticker"] = t.Value,
                    ["orderbook_fp"] = new JsonObject { ["yes_dollars"] = KalshiWire.Levels(book.YesBids), ["no_dollars"] = KalshiWire.Levels(book.NoBids) },
                });
            }
            return Ok(new JsonObject { ["orderbooks"] = array });
        });
    }

    private IResult GetQueuePositions(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var q = new Query(http);
        var tickers = q.List("market_tickers");
        var eventTicker = q.String("event_ticker");
        q.Int("subaccount", 0, 0, 0);
        if (q.Error is not null) return q.Error;
        HashSet<MarketTicker>? filter = null;
        if (tickers is not null)
        {
            filter = [];
            foreach (var text in tickers)
                if (TryTicker(text, out var t)) filter.Add(t);
        }
        return gate.Run(ex =>
        {
            var array = new JsonArray();
            foreach (var p in ex.GetQueuePositions(user, filter, eventTicker))
                array.Add(new JsonObject { ["order_id"] = p.OrderId, ["market_ticker"] = p.Ticker.Value, ["queue_position_fp"] = p.Ahead.ToString() });
            return Ok(new JsonObject { ["queue_positions"] = array });
        });
    }

    private IResult GetQueuePosition(HttpContext http, string order_id)
    {
        var user = TradeApiPipeline.RequireUser(http);
        return gate.Run(ex => ex.GetQueuePosition(user, order_id) is { } p
            ? Ok(new JsonObject { ["queue_position_fp"] = p.Ahead.ToString() })
            : KalshiErrors.NotFound("order not found"));
    }

    private IResult GetMarketCandlesticks(HttpContext http, string series_ticker, string ticker) =>
        Candlesticks(http, ticker, series_ticker, historical: false);

    private IResult GetHistoricalCandlesticks(HttpContext http, string ticker) => Candlesticks(http, ticker, null, historical: true);

    private IResult Candlesticks(HttpContext http, string ticker, string? seriesTicker, bool historical)
    {
        var q = new Query(http);
        var window = CandleWindow(q, fixedPeriods: true);
        if (q.Error is not null) return q.Error;
        if (!TryTicker(ticker, out var t)) return KalshiErrors.NotFound("market not found");
        return gate.Run(ex =>
        {
            if (ex.GetMarket(t) is not { } market || (seriesTicker is not null && KalshiWire.SeriesOf(market.Definition.EventTicker) != seriesTicker))
                return KalshiErrors.NotFound("market not found");
            var array = new JsonArray();
            foreach (var c in gate.Hub.Candles.Read(t, window.Start, window.End, window.Period))
                array.Add(historical ? c.ToHistoricalWire() : c.ToWire());
            return Ok(new JsonObject { ["ticker"] = t.Value, ["candlesticks"] = array });
        });
    }

    private IResult GetBatchCandlesticks(HttpContext http)
    {
        var q = new Query(http);
        var tickers = q.List("market_tickers");
        var window = CandleWindow(q, fixedPeriods: false);
        q.Bool("include_latest_before_start");
        if (tickers is null || tickers.Length > MaxBatchTickers) q.Invalid("market_tickers");
        if (q.Error is not null) return q.Error;
        return gate.Run(ex =>
        {
            var array = new JsonArray();
            foreach (var text in tickers!)
            {
                if (!TryTicker(text, out var t) || ex.GetMarket(t) is null) continue;
                var candles = new JsonArray();
                foreach (var c in gate.Hub.Candles.Read(t, window.Start, window.End, window.Period)) candles.Add(c.ToWire());
                array.Add(new JsonObject { ["market_ticker"] = t.Value, ["candlesticks"] = candles });
            }
            return Ok(new JsonObject { ["markets"] = array });
        });
    }

    /// <summary>start_ts, end_ts and period_interval, all required; the per-market reads take only 1, 60 or 1440 minutes.</summary>
    private static (long Start, long End, int Period) CandleWindow(Query q, bool fixedPeriods)
    {
        var start = q.UnixSeconds("start_ts");
        var end = q.UnixSeconds("end_ts");
        var period = q.Int("period_interval", 0, 1, 1440 * 7);
        if (start is null) q.Invalid("start_ts");
        if (end is null) q.Invalid("end_ts");
        if (period == 0 || (fixedPeriods && period is not (1 or 60 or 1440))) q.Invalid("period_interval");
        return (start?.ToUnixTimeSeconds() ?? 0, end?.ToUnixTimeSeconds() ?? 0, Math.Max(period, 1));
    }

    private IResult GetHistoricalMarkets(HttpContext http)
    {
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickers = q.List("tickers")?.ToHashSet(StringComparer.Ordinal);
        var eventTicker = q.String("event_ticker");
        var seriesTicker = q.String("series_ticker");
        if (q.Error is not null) return q.Error;
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            IEnumerable<MarketView> markets = ex.GetHistoricalMarkets();
            if (tickers is not null) markets = markets.Where(m => tickers.Contains(m.Definition.Ticker.Value));
            if (eventTicker is not null) markets = markets.Where(m => m.Definition.EventTicker == eventTicker);
            if (seriesTicker is not null) markets = markets.Where(m => KalshiWire.SeriesOf(m.Definition.EventTicker) == seriesTicker);
            return ListAnswer("markets", markets, m => m.Definition.Ticker.Value, page, m => KalshiWire.Market(m, now));
        });
    }

    private IResult GetHistoricalMarket(HttpContext http, string ticker)
    {
        if (!TryTicker(ticker, out var t)) return KalshiErrors.NotFound("market not found");
        var now = Time.GetUtcNow();
        return gate.Run(ex => ex.GetMarket(t) is { } m && ex.IsArchived(m)
            ? Ok(new JsonObject { ["market"] = KalshiWire.Market(m, now) })
            : KalshiErrors.NotFound("market not found"));
    }

    private IResult GetHistoricalTrades(HttpContext http)
    {
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickerText = q.String("ticker");
        var window = q.Window();
        q.Bool("is_block_trade");
        if (q.Error is not null) return q.Error;
        if (!TryTickerFilter(tickerText, out var ticker)) return EmptyList("trades");
        return gate.Run(ex => ListAnswer("trades", ex.GetHistoricalTrades(ticker).Where(t => window.Contains(t.Time)),
            t => t.TradeId, page, KalshiWire.Trade));
    }

    /// <summary>An array query parameter in either form Kalshi's clients send: repeated (tickers=A&amp;tickers=B) or comma-separated.</summary>
    private static List<string>? TickerList(HttpContext http, string name)
    {
        var list = http.Request.Query[name]
            .SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return list.Count is 0 or > MaxBatchTickers ? null : list;
    }
}
