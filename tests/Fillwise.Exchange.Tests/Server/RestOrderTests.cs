using System.Net;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;

namespace Fillwise.Exchange.Tests.Server;

public sealed class RestOrderTests
{
    [Fact]
    public async Task Crossing_v2_orders_fill_and_every_read_agrees()
    {
        await using var h = await ServerHarness.StartAsync();
        var maker = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();

        var resting = await h.PlaceAsync(maker, "bid", "0.4700", "10.00", clientOrderId: "maker-1");
        Assert.Equal(HttpStatusCode.Created, resting.Status);
        Assert.Equal("0.00", (string?)resting.Json["fill_count"]);
        Assert.Equal("10.00", (string?)resting.Json["remaining_count"]);
        Assert.Equal("maker-1", (string?)resting.Json["client_order_id"]);
        var makerOrderId = (string)resting.Json["order_id"]!;

        var book = await h.GetAsync(null, $"/markets/{ServerHarness.Ticker}/orderbook");
        Assert.Equal("""{"orderbook_fp":{"yes_dollars":[["0.4700","10.00"]],"no_dollars":[]}}""", book.Text);

        var cross = await h.PlaceAsync(taker, "ask", "0.4500", "4.00", tif: "immediate_or_cancel", clientOrderId: "taker-1");
        Assert.Equal(HttpStatusCode.Created, cross.Status);
        Assert.Equal("4.00", (string?)cross.Json["fill_count"]);
        Assert.Equal("0.00", (string?)cross.Json["remaining_count"]);
        Assert.Equal("0.4700", (string?)cross.Json["average_fill_price"]);
        Assert.NotNull(cross.Json["average_fee_paid"]);

        var order = (await h.GetAsync(maker, $"/portfolio/orders/{makerOrderId}")).Json["order"]!;
        Assert.Equal("resting", (string?)order["status"]);
        Assert.Equal("4.00", (string?)order["fill_count_fp"]);
        Assert.Equal("6.00", (string?)order["remaining_count_fp"]);
        Assert.Equal("10.00", (string?)order["initial_count_fp"]);
        Assert.Equal("bid", (string?)order["book_side"]);
        Assert.Equal("yes", (string?)order["outcome_side"]);
        Assert.Equal("limit", (string?)order["type"]);
        Assert.Equal("0.5300", (string?)order["no_price_dollars"]);

        var fills = (await h.GetAsync(taker, "/portfolio/fills")).Json["fills"]!.AsArray();
        var fill = Assert.Single(fills)!;
        Assert.Equal("4.00", (string?)fill["count_fp"]);
        Assert.True((bool)fill["is_taker"]!);
        Assert.Equal("ask", (string?)fill["book_side"]);

        var positions = (await h.GetAsync(maker, "/portfolio/positions")).Json;
        Assert.Equal("4.00", (string?)positions["market_positions"]![0]!["position_fp"]);
        Assert.Equal("KXTEST-26JAN01", (string?)positions["event_positions"]![0]!["event_ticker"]);
        var takerPositions = (await h.GetAsync(taker, "/portfolio/positions")).Json;
        Assert.Equal("-4.00", (string?)takerPositions["market_positions"]![0]!["position_fp"]);

        var market = (await h.GetAsync(null, $"/markets/{ServerHarness.Ticker}")).Json["market"]!;
        Assert.Equal("0.4700", (string?)market["yes_bid_dollars"]);
        Assert.Equal("0.4700", (string?)market["last_price_dollars"]);

        var trades = (await h.GetAsync(null, $"/markets/trades?ticker={ServerHarness.Ticker}")).Json["trades"]!.AsArray();
        Assert.Equal("no", (string?)Assert.Single(trades)!["taker_outcome_side"]);

        var cancel = await h.SendAsync(maker, HttpMethod.Delete, $"/portfolio/events/orders/{makerOrderId}");
        Assert.Equal(HttpStatusCode.OK, cancel.Status);
        Assert.Equal("6.00", (string?)cancel.Json["reduced_by"]);
        var again = await h.SendAsync(maker, HttpMethod.Delete, $"/portfolio/events/orders/{makerOrderId}");
        Assert.Equal(404, again.Code);
        Assert.Equal("not_found", (string?)again.Json["error"]!["code"]);

        // The venue's truth through the admin API matches.
        var state = await h.Admin.GetAccountAsync(maker.UserId);
        Assert.Equal(4m, Assert.Single(state.Positions).Position);
        Assert.Equal(0, state.RestingOrders);
    }

