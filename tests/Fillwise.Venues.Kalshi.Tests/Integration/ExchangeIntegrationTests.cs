using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;

namespace Fillwise.Venues.Kalshi.Tests.Integration;

/// <summary>The client against the built-in exchange over real loopback HTTP and WebSocket.</summary>
internal sealed class Venue : IAsyncDisposable
{
    public static readonly MarketTicker Ticker = new("KXINT-26DEC31-T50");

    private readonly List<IDisposable> _owned = [];

    private Venue(ExchangeServer server, AdminClient admin)
    {
        Server = server;
        Admin = admin;
        Environment = KalshiEnvironment.Parse(server.RestBaseUrl);
    }

    public ExchangeServer Server { get; }

    public AdminClient Admin { get; }

    public KalshiEnvironment Environment { get; }

    public static async Task<Venue> StartAsync()
    {
        var server = await ExchangeServer.StartAsync(new ExchangeServerOptions { RateLimitTier = RateLimitTier.Unlimited, Seed = 7 });
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var venue = new Venue(server, new AdminClient(http, server.AdminUrl));
        venue._owned.Add(http);
        await venue.Admin.CreateMarketAsync(new AdminMarketRequest(Ticker, FractionalTradingEnabled: true));
        return venue;
    }

    /// <summary>An account signed with the committed TEST-ONLY key (only its public half is registered).</summary>
    public async Task<(string UserId, KalshiRequestSigner Signer)> TestKeyAccountAsync(decimal dollars)
    {
        var (userId, keyId) = await Admin.CreateAccountWithPublicKeyAsync(Money.FromDollars(dollars), await File.ReadAllTextAsync(TestKeys.PublicPath));
        var signer = KalshiRequestSigner.FromPemFile(keyId, TestKeys.Pkcs8Path);
        _owned.Add(signer);
        return (userId, signer);
    }

    /// <summary>An account whose key the exchange generated (exercises PEM loading from memory).</summary>
    public async Task<(string UserId, KalshiRequestSigner Signer)> GeneratedKeyAccountAsync(decimal dollars)
    {
        var account = await Admin.CreateAccountAsync(Money.FromDollars(dollars));
        var signer = KalshiRequestSigner.FromPem(account.ApiKeyId, account.PrivateKeyPem);
        _owned.Add(signer);
        return (account.UserId, signer);
    }

    public KalshiRestClient Rest(KalshiRequestSigner signer, KalshiRestOptions? options = null)
    {
        var http = new HttpClient();
        _owned.Add(http);
        var client = new KalshiRestClient(http, Environment, signer, options ?? new KalshiRestOptions
        {
            RateTier = new KalshiRateTier("test", new(100_000, 100_000), new(100_000, 100_000)),
            BackoffBase = TimeSpan.FromMilliseconds(2),
            BackoffMax = TimeSpan.FromMilliseconds(20),
            MaxAttempts = 6,
            RequestTimeout = TimeSpan.FromSeconds(20),
        });
        _owned.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var d in _owned) d.Dispose();
    }
}

public sealed class ExchangeIntegrationTests
{
    private static readonly MarketTicker T = Venue.Ticker;

    private static KalshiCreateOrder Bid(string coid, string price, string count = "1.00", VenueTimeInForce tif = VenueTimeInForce.GoodTillCanceled, BookSide side = BookSide.Bid, bool? postOnly = true) =>
        new(T, side, Contracts.Parse(count), ContractPrice.Parse(price), tif, new ClientOrderId(coid), PostOnly: postOnly);

