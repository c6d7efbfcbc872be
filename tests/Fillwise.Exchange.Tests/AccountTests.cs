using Fillwise.Domain.Fees;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Tests;

public sealed class AccountTests
{
    [Theory]
    [InlineData(0.52, 0.0175)]
    [InlineData(0.99, 0.0007)]
    public void Taker_fee_for_one_contract_matches_kalshi(decimal price, decimal fee)
    {
        var h = new ExchangeHarness();
        var maker = h.User();
        var taker = h.User();
        h.Ask(maker, price, 1);
        var result = h.Bid(taker, 0.99m, 1, VenueTimeInForce.ImmediateOrCancel);
        var fill = Assert.Single(result.Fills);
        Assert.Equal(fee, fill.Fee.Dollars);
        Assert.Equal(fee, result.Order!.TakerFees.Dollars);
        Assert.Equal(1000m - price - fee, h.Balance(taker));
        Assert.Equal(fee, h.Position(taker)!.FeesPaid.Dollars);
        Assert.Equal(0m, h.Position(maker)!.FeesPaid.Dollars);
    }

    [Fact]
    public void Maker_pays_maker_fee_on_maker_fee_series()
    {
        var h = new ExchangeHarness(KalshiFeeType.QuadraticWithMakerFees);
        var maker = h.User();
        var taker = h.User();
        h.Ask(maker, 0.40m, 10);
        h.Bid(taker, 0.40m, 10);
        // 0.0175 x 10 x 0.4 x 0.6 = 0.042
        Assert.Equal(0.042m, h.Exchange.GetFills(maker).Single().Fee.Dollars);
        Assert.Equal(1000m - 6m - 0.042m, h.Balance(maker));
    }

