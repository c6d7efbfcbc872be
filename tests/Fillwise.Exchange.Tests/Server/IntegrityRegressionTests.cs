using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;

namespace Fillwise.Exchange.Tests.Server;

/// <summary>Issue 17 over loopback: each finding replayed on the wire, as it was reported.</summary>
public sealed class IntegrityRegressionTests
{
    private const string OrdersPath = "/portfolio/events/orders";
    private static readonly MarketTicker Ticker = new(ServerHarness.Ticker);

    private static string Fingerprint(ServerHarness h, params TestAccount[] accounts) =>
        h.Server.WithExchange(ex => ExchangeInvariants.Fingerprint(ex, accounts.Select(a => a.UserId)));

    [Fact]
    public async Task An_oversized_count_is_a_400_naming_count_and_later_orders_cancels_and_cancel_all_still_work()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        var resting = (string)(await h.PlaceAsync(alice, "bid", "0.2000", "5.00")).Json["order_id"]!;
        var before = Fingerprint(h, alice);

        var oversized = await h.PlaceAsync(alice, "bid", "0.3000", "999999999999999.99");

        Assert.Equal(400, oversized.Code);
        Assert.Equal("bad_request", (string?)oversized.Json["error"]!["code"]);
        Assert.StartsWith("count 999999999999999.99 is above the maximum of 1000000.00", (string?)oversized.Json["error"]!["details"], StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(h, alice));

