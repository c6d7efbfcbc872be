using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Tests.Server;

public sealed class WebSocketTests
{
    [Fact]
    public async Task Subscribe_list_unsubscribe_and_error_codes()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        using var ws = await h.ConnectAsync(alice);

        await WsReader.SendAsync(ws, """{"id":1,"cmd":"subscribe","params":{"channels":["ticker","fill"]}}""");
        var first = await WsReader.NextAsync(ws);
        Assert.Equal("""{"id":1,"type":"subscribed","msg":{"channel":"ticker","sid":1}}""", first.ToJsonString());
        var second = await WsReader.NextAsync(ws);
        Assert.Equal(2L, (long)second["msg"]!["sid"]!);

        await WsReader.SendAsync(ws, """{"id":2,"cmd":"subscribe","params":{"channels":["ticker"]}}""");
        Assert.Equal("""{"id":2,"type":"error","msg":{"code":6,"msg":"Already subscribed"}}""", (await WsReader.NextAsync(ws)).ToJsonString());

        await WsReader.SendAsync(ws, """{"id":3,"cmd":"list_subscriptions"}""");
        var list = await WsReader.NextAsync(ws);
        Assert.Equal("ok", (string?)list["type"]);
        Assert.Equal(2, list["msg"]!.AsArray().Count);

        await WsReader.SendAsync(ws, """{"id":4,"cmd":"unsubscribe","params":{"sids":[1]}}""");
        var unsubscribed = await WsReader.NextAsync(ws);
        Assert.Equal("unsubscribed", (string?)unsubscribed["type"]);
        Assert.Equal(1L, (long)unsubscribed["sid"]!);

        async Task ExpectError(string command, int code)
        {
            await WsReader.SendAsync(ws, command);
            var reply = await WsReader.NextAsync(ws);
            Assert.True((string?)reply["type"] == "error" && (int)reply["msg"]!["code"]! == code, $"{command} -> {reply.ToJsonString()}");
        }

