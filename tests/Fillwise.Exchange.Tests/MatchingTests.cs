using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Tests;

public sealed class MatchingTests
{
    private readonly ExchangeHarness _h = new();

    [Fact]
    public void Bid_crossing_a_no_bid_executes_at_the_resting_price()
    {
        var maker = _h.User();
        var taker = _h.User();
        Assert.True(_h.Ask(maker, 0.40m, 10).IsSuccess);
        var result = _h.Bid(taker, 0.45m, 10);

        Assert.True(result.IsSuccess);
        var fill = Assert.Single(result.Fills);
        Assert.Equal(0.40m, fill.YesPrice.Dollars);
        Assert.Equal(10m, fill.Count.Value);
        Assert.True(fill.IsTaker);
        Assert.Equal(VenueOrderStatus.Executed, result.Order!.Status);
        // Taker paid 10 x 0.40 + fee ceil(0.07 x 10 x 0.4 x 0.6) = 0.1680.
        Assert.Equal(1000m - 4.00m - 0.168m, _h.Balance(taker));
        // Maker bought NO at 0.60 and pays no fee on a plain quadratic series.
        Assert.Equal(1000m - 6.00m, _h.Balance(maker));
        Assert.Equal(10m, _h.Position(taker)!.Position);
        Assert.Equal(-10m, _h.Position(maker)!.Position);
        Assert.Equal(0m, _h.Held(maker));
    }

    [Fact]
    public void Orders_that_do_not_cross_rest_on_their_own_leg()
    {
        var a = _h.User();
        var b = _h.User();
        _h.Bid(a, 0.45m, 5);
        _h.Ask(b, 0.50m, 7);
        var book = _h.Exchange.GetBook(ExchangeHarness.Ticker)!;
        Assert.Equal(new BookLevel(ContractPrice.FromDollars(0.45m), Contracts.Of(5)), Assert.Single(book.YesBids));
        Assert.Equal(new BookLevel(ContractPrice.FromDollars(0.50m), Contracts.Of(7)), Assert.Single(book.NoBids));
        var market = _h.Exchange.GetMarket(ExchangeHarness.Ticker)!;
        Assert.Equal(0.45m, market.YesBid!.Value.Dollars);
        Assert.Equal(0.50m, market.YesAsk!.Value.Dollars);
        Assert.Equal(2.25m, _h.Held(a));
        Assert.Equal(3.50m, _h.Held(b));
    }

    [Fact]
    public void Partial_fills_walk_levels_best_first_then_time_priority()
    {
        var m1 = _h.User();
        var m2 = _h.User();
        var taker = _h.User();
        _h.Ask(m1, 0.42m, 3);
        _h.Ask(m2, 0.40m, 2);
        _h.Ask(m2, 0.42m, 4);
        var result = _h.Bid(taker, 0.42m, 8);

        Assert.Equal([(0.40m, 2m), (0.42m, 3m), (0.42m, 3m)], result.Fills.Select(f => (f.YesPrice.Dollars, f.Count.Value)).ToArray());
        Assert.Equal(m2, _h.Exchange.GetFills(m2).Last().UserId);
        var book = _h.Exchange.GetBook(ExchangeHarness.Ticker)!;
        Assert.Equal(1m, Assert.Single(book.NoBids).Count.Value);
        Assert.Empty(book.YesBids);
        Assert.Equal(VenueOrderStatus.Executed, result.Order!.Status);
    }

    [Fact]
    public void Gtc_remainder_rests_after_a_partial_fill()
    {
        var maker = _h.User();
        var taker = _h.User();
        _h.Ask(maker, 0.40m, 3);
        var result = _h.Bid(taker, 0.41m, 5);
        Assert.Equal(VenueOrderStatus.Resting, result.Order!.Status);
        Assert.Equal(3m, result.Order.FillCount.Value);
        Assert.Equal(2m, result.Order.RemainingCount.Value);
        Assert.Equal(0.41m, _h.Exchange.GetMarket(ExchangeHarness.Ticker)!.YesBid!.Value.Dollars);
        Assert.Equal(0.82m, _h.Held(taker));
    }

    [Fact]
    public void Ioc_cancels_the_remainder()
    {
        var maker = _h.User();
        var taker = _h.User();
        _h.Ask(maker, 0.40m, 3);
        var result = _h.Bid(taker, 0.41m, 5, VenueTimeInForce.ImmediateOrCancel);
        Assert.Equal(VenueOrderStatus.Canceled, result.Order!.Status);
        Assert.Equal(3m, result.Order.FillCount.Value);
        Assert.Equal(0m, result.Order.RemainingCount.Value);
        Assert.Empty(_h.Exchange.GetBook(ExchangeHarness.Ticker)!.YesBids);
        Assert.Equal(0m, _h.Held(taker));
    }