    [Fact]
    public async Task Orders_fills_positions_and_balance_map_from_the_real_wire()
    {
        await using var venue = await Venue.StartAsync();
        var (makerId, makerKey) = await venue.TestKeyAccountAsync(1000m);
        var (_, takerKey) = await venue.GeneratedKeyAccountAsync(1000m);
        var maker = venue.Rest(makerKey);
        var taker = venue.Rest(takerKey);

        Assert.True((await maker.GetExchangeStatusAsync()).TradingActive);
        var resting = await maker.CreateOrderAsync(Bid("mk-1", "0.4500", "10.00"));
        Assert.Equal(Contracts.Parse("10"), resting.RemainingCount);
        var order = await maker.GetOrderAsync(resting.OrderId);
        Assert.Equal((KalshiOrderStatus.Resting, "mk-1"), (order.Status, order.ClientOrderId!.Value.Value));

        // Taker sells YES (an ask at the yes price) into the bid: 4 contracts fill at 0.45.
        var hit = await taker.CreateOrderAsync(Bid("tk-1", "0.4500", "4.00", VenueTimeInForce.ImmediateOrCancel, BookSide.Ask, postOnly: null));
        Assert.Equal(Contracts.Parse("4"), hit.FillCount);
        Assert.Equal(ContractPrice.Parse("0.45"), hit.AverageFillPrice);

        var fills = await maker.GetFillsAsync(T);
        var fill = Assert.Single(fills);
        Assert.Equal((Contracts.Parse("4"), ContractPrice.Parse("0.45"), false), (fill.Count, fill.YesPrice, fill.IsTaker));
        var positions = await maker.GetPositionsAsync();
        var position = Assert.Single(positions.Markets, p => p.Ticker == T);
        Assert.Equal(((OutcomeSide?)OutcomeSide.Yes, Contracts.Parse("4")), (position.Side, position.Contracts));

        var book = await maker.GetOrderbookAsync(T);
        Assert.Equal(Contracts.Parse("6"), Assert.Single(book.YesBids).Count);
        var crossing = await Assert.ThrowsAsync<KalshiApiException>(() => taker.CreateOrderAsync(Bid("tk-2", "0.4500", "1.00", side: BookSide.Ask, postOnly: true)));
        Assert.Equal(KalshiErrorKind.Rejected, crossing.Kind); // post only cross
        var truth = await venue.Admin.GetAccountAsync(makerId);
        Assert.Equal(truth.Balance, (await maker.GetBalanceAsync()).Balance);

        var cancel = await maker.CancelOrderAsync(resting.OrderId, T);
        Assert.Equal(KalshiCancelStatus.Canceled, cancel.Status);
        Assert.Equal(Contracts.Parse("6"), cancel.Ack!.ReducedBy);
        var again = await maker.CancelOrderAsync(resting.OrderId, T);
        Assert.Equal(KalshiCancelStatus.NotFound, again.Status);
        var duplicate = await Assert.ThrowsAsync<KalshiApiException>(() => maker.CreateOrderAsync(Bid("mk-1", "0.4000")));
        Assert.True(duplicate.IsOrderAlreadyExists);
    }

    public static TheoryData<string, double, double, double, int> FaultMixes => new()
    {
        // The mix, with the WebSocket cut every 2 s instead of 10 s (the run lasts about 10 s).
        { "5% 5xx, 2% 429, 1% dropped, WS cut every 2 s", 0.05, 0.02, 0.01, 2 },
        // Harsher: five times the dropped responses and more than twice the 429s.
        { "5% 5xx, 5% 429, 5% dropped, WS cut every 1 s", 0.05, 0.05, 0.05, 1 },
    };

