using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Exchange.Admin;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// A market's life as Kalshi lives it, played against the engine over loopback: a result that is
/// determined, amended and only then paid; a scalar payout; a void; a pause that cancels the
/// orders placed with cancel_order_on_pause and holds exits until trading resumes. In each, the
/// engine's PnL is the venue's own settlement record.
/// </summary>
public sealed class MarketLifecycleStory
{
    private static EntryRequest Buy(InstrumentId instrument, decimal count, string price, string? stop = null, TimeSpan? timeout = null) =>
        new(instrument, PositionSide.Long, Quantity.Of(count), Price.Parse(price), "lifecycle",
            StopLoss: stop is null ? null : Price.Parse(stop), FillTimeout: timeout ?? TimeSpan.FromSeconds(3));

    /// <summary>The engine's closed lot against the venue's settlement record: price PnL and fees, to the cent of a cent.</summary>
    private static async Task AssertBookedAsTheVenueSettledAsync(Trader trader, PositionId lotId, MarketTicker ticker)
    {
        var lot = trader.ClosedLots.Single(l => l.Id == lotId);
        var record = Assert.Single(await trader.Connection.Rest.GetSettlementsAsync(ticker));
        var cost = record.YesTotalCost + record.NoTotalCost;
        var gross = lot.Exits.Aggregate(Money.Zero, (s, e) => s + e.GrossPnl);
        Assert.Equal(record.Revenue - cost, gross);
        Assert.Equal(record.Revenue - cost - (record.FeeCost ?? Money.Zero), lot.RealizedPnl);
        Assert.Equal(ExitKind.Settlement, lot.Exits[^1].Kind);
    }

