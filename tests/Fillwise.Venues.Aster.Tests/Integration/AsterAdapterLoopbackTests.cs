using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster.Tests.Integration;

/// <summary>The engine's four venue ports on Aster, against the built-in venue over loopback sockets.</summary>
public sealed class AsterAdapterLoopbackTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly InstrumentId Zec = AsterVenueHarness.Zec;
    private int _ids;

    private OrderIntent Intent(OrderSide side, string quantity, string price, bool postOnly = false, bool reduceOnly = false,
        VenueTimeInForce tif = VenueTimeInForce.GoodTillCanceled) =>
        new(new ClientOrderId($"fw-adapter-{Environment.TickCount64 % 100000}-{Interlocked.Increment(ref _ids)}"), Zec, side, Quantity.Parse(quantity), Price.Parse(price),
            OrderPurpose.Manual, "test", DateTimeOffset.UtcNow, tif, reduceOnly, postOnly);

    private static OrderRef Ref(OrderIntent intent, SubmitOutcome.Accepted accepted) => new(intent.Instrument, intent.ClientOrderId, accepted.OrderId);

    [Fact]
    public async Task Instruments_and_their_status_come_from_exchangeInfo_and_funding_from_premiumIndex_and_fundingInfo()
    {
        await using var h = await AsterVenueHarness.StartAsync(fundingHours: 4);
        var (_, c) = await h.NewConnectionAsync();
        var venue = c.Connection;
        Assert.Equal("aster", venue.Name);

        var zec = (await venue.Instruments.GetInstrumentAsync(Zec, Ct))!;
        Assert.Equal(InstrumentKind.Perpetual, zec.Kind);
        Assert.Equal(("ZEC", Price.Parse("0.01"), Quantity.Parse("0.001"), Quantity.Parse("0.001"), Money.Parse("5")),
            (zec.Market, zec.PriceBands.Single().Tick, zec.Step, zec.MinQuantity, zec.MinNotional));
        Assert.True(zec.ReduceOnlyWaivesMinimums);
        Assert.Null(await venue.Instruments.GetInstrumentAsync(new InstrumentId("aster", "NOPEUSDT"), Ct));
        Assert.Null(await venue.Instruments.GetInstrumentAsync(new InstrumentId("kalshi", "KX:yes"), Ct));

        var status = (await venue.Instruments.GetStatusAsync(Zec, Ct))!;
        Assert.Equal((InstrumentPhase.Open, "TRADING", null), (status.Phase, status.VenueStatus, status.SettlementPrice));

        var funding = await venue.MarketData.GetFundingAsync(Zec, Ct);
        Assert.Equal((0.0001m, TimeSpan.FromHours(4), Price.Parse("514.00")), (funding.Rate, funding.Interval, funding.MarkPrice!.Value));
        Assert.True(funding.NextFundingTime > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task An_order_rests_fills_in_parts_is_found_by_client_id_and_canceled_with_its_fills_kept()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync();
        var (takerId, _) = await h.NewTraderAsync();
        var venue = c.Connection;
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var intent = Intent(OrderSide.Sell, "2.332", "514.44");
        var accepted = Assert.IsType<SubmitOutcome.Accepted>(await venue.Execution.SubmitAsync(intent, Ct));
        Assert.StartsWith("aster:ZECUSDT:", accepted.OrderId.Value, StringComparison.Ordinal);
        Assert.Equal((Quantity.Zero, Quantity.Parse("2.332")), (accepted.Filled, accepted.Remaining));

        await h.AdminOrderAsync(takerId, "buy", "514.44", "0.700", ioc: true);
        await h.AdminOrderAsync(takerId, "buy", "514.44", "0.930", ioc: true);

        var report = await venue.Reports.GetOrderAsync(Ref(intent, accepted), Ct);
        Assert.Equal((VenueOrderState.Open, Quantity.Parse("1.63"), Quantity.Parse("0.702"), OrderSide.Sell, Price.Parse("514.44")),
            (report.State, report.Filled, report.Remaining, report.Side, report.LimitPrice));
        var found = Assert.IsType<ResolveOutcome.Found>(await venue.Reports.ResolveAsync(Zec, intent.ClientOrderId, Ct));
        Assert.Equal(accepted.OrderId, found.Order.OrderId);
        // Without the venue id yet, the order is read by its client order id.
        Assert.Equal(accepted.OrderId, (await venue.Reports.GetOrderAsync(new OrderRef(Zec, intent.ClientOrderId, null), Ct)).OrderId);

        var fills = await venue.Reports.GetFillsAsync(Ref(intent, accepted), Ct);
        Assert.Equal([Quantity.Parse("0.7"), Quantity.Parse("0.93")], fills.Select(f => f.Quantity));
        Assert.All(fills, f =>
        {
            Assert.StartsWith("aster:ZECUSDT:", f.TradeId.Value, StringComparison.Ordinal);
            Assert.Equal((accepted.OrderId, intent.ClientOrderId, false), (f.OrderId, f.ClientOrderId!.Value, f.IsTaker));
            Assert.True(f.Commission > Money.Zero);
        });
        Assert.Equal(fills.Select(f => f.TradeId), (await venue.Reports.GetFillsSinceAsync(since, Ct)).Select(f => f.TradeId));
        Assert.Single(await venue.Reports.GetOpenOrdersAsync(Ct));

        var canceled = Assert.IsType<CancelOutcome.Canceled>(await venue.Execution.CancelAsync(Ref(intent, accepted), Ct));
        Assert.Equal(Quantity.Parse("0.702"), canceled.ReducedBy);
        Assert.IsType<CancelOutcome.NotFound>(await venue.Execution.CancelAsync(Ref(intent, accepted), Ct));
        var after = await venue.Reports.GetOrderAsync(Ref(intent, accepted), Ct);
        Assert.Equal((VenueOrderState.Canceled, Quantity.Parse("1.63"), Quantity.Zero), (after.State, after.Filled, after.Remaining));
        Assert.Empty(await venue.Reports.GetOpenOrdersAsync(Ct));

        var position = Assert.Single(await venue.Reports.GetPositionsAsync(Ct));
        Assert.Equal((Zec, PositionSide.Short, Quantity.Parse("1.63"), Price.Parse("514.44")), (position.Instrument, position.Side, position.Quantity, position.AverageEntryPrice!.Value));
        Assert.Null(position.RealizedPnl);
        var fees = fills.Aggregate(Money.Zero, (s, f) => s + f.Commission);
        Assert.Equal(Money.Parse("10000") - fees, (await venue.Reports.GetAccountAsync(Ct)).Balance);
    }

    [Fact]
    public async Task Refusals_are_typed_a_crossing_post_only_order_is_a_re_price_and_an_unknown_client_id_was_never_there()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync();
        var (makerId, _) = await h.NewTraderAsync();
        await h.AdminOrderAsync(makerId, "sell", "514.44", "3");
        var venue = c.Connection;

        var cross = Assert.IsType<SubmitOutcome.Rejected>(await venue.Execution.SubmitAsync(Intent(OrderSide.Buy, "2.332", "514.49", postOnly: true), Ct));
        Assert.Equal((RejectionReason.PostOnlyWouldCross, "EXPIRED"), (cross.Rejection.Reason, cross.Rejection.VenueCode));
        var small = Assert.IsType<SubmitOutcome.Rejected>(await venue.Execution.SubmitAsync(Intent(OrderSide.Buy, "0.005", "514.00"), Ct));
        Assert.Equal((RejectionReason.BelowMinimumNotional, "-4164"), (small.Rejection.Reason, small.Rejection.VenueCode));
        var increase = Assert.IsType<SubmitOutcome.Rejected>(await venue.Execution.SubmitAsync(Intent(OrderSide.Sell, "0.100", "515.00", reduceOnly: true), Ct));
        Assert.Equal(RejectionReason.ReduceOnlyWouldIncrease, increase.Rejection.Reason);
        var ioc = Assert.IsType<SubmitOutcome.Rejected>(await venue.Execution.SubmitAsync(Intent(OrderSide.Buy, "1", "514.00", postOnly: true, tif: VenueTimeInForce.ImmediateOrCancel), Ct));
        Assert.Equal(RejectionReason.Other, ioc.Rejection.Reason);

        // Re-priced one tick under the ask, the same order rests as a maker.
        var repriced = Intent(OrderSide.Buy, "2.332", "514.43", postOnly: true);
        Assert.IsType<SubmitOutcome.Accepted>(await venue.Execution.SubmitAsync(repriced, Ct));
        Assert.IsType<ResolveOutcome.NotFound>(await venue.Reports.ResolveAsync(Zec, new ClientOrderId("fw-never-sent"), Ct));
        var missing = await Assert.ThrowsAsync<VenueException>(() => venue.Reports.GetOrderAsync(new OrderRef(Zec, new ClientOrderId("fw-never-sent"), null), Ct));
        Assert.Equal(VenueErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task An_immediate_or_cancel_order_fills_what_it_can_and_the_rest_expires()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync();
        var (makerId, _) = await h.NewTraderAsync();
        await h.AdminOrderAsync(makerId, "sell", "514.44", "1.000");
        var venue = c.Connection;

        var intent = Intent(OrderSide.Buy, "2.983", "514.50", tif: VenueTimeInForce.ImmediateOrCancel);
        var accepted = Assert.IsType<SubmitOutcome.Accepted>(await venue.Execution.SubmitAsync(intent, Ct));
        Assert.Equal((Quantity.Parse("1"), Quantity.Zero), (accepted.Filled, accepted.Remaining));
        var report = await venue.Reports.GetOrderAsync(Ref(intent, accepted), Ct);
        Assert.Equal((VenueOrderState.Expired, Quantity.Parse("1")), (report.State, report.Filled));
        var fill = Assert.Single(await venue.Reports.GetFillsAsync(Ref(intent, accepted), Ct));
        Assert.True(fill.IsTaker);
        Assert.Equal(Price.Parse("514.44"), fill.Price);
        var position = Assert.Single(await venue.Reports.GetPositionsAsync(Ct));
        Assert.Equal((PositionSide.Long, Quantity.Parse("1")), (position.Side, position.Quantity));
    }

    [Fact]
    public async Task The_stream_reports_fills_then_the_order_and_a_cut_asks_for_a_resync_and_books_give_quotes()
    {
        await using var h = await AsterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync();
        var (takerId, _) = await h.NewTraderAsync();
        var venue = c.Connection;
        await venue.MarketData.WatchAsync(Zec, Ct);
        Assert.Null(venue.MarketData.GetQuote(new InstrumentId("aster", "BTCUSDT")));

        var intent = Intent(OrderSide.Sell, "1.000", "514.50");
        var accepted = Assert.IsType<SubmitOutcome.Accepted>(await venue.Execution.SubmitAsync(intent, Ct));
        await AsterClientLoopbackTests.WaitUntil(() => venue.MarketData.GetQuote(Zec)?.BestAsk == Price.Parse("514.50"));
        var quote = venue.MarketData.GetQuote(Zec)!;
        Assert.Equal((Quantity.Parse("1"), false, (Price?)null), (quote.AskSize!.Value, quote.IsStale, quote.BestBid));

        await h.AdminOrderAsync(takerId, "buy", "514.50", "0.400", ioc: true);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<ExecutionEvent>();
        await using var reader = venue.Reports.ReadEventsAsync(wait.Token).GetAsyncEnumerator(wait.Token);
        while (await reader.MoveNextAsync())
        {
            events.Add(reader.Current);
            if (reader.Current is ExecutionEvent.OrderReported { Order.State: VenueOrderState.Open } r && r.Order.Filled == Quantity.Parse("0.4")) break;
        }
        var fill = events.OfType<ExecutionEvent.FillReported>().Single().Fill;
        Assert.Equal((accepted.OrderId, intent.ClientOrderId, Quantity.Parse("0.4"), false), (fill.OrderId, fill.ClientOrderId!.Value, fill.Quantity, fill.IsTaker));
        // The fill comes before the order it moved.
        Assert.True(events.FindIndex(e => e is ExecutionEvent.FillReported) < events.FindLastIndex(e => e is ExecutionEvent.OrderReported));
        Assert.Contains(events, e => e is ExecutionEvent.OrderReported { Order: { State: VenueOrderState.Open, Filled.IsZero: true } });

        await h.SetFaultsAsync("""{"ws_disconnect_every_s":1}""");
        while (await reader.MoveNextAsync())
        {
            if (reader.Current is ExecutionEvent.ResyncNeeded resync)
            {
                Assert.Equal("aster", resync.Venue);
                break;
            }
        }
        await h.SetFaultsAsync("""{"ws_disconnect_every_s":0}""");
    }
}