    [Theory]
    [MemberData(nameof(FaultMixes))]
    public async Task A_thousand_create_cancel_cycles_with_faults_never_double_place_or_leak_orders(string mix, double http5xx, double http429, double dropped, int wsCutSeconds)
    {
        const int cycles = 1000;
        await using var venue = await Venue.StartAsync();
        var (userId, key) = await venue.TestKeyAccountAsync(10_000m);
        var client = venue.Rest(key);

        // The client's own view of every order: user_orders on a WebSocket that the venue keeps cutting,
        // with each reconnect's gap filled from REST, as the engine does.
        await using var ws = new KalshiWebSocketClient(venue.Environment, key, new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(20), ReconnectMax = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await ws.SubscribeAsync(KalshiChannels.UserOrders, null, stop.Token);
        var wsRun = ws.RunAsync(stop.Token);
        var view = new OrderStateView(client, T);
        var watcher = view.FollowAsync(ws, stop.Token);
        await view.Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        venue.Server.Faults = new FaultSettings(Http5xxRate: http5xx, Http429Rate: http429, DropResponseRate: dropped, WsDisconnectEverySeconds: wsCutSeconds);

        var placed = new Dictionary<string, VenueOrderId>();
        var notPlaced = new List<string>();
        int recovered = 0, unknownCreates = 0, goneAfterRetry = 0;
        for (var i = 0; i < cycles; i++)
        {
            var coid = $"cycle-{i:D4}";
            VenueOrderId? id = null;
            try
            {
                var ack = await client.CreateOrderAsync(Bid(coid, i % 2 == 0 ? "0.1000" : "0.1100"));
                if (ack.RecoveredOrder is not null) recovered++;
                id = ack.OrderId;
            }
            catch (KalshiApiException e) when (e.Kind is KalshiErrorKind.Unknown or KalshiErrorKind.RateLimited)
            {
                // The engine's path: the outcome is unknown until the venue says whether the id exists.
                unknownCreates++;
                var resolution = await RetryAsync(() => client.ResolveByClientOrderIdAsync(T, new ClientOrderId(coid)));
                id = resolution.Order?.OrderId;
            }
            if (id is not { } orderId)
            {
                notPlaced.Add(coid);
                continue;
            }
            placed[coid] = orderId;
            var cancel = await RetryAsync(() => client.CancelOrderAsync(orderId, T));
            if (cancel.Status == KalshiCancelStatus.NotFound)
            {
                Assert.True(cancel.AfterRetry, $"{coid}: a first-attempt 404 on a resting order");
                goneAfterRetry++;
                var polled = await RetryAsync(() => client.GetOrderAsync(orderId));
                Assert.True(polled.IsTerminal, $"{coid} reported gone but is {polled.Status}");
            }
        }

        venue.Server.Faults = FaultSettings.None;
        var all = await client.GetOrdersAsync(new KalshiOrderQuery(T, PageSize: 500));
        // Never two orders for one intent, and every placed order is accounted for.
        Assert.All(all.GroupBy(o => o.ClientOrderId), g => Assert.Single(g));
        Assert.Equal(placed.Count, all.Count);
        Assert.All(notPlaced, coid => Assert.DoesNotContain(all, o => o.ClientOrderId?.Value == coid));
        Assert.All(all, o => Assert.Equal(KalshiOrderStatus.Canceled, o.Status));
        var truth = await venue.Admin.GetAccountAsync(userId);
        Assert.Equal(0, truth.RestingOrders);
        Assert.Equal(Money.Parse("10000.00"), truth.Balance); // nothing filled, nothing charged
        Assert.True(unknownCreates + recovered + goneAfterRetry > 0, $"{mix}: the faults never hit: the test proved nothing");
        Assert.True(placed.Count >= cycles * 8 / 10, $"{mix}: only {placed.Count} of {cycles} placed");

        // Every order's final state is known on the client side, and it is the venue's.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (placed.Values.Any(id => view.StatusOf(id) != KalshiOrderStatus.Canceled) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.All(placed, p => Assert.Equal(KalshiOrderStatus.Canceled, view.StatusOf(p.Value)));
        Assert.True(view.Disconnects > 0, $"{mix}: the WebSocket was never cut");
        Assert.True(view.Recoveries > 0, $"{mix}: no reconnect was followed by a REST recovery");
        await stop.CancelAsync();
        await wsRun;
        await watcher;
    }

    /// <summary>The latest known status of each order, from user_orders plus a REST sweep after every reconnect.</summary>
    private sealed class OrderStateView(KalshiRestClient rest, MarketTicker ticker)
    {
        private readonly Dictionary<VenueOrderId, KalshiOrderStatus> _status = [];
        private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Subscribed => _subscribed.Task;

        public int Disconnects { get; private set; }

        public int Recoveries { get; private set; }

        public KalshiOrderStatus? StatusOf(VenueOrderId id)
        {
            lock (_status) return _status.TryGetValue(id, out var s) ? s : null;
        }

        public async Task FollowAsync(KalshiWebSocketClient ws, CancellationToken ct)
        {
            try
            {
                await foreach (var e in ws.Events.ReadAllAsync(ct))
                {
                    switch (e)
                    {
                        case WsSubscribed:
                            _subscribed.TrySetResult();
                            break;
                        case UserOrderUpdate u:
                            Record(u.Order);
                            break;
                        case WsDisconnected:
                            Disconnects++;
                            break;
                        case WsResyncNeeded:
                            // Anything may have been missed while cut off: ask the venue (a read, safe to retry).
                            foreach (var o in await RetryAsync(() => rest.GetOrdersAsync(new KalshiOrderQuery(ticker, PageSize: 500)))) Record(o);
                            Recoveries++;
                            break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // the test is over
            }
        }

        private void Record(KalshiOrder order)
        {
            lock (_status)
            {
                // A terminal status is final; a late "resting" from before a cut must not undo it.
                if (_status.TryGetValue(order.OrderId, out var known) && known is KalshiOrderStatus.Canceled or KalshiOrderStatus.Executed) return;
                _status[order.OrderId] = order.Status;
            }
        }
    }

    [Fact]
    public async Task Orders_past_the_historical_cutoff_still_resolve_by_client_order_id()
    {
        await using var venue = await Venue.StartAsync();
        var (_, key) = await venue.TestKeyAccountAsync(1_000m);
        var (_, makerKey) = await venue.GeneratedKeyAccountAsync(1_000m);
        var client = venue.Rest(key);
        var maker = venue.Rest(makerKey);
        Assert.Equal(DateTimeOffset.UnixEpoch, (await client.GetHistoricalCutoffAsync())!.OrdersUpdated); // nothing archived yet

        var canceled = await client.CreateOrderAsync(Bid("old-canceled", "0.2000"));
        await client.CancelOrderAsync(canceled.OrderId, T);
        await maker.CreateOrderAsync(Bid("maker-ask", "0.6000", "3.00", side: BookSide.Ask));
        var filled = await client.CreateOrderAsync(Bid("old-filled", "0.6000", "3.00", tif: VenueTimeInForce.ImmediateOrCancel, postOnly: null));
        var resting = await client.CreateOrderAsync(Bid("still-resting", "0.1000"));

        var cutoff = await venue.Admin.ArchiveFinishedAsync();
        Assert.Equal(cutoff, (await client.GetHistoricalCutoffAsync())!.OrdersUpdated);
        var live = await client.GetOrdersAsync(new KalshiOrderQuery(T));
        Assert.Equal([resting.OrderId], live.Select(o => o.OrderId)); // resting orders never leave the live list
        Assert.Empty(await client.GetFillsAsync(T));

        // The resolution that decides "resend or not" after a crash still sees the finished orders.
        var old = await client.ResolveByClientOrderIdAsync(T, new ClientOrderId("old-canceled"));
        Assert.Equal(KalshiOrderStatus.Canceled, old.Order!.Status);
        var done = await client.ResolveByClientOrderIdAsync(T, new ClientOrderId("old-filled"));
        Assert.Equal(filled.OrderId, done.Order!.OrderId);
        Assert.Equal(Contracts.Parse("3.00"), done.Order.FillCount);
        Assert.False((await client.ResolveByClientOrderIdAsync(T, new ClientOrderId("never-sent"))).Found);
        var archivedFills = await client.GetHistoricalFillsAsync(T);
        Assert.Equal(Contracts.Parse("3.00"), Contracts.Of(archivedFills.Where(f => f.OrderId == filled.OrderId).Sum(f => f.Count.Value)));
    }

    /// <summary>The engine retries a read-only resolution until the venue answers.</summary>
    private static async Task<TResult> RetryAsync<TResult>(Func<Task<TResult>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (KalshiApiException e) when (e.Kind is KalshiErrorKind.Unknown or KalshiErrorKind.RateLimited && attempt < 20)
            {
                await Task.Delay(5);
            }
        }
    }

    [Fact]
    public async Task Sequence_gap_resyncs_to_the_venue_book()
    {
        await using var venue = await Venue.StartAsync();
        var (_, watcherKey) = await venue.TestKeyAccountAsync(100m);
        var (_, makerKey) = await venue.GeneratedKeyAccountAsync(10_000m);
        var maker = venue.Rest(makerKey);
        for (var i = 0; i < 5; i++)
        {
            await maker.CreateOrderAsync(Bid($"y{i}", $"0.{30 + i}00", $"{i + 1}.00"));
            await maker.CreateOrderAsync(Bid($"n{i}", $"0.{70 + i}00", $"{i + 2}.50", side: BookSide.Ask)); // NO bids at 0.30..0.26
        }

        await using var ws = new KalshiWebSocketClient(venue.Environment, watcherKey, new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(20) });
        var dropped = 0;
        ws.DropIncomingFrame = frame => System.Text.Encoding.UTF8.GetString(frame.Span).Contains("\"type\":\"orderbook_delta\"", StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref dropped, 1, 0) == 0; // lose the first delta only
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await ws.SubscribeAsync(KalshiChannels.OrderbookDelta, [T], cts.Token);
        var run = ws.RunAsync(cts.Token);
        var events = new List<KalshiWsEvent>();
        await WaitForAsync(ws, events, e => e is OrderBookUpdated { IsSnapshot: true }, cts.Token);

        var extra = new List<VenueOrderId>();
        for (var i = 0; i < 6; i++) extra.Add((await maker.CreateOrderAsync(Bid($"x{i}", $"0.2{i}00", "3.00"))).OrderId);
        await maker.CancelOrderAsync(extra[0], T);
        await maker.CancelOrderAsync(extra[3], T);
        await maker.DecreaseOrderAsync(extra[4], Contracts.Parse("1.00"), null);

        await WaitForAsync(ws, events, e => e is OrderBookStale, cts.Token);
        var expected = await maker.GetOrderbookAsync(T);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await WaitForAsync(ws, events, e => e is OrderBookUpdated, cts.Token, TimeSpan.FromMilliseconds(300));
            var book = ws.Books.Book(T);
            if (book is { IsStale: false } && Same(book, expected)) break;
            Assert.True(DateTime.UtcNow < deadline, "client book never converged to the venue book after the gap");
        }
        Assert.Equal(1, dropped);
        Assert.Contains(events, e => e is OrderBookUpdated { IsSnapshot: true, Seq: > 1 }); // the get_snapshot answer
        await cts.CancelAsync();
        await run;
    }

    private static bool Same(OrderBook book, KalshiOrderbookSnapshot rest) =>
        book.Bids(OutcomeSide.Yes).Reverse().SequenceEqual(rest.YesBids) && book.Bids(OutcomeSide.No).Reverse().SequenceEqual(rest.NoBids);

    private static async Task WaitForAsync(KalshiWebSocketClient ws, List<KalshiWsEvent> seen, Func<KalshiWsEvent, bool> match, CancellationToken ct, TimeSpan? quiet = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(quiet ?? TimeSpan.FromSeconds(20));
        try
        {
            while (await ws.Events.WaitToReadAsync(limit.Token))
            {
                while (ws.Events.TryRead(out var e))
                {
                    seen.Add(e);
                    if (match(e) && quiet is null) return;
                }
            }
        }
        catch (OperationCanceledException) when (quiet is not null && !ct.IsCancellationRequested)
        {
            // a quiet period passed: the caller checks the state
        }
    }
}
