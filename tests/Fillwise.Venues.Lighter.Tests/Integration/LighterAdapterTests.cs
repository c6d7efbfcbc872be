using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter.Tests.Integration;

/// <summary>The engine's four ports on Lighter, against the built-in venue over loopback sockets.</summary>
public sealed class LighterAdapterTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private int _n;

    private OrderIntent Intent(OrderSide side, string quantity, string price, VenueTimeInForce tif = VenueTimeInForce.GoodTillCanceled, bool postOnly = false, bool reduceOnly = false) =>
        new(new ClientOrderId($"fw-1796010843432-8da5b3-g20-{Interlocked.Increment(ref _n)}-{Guid.NewGuid():N}"[..48]), LighterVenueHarness.Zec, side,
            Quantity.Parse(quantity), Price.Parse(price), OrderPurpose.Entry, "test", Created, tif, reduceOnly, postOnly);

    [Fact]
    public async Task The_adapter_is_a_venue_connection_with_lighters_instrument_status_and_hourly_funding()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync();
        await using var _ = c;
        var venue = VenueConnection.Of(c.Venue);
        Assert.Equal("lighter", venue.Name);
        var zec = (await venue.Instruments.GetInstrumentAsync(InstrumentId.Parse("lighter:ZEC"), Ct))!;
        Assert.Equal((InstrumentKind.Perpetual, "ZEC", "USDC"), (zec.Kind, zec.Market, zec.QuoteCurrency));
        Assert.Equal((Price.Parse("0.001"), Quantity.Parse("0.001"), Quantity.Parse("0.05"), Money.Parse("10")), (zec.PriceBands[0].Tick, zec.Step, zec.MinQuantity, zec.MinNotional));
        Assert.False(zec.ReduceOnlyWaivesMinimums);
        Assert.Equal("513.710", zec.FormatPrice(Price.Parse("513.71")));
        Assert.Null(await venue.Instruments.GetInstrumentAsync(InstrumentId.Parse("lighter:NOPE"), Ct));
        Assert.True((await venue.Instruments.GetStatusAsync(LighterVenueHarness.Zec, Ct))!.IsOpen);
        var funding = await venue.MarketData.GetFundingAsync(LighterVenueHarness.Zec, Ct);
        Assert.Equal((0.000012m, TimeSpan.FromHours(1), Price.Parse("514")), (funding.Rate, funding.Interval, funding.MarkPrice!.Value));
        Assert.Equal(Money.Parse("10000"), (await venue.Reports.GetAccountAsync(Ct)).Balance);
    }

    [Fact]
    public async Task An_entry_rests_fills_in_parts_reports_its_fills_on_the_stream_and_cancels_with_the_position_signed_as_the_venue_holds_it()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (makerId, c) = await h.NewConnectionAsync();
        await using var _ = c;
        var (takerId, _) = await h.NewAccountAsync();
        var venue = c.Connection;
        var intent = Intent(OrderSide.Sell, "2.332", "514.440");
        var accepted = Assert.IsType<SubmitOutcome.Accepted>(await venue.Execution.SubmitAsync(intent, Ct));
        Assert.Equal((Quantity.Zero, Quantity.Parse("2.332")), (accepted.Filled, accepted.Remaining));

        await h.AdminOrderAsync(takerId, "buy", "514.440", "0.700", ioc: true);
        await h.AdminOrderAsync(takerId, "buy", "514.440", "0.930", ioc: true);
        var reference = new OrderRef(LighterVenueHarness.Zec, intent.ClientOrderId, accepted.OrderId);
        var report = await LighterVenueHarness.Eventually(() => venue.Reports.GetOrderAsync(reference, Ct), r => r.Filled == Quantity.Parse("1.63"));
        Assert.Equal((VenueOrderState.Open, intent.ClientOrderId, Quantity.Parse("0.702")), (report.State, report.ClientOrderId!.Value, report.Remaining));
        var fills = await venue.Reports.GetFillsAsync(reference, Ct);
        Assert.Equal(2, fills.Count);
        Assert.All(fills, f => Assert.Equal((accepted.OrderId, intent.ClientOrderId, false, OrderSide.Sell), (f.OrderId, f.ClientOrderId!.Value, f.IsTaker, f.Side)));

        var streamed = new List<ExecutionEvent>();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await foreach (var e in venue.Reports.ReadEventsAsync(wait.Token))
            {
                streamed.Add(e);
                if (streamed.OfType<ExecutionEvent.FillReported>().Count() == 2) break;
            }
        }
        Assert.Equal(fills.Select(f => f.TradeId), streamed.OfType<ExecutionEvent.FillReported>().Select(f => f.Fill.TradeId));
        Assert.Contains(streamed, e => e is ExecutionEvent.OrderReported { Order.State: VenueOrderState.Open } o && o.Order.Filled == Quantity.Parse("0.7"));

        var canceled = Assert.IsType<CancelOutcome.Canceled>(await venue.Execution.CancelAsync(reference, Ct));
        Assert.Equal(Quantity.Parse("0.702"), canceled.ReducedBy);
        Assert.IsType<CancelOutcome.NotFound>(await venue.Execution.CancelAsync(reference, Ct));
        Assert.Empty(await venue.Reports.GetOpenOrdersAsync(Ct));

        var position = Assert.Single(await venue.Reports.GetPositionsAsync(Ct));
        var fees = fills.Aggregate(Money.Zero, (s, f) => s + f.Commission);
        Assert.Equal(new PositionReport(LighterVenueHarness.Zec, PositionSide.Short, Quantity.Parse("1.63"), Price.Parse("514.44"), Money.Zero, fees), position);
        Assert.Equal(fills.Select(f => f.TradeId), (await venue.Reports.GetFillsSinceAsync(Created, Ct)).Select(f => f.TradeId));
        Assert.Equal("-1.63", (await h.AccountAsync(makerId)).GetProperty("positions")[0].GetProperty("quantity").GetString());
    }

    [Fact]
    public async Task A_crossing_post_only_is_refused_as_a_re_price_below_minimum_is_refused_21706_and_a_market_style_ioc_takes_the_book()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync();
        await using var _ = c;
        var (makerId, _) = await h.NewAccountAsync();
        await h.AdminOrderAsync(makerId, "sell", "513.753", "1");
        await h.AdminOrderAsync(makerId, "sell", "513.800", "1");
        var venue = c.Connection.Execution;

        var cross = Assert.IsType<SubmitOutcome.Rejected>(await venue.SubmitAsync(Intent(OrderSide.Buy, "2.311", "513.760", postOnly: true), Ct));
        Assert.Equal((RejectionReason.PostOnlyWouldCross, "canceled-post-only"), (cross.Rejection.Reason, cross.Rejection.VenueCode));
        Assert.IsType<SubmitOutcome.Accepted>(await venue.SubmitAsync(Intent(OrderSide.Buy, "2.311", "513.700", postOnly: true), Ct));

        var dust = Assert.IsType<SubmitOutcome.Rejected>(await venue.SubmitAsync(Intent(OrderSide.Sell, "0.021", "513.647"), Ct));
        Assert.Equal((RejectionReason.BelowMinimumSize, "21706"), (dust.Rejection.Reason, dust.Rejection.VenueCode));
        var cheap = Assert.IsType<SubmitOutcome.Rejected>(await venue.SubmitAsync(Intent(OrderSide.Buy, "0.050", "150.000"), Ct));
        Assert.Equal((RejectionReason.BelowMinimumNotional, "21706"), (cheap.Rejection.Reason, cheap.Rejection.VenueCode));
        var offGrid = Assert.IsType<SubmitOutcome.Rejected>(await venue.SubmitAsync(Intent(OrderSide.Buy, "0.0505", "500.000"), Ct));
        Assert.Equal(RejectionReason.InvalidQuantity, offGrid.Rejection.Reason);

        // IOC through both levels up to a worst price: what is there fills, the rest is canceled by the venue.
        var take = Assert.IsType<SubmitOutcome.Accepted>(await venue.SubmitAsync(Intent(OrderSide.Buy, "3.000", "513.800", VenueTimeInForce.ImmediateOrCancel), Ct));
        Assert.Equal((Quantity.Parse("2"), Quantity.Parse("1")), (take.Filled, take.Remaining));
        var report = await c.Connection.Reports.GetOrderAsync(new OrderRef(LighterVenueHarness.Zec, new ClientOrderId("x"), take.OrderId), Ct);
        Assert.Equal(VenueOrderState.Expired, report.State);
    }

    [Fact]
    public async Task A_watched_book_follows_the_venue_through_updates_and_a_cut_and_public_trades_name_the_taker()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync();
        await using var _ = c;
        var (makerId, _) = await h.NewAccountAsync();
        var (takerId, _) = await h.NewAccountAsync();
        var data = c.Connection.MarketData;
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var trades = data.ReadTradesAsync(reading.Token).GetAsyncEnumerator(reading.Token);
        var next = trades.MoveNextAsync();
        await data.WatchAsync(LighterVenueHarness.Zec, Ct);
        await h.AdminOrderAsync(makerId, "buy", "513.900", "1.500");
        var ask = await h.AdminOrderAsync(makerId, "sell", "514.100", "2.000");
        await LighterVenueHarness.WaitUntil(() => data.GetQuote(LighterVenueHarness.Zec) is { BestBid: not null, BestAsk: not null, IsStale: false });
        var quote = data.GetQuote(LighterVenueHarness.Zec)!;
        Assert.Equal((Price.Parse("513.9"), Quantity.Parse("1.5"), Price.Parse("514.1"), Quantity.Parse("2")), (quote.BestBid!.Value, quote.BidSize!.Value, quote.BestAsk!.Value, quote.AskSize!.Value));

        // A taker buys 0.5 of the ask: the book shrinks by an update, and the tape says a buyer took it.
        await h.AdminOrderAsync(takerId, "buy", "514.100", "0.500", ioc: true);
        await LighterVenueHarness.WaitUntil(() => data.GetQuote(LighterVenueHarness.Zec)?.AskSize == Quantity.Parse("1.5"));
        Assert.True(await next);
        Assert.Equal((OrderSide.Buy, Price.Parse("514.1"), Quantity.Parse("0.5")), (trades.Current.AggressorSide, trades.Current.Price, trades.Current.Quantity));
        var book = c.Stream.Book((await c.Client.MarketData.MarketAsync(LighterVenueHarness.Symbol, Ct))!.MarketIndex)!;
        Assert.True(book.Read(b => b.Applied) >= 1);

        // Cut: the reconnect subscribes again, and its fresh snapshot (or the updates after it) has what changed meanwhile.
        await h.SetFaultsAsync("""{"ws_disconnect_every_s":1}""");
        await LighterVenueHarness.WaitUntil(() => c.Stream.Connections >= 2, seconds: 15);
        await h.SetFaultsAsync("{}");
        var id = ask.GetProperty("order_id").ToString();
        (await h.Http.DeleteAsync($"{h.Server.LighterAdminUrl}/accounts/{makerId}/orders/{id}")).EnsureSuccessStatusCode();
        await LighterVenueHarness.WaitUntil(() => data.GetQuote(LighterVenueHarness.Zec) is { BestAsk: null, IsStale: false }, seconds: 15);
        Assert.Equal(Price.Parse("513.9"), data.GetQuote(LighterVenueHarness.Zec)!.BestBid!.Value);
        await trades.DisposeAsync();
    }

    [Fact]
    public async Task A_create_accepted_but_not_executed_in_time_is_unknown_and_resolves_by_its_client_order_index()
    {
        await using var h = await LighterVenueHarness.StartAsync();
        var (_, c) = await h.NewConnectionAsync(tweak: o => o with { ExecutionWait = TimeSpan.FromMilliseconds(200) });
        await using var _ = c;
        var venue = c.Connection;
        var never = Intent(OrderSide.Buy, "0.100", "500.000");
        Assert.IsType<ResolveOutcome.NotFound>(await venue.Reports.ResolveAsync(LighterVenueHarness.Zec, never.ClientOrderId, Ct));

        h.Server.Lighter.HoldExecution();
        var intent = Intent(OrderSide.Buy, "0.100", "500.000");
        var unknown = Assert.IsType<SubmitOutcome.Unknown>(await venue.Execution.SubmitAsync(intent, Ct));
        Assert.Contains("not executed within", unknown.Reason, StringComparison.Ordinal);
        // Its nonce is used: accepted and pending, so not "never there" (a resend would be a second order).
        Assert.IsType<ResolveOutcome.Unknown>(await venue.Reports.ResolveAsync(LighterVenueHarness.Zec, intent.ClientOrderId, Ct));

        h.Server.Lighter.ReleaseExecution();
        var found = await LighterVenueHarness.Eventually(() => venue.Reports.ResolveAsync(LighterVenueHarness.Zec, intent.ClientOrderId, Ct), r => r is ResolveOutcome.Found);
        var order = ((ResolveOutcome.Found)found).Order;
        Assert.Equal((VenueOrderState.Open, intent.ClientOrderId), (order.State, order.ClientOrderId!.Value));
        // The same intent sent again is the venue's duplicate: no second order.
        var again = Assert.IsType<SubmitOutcome.Rejected>(await venue.Execution.SubmitAsync(intent, Ct));
        Assert.Equal(RejectionReason.DuplicateClientOrderId, again.Rejection.Reason);
        Assert.Single(await venue.Reports.GetOpenOrdersAsync(Ct));
    }
}
