using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Server;

namespace Fillwise.Venues.Kalshi.Tests.Integration;

public sealed class ReconnectRecoveryTests
{
    private static readonly MarketTicker T = Venue.Ticker;

    [Fact]
    public async Task Fills_missed_across_reconnects_are_recovered_via_REST_without_double_counting()
    {
        await using var venue = await Venue.StartAsync();
        var (_, watcherKey) = await venue.TestKeyAccountAsync(10_000m);
        var (_, makerKey) = await venue.GeneratedKeyAccountAsync(10_000m);
        var watcher = venue.Rest(watcherKey);
        var maker = venue.Rest(makerKey);

        await using var ws = new KalshiWebSocketClient(venue.Environment, watcherKey, new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(50), ReconnectMax = TimeSpan.FromMilliseconds(400) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await ws.SubscribeAsync(KalshiChannels.Fill, null, cts.Token);
        await ws.SubscribeAsync(KalshiChannels.UserOrders, null, cts.Token);
        var run = ws.RunAsync(cts.Token);

        // The engine's fill ledger: trade ids seen, from the socket or from REST recovery.
        var seen = new Dictionary<TradeId, KalshiFill>();
        var resyncs = 0;
        var recoveredByRest = 0;
        async Task DrainAsync()
        {
            while (ws.Events.TryRead(out var e))
            {
                switch (e)
                {
                    case FillUpdate f:
                        seen.TryAdd(f.Fill.TradeId, f.Fill);
                        break;
                    case WsResyncNeeded r:
                        resyncs++;
                        foreach (var fill in await watcher.GetFillsSinceAsync(r.Since, seen.Keys.ToHashSet(), cts.Token))
                        {
                            if (seen.TryAdd(fill.TradeId, fill)) recoveredByRest++;
                        }
                        break;
                }
            }
        }

        while (!ws.IsConnected) await Task.Delay(20, cts.Token);
        venue.Server.Faults = new FaultSettings(WsDisconnectEverySeconds: 1);
        var started = DateTime.UtcNow;
        var i = 0;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(4) || resyncs == 0)
        {
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(40), "no reconnect happened");
            // Watcher bids; maker sells YES into it: one fill for the watcher per round.
            await watcher.CreateOrderAsync(new KalshiCreateOrder(T, BookSide.Bid, Contracts.Parse("1.00"), ContractPrice.Parse("0.5000"), VenueTimeInForce.GoodTillCanceled, new ClientOrderId($"w-{i}")), cts.Token);
            await maker.CreateOrderAsync(new KalshiCreateOrder(T, BookSide.Ask, Contracts.Parse("1.00"), ContractPrice.Parse("0.5000"), VenueTimeInForce.ImmediateOrCancel, new ClientOrderId($"m-{i}")), cts.Token);
            i++;
            await DrainAsync();
            await Task.Delay(50, cts.Token);
        }
        venue.Server.Faults = FaultSettings.None;
        await Task.Delay(500, cts.Token);
        await DrainAsync();
        // A last reconciliation, as the engine's periodic reconciler would do.
        foreach (var fill in await watcher.GetFillsSinceAsync(DateTimeOffset.UnixEpoch, seen.Keys.ToHashSet(), cts.Token))
        {
            if (seen.TryAdd(fill.TradeId, fill)) recoveredByRest++;
        }

        var venueFills = await watcher.GetFillsAsync(T, ct: cts.Token);
        Assert.Equal(i, venueFills.Count);
        Assert.Equal(venueFills.Select(f => f.TradeId).ToHashSet(), seen.Keys.ToHashSet());
        var position = Assert.Single((await watcher.GetPositionsAsync(ct: cts.Token)).Markets, p => p.Ticker == T);
        Assert.Equal(Contracts.Of(seen.Count), position.Contracts); // counted once each: no over-count after gaps
        Assert.True(resyncs > 0);
        await cts.CancelAsync();
        await run;
    }
}
