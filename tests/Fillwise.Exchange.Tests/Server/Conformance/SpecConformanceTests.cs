using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;

namespace Fillwise.Exchange.Tests.Server.Conformance;

/// <summary>
/// Every answer the exchange serves, checked against Kalshi's own descriptions: the test walks the
/// OpenAPI paths (every GET, with its path and required query parameters filled in), and checks each
/// answer against the schema the spec gives for that path and status; mutations are sent as a
/// client would and checked the same way; every WebSocket message is checked against the AsyncAPI
/// schema of its type. Required fields, types, enums and consts, all the way down.
/// </summary>
public sealed class SpecConformanceTests
{
    private const string Settled = "KXTEST-26JAN01-T60";

    /// <summary>The reads the exchange serves: each must be found by the walk, answer 2xx and fit its schema.</summary>
    private static readonly string[] ServedReads =
    [
        "/exchange/status", "/exchange/schedule", "/account/limits",
        "/series", "/series/{series_ticker}", "/series/{series_ticker}/markets/{ticker}/candlesticks",
        "/markets", "/markets/{ticker}", "/markets/{ticker}/orderbook", "/markets/orderbooks", "/markets/trades", "/markets/candlesticks",
        "/events", "/events/{event_ticker}",
        "/portfolio/balance", "/portfolio/orders", "/portfolio/orders/{order_id}", "/portfolio/orders/queue_positions",
        "/portfolio/orders/{order_id}/queue_position", "/portfolio/fills", "/portfolio/positions", "/portfolio/settlements",
        "/portfolio/order_groups", "/portfolio/order_groups/{order_group_id}",
        "/historical/cutoff", "/historical/orders", "/historical/fills", "/historical/markets", "/historical/markets/{ticker}",
        "/historical/markets/{ticker}/candlesticks", "/historical/trades",
    ];