    [Fact]
    public void Fok_that_cannot_fill_completely_changes_nothing()
    {
        var maker = _h.User();
        var taker = _h.User();
        _h.Ask(maker, 0.40m, 3);
        var before = _h.Balance(taker);
        var result = _h.Bid(taker, 0.41m, 5, VenueTimeInForce.FillOrKill);
        Assert.True(result.IsSuccess);
        Assert.Empty(result.Fills);
        Assert.Equal(VenueOrderStatus.Canceled, result.Order!.Status);
        Assert.Equal(0m, result.Order.FillCount.Value);
        Assert.Equal(before, _h.Balance(taker));
        Assert.Equal(3m, _h.Exchange.GetBook(ExchangeHarness.Ticker)!.NoBids.Single().Count.Value);
    }

    [Fact]
    public void Fok_that_can_fill_fills_everything()
    {
        var maker = _h.User();
        var taker = _h.User();
        _h.Ask(maker, 0.40m, 3);
        _h.Ask(maker, 0.41m, 3);
        var result = _h.Bid(taker, 0.41m, 5, VenueTimeInForce.FillOrKill);
        Assert.Equal(VenueOrderStatus.Executed, result.Order!.Status);
        Assert.Equal(5m, result.Fills.Sum(f => f.Count.Value));
    }

