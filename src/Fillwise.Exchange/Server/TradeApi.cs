using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Server;

/// <summary>Kalshi's REST API v2 (current shapes) over the hosted exchange.</summary>
internal sealed partial class TradeApi(ExchangeGate gate, TradeApiPipeline pipeline, ExchangeServerOptions options)
{
    public const string Prefix = "/trade-api/v2";
    private const int MaxBatchItems = 1000;
    private const int CancelCost = 2;

    private TimeProvider Time => options.TimeProvider;

    public void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix);
        api.AddEndpointFilter(pipeline.InvokeAsync);

        // ---- public market data ----
        api.MapGet("/exchange/status", GetExchangeStatus).Public();
        api.MapGet("/markets", GetMarkets).Public();
        api.MapGet("/markets/trades", GetTrades).Public();
        api.MapGet("/markets/{ticker}", GetMarket).Public();
        api.MapGet("/markets/{ticker}/orderbook", GetOrderbook).Public();
        api.MapGet("/events", GetEvents).Public();
        api.MapGet("/events/{event_ticker}", GetEvent).Public();

        // ---- account ----
        api.MapGet("/account/limits", (HttpContext _) => Ok(new JsonObject
        {
            ["usage_tier"] = options.RateLimitTier.ToString().ToLowerInvariant(),
            ["read"] = new JsonObject { ["refill_rate"] = pipeline.Limiter.ReadRate, ["bucket_capacity"] = pipeline.Limiter.ReadCapacity },
            ["write"] = new JsonObject { ["refill_rate"] = pipeline.Limiter.WriteRate, ["bucket_capacity"] = pipeline.Limiter.WriteCapacity },
            ["grants"] = new JsonArray(),
        })).Read();

        // ---- portfolio reads ----
        api.MapGet("/portfolio/balance", GetBalance).Read();
        api.MapGet("/portfolio/orders", GetOrders).Read();
        api.MapGet("/portfolio/orders/{order_id}", GetOrder).Read(cost: 2);
        api.MapGet("/portfolio/fills", GetFills).Read();
        api.MapGet("/portfolio/positions", GetPositions).Read();
        api.MapGet("/portfolio/settlements", GetSettlements).Read();
        api.MapGet("/historical/cutoff", GetHistoricalCutoff).Public();
        api.MapGet("/historical/orders", GetHistoricalOrders).Read();
        api.MapGet("/historical/fills", GetHistoricalFills).Read();

        // ---- V2 order mutations ----
        api.MapPost("/portfolio/events/orders", Async(CreateOrder)).Write();
        api.MapPost("/portfolio/events/orders/batched", Async(BatchCreate)).WriteBilledInHandler();
        api.MapDelete("/portfolio/events/orders/batched", Async(BatchCancel)).WriteBilledInHandler();
        api.MapDelete("/portfolio/events/orders", CancelAll).Write();
        api.MapDelete("/portfolio/events/orders/{order_id}", CancelOrder).Write(cost: CancelCost);
        api.MapPost("/portfolio/events/orders/{order_id}/amend", AmendOrder).Write();
        api.MapPost("/portfolio/events/orders/{order_id}/decrease", DecreaseOrder).Write();

        // ---- legacy mutations: retired at Kalshi, answered as Kalshi does ----
        api.MapPost("/portfolio/orders", Deprecated).Write();
        api.MapPost("/portfolio/orders/batched", Deprecated).Write();
        api.MapDelete("/portfolio/orders/{order_id}", Deprecated).Write();
        api.MapPost("/portfolio/orders/{order_id}/amend", Deprecated).Write();
        api.MapPost("/portfolio/orders/{order_id}/decrease", Deprecated).Write();

        // ---- order groups ----
        api.MapGet("/portfolio/order_groups", GetOrderGroups).Read();
        api.MapPost("/portfolio/order_groups/create", Async(CreateOrderGroup)).Write();
        api.MapGet("/portfolio/order_groups/{id}", GetOrderGroup).Read();
        api.MapMethods("/portfolio/order_groups/{id}/reset", ["PUT", "POST"], (HttpContext h, string id) =>
            OrderGroupAction(h, (ex, user) => ex.ResetOrderGroup(user, id))).Write();
        api.MapMethods("/portfolio/order_groups/{id}/trigger", ["PUT", "POST"], (HttpContext h, string id) =>
            OrderGroupAction(h, (ex, user) => ex.TriggerOrderGroup(user, id))).Write();
        api.MapMethods("/portfolio/order_groups/{id}/limit", ["PUT", "POST"], SetOrderGroupLimit).Write();
        api.MapDelete("/portfolio/order_groups/{id}", (HttpContext h, string id) =>
            OrderGroupAction(h, (ex, user) => ex.DeleteOrderGroup(user, id))).Write();

        MapReads(api);

        // Anything else under the prefix: Kalshi's 404.
        app.Map(Prefix + "/{**rest}", (HttpContext _) => KalshiErrors.NotFound("no such endpoint"));
    }

    // ---------------------------------------------------------------------------------------
    // market data

    private IResult GetMarkets(HttpContext http)
    {
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var statusFilter = q.List("status");
        MarketStatus[]? statuses = null;
        if (statusFilter is not null)
        {
            var list = new List<MarketStatus>();
            foreach (var word in statusFilter)
            {
                // The filter words are not the status words: unopened = initialized, open = active,
                // paused = inactive, closed = past close and not paid, settled = finalized.
                switch (word)
                {
                    case "unopened": list.Add(MarketStatus.Initialized); break;
                    case "open": list.Add(MarketStatus.Active); break;
                    case "paused": list.Add(MarketStatus.Inactive); break;
                    case "closed": list.AddRange([MarketStatus.Closed, MarketStatus.Determined, MarketStatus.Disputed, MarketStatus.Amended]); break;
                    case "settled": list.Add(MarketStatus.Finalized); break;
                    default: q.Invalid("status"); break;
                }
            }
            statuses = [.. list];
        }
        var events = q.List("event_ticker");
        var seriesTicker = q.String("series_ticker");
        var tickers = q.List("tickers")?.ToHashSet(StringComparer.Ordinal);
        var closing = q.Window("min_close_ts", "max_close_ts");
        if (q.Error is not null) return q.Error;

        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            // Markets settled before the historical cutoff are served by /historical/markets only.
            IEnumerable<MarketView> markets = ex.GetMarkets().Where(m => !ex.IsArchived(m));
            if (statuses is not null) markets = markets.Where(m => statuses.Contains(m.Status));
            if (events is not null) markets = markets.Where(m => events.Contains(m.Definition.EventTicker, StringComparer.Ordinal));
            if (seriesTicker is not null) markets = markets.Where(m => KalshiWire.SeriesOf(m.Definition.EventTicker) == seriesTicker);
            if (tickers is not null) markets = markets.Where(m => tickers.Contains(m.Definition.Ticker.Value));
            markets = markets.Where(m => closing.Contains(m.Definition.CloseTime));
            return ListAnswer("markets", markets, m => m.Definition.Ticker.Value, page, m => KalshiWire.Market(m, now));
        });
    }

    private IResult GetMarket(HttpContext http, string ticker)
    {
        if (!TryTicker(ticker, out var t)) return KalshiErrors.NotFound("market not found");
        var now = Time.GetUtcNow();
        return gate.Run(ex => ex.GetMarket(t) is { } m
            ? Ok(new JsonObject { ["market"] = KalshiWire.Market(m, now) })
            : KalshiErrors.NotFound("market not found"));
    }

    private IResult GetOrderbook(HttpContext http, string ticker)
    {
        var q = new Query(http);
        var depth = q.Int("depth", 0, 0, 100_000);
        if (q.Error is not null) return q.Error;
        if (!TryTicker(ticker, out var t)) return KalshiErrors.NotFound("market not found");
        return gate.Run(ex =>
        {
            if (ex.GetMarket(t) is null) return KalshiErrors.NotFound("market not found");
            var book = ex.GetBook(t, depth) ?? new BookSnapshot(t, [], []);
            return Ok(new JsonObject
            {
                ["orderbook_fp"] = new JsonObject
                {
                    ["yes_dollars"] = KalshiWire.Levels(book.YesBids),
                    ["no_dollars"] = KalshiWire.Levels(book.NoBids),
                },
            });
        });
    }

    private IResult GetTrades(HttpContext http)
    {
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickerText = q.String("ticker");
        var window = q.Window();
        if (q.Error is not null) return q.Error;
        if (!TryTickerFilter(tickerText, out var ticker)) return EmptyList("trades");
        return gate.Run(ex => ListAnswer("trades", ex.GetLiveTrades(ticker).Where(t => window.Contains(t.Time)),
            t => t.TradeId, page, KalshiWire.Trade));
    }

    private IResult GetEvents(HttpContext http)
    {
        var q = new Query(http);
        var page = q.Page(100, 200);
        var seriesTicker = q.String("series_ticker");
        var nested = q.Bool("with_nested_markets") ?? false;
        if (q.Error is not null) return q.Error;
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var events = ex.GetMarkets()
                .GroupBy(m => m.Definition.EventTicker, StringComparer.Ordinal)
                .Where(g => seriesTicker is null || KalshiWire.SeriesOf(g.Key) == seriesTicker)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            return ListAnswer("events", events, g => g.Key, page, g => Event(g.Key, [.. g], nested, now));
        });
    }

    private IResult GetEvent(HttpContext http, string event_ticker)
    {
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var markets = ex.GetMarkets().Where(m => m.Definition.EventTicker == event_ticker).ToList();
            if (markets.Count == 0) return KalshiErrors.NotFound("event not found");
            var array = new JsonArray();
            foreach (var m in markets) array.Add(KalshiWire.Market(m, now));
            return Ok(new JsonObject { ["event"] = Event(event_ticker, markets, false, now), ["markets"] = array });
        });
    }

    private static JsonObject Event(string eventTicker, List<MarketView> markets, bool nested, DateTimeOffset now)
    {
        var e = new JsonObject
        {
            ["event_ticker"] = eventTicker,
            ["series_ticker"] = KalshiWire.SeriesOf(eventTicker),
            ["title"] = markets[0].Definition.Title,
            ["sub_title"] = string.Empty,
            ["category"] = "Simulated",
            ["mutually_exclusive"] = false,
            ["collateral_return_type"] = string.Empty,
            ["strike_period"] = string.Empty,
            // Nothing here is offered through brokers, and no settlement source is named.
            ["available_on_brokers"] = false,
            ["settlement_sources"] = new JsonArray(),
        };
        if (nested)
        {
            var array = new JsonArray();
            foreach (var m in markets) array.Add(KalshiWire.Market(m, now));
            e["markets"] = array;
        }
        return e;
    }

    // ---------------------------------------------------------------------------------------
    // portfolio reads

    private IResult GetBalance(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var balance = ex.GetBalance(user);
            var portfolio = Money.Zero;
            foreach (var p in ex.GetPositions(user)) portfolio += p.MarketExposure;
            var cents = KalshiWire.Cents(balance);
            return Ok(new JsonObject
            {
                ["balance"] = cents,
                ["balance_dollars"] = KalshiWire.Dollars(balance),
                ["portfolio_value"] = KalshiWire.Cents(portfolio),
                ["updated_ts"] = now.ToUnixTimeSeconds(),
                // Per exchange instance, in dollars (IndexedBalance.balance is a FixedPointDollars string, unlike the top-level cents).
                ["balance_breakdown"] = new JsonArray(new JsonObject { ["exchange_index"] = 0, ["balance"] = KalshiWire.Dollars(balance) }),
            });
        });
    }

    private IResult GetOrders(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickerText = q.String("ticker");
        var events = q.List("event_ticker");
        if (events is { Length: > 10 }) q.Invalid("event_ticker");
        VenueOrderStatus? status = q.String("status") switch
        {
            null => null,
            "resting" => VenueOrderStatus.Resting,
            "canceled" => VenueOrderStatus.Canceled,
            "executed" => VenueOrderStatus.Executed,
            _ => q.Invalid<VenueOrderStatus?>("status"),
        };
        var window = q.Window();
        if (q.Error is not null) return q.Error;
        if (!TryTickerFilter(tickerText, out var ticker)) return EmptyList("orders");
        return gate.Run(ex =>
        {
            IEnumerable<OrderView> orders = events is { Length: > 0 }
                ? events
                    .SelectMany(e => ex.GetOrders(user, new OrderQuery(ticker, e, status, window.Min, window.Max)))
                    .OrderByDescending(o => o.CreatedTime)
                : ex.GetOrders(user, new OrderQuery(ticker, null, status, window.Min, window.Max));
            return ListAnswer("orders", orders, o => o.OrderId, page, KalshiWire.Order);
        });
    }

    private IResult GetOrder(HttpContext http, string order_id)
    {
        var user = TradeApiPipeline.RequireUser(http);
        return gate.Run(ex => ex.GetOrder(user, order_id) is { } o
            ? Ok(new JsonObject { ["order"] = KalshiWire.Order(o) })
            : KalshiErrors.NotFound("order not found"));
    }

    private IResult GetFills(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickerText = q.String("ticker");
        var orderId = q.String("order_id");
        var window = q.Window();
        if (q.Error is not null) return q.Error;
        if (!TryTickerFilter(tickerText, out var ticker)) return EmptyList("fills");
        return gate.Run(ex => ListAnswer("fills", ex.GetFills(user, ticker, orderId).Where(f => window.Contains(f.Time)),
            f => f.TradeId + "/" + f.OrderId, page, KalshiWire.Fill));
    }

    private IResult GetHistoricalCutoff(HttpContext http) => gate.Run(ex =>
    {
        // Nothing archived yet: every cutoff is the epoch, so all data is live.
        var cutoff = KalshiWire.Time(ex.HistoricalCutoff ?? DateTimeOffset.UnixEpoch);
        return Ok(new JsonObject
        {
            ["market_settled_ts"] = cutoff,
            ["trades_created_ts"] = cutoff,
            ["orders_updated_ts"] = cutoff,
            ["market_positions_last_updated_ts"] = cutoff,
        });
    });

    private IResult GetHistoricalOrders(HttpContext http) =>
        HistoricalList(http, "orders", (ex, user, ticker, max) => ex.GetHistoricalOrders(user, ticker, max), o => o.OrderId, KalshiWire.Order);

    private IResult GetHistoricalFills(HttpContext http) =>
        HistoricalList(http, "fills", (ex, user, ticker, max) => ex.GetHistoricalFills(user, ticker, max), f => f.TradeId + "/" + f.OrderId, KalshiWire.Fill);

    /// <summary>The /historical lists share one query shape: ticker, max_ts, limit, cursor.</summary>
    private IResult HistoricalList<T>(HttpContext http, string name, Func<KalshiExchange, string, MarketTicker?, DateTimeOffset?, IEnumerable<T>> rows,
        Func<T, string> key, Func<T, JsonNode> item)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickerText = q.String("ticker");
        var max = q.UnixSeconds("max_ts");
        if (q.Error is not null) return q.Error;
        if (!TryTickerFilter(tickerText, out var ticker)) return EmptyList(name);
        return gate.Run(ex => ListAnswer(name, rows(ex, user, ticker, max), key, page, item));
    }

    private IResult GetPositions(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickerText = q.String("ticker");
        var eventTicker = q.String("event_ticker");
        var countFilter = q.List("count_filter");
        if (countFilter is not null && countFilter.Any(f => f is not ("position" or "total_traded"))) q.Invalid("count_filter");
        if (q.Error is not null) return q.Error;
        return gate.Run(ex =>
        {
            var rows = new List<(PositionView Position, string Event)>();
            foreach (var p in ex.GetPositions(user))
            {
                var ev = ex.GetMarket(p.Ticker)?.Definition.EventTicker ?? p.Ticker.Value;
                if (tickerText is not null && p.Ticker.Value != tickerText) continue;
                if (eventTicker is not null && ev != eventTicker) continue;
                if (countFilter is not null)
                {
                    var keep = (countFilter.Contains("position") && p.Position != 0m)
                               || (countFilter.Contains("total_traded") && p.TotalTraded != Money.Zero);
                    if (!keep) continue;
                }
                rows.Add((p, ev));
            }
            rows.Sort((a, b) => string.CompareOrdinal(a.Position.Ticker.Value, b.Position.Ticker.Value));
            var (pageRows, next) = Paging.Page(rows, r => r.Position.Ticker.Value, page);
            var markets = new JsonArray();
            foreach (var r in pageRows) markets.Add(KalshiWire.MarketPosition(r.Position));
            var events = new JsonArray();
            foreach (var g in pageRows.GroupBy(r => r.Event, StringComparer.Ordinal))
            {
                Money cost = Money.Zero, exposure = Money.Zero, pnl = Money.Zero, fees = Money.Zero;
                var shares = 0m;
                foreach (var (p, _) in g)
                {
                    cost += p.TotalTraded;
                    exposure += p.MarketExposure;
                    pnl += p.RealizedPnl;
                    fees += p.FeesPaid;
                    shares += Math.Abs(p.Position);
                }
                events.Add(new JsonObject
                {
                    ["event_ticker"] = g.Key,
                    ["total_cost_dollars"] = KalshiWire.Dollars(cost),
                    ["total_cost_shares_fp"] = KalshiWire.Count(shares),
                    ["event_exposure_dollars"] = KalshiWire.Dollars(exposure),
                    ["realized_pnl_dollars"] = KalshiWire.Dollars(pnl),
                    ["fees_paid_dollars"] = KalshiWire.Dollars(fees),
                });
            }
            return Ok(new JsonObject { ["market_positions"] = markets, ["event_positions"] = events, ["cursor"] = next });
        });
    }

    private IResult GetSettlements(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var q = new Query(http);
        var page = q.Page(100, 1000);
        var tickerText = q.String("ticker");
        var eventTicker = q.String("event_ticker");
        var window = q.Window();
        if (q.Error is not null) return q.Error;
        return gate.Run(ex =>
        {
            IEnumerable<SettlementView> rows = ex.GetSettlements(user);
            if (tickerText is not null) rows = rows.Where(s => s.Ticker.Value == tickerText);
            if (eventTicker is not null) rows = rows.Where(s => s.EventTicker == eventTicker);
            rows = rows.Where(s => window.Contains(s.SettledTime));
            return ListAnswer("settlements", rows, s => s.Ticker.Value, page, KalshiWire.Settlement);
        });
    }

    // ---------------------------------------------------------------------------------------
    // helpers

    /// <summary>Keeps an async handler a route handler (its IResult is written), not a bare RequestDelegate.</summary>
    internal static Delegate Async(Func<HttpContext, Task<IResult>> handler) => handler;

    internal static KalshiJsonResult Ok(JsonNode body) => new(200, body);

    internal static KalshiJsonResult Created(JsonNode body) => new(201, body);

    internal static bool TryTicker(string? text, out MarketTicker ticker)
    {
        ticker = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 256) return false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        }
        try
        {
            ticker = new MarketTicker(text);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }

    /// <summary>
    /// A ticker filter: true with null when none is given; false when the text can be no ticker,
    /// so nothing can match and the list answers empty rather than an error.
    /// </summary>
    private static bool TryTickerFilter(string? text, out MarketTicker? ticker)
    {
        ticker = null;
        if (text is null) return true;
        if (!TryTicker(text, out var parsed)) return false;
        ticker = parsed;
        return true;
    }

    /// <summary>One page of a list endpoint: {"&lt;name&gt;": [items], "cursor": next or ""}.</summary>
    private static KalshiJsonResult ListAnswer<T>(string name, IEnumerable<T> rows, Func<T, string> key, PageRequest page, Func<T, JsonNode> item)
    {
        var (pageRows, next) = Paging.Page([.. rows], key, page);
        var array = new JsonArray();
        foreach (var row in pageRows) array.Add(item(row));
        return Ok(new JsonObject { [name] = array, ["cursor"] = next });
    }

    private static KalshiJsonResult EmptyList(string name) => Ok(new JsonObject { [name] = new JsonArray(), ["cursor"] = string.Empty });

    private IResult Deprecated(HttpContext _) =>
        KalshiErrors.Nested(400, "deprecated_v1_order_endpoint", "This order endpoint is deprecated; use /portfolio/events/orders");

    /// <summary>Query-string reading with Kalshi's {"msg":"Parameter validation failed"} on bad values.</summary>
    private sealed class Query(HttpContext http)
    {
        public KalshiJsonResult? Error { get; private set; }

        public string? String(string name)
        {
            var value = http.Request.Query[name];
            return value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];
        }

        public void Invalid(string name) => Error ??= KalshiErrors.ParameterValidation($"invalid value for '{name}'");

        public T? Invalid<T>(string name)
        {
            Invalid(name);
            return default;
        }

        /// <summary>limit (1..<paramref name="maxLimit"/>) and cursor; read first, so a bad limit is the error reported.</summary>
        public PageRequest Page(int fallbackLimit, int maxLimit) => new(Int("limit", fallbackLimit, 1, maxLimit), String("cursor"));

        /// <summary>A comma-separated parameter, blanks dropped.</summary>
        public string[]? List(string name) => String(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>A time range of two unix-second parameters, min then max.</summary>
        public TimeWindow Window(string minName = "min_ts", string maxName = "max_ts") => new(UnixSeconds(minName), UnixSeconds(maxName));

        public int Int(string name, int fallback, int min, int max)
        {
            var text = String(name);
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                Error ??= KalshiErrors.ParameterValidation($"'{name}' must be an integer between {min} and {max}");
                return fallback;
            }
            return value;
        }

        public bool? Bool(string name)
        {
            var text = String(name);
            if (text is null) return null;
            if (bool.TryParse(text, out var value)) return value;
            Invalid(name);
            return null;
        }

        public DateTimeOffset? UnixSeconds(string name)
        {
            var text = String(name);
            if (text is null) return null;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799)
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            Invalid(name);
            return null;
        }
    }
}

/// <summary>The page a list request asks for: at most Limit items after the one the cursor names.</summary>
internal readonly record struct PageRequest(int Limit, string? Cursor);

/// <summary>A list filter on time, both ends inclusive; a missing end does not filter.</summary>
internal readonly record struct TimeWindow(DateTimeOffset? Min, DateTimeOffset? Max)
{
    public bool Contains(DateTimeOffset time) => (Min is not { } min || time >= min) && (Max is not { } max || time <= max);
}

/// <summary>Cursor pagination: the cursor names the last item of the previous page, so new items at the head do not shift pages.</summary>
internal static class Paging
{
    public static (List<T> Page, string Cursor) Page<T>(List<T> items, Func<T, string> key, PageRequest request)
    {
        var (limit, cursor) = request;
        var start = 0;
        if (!string.IsNullOrEmpty(cursor))
        {
            var index = items.FindIndex(i => key(i) == cursor);
            // A cursor we never issued (garbage) starts from the top, as Kalshi answers 200 to it.
            start = index >= 0 ? index + 1 : 0;
        }
        var page = items.Skip(start).Take(limit).ToList();
        var next = start + page.Count < items.Count && page.Count > 0 ? key(page[^1]) : string.Empty;
        return (page, next);
    }
}