        var next = await h.PlaceAsync(alice, "bid", "0.3000", "10.00");
        Assert.Equal(201, next.Code);
        Assert.Equal(200, (await h.SendAsync(alice, HttpMethod.Delete, $"{OrdersPath}/{(string)next.Json["order_id"]!}")).Code);
        var all = await h.SendAsync(alice, HttpMethod.Delete, OrdersPath);
        Assert.Equal(200, all.Code);
        Assert.Equal(resting, (string?)Assert.Single(all.Json["orders"]!.AsArray())!["order_id"]);
        Assert.Equal((1000m, 0m), h.Server.WithExchange(ex => (ex.GetAccount(alice.UserId)!.Balance.Dollars, ex.GetAccount(alice.UserId)!.HeldCollateral.Dollars)));
    }

    [Fact]
    public async Task An_amend_to_an_oversized_count_is_a_400_and_the_order_rests_as_before()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        var id = (string)(await h.PlaceAsync(alice, "bid", "0.3000", "10.00")).Json["order_id"]!;
        var before = Fingerprint(h, alice);

        var amend = await h.PostAsync(alice, $"{OrdersPath}/{id}/amend", new JsonObject
        {
            ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["price"] = "0.3000", ["count"] = "999999999999999.99",
        });

        Assert.Equal(400, amend.Code);
        Assert.Contains("count", (string?)amend.Json["error"]!["details"], StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(h, alice));
        Assert.Equal(200, (await h.SendAsync(alice, HttpMethod.Delete, $"{OrdersPath}/{id}")).Code);
    }

    [Fact]
    public async Task Settle_and_close_after_an_oversized_order_pay_every_user_and_strand_no_collateral()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker("KXTEST-26JAN01-T60")));
        var (alice, bob, carol) = (await h.NewAccountAsync(), await h.NewAccountAsync(), await h.NewAccountAsync());
        foreach (var ticker in new[] { ServerHarness.Ticker, "KXTEST-26JAN01-T60" })
        {
            Assert.Equal(201, (await h.PlaceAsync(bob, "ask", "0.4000", "10.00", ticker: ticker)).Code);
            Assert.Equal(201, (await h.PlaceAsync(alice, "bid", "0.4000", "10.00", ticker: ticker)).Code);   // alice YES, bob NO
            Assert.Equal(201, (await h.PlaceAsync(carol, "ask", "0.7000", "7.00", ticker: ticker)).Code);    // resting, collateral held
            Assert.Equal(201, (await h.PlaceAsync(bob, "bid", "0.1000", "3.00", ticker: ticker)).Code);
            Assert.Equal(400, (await h.PlaceAsync(alice, "bid", "0.3000", "999999999999999.99", ticker: ticker)).Code);
        }

        await h.Admin.SettleMarketAsync(Ticker, OutcomeSide.Yes);
        await h.Admin.CloseMarketAsync(new MarketTicker("KXTEST-26JAN01-T60"));

        h.Server.WithExchange(ex =>
        {
            foreach (var user in new[] { alice, bob, carol })
            {
                var account = ex.GetAccount(user.UserId)!;
                Assert.Equal((0m, 0), (account.HeldCollateral.Dollars, account.RestingOrders));
            }
            Assert.Single(ex.GetSettlements(alice.UserId));
            Assert.Single(ex.GetSettlements(bob.UserId));
            ExchangeInvariants.Check(ex, [alice.UserId, bob.UserId, carol.UserId], 3000m);
        });
        // A retry of settle is refused whole; closing again changes nothing.
        Assert.Equal(400, (await Assert.ThrowsAsync<AdminApiException>(() => h.Admin.SettleMarketAsync(Ticker, OutcomeSide.No))).StatusCode);
        await h.Admin.CloseMarketAsync(new MarketTicker("KXTEST-26JAN01-T60"));
    }

    [Fact]
    public async Task A_lone_surrogate_or_invalid_utf8_in_any_body_is_a_400_naming_the_problem_and_changes_nothing()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        var id = (string)(await h.PlaceAsync(alice, "bid", "0.3000", "10.00")).Json["order_id"]!;
        var group = (string)(await h.PostAsync(alice, "/portfolio/order_groups/create", new JsonObject { ["contracts_limit"] = 5 })).Json["order_group_id"]!;
        var before = Fingerprint(h, alice);

        var bodies = new (string What, byte[] Bytes, string Problem)[]
        {
            ("lone surrogate", Encoding.UTF8.GetBytes("""{"ticker":"\ud800","side":"bid"}"""), "lone surrogate"),
            ("lone low surrogate in a name", Encoding.UTF8.GetBytes("""{"x\udc00":"1"}"""), "lone surrogate"),
            ("invalid UTF-8", [.. "{\"ticker\":\""u8, 0xFF, 0xFE, .. "\"}"u8], "not valid UTF-8"),
            ("an encoded surrogate", [.. "{\"ticker\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], "not valid UTF-8"),
            ("a cut sequence", [.. "{\"result\":\"yes\u00e9"u8[..^1], .. "\"}"u8], "not valid UTF-8"),
        };
        var tradeEndpoints = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, OrdersPath),
            (HttpMethod.Post, OrdersPath + "/batched"),
            (HttpMethod.Delete, OrdersPath + "/batched"),
            (HttpMethod.Post, $"{OrdersPath}/{id}/amend"),
            (HttpMethod.Post, $"{OrdersPath}/{id}/decrease"),
            (HttpMethod.Post, "/portfolio/order_groups/create"),
            (HttpMethod.Put, $"/portfolio/order_groups/{group}/limit"),
        };
        var adminEndpoints = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/accounts"),
            (HttpMethod.Post, "/markets"),
            (HttpMethod.Post, $"/markets/{ServerHarness.Ticker}/settle"),
            (HttpMethod.Put, "/faults"),
        };
        foreach (var (what, bytes, problem) in bodies)
        {
            foreach (var (method, path) in tradeEndpoints)
            {
                var answer = await h.SendAsync(alice, method, path, tweak: r => r.Content = Json(bytes));
                AssertNamed(answer, problem, $"{what} on {method} {path}");
            }
            foreach (var (method, path) in adminEndpoints)
            {
                using var request = new HttpRequestMessage(method, h.Server.AdminUrl + path) { Content = Json(bytes) };
                using var response = await h.Http.SendAsync(request);
                AssertNamed(new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), false), problem, $"{what} on admin {method} {path}");
            }
        }
        Assert.Equal(before, Fingerprint(h, alice));
        Assert.Equal(1, h.Server.WithExchange(ex => ex.GetMarkets().Count));

        static ByteArrayContent Json(byte[] bytes)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return content;
        }

        static void AssertNamed(Answer answer, string problem, string because)
        {
            Assert.True(answer.Code == 400, $"{because}: {answer}");
            Assert.Equal("bad_request", (string?)answer.Json["code"]);
            Assert.Contains(problem, (string?)answer.Json["details"], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false, "/markets/%FF", "the request path is not valid UTF-8")]
    [InlineData(false, "/markets/KX%ED%A0%80/orderbook", "the request path is not valid UTF-8")]
    [InlineData(false, "/portfolio/orders?ticker=%C3", "the query string is not valid UTF-8")]
    [InlineData(true, "/accounts/%FE%FF", "the request path is not valid UTF-8")]
    [InlineData(true, "/markets/KX%80/settle", "the request path is not valid UTF-8")]
    public async Task A_path_or_query_that_is_not_utf8_once_decoded_is_a_400_naming_it(bool admin, string target, string problem)
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, (admin ? h.Server.AdminUrl : h.Server.RestBaseUrl) + target);
        if (target.EndsWith("/settle", StringComparison.Ordinal)) request.Method = HttpMethod.Post;
        if (!admin) TestSigner.Sign(request, alice);
        using var response = await h.Http.SendAsync(request);
        var answer = new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), false);
        Assert.True(answer.Code == 400, answer.ToString());
        Assert.StartsWith(problem, (string?)answer.Json["error"]!["details"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_websocket_command_with_bad_text_gets_error_1_naming_the_problem_and_the_connection_lives_on()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        using var ws = await h.ConnectAsync(alice);

        await WsReader.SendAsync(ws, """{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["\ud800"]}}""");
        var surrogate = await WsReader.NextAsync(ws);
        Assert.Equal(1, (int)surrogate["msg"]!["code"]!);
        Assert.Contains("lone surrogate", (string?)surrogate["msg"]!["msg"], StringComparison.Ordinal);

        // A binary frame is not checked by the WebSocket layer: its bytes reach the command reader.
        byte[] notUtf8 = [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        await ws.SendAsync(notUtf8, WebSocketMessageType.Binary, true, CancellationToken.None);
        var invalid = await WsReader.NextAsync(ws);
        Assert.Equal(1, (int)invalid["msg"]!["code"]!);
        Assert.Contains("not valid UTF-8", (string?)invalid["msg"]!["msg"], StringComparison.Ordinal);

        await WsReader.SendAsync(ws, """{"id":2,"cmd":"subscribe","params":{"channels":["ticker"]}}""");
        Assert.Equal("subscribed", (string?)(await WsReader.NextAsync(ws))["type"]);

        // A text frame that is not UTF-8 fails the connection with 1007, as RFC 6455 requires.
        await ws.SendAsync(notUtf8, WebSocketMessageType.Text, true, CancellationToken.None);
        // (the close frame says 1007, but the socket may be gone before the client reads it).
        await Assert.ThrowsAsync<WebSocketException>(() => WsReader.NextAsync(ws));
        Assert.NotEqual(WebSocketState.Open, ws.State);
        Assert.True(ws.CloseStatus is null or WebSocketCloseStatus.InvalidPayloadData, $"closed with {ws.CloseStatus}");
        Assert.Equal(200, (await h.GetAsync(alice, "/portfolio/balance")).Code);
    }

    [Theory]
    [InlineData("nul\u0000inside")]
    [InlineData("new\nline")]
    [InlineData("right\u202Eto-left")]
    [InlineData("tab\there")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task A_client_order_id_with_nul_newline_or_right_to_left_characters_is_refused_in_kalshis_shape(string clientOrderId)
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        var before = Fingerprint(h, alice);

        var refused = await h.PlaceAsync(alice, "bid", "0.3000", "1.00", clientOrderId: clientOrderId);

        Assert.Equal(400, refused.Code);
        Assert.Equal("bad_request", (string?)refused.Json["error"]!["code"]);
        Assert.StartsWith("client_order_id must be 1 to 64 characters", (string?)refused.Json["error"]!["details"], StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(h, alice));

        var batch = await h.PostAsync(alice, OrdersPath + "/batched", new JsonObject
        {
            ["orders"] = new JsonArray(new JsonObject
            {
                ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["count"] = "1.00", ["price"] = "0.3000",
                ["time_in_force"] = "good_till_canceled", ["self_trade_prevention_type"] = "taker_at_cross", ["client_order_id"] = clientOrderId,
            }),
        });
        Assert.Equal("bad_request", (string?)batch.Json["orders"]![0]!["error"]!["code"]);

        var id = (string)(await h.PlaceAsync(alice, "bid", "0.3000", "1.00", clientOrderId: "plain-1")).Json["order_id"]!;
        var rename = await h.PostAsync(alice, $"{OrdersPath}/{id}/amend", new JsonObject
        {
            ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["price"] = "0.3000", ["count"] = "1.00", ["updated_client_order_id"] = clientOrderId,
        });
        Assert.StartsWith("updated_client_order_id must be", (string?)rename.Json["error"]!["details"], StringComparison.Ordinal);
    }
}
