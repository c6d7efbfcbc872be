using Fillwise.Domain.Values;
using Fillwise.Testing;

namespace Fillwise.Venues.Kalshi.Tests;

public sealed class MappingTests
{
    private static readonly MarketTicker T = new("KXT-1");

    private static KalshiRestClient Answering(string json) => Clients.Rest((_, _) => StubHandler.Json(200, json)).Client;

    [Fact]
    public async Task Order_reads_current_fields()
    {
        var o = await Answering($$"""{"order":{{Json.Order1}}}""").GetOrderAsync(new VenueOrderId("o-1"));
        Assert.Equal(("o-1", "c-1", "KXT-1"), (o.OrderId.Value, o.ClientOrderId!.Value.Value, o.Ticker.Value));
        Assert.Equal((OutcomeSide.Yes, BookSide.Bid, KalshiOrderStatus.Resting), (o.OutcomeSide, o.BookSide, o.Status));
        Assert.Equal(ContractPrice.Parse("0.4500"), o.YesPrice);
        Assert.Equal((Contracts.Parse("2"), Contracts.Parse("8"), Contracts.Parse("10")), (o.FillCount, o.RemainingCount, o.InitialCount));
        Assert.Equal(Money.Parse("0.035"), o.TakerFees);
        Assert.Equal(new DateTimeOffset(2026, 6, 11, 10, 0, 0, TimeSpan.Zero), o.CreatedTime);
    }

    [Fact]
    public async Task Order_falls_back_to_legacy_cents_and_ints_and_side_action()
    {
        var o = await Answering("""
            {"order":{"order_id":"o-2","ticker":"KXT-1","side":"no","action":"buy","status":"executed",
             "no_price":60,"fill_count":3,"remaining_count":0,"taker_fees":7}}
            """).GetOrderAsync(new VenueOrderId("o-2"));
        Assert.Equal((OutcomeSide.No, BookSide.Ask), (o.OutcomeSide, o.BookSide));
        Assert.Equal(ContractPrice.Parse("0.4"), o.YesPrice); // yes leg = 1 - no price
        Assert.Equal(Contracts.Parse("3"), o.FillCount);
        Assert.Equal(Money.Parse("0.07"), o.TakerFees);
        Assert.True(o.IsTerminal);
    }

    [Fact]
    public async Task New_field_wins_over_legacy_twin()
    {
        var b = await Answering("""{"balance":9801,"balance_dollars":"98.0186","portfolio_value":500}""").GetBalanceAsync();
        Assert.Equal(Money.Parse("98.0186"), b.Balance);
        Assert.Equal(Money.Parse("5.00"), b.PortfolioValue);
        var legacy = await Answering("""{"balance":9801}""").GetBalanceAsync();
        Assert.Equal(Money.Parse("98.01"), legacy.Balance);
    }

    [Fact]
    public async Task Positions_read_signed_position()
    {
        var p = await Answering("""
            {"market_positions":[{"ticker":"A","position_fp":"-3.50","market_exposure_dollars":"1.2000","realized_pnl_dollars":"-0.5000","fees_paid_dollars":"0.0100","total_traded_dollars":"2.0000","resting_orders_count":1},
                                 {"ticker":"B","position":4,"market_exposure":120}],
             "event_positions":[{"event_ticker":"E","total_cost_dollars":"1.0000"}],"cursor":""}
            """).GetPositionsAsync();
        Assert.Equal((OutcomeSide?)OutcomeSide.No, p.Markets[0].Side);
        Assert.Equal(Contracts.Parse("3.50"), p.Markets[0].Contracts);
        Assert.Equal(Money.Parse("-0.5"), p.Markets[0].RealizedPnl);
        Assert.Equal((OutcomeSide?)OutcomeSide.Yes, p.Markets[1].Side);
        Assert.Equal(Money.Parse("1.20"), p.Markets[1].MarketExposure);
        Assert.Equal("E", p.Events[0].EventTicker);
    }

