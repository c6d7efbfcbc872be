using System.Diagnostics;
using Fillwise.Exchange.Server;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Server;

public sealed class RateLimitAndFaultTests
{
    [Fact]
    public async Task Basic_tier_write_bucket_refuses_with_kalshis_429()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerHarness.StartAsync(new ExchangeServerOptions { TimeProvider = clock });
        var alice = await h.NewAccountAsync();
        // Basic write: 100 tokens/s, capacity 100, create costs 10 -> exactly ten, then 429.
        for (var i = 0; i < 10; i++) Assert.Equal(201, (await h.PlaceAsync(alice, "bid", "0.1000", "1.00")).Code);
        var refused = await h.PlaceAsync(alice, "bid", "0.1000", "1.00");
        Assert.Equal(429, refused.Code);
        Assert.Equal("""{"error":"too many requests"}""", refused.Text);
        Assert.False(refused.HasRetryAfter);
        Assert.Empty((await h.GetAsync(alice, "/portfolio/orders?status=resting")).Json["orders"]!.AsArray().Skip(10));

        // 0.1 s refills 10 tokens: one create, or five cancels at 2 tokens each.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(201, (await h.PlaceAsync(alice, "bid", "0.1000", "1.00")).Code);
        Assert.Equal(429, (await h.PlaceAsync(alice, "bid", "0.1000", "1.00")).Code);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var ids = (await h.GetAsync(alice, "/portfolio/orders?status=resting")).Json["orders"]!.AsArray().Select(o => (string)o!["order_id"]!).ToList();
        for (var i = 0; i < 5; i++) Assert.Equal(200, (await h.SendAsync(alice, HttpMethod.Delete, $"/portfolio/events/orders/{ids[i]}")).Code);
        Assert.Equal(429, (await h.SendAsync(alice, HttpMethod.Delete, $"/portfolio/events/orders/{ids[5]}")).Code);

        // A batch bills per item and must fit whole.
        clock.Advance(TimeSpan.FromSeconds(1));
        var batch = "{\"orders\":[" + string.Join(',', Enumerable.Range(0, 11).Select(_ =>
            "{\"ticker\":\"" + ServerHarness.Ticker + "\",\"side\":\"bid\",\"count\":\"1.00\",\"price\":\"0.1000\",\"time_in_force\":\"good_till_canceled\",\"self_trade_prevention_type\":\"taker_at_cross\"}")) + "]}";
        Assert.Equal(429, (await h.SendAsync(alice, HttpMethod.Post, "/portfolio/events/orders/batched", batch)).Code);

        // Cancels cost 2 and reads have their own bucket.
        Assert.Equal(200, (await h.GetAsync(alice, "/portfolio/balance")).Code);
        var limits = (await h.GetAsync(alice, "/account/limits")).Json;
        Assert.Equal("basic", (string?)limits["usage_tier"]);
        Assert.Equal(100L, (long)limits["write"]!["bucket_capacity"]!);
    }

    [Fact]
    public async Task Injected_5xx_429_latency_and_dropped_responses()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();

        await h.Admin.SetFaultsAsync(new FaultSettings(Http5xxRate: 1));
        var failed = await h.PlaceAsync(alice, "bid", "0.2000", "1.00");
        Assert.Equal(503, failed.Code);
        Assert.Equal("service_unavailable", (string?)failed.Json["error"]!["code"]);

        await h.Admin.SetFaultsAsync(new FaultSettings(Http429Rate: 1));
        Assert.Equal("""{"error":"too many requests"}""", (await h.PlaceAsync(alice, "bid", "0.2000", "1.00")).Text);

        await h.Admin.SetFaultsAsync(new FaultSettings(DropResponseRate: 1));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => h.PlaceAsync(alice, "bid", "0.2000", "1.00", clientOrderId: "dropped"));

        await h.Admin.SetFaultsAsync(new FaultSettings(LatencyMs: 300));
        var watch = Stopwatch.StartNew();
        var orders = await h.GetAsync(alice, "/portfolio/orders");
        Assert.True(watch.ElapsedMilliseconds >= 280, $"{watch.ElapsedMilliseconds} ms");
        // Only the dropped request was carried out: 5xx and 429 refused before acting.
        var only = Assert.Single(orders.Json["orders"]!.AsArray())!;
        Assert.Equal("dropped", (string?)only["client_order_id"]);

        Assert.Equal(300, (await h.Admin.GetFaultsAsync()).LatencyMs);
        await h.Admin.SetFaultsAsync(FaultSettings.None);
        Assert.Equal(FaultSettings.None, await h.Admin.GetFaultsAsync());
    }

    [Fact]
    public async Task WebSocket_connections_are_cut_every_n_seconds()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        // Set after connecting: connections already open are cut too.
        using var ws = await h.ConnectAsync(alice);
        await h.Admin.SetFaultsAsync(new FaultSettings(WsDisconnectEverySeconds: 1));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => WsReader.NextAsync(ws, TimeSpan.FromSeconds(5)));
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.5, 4.5);
    }
}