        await ExpectError("""{"id":5,"cmd":"unsubscribe","params":{"sids":[99]}}""", 7);
        await ExpectError("""{"id":6,"cmd":"subscribe","params":{"channels":["nope"]}}""", 8);
        await ExpectError("""{"id":7,"cmd":"dance"}""", 5);
        await ExpectError("""{"id":8,"cmd":"subscribe"}""", 2);
        await ExpectError("""{"id":9,"cmd":"subscribe","params":{}}""", 3);
        await ExpectError("""{"id":10,"cmd":"unsubscribe","params":{}}""", 4);
        await ExpectError("""{"id":11,"cmd":"subscribe","params":{"channels":["orderbook_delta"]}}""", 14);
        await ExpectError("""{"id":12,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["NOPE"]}}""", 16);
        await ExpectError("""{"id":13,"cmd":"update_subscription","params":{"action":"add_markets"}}""", 12);
        await ExpectError("""{"id":14,"cmd":"update_subscription","params":{"sid":2}}""", 15);
        await ExpectError("""{"id":15,"cmd":"update_subscription","params":{"sid":2,"action":"fly"}}""", 13);
        await ExpectError("this is not json", 1);
        Assert.Equal(WebSocketState.Open, ws.State);
    }

    [Fact]
    public async Task Orderbook_snapshot_then_deltas_with_seq_plus_one_and_fill_and_user_order_on_a_cross()
    {
        await using var h = await ServerHarness.StartAsync();
        var maker = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();
        Assert.Equal(201, (await h.PlaceAsync(maker, "bid", "0.4000", "5.00")).Code);

        using var ws = await h.ConnectAsync(maker);
        await WsReader.SendAsync(ws, $$$"""{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["{{{ServerHarness.Ticker}}}"]}}""");
        Assert.Equal("subscribed", (string?)(await WsReader.NextAsync(ws))["type"]);
        var snapshot = await WsReader.NextAsync(ws);
        Assert.Equal("orderbook_snapshot", (string?)snapshot["type"]);
        Assert.Equal(1L, (long)snapshot["seq"]!);
        Assert.Equal("""[["0.4000","5.00"]]""", snapshot["msg"]!["yes_dollars_fp"]!.ToJsonString());

        await WsReader.SendAsync(ws, """{"id":2,"cmd":"subscribe","params":{"channels":["fill","user_orders","market_positions","trade"]}}""");
        for (var i = 0; i < 4; i++) Assert.Equal("subscribed", (string?)(await WsReader.NextAsync(ws))["type"]);

        Assert.Equal(201, (await h.PlaceAsync(maker, "bid", "0.4100", "2.00", clientOrderId: "mine")).Code);
        Assert.Equal(201, (await h.PlaceAsync(taker, "ask", "0.4100", "2.00", tif: "immediate_or_cancel", clientOrderId: "theirs")).Code);

        var frames = new List<JsonObject>();
        await WsReader.NextOfTypeAsync(ws, "fill", frames);
        // Drain what the cross produced on the other channels.
        for (var i = 0; i < 30 && !(frames.Any(f => (string?)f["type"] == "market_position") && frames.Count(f => (string?)f["type"] == "orderbook_delta") >= 2); i++)
            frames.Add(await WsReader.NextAsync(ws));

        var deltas = frames.Where(f => (string?)f["type"] == "orderbook_delta").ToList();
        Assert.True(deltas.Count >= 2, string.Join('\n', frames.Select(f => f.ToJsonString())));
        for (var i = 0; i < deltas.Count; i++) Assert.Equal(2L + i, (long)deltas[i]["seq"]!);
        Assert.Equal("2.00", (string?)deltas[0]["msg"]!["delta_fp"]);
        Assert.Equal("mine", (string?)deltas[0]["msg"]!["client_order_id"]);
        Assert.Equal("-2.00", (string?)deltas[1]["msg"]!["delta_fp"]);
        // The level shrank because the maker's own order filled: it is the maker's change.
        Assert.Equal("mine", (string?)deltas[1]["msg"]!["client_order_id"]);

        var fill = frames.Single(f => (string?)f["type"] == "fill");
        Assert.Equal("mine", (string?)fill["msg"]!["client_order_id"]);
        Assert.False((bool)fill["msg"]!["is_taker"]!);
        Assert.Equal("2.00", (string?)fill["msg"]!["count_fp"]);
        Assert.Contains(frames, f => (string?)f["type"] == "user_order" && (string?)f["msg"]!["status"] == "executed");
        Assert.Contains(frames, f => (string?)f["type"] == "trade");
        Assert.Equal("2.00", (string?)frames.Single(f => (string?)f["type"] == "market_position")["msg"]!["position_fp"]);

        // get_snapshot: a fresh snapshot on the same sid, next seq.
        var lastSeq = (long)deltas[^1]["seq"]!;
        await WsReader.SendAsync(ws, """{"id":3,"cmd":"update_subscription","params":{"sid":1,"action":"get_snapshot"}}""");
        var fresh = await WsReader.NextOfTypeAsync(ws, "orderbook_snapshot");
        Assert.Equal(lastSeq + 1, (long)fresh["seq"]!);
        Assert.Equal("""[["0.4000","5.00"]]""", fresh["msg"]!["yes_dollars_fp"]!.ToJsonString());
    }

    [Fact]
    public async Task Server_sends_ping_frames()
    {
        await using var h = await ServerHarness.StartAsync(new ExchangeServerOptions
        {
            RateLimitTier = RateLimitTier.Unlimited,
            HeartbeatInterval = TimeSpan.FromMilliseconds(300),
        });
        var alice = await h.NewAccountAsync();

        // ClientWebSocket hides control frames, so speak the handshake by hand and look for opcode 0x9.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", h.Server.Port);
        var stream = tcp.GetStream();
        using var signing = new HttpRequestMessage(HttpMethod.Get, h.Server.BaseUrl + ExchangeServer.WebSocketPath);
        TestSigner.Sign(signing, alice);
        var handshake = new StringBuilder()
            .Append("GET ").Append(ExchangeServer.WebSocketPath).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        foreach (var header in signing.Headers) handshake.Append(header.Key).Append(": ").Append(header.Value.Single()).Append("\r\n");
        handshake.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake.ToString()));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[4096];
        var received = new List<byte>();
        var headerEnd = -1;
        while (!cts.IsCancellationRequested)
        {
            var n = await stream.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0, "connection closed");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
            var text = Encoding.ASCII.GetString([.. received]);
            if (headerEnd < 0 && (headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                Assert.StartsWith("HTTP/1.1 101", text, StringComparison.Ordinal);
            if (headerEnd >= 0 && received.Count > headerEnd + 4)
            {
                // The first frame after the handshake: FIN + opcode 9 (ping).
                Assert.Equal(0x89, received[headerEnd + 4]);
                return;
            }
        }
        Assert.Fail("no ping within 15 s");
    }

    [Fact]
    public void Slow_consumer_overflow_ends_with_error_25_and_stops_queuing()
    {
        // The kernel's loopback buffers would swallow megabytes before a real socket stalls, so the
        // session is driven directly: nothing drains its queue, as with a consumer that stopped reading.
        var session = new Fillwise.Exchange.Server.WebSockets.WebSocketSession("u1", capacity: 3, TimeProvider.System);
        var exchange = new Fillwise.Exchange.Core.KalshiExchange(TimeProvider.System, 1);
        for (var i = 0; i < 10; i++) session.HandleCommand(exchange, Encoding.UTF8.GetBytes($"{{\"id\":{i},\"cmd\":\"list_subscriptions\"}}"));
        Assert.True(session.Overflowed);
        var frames = new List<string>();
        while (session.Outbound.TryRead(out var frame)) frames.Add(Encoding.UTF8.GetString(frame));
        Assert.Equal(4, frames.Count);
        Assert.Equal("""{"type":"error","msg":{"code":25,"msg":"Subscription buffer overflow"}}""", frames[^1]);
        Assert.True(session.Outbound.Completion.IsCompleted);
    }

    [Fact]
    public async Task Ticker_and_market_lifecycle_channels()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        using var ws = await h.ConnectAsync(alice);
        await WsReader.SendAsync(ws, """{"id":1,"cmd":"subscribe","params":{"channels":["ticker","market_lifecycle_v2"]}}""");
        for (var i = 0; i < 2; i++) Assert.Equal("subscribed", (string?)(await WsReader.NextAsync(ws))["type"]);

        Assert.Equal(201, (await h.PlaceAsync(alice, "bid", "0.3300", "7.00")).Code);
        var ticker = await WsReader.NextOfTypeAsync(ws, "ticker");
        Assert.Equal(ServerHarness.Ticker, (string?)ticker["msg"]!["market_ticker"]);
        Assert.Equal("0.3300", (string?)ticker["msg"]!["yes_bid_dollars"]);
        Assert.Equal("7.00", (string?)ticker["msg"]!["yes_bid_size_fp"]);

        await h.Admin.SettleMarketAsync(new Fillwise.Domain.Values.MarketTicker(ServerHarness.Ticker), Fillwise.Domain.Values.OutcomeSide.No);
        var seen = new List<JsonObject>();
        var lifecycle = await WsReader.NextOfTypeAsync(ws, "market_lifecycle_v2", seen);
        Assert.Equal(ServerHarness.Ticker, (string?)lifecycle["msg"]!["market_ticker"]);
        for (var i = 0; i < 10 && (string?)lifecycle["msg"]!["event_type"] != "settled"; i++)
            lifecycle = await WsReader.NextOfTypeAsync(ws, "market_lifecycle_v2", seen);
        Assert.Equal("settled", (string?)lifecycle["msg"]!["event_type"]);
        Assert.NotNull(lifecycle["msg"]!["settled_ts"]);
        // The result came with the determination before it, with its value.
        var determined = seen.Single(f => (string?)f["type"] == "market_lifecycle_v2" && (string?)f["msg"]!["event_type"] == "determined");
        Assert.Equal(("no", "0.0000"), ((string?)determined["msg"]!["result"], (string?)determined["msg"]!["settlement_value"]));
    }
}
