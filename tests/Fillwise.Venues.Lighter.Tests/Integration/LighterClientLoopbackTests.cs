using System.Globalization;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter.Tests.Integration;

/// <summary>The Lighter client against the built-in venue over loopback sockets.</summary>
public sealed class LighterClientLoopbackTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private long _ids = Environment.TickCount64 % 1_000_000 * 1000;

    private LighterOrderRequest Limit(OrderSide side, string quantity, string price, LighterTimeInForce tif = LighterTimeInForce.GoodTillTime, bool reduceOnly = false) =>
        new(LighterVenueHarness.Zec, side, LighterOrderType.Limit, Quantity.Parse(quantity), Price.Parse(price), Interlocked.Increment(ref _ids), tif, reduceOnly);

    private static async Task<LighterOrder> Executed(LighterClient client, long clientIndex)
    {
        var found = await client.Orders.AwaitOrderAsync(LighterVenueHarness.Zec, clientIndex, TimeSpan.FromSeconds(5), null, Ct);
        return Assert.IsType<LighterLookupOutcome.Found>(found).Order;
    }

    [Fact]
    public async Task Markets_come_from_orderBookDetails_with_their_integer_scaling_minimums_and_hourly_funding()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (_, client) = await h.NewTraderAsync();
        var zec = (await client.MarketData.MarketAsync("ZEC", Ct))!;
        Assert.Equal((3, 3), (zec.SizeDecimals, zec.PriceDecimals));
        Assert.Equal(Quantity.Parse("0.001"), zec.Instrument.Step);
        Assert.Equal(Price.Parse("0.001"), zec.Instrument.PriceBands[0].Tick);
        Assert.Equal(Quantity.Parse("0.05"), zec.Instrument.MinQuantity);
        Assert.Equal(Money.Parse("10"), zec.Instrument.MinNotional);
        Assert.False(zec.Instrument.ReduceOnlyWaivesMinimums);
        Assert.Equal((0.0002m, 0.00002m), (zec.TakerFeeRate, zec.MakerFeeRate));
        // Seed 003's residual: 0.021 ZEC is base amount 21.
        Assert.True(zec.TryBaseAmount(Quantity.Parse("0.021"), out var amount));
        Assert.Equal(21, amount);
        Assert.False(zec.TryPriceUnits(Price.Parse("513.7105"), out _));
        var funding = await client.MarketData.GetFundingAsync("ZEC", Ct);
        Assert.Equal(TimeSpan.FromHours(1), funding.Schedule.Interval);
        Assert.Equal(FundingRate.Parse("0.000012"), funding.Schedule.Rate);
        Assert.Equal(Price.Parse("514"), funding.MarkPrice);
    }

    [Fact]
    public async Task SendTx_acceptance_is_not_the_order_it_shows_up_when_the_venue_executes_it()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (id, client) = await h.NewTraderAsync();
        h.Server.Lighter.HoldExecution();
        var request = Limit(OrderSide.Buy, "0.100", "500.000");
        var accepted = Assert.IsType<LighterSendOutcome.Accepted>(await client.Orders.PlaceAsync(request, Ct));
        Assert.Equal(0, accepted.Nonce);
        Assert.Equal(64, accepted.TxHash.Length);
        // Accepted, not executed: the nonce is used, the account counts it pending, no order exists yet.
        Assert.Equal(1, await client.Orders.GetNextNonceAsync(Ct));
        Assert.Equal(1, (await client.Account.GetAccountAsync(Ct)).PendingOrderCount);
        Assert.IsType<LighterLookupOutcome.NotFound>(await client.Orders.FindAsync(LighterVenueHarness.Zec, request.ClientOrderIndex, null, Ct));
        Assert.Empty(await client.Orders.GetActiveOrdersAsync(LighterVenueHarness.Zec, Ct));

        h.Server.Lighter.ReleaseExecution();
        var order = await Executed(client, request.ClientOrderIndex);
        Assert.Equal(("open", OrderSide.Buy, Quantity.Parse("0.1")), (order.Status, order.Side, order.Initial));
        Assert.Equal(0, order.Nonce);
        Assert.Equal(id, order.AccountIndex);
    }

    [Fact]
    public async Task An_order_rests_fills_in_parts_from_another_account_and_is_canceled_with_its_fills_kept()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (makerId, maker) = await h.NewTraderAsync();
        var (takerId, _) = await h.NewTraderAsync();
        var request = Limit(OrderSide.Sell, "2.332", "514.440");
        Assert.IsType<LighterSendOutcome.Accepted>(await maker.Orders.PlaceAsync(request, Ct));
        var placed = await Executed(maker, request.ClientOrderIndex);

        await h.AdminOrderAsync(takerId, "buy", "514.440", "0.700", ioc: true);
        await h.AdminOrderAsync(takerId, "buy", "514.440", "0.930", ioc: true);

        var partial = Assert.IsType<LighterLookupOutcome.Found>(await maker.Orders.FindAsync(LighterVenueHarness.Zec, request.ClientOrderIndex, null, Ct)).Order;
        Assert.Equal(("open", Quantity.Parse("1.63"), Quantity.Parse("0.702")), (partial.Status, partial.Filled, partial.Remaining));
        var trades = await maker.Orders.GetAllTradesAsync(LighterVenueHarness.Zec, placed.OrderIndex, Ct);
        Assert.Equal(2, trades.Count);
        var fills = trades.Select(t => t.ForAccount(makerId)!).ToList();
        Assert.All(fills, f => Assert.True(f.IsMaker));
        // Maker 0.002 %: 0.7 × 514.44 × 0.00002 = 0.0072 (USDC's 6 places).
        Assert.Equal(Money.Parse("0.007202"), fills[0].Fee);
        var position = new PerpPosition(LighterVenueHarness.Zec);
        foreach (var f in fills) position.Apply(f);
        Assert.Equal(-1.63m, position.SignedQuantity);

        Assert.IsType<LighterSendOutcome.Accepted>(await maker.Orders.CancelAsync(LighterVenueHarness.Zec, placed.OrderIndex, Ct));
        var canceled = await LighterVenueHarness.Eventually(() => maker.Orders.FindAsync(LighterVenueHarness.Zec, null, placed.OrderIndex, Ct),
            o => o is LighterLookupOutcome.Found { Order.IsOpen: false });
        Assert.Equal(("canceled", Quantity.Parse("1.63")), (((LighterLookupOutcome.Found)canceled).Order.Status, ((LighterLookupOutcome.Found)canceled).Order.Filled));

        var venue = Assert.Single(await maker.Account.GetPositionsAsync(Ct));
        Assert.Equal(position.SignedQuantity, venue.SignedQuantity);
        Assert.Equal(Price.Parse("514.44"), venue.EntryPrice);
        Assert.Equal(position.FeesPaid, venue.FeesPaid);
        Assert.Equal(Money.Parse("10000") - position.FeesPaid, (await maker.Account.GetAccountAsync(Ct)).Collateral);
        var truth = await h.AccountAsync(makerId);
        Assert.Equal("-1.63", truth.GetProperty("positions")[0].GetProperty("quantity").GetString());
    }

    [Fact]
    public async Task A_crossing_post_only_order_ends_canceled_post_only_a_re_price_case_and_the_re_priced_one_rests()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (makerId, _) = await h.NewTraderAsync();
        var (_, trader) = await h.NewTraderAsync();
        await h.AdminOrderAsync(makerId, "sell", "513.753", "3");

        // Seed 003: a post-only buy at or through the ask is accepted by sendTx and then canceled by the venue.
        var crossing = Limit(OrderSide.Buy, "2.311", "513.760", LighterTimeInForce.PostOnly);
        Assert.IsType<LighterSendOutcome.Accepted>(await trader.Orders.PlaceAsync(crossing, Ct));
        var ended = await Executed(trader, crossing.ClientOrderIndex);
        Assert.Equal("canceled-post-only", ended.Status);
        Assert.True(ended.IsPostOnlyCross);
        Assert.Equal(RejectionReason.PostOnlyWouldCross, LighterErrorCodes.StatusReason(ended.Status));

        var repriced = Limit(OrderSide.Buy, "2.311", "513.752", LighterTimeInForce.PostOnly);
        Assert.IsType<LighterSendOutcome.Accepted>(await trader.Orders.PlaceAsync(repriced, Ct));
        var resting = await Executed(trader, repriced.ClientOrderIndex);
        Assert.Equal(("open", "post-only"), (resting.Status, resting.TimeInForce));
    }

    [Fact]
    public async Task Amounts_below_min_base_or_min_quote_are_refused_21706_and_reduce_only_is_not_spared_as_at_Lighter()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (traderId, trader) = await h.NewTraderAsync();
        var (makerId, _) = await h.NewTraderAsync();

        // Seed 003's hedge of 0.021 ZEC: below min_base_amount 0.05.
        var dust = Assert.IsType<LighterSendOutcome.Rejected>(await trader.Orders.PlaceAsync(Limit(OrderSide.Sell, "0.021", "513.647"), Ct));
        Assert.Equal((LighterErrorCodes.InvalidBaseOrQuoteAmount, RejectionReason.BelowMinimumSize), (dust.Code, dust.Reason));
        // 0.05 at 100 is 5 USDC: below min_quote_amount 10.
        var small = Assert.IsType<LighterSendOutcome.Rejected>(await trader.Orders.PlaceAsync(Limit(OrderSide.Buy, "0.050", "100.000"), Ct));
        Assert.Equal(LighterErrorCodes.InvalidBaseOrQuoteAmount, small.Code);
        // A refusal uses no nonce: the next transaction still gets 0.
        Assert.Equal(0, await trader.Orders.GetNextNonceAsync(Ct));

        await h.SetPositionAsync(traderId, "-0.071", "495.791");
        await h.AdminOrderAsync(makerId, "sell", "514.000", "1");
        var reduceDust = Assert.IsType<LighterSendOutcome.Rejected>(await trader.Orders.PlaceAsync(Limit(OrderSide.Buy, "0.021", "514.000", reduceOnly: true), Ct));
        Assert.Equal(LighterErrorCodes.InvalidBaseOrQuoteAmount, reduceDust.Code);
        var wrongSide = Assert.IsType<LighterSendOutcome.Rejected>(await trader.Orders.PlaceAsync(Limit(OrderSide.Sell, "0.050", "520.000", reduceOnly: true), Ct));
        Assert.Equal((LighterErrorCodes.ReduceOnlyIncreases, RejectionReason.ReduceOnlyWouldIncrease), (wrongSide.Code, wrongSide.Reason));
        var close = Limit(OrderSide.Buy, "0.050", "514.000", LighterTimeInForce.ImmediateOrCancel, reduceOnly: true);
        Assert.IsType<LighterSendOutcome.Accepted>(await trader.Orders.PlaceAsync(close, Ct));
        Assert.Equal("filled", (await Executed(trader, close.ClientOrderIndex)).Status);
        // What is left is dust Lighter will not take as an order: 0.021 short.
        Assert.Equal(-0.021m, Assert.Single(await trader.Account.GetPositionsAsync(Ct)).SignedQuantity);
    }

    [Fact]
    public async Task A_nonce_clash_with_another_sender_of_the_key_is_refused_21104_and_recovered_by_re_signing()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (id, file) = await h.NewAccountAsync();
        // Two processes on one API key: each keeps its own idea of the next nonce.
        var first = new LighterClient(h.Http, h.Options(1), LighterCredentials.Load(file));
        var second = new LighterClient(h.Http, h.Options(2), LighterCredentials.Load(file));
        var a = Limit(OrderSide.Buy, "0.100", "500.000");
        Assert.Equal(0, Assert.IsType<LighterSendOutcome.Accepted>(await first.Orders.PlaceAsync(a, Ct)).Nonce);
        var b = Limit(OrderSide.Buy, "0.100", "499.000");
        Assert.Equal(1, Assert.IsType<LighterSendOutcome.Accepted>(await second.Orders.PlaceAsync(b, Ct)).Nonce);
        // The first still thinks 1 is next: refused 21104, read the nonce again, re-signed with 2.
        var c = Limit(OrderSide.Buy, "0.100", "498.000");
        var recovered = Assert.IsType<LighterSendOutcome.Accepted>(await first.Orders.PlaceAsync(c, Ct));
        Assert.Equal(2, recovered.Nonce);
        Assert.Equal(1, first.Orders.NonceClashes);
        foreach (var r in new[] { a, b, c }) Assert.Equal("open", (await Executed(first, r.ClientOrderIndex)).Status);
        Assert.Equal(3, (await h.AccountAsync(id)).GetProperty("open_orders").GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_sends_on_one_key_go_out_in_nonce_order_without_a_clash()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (_, client) = await h.NewTraderAsync();
        var requests = Enumerable.Range(0, 20).Select(i => Limit(OrderSide.Buy, "0.100", (480m + i).ToString("F3", CultureInfo.InvariantCulture))).ToList();
        var outcomes = await Task.WhenAll(requests.Select(r => client.Orders.PlaceAsync(r, Ct)));
        var nonces = outcomes.Select(o => Assert.IsType<LighterSendOutcome.Accepted>(o).Nonce).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), nonces);
        Assert.Equal(0, client.Orders.NonceClashes);
        await LighterVenueHarness.Eventually(() => client.Orders.GetActiveOrdersAsync(LighterVenueHarness.Zec, Ct), o => o.Count == 20);
    }

    [Fact]
    public async Task The_venues_transaction_budget_answers_429_23000_and_the_client_budget_keeps_below_it()
    {
        await using var h = await LighterVenueHarness.StartAsync(venue: new Exchange.Perp.Lighter.LighterVenueOptions { Seed = 13, Tier = Exchange.Perp.Lighter.LighterAccountTier.Standard });
        // A client that believes it may send more than the Standard account's 60 a minute, and will not wait.
        var (_, eager) = await h.NewTraderAsync(tweak: o => o with { TransactionsPerMinute = 1000, MaxRateLimitWait = TimeSpan.Zero });
        for (var i = 0; i < 60; i++)
            Assert.IsType<LighterSendOutcome.Accepted>(await eager.Orders.PlaceAsync(Limit(OrderSide.Buy, "0.050", "400.000"), Ct));
        var over = Assert.IsType<LighterSendOutcome.Rejected>(await eager.Orders.PlaceAsync(Limit(OrderSide.Buy, "0.050", "400.000"), Ct));
        Assert.Equal((LighterErrorCodes.TooManyRequests, RejectionReason.RateLimited), (over.Code, over.Reason));
        Assert.Equal(60, await eager.Orders.GetNextNonceAsync(Ct));

        // A client with Lighter's budget never meets the venue's refusal: it holds its 61st send back.
        var (_, careful) = await h.NewTraderAsync(tweak: o => o with { TransactionsPerMinute = 60 });
        for (var i = 0; i < 60; i++) await careful.Orders.Budget.AcquireAsync(Ct);
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => careful.Orders.PlaceAsync(Limit(OrderSide.Buy, "0.050", "400.000"), soon.Token));
        Assert.Equal(0, await careful.Orders.GetNextNonceAsync(Ct));
    }

    [Fact]
    public async Task Funding_is_paid_every_hour_on_positions_and_reported_per_position()
    {
        var clock = new Testing.ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 20, 0, TimeSpan.Zero));
        await using var h = await LighterVenueHarness.StartAsync(clock, new Exchange.Perp.Lighter.LighterVenueOptions
        {
            TimeProvider = clock, Seed = 13, Tier = Exchange.Perp.Lighter.LighterAccountTier.Premium, ExecutionDelay = TimeSpan.Zero,
        });
        var (longId, longs) = await h.NewTraderAsync("1000");
        var (shortId, shorts) = await h.NewTraderAsync("1000");
        await h.SetPositionAsync(longId, "2", "500");
        await h.SetPositionAsync(shortId, "-2", "500");
        var before = await longs.MarketData.GetFundingAsync("ZEC", Ct);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), before.Schedule.NextFundingTime);

        clock.Advance(TimeSpan.FromMinutes(41));
        h.Server.Lighter.Step();
        // 2 × 514 × 0.000012 = 0.012336: longs pay, shorts receive, at 10:00.
        var paid = Assert.Single(await longs.Account.GetFundingAsync(LighterVenueHarness.Zec, Ct));
        Assert.Equal((Money.Parse("-0.012336"), true, Quantity.Parse("2")), (paid.Change, paid.IsLong, paid.PositionSize));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), paid.Time);
        Assert.Equal(Money.Parse("0.012336"), Assert.Single(await shorts.Account.GetFundingAsync(LighterVenueHarness.Zec, Ct)).Change);
        Assert.Equal(Money.Parse("999.987664"), (await longs.Account.GetAccountAsync(Ct)).Collateral);

        clock.Advance(TimeSpan.FromHours(2));
        h.Server.Lighter.Step();
        Assert.Equal(3, (await longs.Account.GetFundingAsync(LighterVenueHarness.Zec, Ct)).Count);
        var position = Assert.Single(await longs.Account.GetPositionsAsync(Ct));
        Assert.Equal(Money.Parse("0.037008"), position.FundingPaid);
        Assert.Equal("0.037008", (await h.AccountAsync(longId)).GetProperty("positions")[0].GetProperty("funding_paid").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero), (await longs.MarketData.GetFundingAsync("ZEC", Ct)).Schedule.NextFundingTime);
    }
}