    [Fact]
    public async Task Fills_map_and_dedupe_by_trade_id()
    {
        var client = Answering("""
            {"fills":[{"fill_id":"t1","trade_id":"t1","order_id":"o","ticker":"KXT-1","outcome_side":"yes","book_side":"bid","count_fp":"1.00","yes_price_dollars":"0.5200","is_taker":true,"fee_cost":"0.017500","created_time":"2026-06-11T10:00:02Z"},
                      {"trade_id":"t2","order_id":"o","ticker":"KXT-1","outcome_side":"yes","book_side":"bid","count_fp":"2.00","yes_price_dollars":"0.5100","is_taker":false,"fee_cost":"0.000000","created_time":"2026-06-11T10:00:01Z"},
                      {"trade_id":"t2","order_id":"o","ticker":"KXT-1","outcome_side":"yes","book_side":"bid","count_fp":"2.00","yes_price_dollars":"0.5100","is_taker":false,"fee_cost":"0.000000","created_time":"2026-06-11T10:00:01Z"}],"cursor":""}
            """);
        var fresh = await client.GetFillsSinceAsync(DateTimeOffset.UnixEpoch, new HashSet<TradeId> { new("t1") });
        var only = Assert.Single(fresh);
        Assert.Equal("t2", only.TradeId.Value);
        Assert.Equal(ContractPrice.Parse("0.51"), only.YesPrice);
        var all = await client.GetFillsAsync();
        Assert.Equal(Money.Parse("0.0175"), all[0].Fee);
        Assert.True(all[0].IsTaker);
    }

    [Fact]
    public async Task Orderbook_reads_fp_and_legacy_shapes()
    {
        var fp = await Answering("""{"orderbook_fp":{"yes_dollars":[["0.4600","1.00"],["0.4700","3.00"]],"no_dollars":[["0.4800","3.00"]]}}""").GetOrderbookAsync(T);
        Assert.Equal(ContractPrice.Parse("0.47"), fp.YesBids[^1].Price);
        Assert.Equal(Contracts.Parse("3"), fp.NoBids[0].Count);
        var legacy = await Answering("""{"orderbook":{"yes":[[47,3]],"no":[[48,3]]}}""").GetOrderbookAsync(T);
        Assert.Equal(ContractPrice.Parse("0.47"), legacy.YesBids[0].Price);
        var empty = await Answering("""{"orderbook":{}}""").GetOrderbookAsync(T);
        Assert.Empty(empty.YesBids);
    }

    [Fact]
    public async Task Market_quotes_at_zero_or_one_mean_no_quote()
    {
        var m = await Answering("""
            {"market":{"ticker":"KXT-1","event_ticker":"E","status":"active","yes_bid_dollars":"0.0000","yes_ask_dollars":"1.0000",
             "no_bid_dollars":"0.4000","last_price_dollars":"0.5500","volume_fp":"10.00","close_time":"2026-12-01T00:00:00Z",
             "price_ranges":[{"start":"0.0000","end":"1.0000","step":"0.0100"}]}}
            """).GetMarketAsync(T);
        Assert.Null(m.YesBid);
        Assert.Null(m.YesAsk);
        Assert.Equal(ContractPrice.Parse("0.4"), m.NoBid);
        Assert.Equal(0.01m, m.PriceRanges[0].Step);
    }

    [Fact]
    public async Task Trades_status_settlements_limits()
    {
        var trades = await Answering("""{"trades":[{"trade_id":"t","ticker":"KXT-1","count_fp":"5.00","yes_price_dollars":"0.3300","taker_outcome_side":"no","taker_book_side":"ask","created_time":"2026-06-11T10:00:00Z"}],"cursor":""}""").GetTradesAsync(T);
        Assert.Equal((OutcomeSide?)OutcomeSide.No, trades[0].TakerOutcomeSide);
        var status = await Answering("""{"exchange_active":true,"trading_active":false}""").GetExchangeStatusAsync();
        Assert.False(status.TradingActive);
        var s = await Answering("""{"settlements":[{"ticker":"KXT-1","market_result":"yes","yes_count_fp":"2.00","revenue":200,"settled_time":"2026-06-11T10:00:00Z"}],"cursor":""}""").GetSettlementsAsync();
        Assert.Equal(Money.Parse("2.00"), s[0].Revenue);
        var client = Answering("""{"usage_tier":"advanced","read":{"refill_rate":300,"bucket_capacity":600},"write":{"refill_rate":300,"bucket_capacity":300},"grants":[]}""");
        Assert.True(await client.RefreshRateTierAsync());
        Assert.Equal(new KalshiBucketLimit(300, 600), client.Limiter.Read.Limit);
    }