    [Fact]
    public void Post_only_that_would_cross_is_refused_and_nothing_changes()
    {
        var maker = _h.User();
        var user = _h.User();
        _h.Ask(maker, 0.40m, 3);
        var result = _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.40m, 1, postOnly: true, clientId: "p1"));
        Assert.False(result.IsSuccess);
        Assert.Equal(400, result.Error!.HttpStatus);
        Assert.Equal("invalid_order", result.Error.Code);
        Assert.Equal("post only cross", result.Error.Details);
        Assert.Equal(1000m, _h.Balance(user));
        Assert.Empty(_h.Exchange.GetOrders(user, new OrderQuery()));
        // The client id was not consumed by a refused order.
        Assert.True(_h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.39m, 1, postOnly: true, clientId: "p1")).IsSuccess);
    }

    [Fact]
    public void Self_cross_under_taker_at_cross_fills_nothing_and_leaves_the_resting_order()
    {
        var user = _h.User();
        var resting = _h.Ask(user, 0.40m, 3).Order!;
        var result = _h.Bid(user, 0.45m, 2);
        Assert.True(result.IsSuccess);
        Assert.Equal(0m, result.Order!.FillCount.Value);
        Assert.Equal(0m, result.Order.RemainingCount.Value);
        Assert.Equal(VenueOrderStatus.Canceled, result.Order.Status);
        Assert.Equal(VenueOrderStatus.Resting, _h.Exchange.GetOrder(user, resting.OrderId)!.Status);
        Assert.Equal(0.60m * 3, _h.Held(user));
    }

    [Fact]
    public void Self_trade_prevention_maker_cancels_own_resting_order_and_keeps_matching()
    {
        var user = _h.User();
        var other = _h.User();
        var own = _h.Ask(user, 0.40m, 3).Order!;
        _h.Ask(other, 0.41m, 2);
        var result = _h.Bid(user, 0.45m, 2, stp: SelfTradePrevention.Maker);
        Assert.Equal(VenueOrderStatus.Canceled, _h.Exchange.GetOrder(user, own.OrderId)!.Status);
        var fill = Assert.Single(result.Fills);
        Assert.Equal(0.41m, fill.YesPrice.Dollars);
        Assert.Equal(VenueOrderStatus.Executed, result.Order!.Status);
    }

    [Fact]
    public void Unknown_ticker_off_grid_price_zero_count_and_duplicate_client_id_are_refused()
    {
        var user = _h.User();
        var unknown = _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.40m, 1, ticker: new MarketTicker("NOPE")));
        Assert.Equal((404, "not_found"), (unknown.Error!.HttpStatus, unknown.Error.Code));

        var offGrid = _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.405m, 1));
        Assert.Equal((400, "invalid_price"), (offGrid.Error!.HttpStatus, offGrid.Error.Code));

        var zero = _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.40m, 0));
        Assert.Equal((400, "invalid_order"), (zero.Error!.HttpStatus, zero.Error.Code));

        var first = _h.Bid(user, 0.30m, 1, clientId: "c-1");
        Assert.True(first.IsSuccess);
        Assert.True(_h.Exchange.CancelOrder(user, first.Order!.OrderId).IsSuccess);
        var duplicate = _h.Bid(user, 0.31m, 1, clientId: "c-1");
        Assert.Equal((409, "order_already_exists"), (duplicate.Error!.HttpStatus, duplicate.Error.Code));
        Assert.Equal(1000m, _h.Balance(user));
    }

    [Fact]
    public void Insufficient_balance_is_refused_without_changes()
    {
        var user = _h.User(5m);
        var result = _h.Bid(user, 0.50m, 10);
        Assert.Equal((400, "insufficient_balance"), (result.Error!.HttpStatus, result.Error.Code));
        Assert.Equal(5m, _h.Balance(user));
        Assert.Equal(0m, _h.Held(user));
        // Cost 4.50 plus a fee bound of 0.1575 fits.
        Assert.True(_h.Bid(user, 0.50m, 9).IsSuccess);
    }

    [Fact]
    public void Cancel_returns_collateral_and_second_cancel_is_not_found()
    {
        var user = _h.User();
        var order = _h.Bid(user, 0.30m, 10).Order!;
        Assert.Equal(997m, _h.Balance(user));
        var cancel = _h.Exchange.CancelOrder(user, order.OrderId);
        Assert.True(cancel.IsSuccess);
        Assert.Equal(10m, cancel.ReducedBy.Value);
        Assert.Equal(1000m, _h.Balance(user));
        var again = _h.Exchange.CancelOrder(user, order.OrderId);
        Assert.Equal((404, "not_found"), (again.Error!.HttpStatus, again.Error.Code));
        Assert.Equal(404, _h.Exchange.CancelOrder(user, "garbage").Error!.HttpStatus);
        Assert.Equal(404, _h.Exchange.CancelOrder(_h.User(), order.OrderId).Error!.HttpStatus);
    }

    [Fact]
    public void Each_execution_has_one_trade_id_shared_by_both_fills()
    {
        var maker = _h.User();
        var taker = _h.User();
        _h.Ask(maker, 0.40m, 3);
        _h.Bid(taker, 0.40m, 3);
        var takerFill = Assert.Single(_h.Exchange.GetFills(taker));
        var makerFill = Assert.Single(_h.Exchange.GetFills(maker));
        Assert.Equal(takerFill.TradeId, makerFill.TradeId);
        Assert.Equal(BookSide.Bid, takerFill.Side);
        Assert.Equal(BookSide.Ask, makerFill.Side);
        Assert.False(makerFill.IsTaker);
        var trade = Assert.Single(_h.Exchange.GetTrades(ExchangeHarness.Ticker));
        Assert.Equal(takerFill.TradeId, trade.TradeId);
        Assert.Equal(BookSide.Bid, trade.TakerSide);
    }

    [Fact]
    public void Ids_are_deterministic_from_the_seed()
    {
        static (string, string) Run()
        {
            var h = new ExchangeHarness();
            var a = h.User();
            var b = h.User();
            h.Ask(a, 0.40m, 1);
            var r = h.Bid(b, 0.40m, 1);
            return (r.Order!.OrderId, r.Fills[0].TradeId);
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Orders_and_fills_are_listed_newest_first_and_filtered()
    {
        var user = _h.User();
        var first = _h.Bid(user, 0.10m, 1).Order!;
        var second = _h.Bid(user, 0.11m, 1).Order!;
        _h.Exchange.CancelOrder(user, first.OrderId);
        var all = _h.Exchange.GetOrders(user, new OrderQuery());
        Assert.Equal([second.OrderId, first.OrderId], all.Select(o => o.OrderId).ToArray());
        var resting = _h.Exchange.GetOrders(user, new OrderQuery(Status: VenueOrderStatus.Resting));
        Assert.Equal(second.OrderId, Assert.Single(resting).OrderId);
        Assert.Empty(_h.Exchange.GetOrders(user, new OrderQuery(Ticker: new MarketTicker("OTHER"))));
    }

    [Fact]
    public void Events_follow_the_execution_in_order()
    {
        var maker = _h.User();
        var taker = _h.User();
        _h.Ask(maker, 0.40m, 3, clientId: "m1");
        _h.Events.Log.Clear();
        _h.Events.BookDeltas.Clear();
        _h.Bid(taker, 0.41m, 5, clientId: "t1");
        Assert.Equal(["book", "trade", "fill", "fill", "order", "position", "position", "book", "order"], _h.Events.Log);
        Assert.Equal((OutcomeSide.No, 0.60m, -3m, maker, "m1"), _h.Events.BookDeltas[0]);
        Assert.Equal((OutcomeSide.Yes, 0.41m, 2m, taker, "t1"), _h.Events.BookDeltas[1]);
    }
}