    [Fact]
    public async Task A_result_determined_then_amended_is_booked_only_when_paid_and_at_the_amended_result()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 10);
        var yes = AcceptanceWorld.Outcome();
        var entry = await trader.Engine.Entries.EnterAsync(Buy(yes, 10, "0.45"), CancellationToken.None);
        Assert.Equal(Quantity.Of(10), entry.Confirmation.Filled);

        await world.Admin.DetermineMarketAsync(AcceptanceWorld.Ticker, "yes");
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.Snapshot().InstrumentStatuses.GetValueOrDefault(yes)?.Phase == InstrumentPhase.Determined),
            "the engine sees the result determined");
        Assert.Contains(trader.Log.Messages, m => m.Contains("determined (venue status determined, pays 1); payout awaited", StringComparison.Ordinal));
        Assert.Single(trader.OpenLots); // nothing booked: Kalshi has not paid
        Assert.Empty(await trader.Connection.Rest.GetSettlementsAsync(AcceptanceWorld.Ticker));

        await world.Admin.DisputeMarketAsync(AcceptanceWorld.Ticker);
        await world.Admin.AmendMarketAsync(AcceptanceWorld.Ticker, "no");
        await Eventually.TrueAsync(() => Task.FromResult(trader.Log.Messages.Any(m => m.Contains("result amended before payout (venue status amended): pays 1 -> 0", StringComparison.Ordinal))),
            "the engine logs the amendment");
        Assert.Single(trader.OpenLots);

        await world.Admin.FinalizeMarketAsync(AcceptanceWorld.Ticker);
        await Eventually.TrueAsync(() => Task.FromResult(trader.ClosedLots.Any(l => l.Id == entry.PositionId)), "the engine books the payout");
        var exit = trader.ClosedLots.Single(l => l.Id == entry.PositionId).Exits.Single();
        Assert.Equal((Price.Zero, Money.Parse("-4.50")), (exit.Price, exit.GrossPnl)); // paid at the amended NO, never at YES
        await AssertBookedAsTheVenueSettledAsync(trader, entry.PositionId, AcceptanceWorld.Ticker);
    }

    [Fact]
    public async Task A_scalar_market_pays_each_outcome_its_share_of_the_value()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        var scalar = new MarketTicker("KXSCALAR-26-S1");
        await world.Admin.CreateMarketAsync(new AdminMarketRequest(scalar, MarketType: "scalar", CloseTime: DateTimeOffset.UtcNow.AddHours(2)));
        await using var trader = await world.StartTraderAsync();
        // A YES bid at 0.40 is a NO offered at 0.60: the engine buys NO.
        await world.Liquidity.Rest.CreateOrderAsync(new KalshiCreateOrder(scalar, BookSide.Bid, Contracts.Of(10), ContractPrice.Parse("0.40"),
            VenueTimeInForce.GoodTillCanceled, new ClientOrderId("liq-scalar")));
        var no = KalshiInstruments.Outcome(scalar, OutcomeSide.No);
        var entry = await trader.Engine.Entries.EnterAsync(Buy(no, 10, "0.60"), CancellationToken.None);
        Assert.Equal(Quantity.Of(10), entry.Confirmation.Filled);

        await world.Admin.SettleMarketAsync(scalar, "scalar", "0.35");
        await Eventually.TrueAsync(() => Task.FromResult(trader.ClosedLots.Any(l => l.Id == entry.PositionId)), "the engine books the scalar payout");
        var exit = trader.ClosedLots.Single(l => l.Id == entry.PositionId).Exits.Single();
        Assert.Equal((Price.Parse("0.65"), Money.Parse("0.50")), (exit.Price, exit.GrossPnl)); // NO pays 1 - 0.35; 10 x (0.65 - 0.60)
        await AssertBookedAsTheVenueSettledAsync(trader, entry.PositionId, scalar);
    }

    [Fact]
    public async Task A_voided_market_refunds_what_each_position_cost()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 4);
        await world.RestAsync(BookSide.Ask, "0.47", 6);
        var entry = await trader.Engine.Entries.EnterAsync(Buy(AcceptanceWorld.Outcome(), 10, "0.47"), CancellationToken.None);
        Assert.Equal(Quantity.Of(10), entry.Confirmation.Filled);

        await world.Admin.SettleMarketAsync(AcceptanceWorld.Ticker, "void");
        await Eventually.TrueAsync(() => Task.FromResult(trader.ClosedLots.Any(l => l.Id == entry.PositionId)), "the engine books the refund");
        var exit = trader.ClosedLots.Single(l => l.Id == entry.PositionId).Exits.Single();
        Assert.Equal((Price.Parse("0.462"), Money.Zero), (exit.Price, exit.GrossPnl)); // (4 x 0.45 + 6 x 0.47) / 10 back per contract
        await AssertBookedAsTheVenueSettledAsync(trader, entry.PositionId, AcceptanceWorld.Ticker);
    }

    [Fact]
    public async Task A_pause_cancels_the_orders_sent_with_cancel_order_on_pause_and_holds_exits_until_trading_resumes()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        trader.Connection.Venue.CancelOrdersOnPause = true;
        var yes = AcceptanceWorld.Outcome();
        await world.RestAsync(BookSide.Ask, "0.45", 10);
        var held = await trader.Engine.Entries.EnterAsync(Buy(yes, 10, "0.45", stop: "0.40"), CancellationToken.None);
        Assert.Equal(Quantity.Of(10), held.Confirmation.Filled);
        var above = await world.RestAsync(BookSide.Bid, "0.42", 10); // above the stop
        await world.RestAsync(BookSide.Bid, "0.38", 10);

        // A bid of ours rests; the pause cancels it (it was sent with cancel_order_on_pause) and the entry ends unfilled.
        var resting = trader.Engine.Entries.EnterAsync(Buy(yes, 5, "0.30", timeout: TimeSpan.FromSeconds(20)), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await world.TraderOnVenueAsync()).RestingOrders == 1, "our bid rests");
        var started = DateTime.UtcNow;
        await world.Admin.PauseMarketAsync(AcceptanceWorld.Ticker);
        var unfilled = await resting;
        Assert.Equal(ConfirmationOutcome.Unfilled, unfilled.Confirmation.Outcome);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "ended by the pause, not by its own timeout");
        Assert.Equal(0, (await world.TraderOnVenueAsync()).RestingOrders);
        Assert.Equal(2, (await world.Liquidity.Rest.GetOrdersAsync()).Count(o => o.Status == KalshiOrderStatus.Resting)); // theirs did not ask to be canceled

        // The engine learns the market is paused; then the best bid falls below the stop (cancels still work in a pause).
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.Snapshot().InstrumentStatuses.GetValueOrDefault(yes)?.Phase == InstrumentPhase.Paused),
            "the engine sees the pause");
        await world.Liquidity.Rest.CancelOrderAsync(above.OrderId);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, trader.Engine.Metrics.Snapshot().ExitOrdersPlaced); // no exit sent into a pause, none refused
        Assert.Equal(Quantity.Of(10), trader.OpenLots.Single().Quantity);

        await world.Admin.ResumeMarketAsync(AcceptanceWorld.Ticker);
        await Eventually.TrueAsync(() => Task.FromResult(trader.ClosedLots.Any(l => l.Id == held.PositionId)), "the stop-loss exits once trading resumes");
        var exit = trader.ClosedLots.Single(l => l.Id == held.PositionId).Exits.Single();
        Assert.Equal((ExitReason.StopLoss, Price.Parse("0.38")), (exit.Reason, exit.Price));
    }
}