    [Fact]
    public async Task Order_groups()
    {
        var (client, handler) = Clients.Rest((r, _) => r.PathAndQuery switch
        {
            "/trade-api/v2/portfolio/order_groups/create" => StubHandler.Json(201, """{"order_group_id":"g1"}"""),
            "/trade-api/v2/portfolio/order_groups/g1" when r.Method == "GET" => StubHandler.Json(200, """{"is_auto_cancel_enabled":true,"contracts_limit_fp":"10.00","orders":["o1"]}"""),
            "/trade-api/v2/portfolio/order_groups" => StubHandler.Json(200, """{"order_groups":[{"id":"g1","contracts_limit_fp":"10.00","is_auto_cancel_enabled":false}]}"""),
            _ => StubHandler.Json(200, "{}"),
        });
        Assert.Equal("g1", await client.CreateOrderGroupAsync(Contracts.Parse("10")));
        var g = await client.GetOrderGroupAsync("g1");
        Assert.Equal(("g1", "o1"), (g.Id, g.OrderIds[0].Value));
        Assert.Single(await client.GetOrderGroupsAsync());
        await client.ResetOrderGroupAsync("g1");
        await client.TriggerOrderGroupAsync("g1");
        await client.SetOrderGroupLimitAsync("g1", Contracts.Parse("5"));
        await client.DeleteOrderGroupAsync("g1");
        Assert.Equal(["POST", "GET", "GET", "PUT", "PUT", "PUT", "DELETE"], handler.Seen.Select(s => s.Method));
        Assert.Contains("\"contracts_limit_fp\":\"10.00\"", handler.Seen[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_all_lists_resting_orders_and_batch_cancels()
    {
        var (client, handler) = Clients.Rest((r, _) => r.Method == "GET"
            ? StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-1", "a")}},{{Json.Order("o-2", "b")}}],"cursor":""}""")
            : StubHandler.Json(200, """{"orders":[{"order_id":"o-1","reduced_by":"8.00"},{"order_id":"o-2","error":{"code":"not_found","message":"x"}}]}"""));
        var r = await client.CancelAllOrdersAsync();
        Assert.Equal((1, 1, 0), (r.Canceled, r.AlreadyGone, r.Failed.Count));
        Assert.Contains("status=resting", handler.Seen[0].PathAndQuery, StringComparison.Ordinal);
    }
}

public sealed class RateLimiterTests
{
    [Fact]
    public async Task Waits_for_tokens_on_the_injected_clock()
    {
        var clock = new ManualTimeProvider();
        using var bucket = new TokenBucket(new KalshiBucketLimit(100, 100), clock);
        for (var i = 0; i < 10; i++) await bucket.AcquireAsync(KalshiCosts.Default, CancellationToken.None);
        var waiting = bucket.AcquireAsync(KalshiCosts.Default, CancellationToken.None).AsTask();
        await Task.Delay(20);
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(100)); // 100 tokens/s * 0.1 s = 10 tokens
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Waiting_is_cancellable()
    {
        var clock = new ManualTimeProvider();
        using var bucket = new TokenBucket(new KalshiBucketLimit(10, 10), clock);
        await bucket.AcquireAsync(10, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = bucket.AcquireAsync(2, cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task Cost_over_capacity_is_refused()
    {
        using var bucket = new TokenBucket(new KalshiBucketLimit(100, 100), new ManualTimeProvider());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => bucket.AcquireAsync(101, CancellationToken.None).AsTask());
    }

    [Fact]
    public void Refill_is_capped_at_capacity_and_429_drains()
    {
        var clock = new ManualTimeProvider();
        using var limiter = new KalshiRateLimiter(KalshiRateTier.Basic, clock);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(200m, limiter.Read.Available);
        Assert.Equal(100m, limiter.Write.Available);
        limiter.OnRateLimited(KalshiBucket.Write);
        Assert.Equal(0m, limiter.Write.Available);
    }
}