    [Fact]
    public async Task Bad_input_gets_kalshis_errors_and_changes_nothing()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        var before = (string?)(await h.GetAsync(alice, "/portfolio/balance")).Json["balance_dollars"];
        const string path = "/portfolio/events/orders";
        const string valid = """{"ticker":"KXTEST-26JAN01-T50","side":"bid","count":"1.00","price":"0.4500","time_in_force":"good_till_canceled","self_trade_prevention_type":"taker_at_cross"}""";

        var countNumber = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("\"count\":\"1.00\"", "\"count\":1", StringComparison.Ordinal));
        Assert.Equal(400, countNumber.Code);
        Assert.Equal("bad_request", (string?)countNumber.Json["code"]);
        Assert.Equal("json: cannot unmarshal number into Go struct field CreateOrderV2Request.count of type string", (string?)countNumber.Json["details"]);

        var priceNumber = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("\"price\":\"0.4500\"", "\"price\":0.45", StringComparison.Ordinal));
        Assert.Equal("json: cannot unmarshal number into Go struct field CreateOrderV2Request.price of type string", (string?)priceNumber.Json["details"]);

        var postOnlyString = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("}", ",\"post_only\":\"yes\"}", StringComparison.Ordinal));
        Assert.Equal("json: cannot unmarshal string into Go struct field CreateOrderV2Request.post_only of type bool", (string?)postOnlyString.Json["details"]);

        foreach (var malformed in new[] { "{\"ticker\":", "not json", "", "[1,2]", "{\"a\":1}}" })
        {
            var answer = await h.SendAsync(alice, HttpMethod.Post, path, malformed);
            Assert.True(answer.Code == 400, $"{malformed} -> {answer}");
            Assert.Equal("bad_request", (string?)answer.Json["code"]);
        }

        var unknownTicker = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("KXTEST-26JAN01-T50", "NOPE-1", StringComparison.Ordinal));
        Assert.Equal(404, unknownTicker.Code);
        Assert.Equal("not_found", (string?)unknownTicker.Json["error"]!["code"]);

        var offGrid = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("0.4500", "0.4550", StringComparison.Ordinal));
        Assert.Equal(400, offGrid.Code);
        Assert.Equal("invalid_price", (string?)offGrid.Json["error"]!["code"]);

        foreach (var price in new[] { "0", "1.0000", "1.5", "-0.20", "0.12345", "abc" })
        {
            var answer = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("0.4500", price, StringComparison.Ordinal));
            Assert.True(answer.Code == 400, $"{price} -> {answer}");
            Assert.Equal("invalid_price", (string?)answer.Json["error"]!["code"]);
        }

        foreach (var count in new[] { "0", "0.00", "-1.00", "1.234", "ten", "" })
        {
            var answer = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("\"1.00\"", $"\"{count}\"", StringComparison.Ordinal));
            Assert.True(answer.Code == 400, $"{count} -> {answer}");
            Assert.NotNull(answer.Json["error"]);
        }

        var badSide = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace("\"bid\"", "\"buy\"", StringComparison.Ordinal));
        Assert.Equal(400, badSide.Code);
        var noTif = await h.SendAsync(alice, HttpMethod.Post, path, valid.Replace(",\"time_in_force\":\"good_till_canceled\"", "", StringComparison.Ordinal));
        Assert.Equal(400, noTif.Code);

        var unsigned = await h.SendAsync(null, HttpMethod.Post, path, valid);
        Assert.Equal(401, unsigned.Code);
        var stale = await h.SendAsync(null, HttpMethod.Post, path, valid,
            r => TestSigner.Sign(r, alice, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds()));
        Assert.Equal("header_timestamp_expired", (string?)stale.Json["error"]!["code"]);

        var huge = "{\"ticker\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        var oversized = await h.SendAsync(alice, HttpMethod.Post, path, huge);
        Assert.Equal(400, oversized.Code);
        Assert.Equal("bad_request", (string?)oversized.Json["code"]);

        // Nothing happened: empty book, no orders, same balance; the server still answers.
        var book = await h.GetAsync(null, $"/markets/{ServerHarness.Ticker}/orderbook");
        Assert.Equal("""{"orderbook_fp":{"yes_dollars":[],"no_dollars":[]}}""", book.Text);
        Assert.Empty((await h.GetAsync(alice, "/portfolio/orders")).Json["orders"]!.AsArray());
        Assert.Equal(before, (string?)(await h.GetAsync(alice, "/portfolio/balance")).Json["balance_dollars"]);
        Assert.Equal(201, (await h.SendAsync(alice, HttpMethod.Post, path, valid)).Code);
    }

    [Fact]
    public async Task Duplicate_client_order_id_is_409_and_batches_fail_per_item()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        Assert.Equal(201, (await h.PlaceAsync(alice, "bid", "0.3000", "1.00", clientOrderId: "dup")).Code);
        var dup = await h.PlaceAsync(alice, "bid", "0.3000", "1.00", clientOrderId: "dup");
        Assert.Equal(409, dup.Code);
        Assert.Equal("order_already_exists", (string?)dup.Json["error"]!["code"]);

        var batch = new JsonObject
        {
            ["orders"] = new JsonArray(
                Order("bid", "0.2000", "b-1"),
                Order("bid", "0.2050", "b-2"),
                Order("ask", "0.8000", "b-3")),
        };
        var created = await h.PostAsync(alice, "/portfolio/events/orders/batched", batch);
        Assert.Equal(201, created.Code);
        var items = created.Json["orders"]!.AsArray();
        Assert.Equal(3, items.Count);
        Assert.Null(items[0]!["error"]);
        Assert.Equal("invalid_price", (string?)items[1]!["error"]!["code"]);
        Assert.Null(items[2]!["error"]);

        var cancel = await h.SendAsync(alice, HttpMethod.Delete, "/portfolio/events/orders/batched",
            new JsonObject { ["orders"] = new JsonArray(new JsonObject { ["order_id"] = (string?)items[0]!["order_id"] }, new JsonObject { ["order_id"] = "nope" }) }.ToJsonString());
        Assert.Equal(200, cancel.Code);
        Assert.Equal("1.00", (string?)cancel.Json["orders"]![0]!["reduced_by"]);
        Assert.Equal("not_found", (string?)cancel.Json["orders"]![1]!["error"]!["code"]);

        var all = await h.SendAsync(alice, HttpMethod.Delete, "/portfolio/events/orders");
        Assert.Equal(200, all.Code);
        Assert.Equal(2, all.Json["orders"]!.AsArray().Count);
        Assert.Empty((await h.GetAsync(alice, "/portfolio/orders?status=resting")).Json["orders"]!.AsArray());

        static JsonObject Order(string side, string price, string id) => new()
        {
            ["ticker"] = ServerHarness.Ticker, ["side"] = side, ["count"] = "1.00", ["price"] = price,
            ["time_in_force"] = "good_till_canceled", ["self_trade_prevention_type"] = "taker_at_cross", ["client_order_id"] = id,
        };
    }

    [Fact]
    public async Task Amend_decrease_pagination_groups_and_settlement()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
            ids.Add((string)(await h.PlaceAsync(alice, "bid", $"0.{10 + i}00", "2.00")).Json["order_id"]!);

        var page1 = (await h.GetAsync(alice, "/portfolio/orders?limit=2")).Json;
        Assert.Equal(2, page1["orders"]!.AsArray().Count);
        var cursor = (string)page1["cursor"]!;
        Assert.NotEqual("", cursor);
        var page2 = (await h.GetAsync(alice, $"/portfolio/orders?limit=2&cursor={cursor}")).Json;
        var page3 = (await h.GetAsync(alice, $"/portfolio/orders?limit=2&cursor={(string)page2["cursor"]!}")).Json;
        Assert.Single(page3["orders"]!.AsArray());
        Assert.Equal("", (string?)page3["cursor"]);
        var seen = page1["orders"]!.AsArray().Concat(page2["orders"]!.AsArray()).Concat(page3["orders"]!.AsArray())
            .Select(o => (string)o!["order_id"]!).ToHashSet();
        Assert.Equal(ids.ToHashSet(), seen);
        Assert.Equal(400, (await h.GetAsync(alice, "/portfolio/orders?limit=1001")).Code);
        Assert.Equal(400, (await h.GetAsync(alice, "/portfolio/orders?limit=0")).Code);
        Assert.Equal(400, (await h.GetAsync(alice, "/portfolio/orders?status=open")).Code);
        Assert.Equal(200, (await h.GetAsync(alice, "/portfolio/orders?cursor=garbage")).Code);

        var amend = await h.PostAsync(alice, $"/portfolio/events/orders/{ids[0]}/amend", new JsonObject
        {
            ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["price"] = "0.2000", ["count"] = "3.00",
        });
        Assert.Equal(200, amend.Code);
        Assert.Equal("3.00", (string?)amend.Json["remaining_count"]);

        var decrease = await h.PostAsync(alice, $"/portfolio/events/orders/{ids[1]}/decrease", new JsonObject { ["reduce_by"] = "1.00" });
        Assert.Equal(200, decrease.Code);
        Assert.Equal("1.00", (string?)decrease.Json["remaining_count"]);
        var both = await h.PostAsync(alice, $"/portfolio/events/orders/{ids[1]}/decrease", new JsonObject { ["reduce_by"] = "1.00", ["reduce_to"] = "0.00" });
        Assert.Equal(400, both.Code);

        var group = await h.PostAsync(alice, "/portfolio/order_groups/create", new JsonObject { ["contracts_limit"] = 10 });
        Assert.Equal(201, group.Code);
        var groupId = (string)group.Json["order_group_id"]!;
        Assert.Single((await h.GetAsync(alice, "/portfolio/order_groups")).Json["order_groups"]!.AsArray());
        Assert.Equal("10.00", (string?)(await h.GetAsync(alice, $"/portfolio/order_groups/{groupId}")).Json["contracts_limit_fp"]);
        Assert.Equal(200, (await h.SendAsync(alice, HttpMethod.Put, $"/portfolio/order_groups/{groupId}/limit", "{\"contracts_limit_fp\":\"20.00\"}")).Code);
        Assert.Equal(200, (await h.SendAsync(alice, HttpMethod.Delete, $"/portfolio/order_groups/{groupId}")).Code);
        Assert.Equal(400, (await h.PostAsync(alice, "/portfolio/order_groups/create", new JsonObject { ["contracts_limit"] = 0 })).Code);

        // Cross one contract with another user, settle, read the settlement.
        var bob = await h.NewAccountAsync();
        Assert.Equal("1.00", (string?)(await h.PlaceAsync(bob, "ask", "0.1000", "1.00", tif: "immediate_or_cancel")).Json["fill_count"]);
        await h.Admin.SettleMarketAsync(new MarketTicker(ServerHarness.Ticker), OutcomeSide.Yes);
        var settlements = (await h.GetAsync(alice, "/portfolio/settlements")).Json["settlements"]!.AsArray();
        var s = Assert.Single(settlements)!;
        Assert.Equal("yes", (string?)s["market_result"]);
        Assert.Equal(100L, (long)s["revenue"]!);
        Assert.Empty((await h.GetAsync(alice, "/portfolio/orders?status=resting")).Json["orders"]!.AsArray());
        Assert.Equal("finalized", (string?)(await h.GetAsync(null, $"/markets/{ServerHarness.Ticker}")).Json["market"]!["status"]);
    }

    [Fact]
    public async Task Market_data_and_admin_validation()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker("KXOTHER-26FEB01-B1"), Title: "other"));
        var markets = (await h.GetAsync(null, "/markets?status=open")).Json;
        Assert.Equal(2, markets["markets"]!.AsArray().Count);
        Assert.Equal("", (string?)markets["cursor"]);
        Assert.Single((await h.GetAsync(null, "/markets?event_ticker=KXOTHER-26FEB01")).Json["markets"]!.AsArray());
        Assert.Equal(404, (await h.GetAsync(null, "/markets/NOPE")).Code);
        Assert.Equal(400, (await h.GetAsync(null, "/markets?limit=5000")).Code);
        Assert.Equal(2, (await h.GetAsync(null, "/events")).Json["events"]!.AsArray().Count);
        Assert.Equal(200, (await h.GetAsync(null, "/events/KXOTHER-26FEB01")).Code);
        Assert.True((bool)(await h.GetAsync(null, "/exchange/status")).Json["exchange_active"]!);
        Assert.Equal(404, (await h.GetAsync(null, "/no/such/thing")).Code);

        var alice = await h.NewAccountAsync();
        var limits = (await h.GetAsync(alice, "/account/limits")).Json;
        Assert.Equal("unlimited", (string?)limits["usage_tier"]);

        var dupMarket = await Assert.ThrowsAsync<AdminApiException>(() => h.Admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker(ServerHarness.Ticker))));
        Assert.Equal(409, dupMarket.StatusCode);
        using var bad = new StringContent("{\"balance_dollars\":\"ten\"}");
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Http.PostAsync(h.Server.AdminUrl + "/accounts", bad)).StatusCode);
        using var badFaults = new StringContent("{\"http_5xx_rate\":2}");
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Http.PutAsync(h.Server.AdminUrl + "/faults", badFaults)).StatusCode);
        using var badSettle = new StringContent("{\"result\":\"maybe\"}");
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Http.PostAsync(h.Server.AdminUrl + $"/markets/{ServerHarness.Ticker}/settle", badSettle)).StatusCode);
        await Assert.ThrowsAsync<AdminApiException>(() => h.Admin.GetAccountAsync("nobody"));

        var generated = await h.Admin.CreateAccountAsync(Money.FromDollars(50m));
        Assert.Contains("BEGIN PRIVATE KEY", generated.PrivateKeyPem, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", generated.ToString(), StringComparison.Ordinal);
        Assert.Equal(50m, (await h.Admin.GetAccountAsync(generated.UserId)).Balance.Dollars);
    }
}
