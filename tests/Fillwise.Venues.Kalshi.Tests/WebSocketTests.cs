using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Fillwise.Domain.Values;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fillwise.Venues.Kalshi.Tests;

/// <summary>A real Kestrel on 127.0.0.1:0 that checks the signed upgrade and runs a script per connection.</summary>
internal sealed class WsStubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private WsStubServer(WebApplication app) => _app = app;

    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Stopping => _stopping.Task;

    public int Connections => Volatile.Read(ref _connections);

    public List<string> Received { get; } = [];

    public KalshiEnvironment Environment { get; private set; } = null!;

    public static async Task<WsStubServer> StartAsync(Func<WebSocket, int, WsStubServer, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new WsStubServer(app);
        app.UseWebSockets();
        app.Map("/trade-api/ws/v2", async (HttpContext ctx) =>
        {
            var ts = ctx.Request.Headers[KalshiAuthHeaders.TimestampHeader].ToString();
            var sig = ctx.Request.Headers[KalshiAuthHeaders.SignatureHeader].ToString();
            if (!ctx.WebSockets.IsWebSocketRequest || string.IsNullOrEmpty(sig) || !TestKeys.Verify(ts + "GET/trade-api/ws/v2", sig))
            {
                ctx.Response.StatusCode = 401;
                return;
            }
            using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
            var n = Interlocked.Increment(ref server._connections);
            try
            {
                await script(ws, n, server);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // the client went away
            }
        });
        await app.StartAsync();
        server.Environment = KalshiEnvironment.Parse(app.Urls.First() + "/trade-api/v2");
        return server;
    }

    public async Task<JsonElement> ReceiveCommandAsync(WebSocket ws)
    {
        var buffer = new byte[64 * 1024];
        var result = await ws.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
        lock (Received) Received.Add(text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task SendAsync(WebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        _stopping.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class WebSocketTests
{
    private static readonly MarketTicker T = new("KXT-1");

    private const string Snap1 = """{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXT-1","market_id":"m","yes_dollars_fp":[["0.4000","10.00"]],"no_dollars_fp":[["0.5500","7.00"]]}}""";

    private static string Delta(long seq, string price, string delta, string side) =>
        $$$"""{"type":"orderbook_delta","sid":1,"seq":{{{seq}}},"msg":{"market_ticker":"KXT-1","market_id":"m","price_dollars":"{{{price}}}","delta_fp":"{{{delta}}}","side":"{{{side}}}"}}""";

    private static async Task<T> NextAsync<T>(KalshiWebSocketClient client, List<KalshiWsEvent> seen, Func<T, bool>? when = null) where T : KalshiWsEvent
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await client.Events.WaitToReadAsync(cts.Token))
        {
            while (client.Events.TryRead(out var e))
            {
                seen.Add(e);
                if (e is T t && (when is null || when(t))) return t;
            }
        }
        throw new InvalidOperationException($"stream ended before a {typeof(T).Name}");
    }

    [Fact]
    public async Task Gap_requests_a_snapshot_and_only_later_deltas_apply()
    {
        await using var server = await WsStubServer.StartAsync(async (ws, n, s) =>
        {
            var sub = await s.ReceiveCommandAsync(ws);
            Assert.Equal("subscribe", sub.GetProperty("cmd").GetString());
            var id = sub.GetProperty("id").GetInt64();
            await WsStubServer.SendAsync(ws, $$$"""{"id":{{{id}}},"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}""");
            await WsStubServer.SendAsync(ws, Snap1);
            await WsStubServer.SendAsync(ws, Delta(2, "0.4000", "-4.00", "yes"));
            await WsStubServer.SendAsync(ws, Delta(4, "0.4000", "100.00", "yes")); // seq 3 lost
            await WsStubServer.SendAsync(ws, Delta(5, "0.4000", "100.00", "yes")); // dropped: stale
            var resync = await s.ReceiveCommandAsync(ws);
            Assert.Equal("update_subscription", resync.GetProperty("cmd").GetString());
            Assert.Equal("get_snapshot", resync.GetProperty("params").GetProperty("action").GetString());
            Assert.Equal(1, resync.GetProperty("params").GetProperty("sid").GetInt64());
            await WsStubServer.SendAsync(ws, """{"type":"orderbook_snapshot","sid":1,"seq":6,"msg":{"market_ticker":"KXT-1","market_id":"m","yes_dollars_fp":[["0.4100","2.00"]]}}""");
            await WsStubServer.SendAsync(ws, Delta(7, "0.4100", "1.00", "yes"));
            await WsStubServer.SendAsync(ws, "heartbeat");
            await WsStubServer.SendAsync(ws, "{not json");
            await WsStubServer.SendAsync(ws, """{"type":"fill","sid":9,"msg":{"trade_id":"t1","order_id":"o1","market_ticker":"KXT-1","is_taker":true,"side":"yes","action":"buy","outcome_side":"yes","book_side":"bid","yes_price_dollars":"0.4100","count_fp":"1.00","fee_cost":"0.0172","post_position_fp":"1.00","ts_ms":1718000000000}}""");
            await s.Stopping.WaitAsync(TimeSpan.FromSeconds(20));
        });

        await using var client = new KalshiWebSocketClient(server.Environment, TestKeys.Signer(), new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(10) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SubscribeAsync(KalshiChannels.OrderbookDelta, [T], cts.Token);
        var run = client.RunAsync(cts.Token);
        var seen = new List<KalshiWsEvent>();

        var stale = await NextAsync<OrderBookStale>(client, seen);
        Assert.Equal([T], stale.Markets);
        var fill = await NextAsync<FillUpdate>(client, seen);
        Assert.Equal("t1", fill.Fill.TradeId.Value);
        Assert.Equal(Contracts.Parse("1"), fill.PostPosition);

        var last = seen.OfType<OrderBookUpdated>().Last();
        Assert.Equal(7, last.Seq);
        Assert.Equal(ContractPrice.Parse("0.41"), last.Top.BestYesBid);
        Assert.Equal(Contracts.Parse("3"), last.Top.YesBidSize); // snapshot 2 + delta 1; seq 4/5 never applied
        Assert.Null(last.Top.BestNoBid);
        Assert.Single(seen.OfType<WsBadMessage>());
        Assert.Equal(1, client.BadMessages);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task An_unanswered_get_snapshot_is_asked_again_until_the_book_is_fresh()
    {
        var requests = 0;
        await using var server = await WsStubServer.StartAsync(async (ws, n, s) =>
        {
            var sub = await s.ReceiveCommandAsync(ws);
            await WsStubServer.SendAsync(ws, $$$"""{"id":{{{sub.GetProperty("id").GetInt64()}}},"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}""");
            await WsStubServer.SendAsync(ws, Snap1);
            await WsStubServer.SendAsync(ws, Delta(3, "0.4000", "1.00", "yes")); // seq 2 lost: stale
            var first = await s.ReceiveCommandAsync(ws);
            Assert.Equal("get_snapshot", first.GetProperty("params").GetProperty("action").GetString());
            Interlocked.Increment(ref requests);
            // The first request is refused (as a busy venue might); no snapshot comes.
            await WsStubServer.SendAsync(ws, $$$"""{"id":{{{first.GetProperty("id").GetInt64()}}},"type":"error","msg":{"code":17,"msg":"Internal error"}}""");
            var again = await s.ReceiveCommandAsync(ws);
            Assert.Equal("get_snapshot", again.GetProperty("params").GetProperty("action").GetString());
            Assert.Equal("KXT-1", again.GetProperty("params").GetProperty("market_tickers")[0].GetString());
            Interlocked.Increment(ref requests);
            await WsStubServer.SendAsync(ws, """{"type":"orderbook_snapshot","sid":1,"seq":4,"msg":{"market_ticker":"KXT-1","market_id":"m","yes_dollars_fp":[["0.4200","5.00"]]}}""");
            await s.Stopping.WaitAsync(TimeSpan.FromSeconds(20));
        });

        await using var client = new KalshiWebSocketClient(server.Environment, TestKeys.Signer(),
            new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(10), SnapshotRetryAfter = TimeSpan.FromMilliseconds(300) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SubscribeAsync(KalshiChannels.OrderbookDelta, [T], cts.Token);
        var run = client.RunAsync(cts.Token);
        var seen = new List<KalshiWsEvent>();

        await NextAsync<OrderBookStale>(client, seen);
        var retried = await NextAsync<OrderBookSnapshotRetried>(client, seen);
        Assert.Equal([T], retried.Markets);
        var fresh = await NextAsync<OrderBookUpdated>(client, seen, u => u.IsSnapshot && u.Seq == 4);
        Assert.False(fresh.Top.IsStale);
        Assert.Equal(ContractPrice.Parse("0.42"), fresh.Top.BestYesBid);
        Assert.Equal(2, Volatile.Read(ref requests));
        Assert.Equal(1, client.Health.SnapshotRetries);

        // Answered: no further requests, however long we wait.
        await Task.Delay(TimeSpan.FromMilliseconds(900), cts.Token);
        Assert.Equal(1, client.Health.SnapshotRetries);
        Assert.DoesNotContain(seen, e => e is OrderBookSnapshotRetried r && r != retried);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Reconnect_resubscribes_and_asks_for_resync()
    {
        await using var server = await WsStubServer.StartAsync(async (ws, n, s) =>
        {
            var sub = await s.ReceiveCommandAsync(ws);
            var sub2 = await s.ReceiveCommandAsync(ws);
            foreach (var cmd in new[] { sub, sub2 })
            {
                var channel = cmd.GetProperty("params").GetProperty("channels")[0].GetString();
                await WsStubServer.SendAsync(ws, $$$"""{"id":{{{cmd.GetProperty("id").GetInt64()}}},"type":"subscribed","msg":{"channel":"{{{channel}}}","sid":{{{(channel == "orderbook_delta" ? 1 : 2)}}}}}""");
            }
            await WsStubServer.SendAsync(ws, Snap1);
            if (n == 1)
            {
                await ws.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "restart", CancellationToken.None);
                return;
            }
            await s.Stopping.WaitAsync(TimeSpan.FromSeconds(20));
        });

        await using var client = new KalshiWebSocketClient(server.Environment, TestKeys.Signer(), new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(10) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SubscribeAsync(KalshiChannels.OrderbookDelta, [T], cts.Token);
        await client.SubscribeAsync(KalshiChannels.Fill, null, cts.Token);
        var run = client.RunAsync(cts.Token);
        var seen = new List<KalshiWsEvent>();

        await NextAsync<WsDisconnected>(client, seen);
        var resync = await NextAsync<WsResyncNeeded>(client, seen);
        Assert.Equal(2, resync.Connection);
        await NextAsync<OrderBookUpdated>(client, seen, u => u.IsSnapshot && seen.OfType<WsResyncNeeded>().Any());
        Assert.Equal(2, server.Connections);
        lock (server.Received)
        {
            Assert.Equal(2, server.Received.Count(r => r.Contains("\"orderbook_delta\"", StringComparison.Ordinal)));
            Assert.Equal(2, server.Received.Count(r => r.Contains("\"fill\"", StringComparison.Ordinal)));
        }
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Adding_markets_to_a_live_channel_uses_update_subscription()
    {
        var added = new TaskCompletionSource<JsonElement>();
        await using var server = await WsStubServer.StartAsync(async (ws, n, s) =>
        {
            var sub = await s.ReceiveCommandAsync(ws);
            await WsStubServer.SendAsync(ws, $$$"""{"id":{{{sub.GetProperty("id").GetInt64()}}},"type":"subscribed","msg":{"channel":"ticker","sid":4}}""");
            added.TrySetResult(await s.ReceiveCommandAsync(ws));
            await s.Stopping.WaitAsync(TimeSpan.FromSeconds(20));
        });
        await using var client = new KalshiWebSocketClient(server.Environment, TestKeys.Signer());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SubscribeAsync(KalshiChannels.Ticker, [T], cts.Token);
        var run = client.RunAsync(cts.Token);
        var seen = new List<KalshiWsEvent>();
        await NextAsync<WsSubscribed>(client, seen);
        await client.SubscribeAsync(KalshiChannels.Ticker, [T, new MarketTicker("KXT-2")], cts.Token);
        var cmd = await added.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("update_subscription", cmd.GetProperty("cmd").GetString());
        Assert.Equal("add_markets", cmd.GetProperty("params").GetProperty("action").GetString());
        Assert.Equal(4, cmd.GetProperty("params").GetProperty("sid").GetInt64());
        Assert.Equal(["KXT-2"], cmd.GetProperty("params").GetProperty("market_tickers").EnumerateArray().Select(e => e.GetString()));
        await cts.CancelAsync();
        await run;
    }
}
