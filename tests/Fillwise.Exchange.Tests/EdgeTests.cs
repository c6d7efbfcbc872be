using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Tests;

public sealed class EdgeTests
{
    private readonly ExchangeHarness _h = new();

    [Fact]
    public void Resting_reduce_only_order_is_capped_by_the_position_when_it_fills()
    {
        var user = _h.User();
        var other = _h.User();
        _h.Ask(other, 0.40m, 10);
        _h.Bid(user, 0.40m, 10);                                  // long 10
        var a = _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Ask, 0.60m, 10, reduceOnly: true)).Order!;
        var b = _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Ask, 0.61m, 10, reduceOnly: true)).Order!;
        _h.Bid(other, 0.61m, 20, VenueTimeInForce.ImmediateOrCancel);
        Assert.Equal(0m, _h.Position(user)!.Position);            // never flipped short
        Assert.Equal(VenueOrderStatus.Executed, _h.Exchange.GetOrder(user, a.OrderId)!.Status);
        Assert.Equal(VenueOrderStatus.Canceled, _h.Exchange.GetOrder(user, b.OrderId)!.Status);
        Assert.Equal(0m, _h.Held(user));
    }

    [Fact]
    public void Fok_stops_at_own_order_under_taker_at_cross()
    {
        var user = _h.User();
        var other = _h.User();
        _h.Ask(user, 0.40m, 5);
        _h.Ask(other, 0.41m, 5);
        var result = _h.Bid(user, 0.41m, 5, VenueTimeInForce.FillOrKill);
        Assert.Empty(result.Fills);
        Assert.Equal(VenueOrderStatus.Canceled, result.Order!.Status);
        Assert.Equal(2, _h.Exchange.GetBook(ExchangeHarness.Ticker)!.NoBids.Count);
    }

    [Fact]
    public void Book_depth_keeps_the_best_levels_sorted_ascending()
    {
        var user = _h.User();
        foreach (var p in new[] { 0.30m, 0.35m, 0.32m, 0.31m }) _h.Bid(user, p, 1);
        var book = _h.Exchange.GetBook(ExchangeHarness.Ticker, depth: 2)!;
        Assert.Equal([0.32m, 0.35m], book.YesBids.Select(l => l.Price.Dollars).ToArray());
        Assert.Equal(4, _h.Exchange.GetBook(ExchangeHarness.Ticker)!.YesBids.Count);
    }

    [Fact]
    public void Deleting_an_order_group_cancels_its_orders()
    {
        var user = _h.User();
        var group = _h.Exchange.CreateOrderGroup(user, Contracts.Of(100));
        var order = _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.40m, 10, group: group)).Order!;
        Assert.Single(_h.Exchange.GetOrderGroups(user));
        Assert.Null(_h.Exchange.DeleteOrderGroup(user, group));
        Assert.Equal(VenueOrderStatus.Canceled, _h.Exchange.GetOrder(user, order.OrderId)!.Status);
        Assert.Empty(_h.Exchange.GetOrderGroups(user));
        Assert.Equal(404, _h.Exchange.PlaceOrder(user, ExchangeHarness.Request(BookSide.Bid, 0.40m, 1, group: group)).Error!.HttpStatus);
    }

    [Fact]
    public void Market_creation_is_validated_and_announced()
    {
        Assert.Contains(_h.Events.Lifecycle, e => e.Kind == MarketLifecycleKind.Created && e.Market.Definition.Ticker == ExchangeHarness.Ticker);
        Assert.Equal(409, _h.Exchange.CreateMarket(_h.Definition(ExchangeHarness.Ticker))!.HttpStatus);
        Assert.Equal("bad_request", _h.Exchange.CreateMarket(_h.Definition(new MarketTicker("KXBAD")) with { SettlementTimer = TimeSpan.FromSeconds(-1) })!.Code);
        Assert.Equal(404, _h.Exchange.CloseMarket(new MarketTicker("KXNONE"))!.HttpStatus);
    }

    [Fact]
    public void Unknown_user_is_not_found()
    {
        var result = _h.Exchange.PlaceOrder("nobody", ExchangeHarness.Request(BookSide.Bid, 0.40m, 1));
        Assert.Equal((404, "not_found"), (result.Error!.HttpStatus, result.Error.Code));
        Assert.Null(_h.Exchange.GetAccount("nobody"));
    }

    [Fact]
    public void Position_view_reports_exposure_traded_and_resting_orders()
    {
        var user = _h.User();
        var other = _h.User();
        _h.Bid(other, 0.45m, 10);
        _h.Ask(user, 0.45m, 4);                                   // buys 4 NO at 0.55
        _h.Ask(user, 0.70m, 1);                                   // rests
        var position = _h.Position(user)!;
        Assert.Equal((-4m, 2.20m, 2.20m, 1), (position.Position, position.MarketExposure.Dollars, position.TotalTraded.Dollars, position.RestingOrdersCount));
        var fill = _h.Exchange.GetFills(user).Single();
        Assert.Equal(-4m, fill.PostPosition);
    }
}
