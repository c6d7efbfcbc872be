using System.Globalization;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Testing;

namespace Fillwise.Venues.Aster.Tests.Integration;

/// <summary>The Aster client against the built-in venue over loopback sockets.</summary>
public sealed class AsterClientLoopbackTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private int _ids;

    private AsterOrderRequest Limit(OrderSide side, string quantity, string price, AsterTimeInForce tif = AsterTimeInForce.GoodTillCanceled, bool reduceOnly = false) =>
        new(AsterVenueHarness.Zec, side, AsterOrderType.Limit, Quantity.Parse(quantity), Price.Parse(price),
            new ClientOrderId($"fw-{Environment.TickCount64 % 100000}-{Interlocked.Increment(ref _ids)}"), tif, reduceOnly);

    [Fact]
    public async Task Instruments_come_from_exchangeInfo_filters()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (_, client) = await h.NewTraderAsync();
        var zec = client.MarketData.Instrument("ZECUSDT")!;
        Assert.Equal(Price.Parse("0.01"), zec.PriceBands[0].Tick);
        Assert.Equal(Quantity.Parse("0.001"), zec.Step);
        Assert.Equal(Money.Parse("5"), zec.MinNotional);
        var funding = await client.MarketData.GetFundingScheduleAsync("ZECUSDT", Ct);
        Assert.Equal(TimeSpan.FromHours(8), funding.Interval);
        Assert.Equal(FundingRate.Parse("0.0001"), funding.Rate);
    }

    [Fact]
    public async Task An_order_rests_fills_in_parts_from_a_second_account_and_is_canceled_with_its_fills_kept()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (makerId, maker) = await h.NewTraderAsync();
        var (takerId, _) = await h.NewTraderAsync();
        var request = Limit(OrderSide.Sell, "2.332", "514.44");
        var placed = Assert.IsType<AsterPlaceOutcome.Accepted>(await maker.Orders.PlaceAsync(request, Ct));
        Assert.Equal(AsterOrderStatus.New, placed.Order.Status);

        await h.AdminOrderAsync(takerId, "buy", "514.44", "0.700", ioc: true);
        await h.AdminOrderAsync(takerId, "buy", "514.44", "0.930", ioc: true);

        var partial = await maker.Orders.GetOrderAsync(AsterVenueHarness.Zec, placed.Order.OrderId, Ct);
        Assert.Equal(AsterOrderStatus.PartiallyFilled, partial.Status);
        Assert.Equal(Quantity.Parse("1.63"), partial.ExecutedQuantity);
        var found = Assert.IsType<AsterLookupOutcome.Found>(await maker.Orders.FindAsync(AsterVenueHarness.Zec, request.ClientOrderId, Ct));
        Assert.Equal(placed.Order.OrderId, found.Order.OrderId);

        var trades = await maker.Orders.GetTradesAsync(AsterVenueHarness.Zec, null, 100, Ct);
        Assert.Equal(2, trades.Count);
        Assert.All(trades, t => Assert.True(t.IsMaker));
        var position = new PerpPosition(AsterVenueHarness.Zec);
        foreach (var t in trades) position.Apply(t);
        Assert.Equal(-1.63m, position.SignedQuantity);

        var canceled = Assert.IsType<AsterCancelOutcome.Canceled>(await maker.Orders.CancelAsync(AsterVenueHarness.Zec, placed.Order.OrderId, null, Ct));
        Assert.Equal(AsterOrderStatus.Canceled, canceled.Order.Status);
        Assert.Equal(Quantity.Parse("1.63"), canceled.Order.ExecutedQuantity);
        Assert.IsType<AsterCancelOutcome.NotFound>(await maker.Orders.CancelAsync(AsterVenueHarness.Zec, placed.Order.OrderId, null, Ct));

        var venuePosition = (await maker.Account.GetPositionsAsync(Ct)).Single(p => p.Instrument == AsterVenueHarness.Zec);
        Assert.Equal(position.SignedQuantity, venuePosition.Quantity);
        Assert.Equal(Price.Parse("514.44"), venuePosition.EntryPrice);
        var fees = trades.Aggregate(Money.Zero, (sum, t) => sum + t.Fee);
        Assert.Equal(Money.Parse("10000") - fees, (await maker.Account.GetBalanceAsync(Ct)).WalletBalance);
        var truth = await h.AccountAsync(makerId);
        Assert.Equal("-1.63", truth.GetProperty("positions")[0].GetProperty("quantity").GetString());
    }

    [Fact]
    public async Task A_crossing_post_only_order_is_a_re_price_case_with_the_expired_order_attached()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (makerId, _) = await h.NewTraderAsync();
        var (_, trader) = await h.NewTraderAsync();
        await h.AdminOrderAsync(makerId, "sell", "514.44", "3");

        var outcome = Assert.IsType<AsterPlaceOutcome.Rejected>(await trader.Orders.PlaceAsync(Limit(OrderSide.Buy, "2.332", "514.49", AsterTimeInForce.PostOnly), Ct));
        Assert.Equal(RejectionReason.PostOnlyWouldCross, outcome.Reason);
        Assert.Equal(AsterOrderStatus.Expired, outcome.Order!.Status);
        Assert.True(outcome.Order.ExecutedQuantity.IsZero);

        // Re-priced one tick under the ask it rests as a maker.
        var repriced = Assert.IsType<AsterPlaceOutcome.Accepted>(await trader.Orders.PlaceAsync(Limit(OrderSide.Buy, "2.332", "514.43", AsterTimeInForce.PostOnly), Ct));
        Assert.Equal(AsterOrderStatus.New, repriced.Order.Status);
    }

    [Fact]
    public async Task Quantities_below_the_minimum_are_refused_with_the_venues_codes_and_reduce_only_is_spared_the_notional()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (traderId, trader) = await h.NewTraderAsync();
        var (makerId, _) = await h.NewTraderAsync();

        var tooFine = Assert.IsType<AsterPlaceOutcome.Rejected>(await trader.Orders.PlaceAsync(
            Limit(OrderSide.Buy, "0.0005", "514.00"), Ct));
        Assert.Equal(AsterErrorCodes.Precision, tooFine.Code);
        var tooSmall = Assert.IsType<AsterPlaceOutcome.Rejected>(await trader.Orders.PlaceAsync(Limit(OrderSide.Buy, "0.005", "514.00"), Ct));
        Assert.Equal((RejectionReason.BelowMinimumNotional, AsterErrorCodes.MinNotional), (tooSmall.Reason, tooSmall.Code));

        // Seed 003's residual: short 0.021 left over. Reduce-only, it may close below 5 USDT of notional.
        var set = await h.Http.PutAsync($"{h.Server.AsterAdminUrl}/accounts/{traderId}/positions/ZECUSDT",
            new StringContent("""{"quantity":"-0.021","entry_price":"495.791668"}""", System.Text.Encoding.UTF8, "application/json"));
        set.EnsureSuccessStatusCode();
        await h.AdminOrderAsync(makerId, "sell", "514.00", "1");
        var increase = Assert.IsType<AsterPlaceOutcome.Rejected>(await trader.Orders.PlaceAsync(Limit(OrderSide.Sell, "0.005", "513.00", reduceOnly: true), Ct));
        Assert.Equal((RejectionReason.ReduceOnlyWouldIncrease, AsterErrorCodes.ReduceOnlyRejected), (increase.Reason, increase.Code));
        var dust = Assert.IsType<AsterPlaceOutcome.Accepted>(await trader.Orders.PlaceAsync(Limit(OrderSide.Buy, "0.009", "514.00", reduceOnly: true), Ct));
        Assert.Equal(AsterOrderStatus.Filled, dust.Order.Status);
        var left = (await trader.Account.GetPositionsAsync(Ct)).Single();
        Assert.Equal(-0.012m, left.Quantity);
    }

    [Fact]
    public async Task A_reused_client_order_id_is_a_duplicate_and_a_resent_create_finds_its_first_landing()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (_, trader) = await h.NewTraderAsync();
        var request = Limit(OrderSide.Buy, "0.100", "500.00");
        var first = Assert.IsType<AsterPlaceOutcome.Accepted>(await trader.Orders.PlaceAsync(request, Ct));
        // The same create sent again (its answer was lost): the venue refuses the duplicate, the client finds the order.
        var again = Assert.IsType<AsterPlaceOutcome.Accepted>(await trader.Orders.PlaceAsync(request, Ct));
        Assert.Equal(first.Order.OrderId, again.Order.OrderId);
        // A different order under the same id is a real duplicate.
        var other = Assert.IsType<AsterPlaceOutcome.Rejected>(await trader.Orders.PlaceAsync(request with { Quantity = Quantity.Parse("0.2") }, Ct));
        Assert.Equal(RejectionReason.DuplicateClientOrderId, other.Reason);
        Assert.Single(await trader.Orders.GetOpenOrdersAsync(AsterVenueHarness.Zec, Ct));
    }

    [Fact]
    public async Task Funding_is_paid_at_the_venues_interval_and_reported_as_income()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await AsterVenueHarness.StartAsync(clock, fundingHours: 1);
        var (longId, longs) = await h.NewTraderAsync("1000");
        var (shortId, shorts) = await h.NewTraderAsync("1000");
        foreach (var (id, q) in new[] { (longId, "2"), (shortId, "-2") })
        {
            var r = await h.Http.PutAsync($"{h.Server.AsterAdminUrl}/accounts/{id}/positions/ZECUSDT",
                new StringContent($$"""{"quantity":"{{q}}","entry_price":"500"}""", System.Text.Encoding.UTF8, "application/json"));
            r.EnsureSuccessStatusCode();
        }
        var before = await longs.MarketData.GetFundingScheduleAsync("ZECUSDT", Ct);
        Assert.Equal(TimeSpan.FromHours(1), before.Interval);

        clock.Advance(before.NextFundingTime - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        var income = await longs.Account.GetFundingIncomeAsync(AsterVenueHarness.Zec, Ct);
        // 2 x 514 x 0.0001 = 0.1028: longs pay, shorts receive.
        Assert.Equal(Money.Parse("-0.1028"), Assert.Single(income).Income);
        Assert.Equal(Money.Parse("0.1028"), Assert.Single(await shorts.Account.GetFundingIncomeAsync(AsterVenueHarness.Zec, Ct)).Income);
        Assert.Equal(Money.Parse("999.8972"), (await longs.Account.GetBalanceAsync(Ct)).WalletBalance);

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, (await longs.Account.GetFundingIncomeAsync(AsterVenueHarness.Zec, Ct)).Count);
        var truth = await h.AccountAsync(longId);
        Assert.Equal("0.2056", truth.GetProperty("positions")[0].GetProperty("funding_paid").GetString());
        var next = await longs.MarketData.GetFundingScheduleAsync("ZECUSDT", Ct);
        Assert.Equal(before.NextFundingTime.AddHours(2), next.NextFundingTime);
    }

    [Fact]
    public async Task The_user_data_stream_reports_fills_and_account_updates_and_the_depth_feed_tracks_the_book()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (_, maker) = await h.NewTraderAsync();
        var (takerId, _) = await h.NewTraderAsync();
        await using var stream = maker.OpenUserDataStream();
        await stream.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        await using var depth = maker.OpenDepthFeed(maker.MarketData.Instrument("ZECUSDT")!);
        await depth.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        var placed = Assert.IsType<AsterPlaceOutcome.Accepted>(await maker.Orders.PlaceAsync(Limit(OrderSide.Sell, "1.000", "514.50"), Ct));
        await h.AdminOrderAsync(takerId, "buy", "514.50", "0.400", ioc: true);

        var events = new List<AsterStreamEvent>();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in stream.ReadEventsAsync(wait.Token))
        {
            events.Add(e);
            if (events.OfType<AsterStreamEvent.AccountUpdate>().Any(a => a.Positions.Any(p => p.Quantity == -0.4m))) break;
        }
        var trade = events.OfType<AsterStreamEvent.OrderUpdate>().Single(u => u.Execution == "TRADE");
        Assert.Equal(placed.Order.OrderId, trade.Order.OrderId);
        Assert.Equal(AsterOrderStatus.PartiallyFilled, trade.Order.Status);
        Assert.Equal(Quantity.Parse("0.4"), trade.Fill!.Quantity);
        Assert.True(trade.Fill.IsMaker);
        Assert.Contains(events, e => e is AsterStreamEvent.OrderUpdate { Execution: "NEW" });

        await WaitUntil(() => depth.Read(b => b.BestAsk) == new AsterLevel(Price.Parse("514.50"), Quantity.Parse("0.6")));
        var rest = await maker.MarketData.GetDepthAsync("ZECUSDT", 100, Ct);
        Assert.Equal(rest.Asks, depth.Read(b => b.Asks(100)));
    }

    internal static async Task WaitUntil(Func<bool> condition, int seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("condition not met in time");
            await Task.Delay(20);
        }
    }
}