    [Fact]
    public void Selling_a_position_nets_out_and_books_realized_pnl_without_fees()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var other = h.User();
        h.Ask(other, 0.40m, 10);
        h.Bid(user, 0.40m, 10);                 // long 10 YES at 0.40, fee 0.168
        var exit = h.Ask(user, 0.55m, 10);      // sell YES at 0.55: no collateral needed
        Assert.True(exit.IsSuccess);
        Assert.Equal(0m, h.Held(user));
        h.Bid(other, 0.55m, 10);                // other closes its NO too
        var position = h.Position(user)!;
        Assert.Equal(0m, position.Position);
        Assert.Equal(1.50m, position.RealizedPnl.Dollars);
        Assert.Equal(0.168m, position.FeesPaid.Dollars);
        Assert.Equal(0m, position.MarketExposure.Dollars);
        Assert.Equal(1000m + 1.50m - 0.168m, h.Balance(user));
        Assert.Equal(0m, h.Exchange.GetMarket(ExchangeHarness.Ticker)!.OpenInterest.Value);
    }

    [Fact]
    public void Partial_exits_book_average_cost_pnl()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var other = h.User();
        h.Ask(other, 0.40m, 5);
        h.Ask(other, 0.50m, 5);
        h.Bid(user, 0.50m, 10);                 // 10 YES, cost 4.50, average 0.45
        h.Bid(other, 0.10m, 1);
        h.Ask(user, 0.60m, 4, VenueTimeInForce.ImmediateOrCancel); // nothing to hit at 0.60
        h.Bid(other, 0.60m, 4);
        h.Ask(user, 0.60m, 4, VenueTimeInForce.ImmediateOrCancel);
        var position = h.Position(user)!;
        Assert.Equal(6m, position.Position);
        Assert.Equal(4m * (0.60m - 0.45m), position.RealizedPnl.Dollars);
        Assert.Equal(2.70m, position.MarketExposure.Dollars);
    }

    [Fact]
    public void Buying_no_while_long_yes_without_enough_cash_is_allowed_for_the_reducing_part()
    {
        var h = new ExchangeHarness();
        var user = h.User(5m);
        var other = h.User();
        h.Ask(other, 0.40m, 10);
        h.Bid(user, 0.40m, 10);                 // 0.832 left
        Assert.True(h.Ask(user, 0.70m, 10).IsSuccess);
        Assert.Equal(0m, h.Held(user));
        // Anything beyond the position needs cash: 1 more NO at 0.30 does not fit 0.832? it does; 5 do not.
        Assert.Equal("insufficient_balance", h.Ask(user, 0.70m, 5).Error!.Code);
    }

    [Fact]
    public void Reduce_only_is_capped_at_the_position_and_refused_without_one()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var other = h.User();
        Assert.Equal("invalid_order", h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Ask, 0.50m, 1, reduceOnly: true)).Error!.Code);
        h.Ask(other, 0.40m, 10);
        h.Bid(user, 0.40m, 10);
        var capped = h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Ask, 0.60m, 15, reduceOnly: true));
        Assert.True(capped.IsSuccess);
        Assert.Equal(10m, capped.Order!.InitialCount.Value);
        Assert.Equal("invalid_order", h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.30m, 1, reduceOnly: true)).Error!.Code);
    }

    [Fact]
    public void Settlement_pays_winners_records_settlements_and_cancels_orders()
    {
        var h = new ExchangeHarness();
        var yes = h.User();
        var no = h.User();
        h.Ask(no, 0.40m, 10);
        h.Bid(yes, 0.40m, 10);
        h.Bid(yes, 0.20m, 5);
        Assert.Null(h.Exchange.SettleMarket(ExchangeHarness.Ticker, OutcomeSide.Yes));

        Assert.Equal(1000m - 4m - 0.168m + 10m, h.Balance(yes));
        Assert.Equal(994m, h.Balance(no));
        Assert.Equal(0m, h.Held(yes));
        var settlement = Assert.Single(h.Exchange.GetSettlements(yes));
        Assert.Equal((MarketResult.Yes, 10m, 0m, 4m, 10m), (settlement.Result, settlement.YesCount.Value, settlement.NoCount.Value, settlement.YesTotalCost.Dollars, settlement.Revenue.Dollars));
        Assert.Equal(0.168m, settlement.FeeCost.Dollars);
        Assert.Equal(6m, h.Position(yes)!.RealizedPnl.Dollars);
        Assert.Equal(-6m, h.Position(no)!.RealizedPnl.Dollars);
        Assert.Equal(0m, h.Position(yes)!.Position);
        Assert.Equal(MarketStatus.Finalized, h.Exchange.GetMarket(ExchangeHarness.Ticker)!.Status);
        Assert.Contains(h.Events.Lifecycle, e => e.Kind == MarketLifecycleKind.Settled && e.Market.Result == MarketResult.Yes);
        Assert.Equal("bad_request", h.Exchange.SettleMarket(ExchangeHarness.Ticker, OutcomeSide.No)!.Code);
    }

    [Fact]
    public void After_close_every_order_operation_is_market_inactive()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var order = h.Bid(user, 0.30m, 1).Order!;
        Assert.Null(h.Exchange.CloseMarket(ExchangeHarness.Ticker));
        Assert.Equal(1000m, h.Balance(user));
        Assert.Equal(VenueOrderStatus.Canceled, h.Exchange.GetOrder(user, order.OrderId)!.Status);
        var place = h.Bid(user, 0.30m, 1);
        Assert.Equal((400, "MARKET_INACTIVE"), (place.Error!.HttpStatus, place.Error.Code));
        Assert.Equal("MARKET_INACTIVE", h.Exchange.CancelOrder(user, order.OrderId).Error!.Code);
        Assert.Equal("MARKET_INACTIVE", h.Exchange.AmendOrder(user, order.OrderId, ContractPrice.FromDollars(0.2m), Contracts.Of(1), null).Error!.Code);
        Assert.Equal("MARKET_INACTIVE", h.Exchange.DecreaseOrder(user, order.OrderId, Contracts.Of(1), null).Error!.Code);
    }

    [Fact]
    public void Clock_closes_markets_past_close_time_and_expires_orders()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var expiring = h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.30m, 2, expiration: h.Clock.GetUtcNow().AddSeconds(10))).Order!;
        var forever = h.Bid(user, 0.20m, 1).Order!;
        h.Clock.Advance(TimeSpan.FromSeconds(11));
        h.Exchange.OnClockTick();
        Assert.Equal(VenueOrderStatus.Canceled, h.Exchange.GetOrder(user, expiring.OrderId)!.Status);
        Assert.Equal(VenueOrderStatus.Resting, h.Exchange.GetOrder(user, forever.OrderId)!.Status);

        h.Clock.Advance(TimeSpan.FromHours(1));
        h.Exchange.OnClockTick();
        Assert.Equal(MarketStatus.Closed, h.Exchange.GetMarket(ExchangeHarness.Ticker)!.Status);
        Assert.Equal(VenueOrderStatus.Canceled, h.Exchange.GetOrder(user, forever.OrderId)!.Status);
        // A scheduled close is no event at Kalshi ("deactivated" means a pause there).
        Assert.DoesNotContain(h.Events.Lifecycle, e => e.Kind is MarketLifecycleKind.Deactivated or MarketLifecycleKind.CloseDateUpdated);
        Assert.Equal(1000m, h.Balance(user));
    }

    [Fact]
    public void Expiration_is_only_for_gtc_and_must_be_in_the_future()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var ioc = h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.30m, 1, VenueTimeInForce.ImmediateOrCancel, expiration: h.Clock.GetUtcNow().AddSeconds(5)));
        Assert.Equal((400, "invalid_order"), (ioc.Error!.HttpStatus, ioc.Error.Code));
        var past = h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.30m, 1, expiration: h.Clock.GetUtcNow().AddSeconds(-5)));
        Assert.Equal("invalid_order", past.Error!.Code);
    }

    [Fact]
    public void Order_group_limit_cancels_and_blocks_until_reset()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var other = h.User();
        var group = h.Exchange.CreateOrderGroup(user, Contracts.Of(5));
        var a = h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.40m, 10, group: group)).Order!;
        var b = h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.30m, 10, group: group)).Order!;
        Assert.Equal(2, h.Exchange.GetOrderGroup(user, group)!.OrderIds.Count);
        h.Ask(other, 0.40m, 3, VenueTimeInForce.ImmediateOrCancel);
        Assert.False(h.Exchange.GetOrderGroup(user, group)!.IsTriggered);
        // Reaching the limit is allowed; exceeding it triggers (Kalshi: "exceeding the limit cancels").
        h.Ask(other, 0.40m, 2, VenueTimeInForce.ImmediateOrCancel);
        Assert.False(h.Exchange.GetOrderGroup(user, group)!.IsTriggered);
        h.Ask(other, 0.40m, 0.01m, VenueTimeInForce.ImmediateOrCancel);
        Assert.True(h.Exchange.GetOrderGroup(user, group)!.IsTriggered);
        Assert.Equal([OrderGroupEventKind.Created, OrderGroupEventKind.Triggered], h.Events.Groups.Select(g => g.Kind));
        Assert.Equal(VenueOrderStatus.Canceled, h.Exchange.GetOrder(user, a.OrderId)!.Status);
        Assert.Equal(VenueOrderStatus.Canceled, h.Exchange.GetOrder(user, b.OrderId)!.Status);
        Assert.Equal("invalid_order", h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.30m, 1, group: group)).Error!.Code);
        Assert.Null(h.Exchange.ResetOrderGroup(user, group));
        Assert.True(h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.30m, 1, group: group)).IsSuccess);
        Assert.Equal(404, h.Exchange.ResetOrderGroup(other, group)!.HttpStatus);
    }

    [Fact]
    public void Order_group_window_rolls_after_fifteen_seconds()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var other = h.User();
        var group = h.Exchange.CreateOrderGroup(user, Contracts.Of(5));
        h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.40m, 10, group: group));
        h.Ask(other, 0.40m, 4, VenueTimeInForce.ImmediateOrCancel);
        h.Clock.Advance(TimeSpan.FromSeconds(16));
        h.Ask(other, 0.40m, 4, VenueTimeInForce.ImmediateOrCancel);
        Assert.False(h.Exchange.GetOrderGroup(user, group)!.IsTriggered);
        Assert.Null(h.Exchange.TriggerOrderGroup(user, group));
        Assert.Empty(h.Exchange.GetOrderGroup(user, group)!.OrderIds);
    }

    [Fact]
    public void Amend_size_decrease_keeps_priority_and_price_change_loses_it()
    {
        var h = new ExchangeHarness();
        var first = h.User();
        var second = h.User();
        var taker = h.User();
        var a = h.Bid(first, 0.40m, 5).Order!;
        h.Bid(second, 0.40m, 5);
        var amended = h.Exchange.AmendOrder(first, a.OrderId, ContractPrice.FromDollars(0.40m), Contracts.Of(3), "renamed");
        Assert.True(amended.IsSuccess);
        Assert.Equal((3m, "renamed"), (amended.Order!.RemainingCount.Value, amended.Order.ClientOrderId));
        Assert.Equal(1.20m, h.Held(first));
        h.Ask(taker, 0.40m, 1, VenueTimeInForce.ImmediateOrCancel);
        Assert.Single(h.Exchange.GetFills(first));

        // Re-price away and back: now behind the second user.
        h.Exchange.AmendOrder(first, a.OrderId, ContractPrice.FromDollars(0.39m), Contracts.Of(3), null);
        h.Exchange.AmendOrder(first, a.OrderId, ContractPrice.FromDollars(0.40m), Contracts.Of(3), null);
        h.Ask(taker, 0.40m, 1, VenueTimeInForce.ImmediateOrCancel);
        Assert.Single(h.Exchange.GetFills(second));
        Assert.Equal(2m, h.Exchange.GetOrder(first, a.OrderId)!.RemainingCount.Value);
    }

    [Fact]
    public void Amend_to_a_crossing_price_matches()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var maker = h.User();
        h.Ask(maker, 0.45m, 2);
        var order = h.Bid(user, 0.40m, 5).Order!;
        var amended = h.Exchange.AmendOrder(user, order.OrderId, ContractPrice.FromDollars(0.45m), Contracts.Of(5), null);
        Assert.Equal(2m, Assert.Single(amended.Fills).Count.Value);
        Assert.Equal((2m, 3m, VenueOrderStatus.Resting), (amended.Order!.FillCount.Value, amended.Order.RemainingCount.Value, amended.Order.Status));
        Assert.Equal(1.35m, h.Held(user));
        Assert.Equal("invalid_order", h.Exchange.AmendOrder(user, order.OrderId, ContractPrice.FromDollars(0.45m), Contracts.Of(2), null).Error!.Code);
    }

    [Fact]
    public void Decrease_by_and_to()
    {
        var h = new ExchangeHarness();
        var user = h.User();
        var order = h.Bid(user, 0.40m, 10).Order!;
        Assert.Equal("bad_request", h.Exchange.DecreaseOrder(user, order.OrderId, null, null).Error!.Code);
        Assert.Equal("bad_request", h.Exchange.DecreaseOrder(user, order.OrderId, Contracts.Of(1), Contracts.Of(1)).Error!.Code);
        var by = h.Exchange.DecreaseOrder(user, order.OrderId, Contracts.Of(3), null);
        Assert.Equal((3m, 7m), (by.ReducedBy.Value, by.Order!.RemainingCount.Value));
        var to = h.Exchange.DecreaseOrder(user, order.OrderId, null, Contracts.Of(2));
        Assert.Equal((5m, 2m), (to.ReducedBy.Value, to.Order!.RemainingCount.Value));
        Assert.Equal(0.80m, h.Held(user));
        var all = h.Exchange.DecreaseOrder(user, order.OrderId, Contracts.Of(5), null);
        Assert.Equal((2m, VenueOrderStatus.Canceled), (all.ReducedBy.Value, all.Order!.Status));
        Assert.Equal(1000m, h.Balance(user));
    }

    [Fact]
    public void Sub_cent_grid_and_fractional_counts()
    {
        var h = new ExchangeHarness(grid: PriceLevelStructure.DeciCent);
        var maker = h.User();
        var taker = h.User();
        h.Ask(maker, 0.432m, 1.5m);
        var result = h.Bid(taker, 0.432m, 2.25m);
        Assert.Equal((0.432m, 1.5m), (result.Fills[0].YesPrice.Dollars, result.Fills[0].Count.Value));
        Assert.Equal(0.75m, result.Order!.RemainingCount.Value);
    }
}