    [Fact]
    public async Task Every_served_REST_read_and_mutation_fits_the_OpenAPI_schema_of_its_path()
    {
        await using var h = await ServerHarness.StartAsync();
        var maker = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();
        var spec = SpecSchema.OpenApi;
        var failures = new List<string>();

        void Check(string method, string template, Answer answer)
        {
            var schema = spec.ResponseSchema(method, template, answer.Code);
            if (schema is null)
            {
                failures.Add($"{method} {template}: the spec has no {answer.Code} answer ({answer.Text[..Math.Min(200, answer.Text.Length)]})");
                return;
            }
            failures.AddRange(spec.Check(answer.Json, schema).Select(e => $"{method} {template}: {e}"));
        }

        // A market traded, settled and archived (the historical reads), then live trading on another.
        await h.Admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker(Settled)));
        Check("post", "/portfolio/events/orders", await h.PlaceAsync(maker, "bid", "0.6000", "2.00", ticker: Settled));
        Check("post", "/portfolio/events/orders", await h.PlaceAsync(taker, "ask", "0.6000", "2.00", tif: "immediate_or_cancel", ticker: Settled));
        await h.Admin.SettleMarketAsync(new MarketTicker(Settled), "yes");
        await h.Admin.ArchiveFinishedAsync();

        var created = await h.PlaceAsync(maker, "bid", "0.5200", "3.00", clientOrderId: "schema-1");
        Check("post", "/portfolio/events/orders", created);
        Check("post", "/portfolio/events/orders", await h.PlaceAsync(taker, "ask", "0.5200", "1.00", tif: "immediate_or_cancel"));
        var orderId = (string)created.Json["order_id"]!;
        var group = await h.PostAsync(maker, "/portfolio/order_groups/create", new JsonObject { ["contracts_limit_fp"] = "50.00" });
        Check("post", "/portfolio/order_groups/create", group);
        var groupId = (string)group.Json["order_group_id"]!;
        Check("post", "/portfolio/events/orders", await h.PostAsync(maker, "/portfolio/events/orders", new JsonObject
        {
            ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["count"] = "1.00", ["price"] = "0.1000", ["order_group_id"] = groupId,
            ["time_in_force"] = "good_till_canceled", ["self_trade_prevention_type"] = "taker_at_cross",
        }));

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var pathValues = new Dictionary<string, string>
        {
            ["ticker"] = ServerHarness.Ticker, ["event_ticker"] = "KXTEST-26JAN01", ["series_ticker"] = "KXTEST",
            ["order_id"] = orderId, ["order_group_id"] = groupId,
        };
        var queryValues = new Dictionary<string, string>
        {
            ["tickers"] = ServerHarness.Ticker, ["market_tickers"] = ServerHarness.Ticker, ["start_ts"] = "0",
            ["end_ts"] = (now + 86_400).ToString(CultureInfo.InvariantCulture), ["period_interval"] = "1",
        };

        var served = new List<string>();
        foreach (var (template, item) in spec.Root["paths"]!.AsObject())
        {
            if (item?["get"] is not JsonObject get) continue;
            var path = template;
            foreach (var name in pathValues.Keys) path = path.Replace("{" + name + "}", pathValues[name], StringComparison.Ordinal);
            // Historical reads of one market name the archived one.
            if (template.StartsWith("/historical/markets/", StringComparison.Ordinal)) path = path.Replace(ServerHarness.Ticker, Settled, StringComparison.Ordinal);
            if (path.Contains('{', StringComparison.Ordinal)) path = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "x");
            var query = new List<string>();
            foreach (var p in Parameters(spec, get))
            {
                if (p["in"]?.ToString() != "query" || p["required"]?.GetValue<bool>() != true) continue;
                var name = p["name"]!.ToString();
                query.Add(name + "=" + (queryValues.TryGetValue(name, out var v) ? v : "x"));
            }
            var url = path + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
            var answer = await h.GetAsync(maker, url);
            if (answer.Code == 404 && answer.Text.Contains("no such endpoint", StringComparison.Ordinal)) continue;
            served.Add(template);
            if (answer.Code is < 200 or > 299)
            {
                failures.Add($"GET {url}: {answer}");
                continue;
            }
            Check("get", template, answer);
            // An empty list proves nothing about its items: the scenario above fills every list served.
            // (No fee changes, multivariate events or rate-limit grants exist here: those lists are empty by truth.)
            if (template is "/events/fee_changes" or "/series/fee_changes" or "/events/multivariate") continue;
            foreach (var (name, value) in answer.Json.AsObject())
                if (value is JsonArray { Count: 0 } && name is not ("event_positions" or "maintenance_windows" or "grants"))
                    failures.Add($"GET {url}: '{name}' is empty, so its items went unchecked");
        }
        Assert.Empty(ServedReads.Except(served));

        Check("post", "/portfolio/events/orders/{order_id}/decrease", await h.PostAsync(maker, $"/portfolio/events/orders/{orderId}/decrease", new JsonObject { ["reduce_by"] = "1.00" }));
        Check("post", "/portfolio/events/orders/{order_id}/amend", await h.PostAsync(maker, $"/portfolio/events/orders/{orderId}/amend",
            new JsonObject { ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["price"] = "0.5100", ["count"] = "2.00" }));
        var amended = (string)(await h.GetAsync(maker, "/portfolio/orders?status=resting")).Json["orders"]![0]!["order_id"]!;
        Check("delete", "/portfolio/events/orders/{order_id}", await h.SendAsync(maker, HttpMethod.Delete, $"/portfolio/events/orders/{amended}"));
        var batch = await h.PostAsync(maker, "/portfolio/events/orders/batched", new JsonObject
        {
            ["orders"] = new JsonArray(new JsonObject
            {
                ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["count"] = "1.00", ["price"] = "0.3000",
                ["time_in_force"] = "good_till_canceled", ["self_trade_prevention_type"] = "taker_at_cross",
            }),
        });
        Check("post", "/portfolio/events/orders/batched", batch);
        var batchId = (string)batch.Json["orders"]![0]!["order_id"]!;
        Check("delete", "/portfolio/events/orders/batched", await h.SendAsync(maker, HttpMethod.Delete, "/portfolio/events/orders/batched",
            new JsonObject { ["orders"] = new JsonArray(new JsonObject { ["order_id"] = batchId }) }.ToJsonString()));
        Check("put", "/portfolio/order_groups/{order_group_id}/limit", await h.SendAsync(maker, HttpMethod.Put, $"/portfolio/order_groups/{groupId}/limit",
            new JsonObject { ["contracts_limit_fp"] = "40.00" }.ToJsonString()));
        Check("put", "/portfolio/order_groups/{order_group_id}/trigger", await h.SendAsync(maker, HttpMethod.Put, $"/portfolio/order_groups/{groupId}/trigger"));
        Check("put", "/portfolio/order_groups/{order_group_id}/reset", await h.SendAsync(maker, HttpMethod.Put, $"/portfolio/order_groups/{groupId}/reset"));
        Check("delete", "/portfolio/order_groups/{order_group_id}", await h.SendAsync(maker, HttpMethod.Delete, $"/portfolio/order_groups/{groupId}"));

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void The_checker_itself_catches_a_missing_field_a_wrong_type_an_enum_miss_and_a_null()
    {
        var spec = SpecSchema.OpenApi;
        var settlement = spec.Resolve("#/components/schemas/Settlement");
        var good = JsonNode.Parse("""
            {"ticker":"T","event_ticker":"E","market_result":"yes","yes_count_fp":"1.00","yes_total_cost_dollars":"0.5000","no_count_fp":"0.00",
             "no_total_cost_dollars":"0.0000","revenue":100,"settled_time":"2026-01-01T00:00:00Z","fee_cost":"0.0175","value":100,"exchange_index":0}
            """)!;
        Assert.Empty(spec.Check(good, settlement));
        var bad = good.DeepClone().AsObject();
        bad.Remove("revenue");
        bad["yes_count_fp"] = 1;
        bad["market_result"] = "maybe";
        bad["fee_cost"] = null;
        var errors = spec.Check(bad, settlement);
        Assert.Contains(errors, e => e.Contains("$.revenue: required but missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.yes_count_fp: Number where the spec has string", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.market_result: \"maybe\" is not one of", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.fee_cost: null", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_WebSocket_message_fits_the_AsyncAPI_schema_of_its_type()
    {
        await using var h = await ServerHarness.StartAsync();
        var maker = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();
        var spec = SpecSchema.AsyncApi;
        var schemas = MessageSchemas(spec);

        using var ws = await h.ConnectAsync(maker);
        await WsReader.SendAsync(ws, $$$"""{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["{{{ServerHarness.Ticker}}}"]}}""");
        await WsReader.SendAsync(ws, """{"id":2,"cmd":"subscribe","params":{"channels":["ticker","trade","fill","market_positions","market_lifecycle_v2","order_group_updates","user_orders"]}}""");
        await WsReader.SendAsync(ws, """{"id":3,"cmd":"list_subscriptions"}""");
        await WsReader.SendAsync(ws, """{"id":4,"cmd":"subscribe","params":{"channels":["ticker"]}}"""); // already subscribed: an error
        await WsReader.SendAsync(ws, """{"id":5,"cmd":"update_subscription","params":{"sid":1,"market_tickers":["KXOTHER-26JAN01-T70"],"action":"add_markets"}}""");

        // Every command answered (the last one is id 5) before anything happens, so no event can race a subscription.
        var frames = new List<JsonObject>();
        while (frames.Count == 0 || (int?)frames[^1]["id"] != 5) frames.Add(await WsReader.NextAsync(ws));

        // Everything a message can be about: a new market, orders, a trade, fills and positions, a
        // group's life, a pause, a determination, an amendment and a payout.
        var ticker = new MarketTicker("KXOTHER-26JAN01-T70"); // a new event: event_lifecycle announces it
        await h.Admin.CreateMarketAsync(new AdminMarketRequest(ticker, MarketType: "scalar"));
        var group = (string)(await h.PostAsync(maker, "/portfolio/order_groups/create", new JsonObject { ["contracts_limit_fp"] = "50.00" })).Json["order_group_id"]!;
        Assert.Equal(201, (await h.PlaceAsync(maker, "bid", "0.4000", "5.00")).Code);
        Assert.Equal(201, (await h.PlaceAsync(taker, "ask", "0.4000", "2.00", tif: "immediate_or_cancel")).Code);
        Assert.Equal(201, (await h.PlaceAsync(maker, "bid", "0.3000", "1.00", ticker: ticker.Value)).Code);
        Assert.Equal(201, (await h.PlaceAsync(taker, "ask", "0.3000", "1.00", tif: "immediate_or_cancel", ticker: ticker.Value)).Code);
        await h.SendAsync(maker, HttpMethod.Put, $"/portfolio/order_groups/{group}/trigger");
        await h.Admin.PauseMarketAsync(ticker);
        await h.Admin.ResumeMarketAsync(ticker);
        await h.Admin.DetermineMarketAsync(ticker, "scalar", "0.25");
        await h.Admin.AmendMarketAsync(ticker, "scalar", "0.35");
        await h.Admin.FinalizeMarketAsync(ticker);
        await h.Admin.SettleMarketAsync(new MarketTicker(ServerHarness.Ticker), "void");

        var failures = new List<string>();
        while (!frames.Any(f => (string?)f["type"] == "market_lifecycle_v2" && (string?)f["msg"]!["event_type"] == "settled"
                               && (string?)f["msg"]!["market_ticker"] == ServerHarness.Ticker))
            frames.Add(await WsReader.NextAsync(ws));
        // What the settlement's position updates and tickers still send.
        try
        {
            while (true) frames.Add(await WsReader.NextAsync(ws, TimeSpan.FromMilliseconds(500)));
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var frame in frames)
        {
            var type = (string?)frame["type"] ?? "(none)";
            if (!schemas.TryGetValue(type, out var candidates))
            {
                failures.Add($"'{type}' is no message type of the AsyncAPI description: {frame.ToJsonString()}");
                continue;
            }
            var results = candidates.Select(s => spec.Check(frame, s)).ToList();
            if (results.All(r => r.Count > 0)) failures.AddRange(results.OrderBy(r => r.Count).First().Select(e => $"{type}: {e} in {frame.ToJsonString()}"));
        }
        var types = frames.Select(f => (string?)f["type"]).ToHashSet();
        foreach (var expected in new[] { "subscribed", "ok", "error", "orderbook_snapshot", "orderbook_delta", "ticker", "trade", "fill", "market_position",
                     "market_lifecycle_v2", "event_lifecycle", "order_group_updates", "user_order" })
            if (!types.Contains(expected)) failures.Add($"no '{expected}' message was seen, so none was checked");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>Each message type (the payload's "type" const) and the schemas that may carry it.</summary>
    private static Dictionary<string, List<JsonNode>> MessageSchemas(SpecSchema spec)
    {
        var map = new Dictionary<string, List<JsonNode>>(StringComparer.Ordinal);
        foreach (var (_, message) in spec.Root["components"]!["messages"]!.AsObject())
        {
            var payload = message?["payload"];
            while (payload?["$ref"] is JsonValue r) payload = spec.Resolve(r.GetValue<string>());
            var type = payload?["properties"]?["type"];
            while (type?["$ref"] is JsonValue r) type = spec.Resolve(r.GetValue<string>());
            var names = type?["const"] is JsonNode c ? [c.ToString()] : (type?["enum"] as JsonArray)?.Select(n => n!.ToString()).ToList() ?? [];
            foreach (var name in names)
            {
                if (!map.TryGetValue(name, out var list)) map[name] = list = [];
                list.Add(payload!);
            }
        }
        return map;
    }

    private static IEnumerable<JsonNode> Parameters(SpecSchema spec, JsonObject operation)
    {
        foreach (var p in operation["parameters"] as JsonArray ?? [])
        {
            var parameter = p!;
            while (parameter["$ref"] is JsonValue r) parameter = spec.Resolve(r.GetValue<string>());
            yield return parameter;
        }
    }
}
