using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Perp.Core;
using static Fillwise.Domain.Orders.OrderSide;

namespace Fillwise.Exchange.Tests.Perp;

public class PerpMatchingTests
{
    [Fact]
    public void Orders_at_one_price_fill_in_time_priority_and_the_taker_gets_the_resting_price()
    {
        var h = new PerpCoreHarness();
        var (first, second, taker) = (h.Account(), h.Account(), h.Account());
        var a = h.Limit(first, Sell, "1.000", "514.10").Order!;
        var b = h.Limit(second, Sell, "1.000", "514.10").Order!;
        var t = h.Limit(taker, Buy, "1.500", "515.00");

        Assert.Equal(PerpOrderStatus.Filled, t.Order!.Status);
        Assert.All(t.Fills, f => Assert.Equal(Price.Parse("514.10"), f.Price));
        Assert.Equal(PerpOrderStatus.Filled, h.Exchange.FindOrder(first, a.OrderId, null)!.Status);
        var rest = h.Exchange.FindOrder(second, b.OrderId, null)!;
        Assert.Equal(PerpOrderStatus.PartiallyFilled, rest.Status);
        Assert.Equal(Quantity.Parse("0.5"), rest.ExecutedQuantity);
        Assert.Equal(1.5m, h.Position(taker));
        Assert.Equal(-1m, h.Position(first));
    }

    [Fact]
    public void Fees_are_the_venues_maker_and_taker_rates_on_the_notional_and_come_out_of_the_balance()
    {
        var h = new PerpCoreHarness();
        var (maker, taker) = (h.Account("1000"), h.Account("1000"));
        h.Limit(maker, Sell, "2.000", "500.00");
        var fill = h.Limit(taker, Buy, "2.000", "500.00").Fills.Single();
        Assert.Equal(Money.Parse("0.35"), fill.Fee);       // 1000 x 0.035 %
        Assert.False(fill.IsMaker);
        Assert.Equal(Money.Parse("999.65"), h.Exchange.GetAccount(taker)!.WalletBalance);
        Assert.Equal(Money.Parse("999.90"), h.Exchange.GetAccount(maker)!.WalletBalance); // 0.01 %
    }

    [Fact]
    public void A_crossing_post_only_order_expires_with_nothing_filled_and_the_book_untouched()
    {
        var h = new PerpCoreHarness();
        var (maker, other) = (h.Account(), h.Account());
        h.Limit(maker, Sell, "1.000", "514.44");
        var deltas = h.BookDeltas.Count;
        var gtx = h.Limit(other, Buy, "2.332", "514.49", postOnly: true).Order!;
        Assert.Equal(PerpOrderStatus.Expired, gtx.Status);
        Assert.Equal(PerpEndReason.PostOnlyWouldCross, gtx.EndReason);
        Assert.True(gtx.ExecutedQuantity.IsZero);
        Assert.Equal(deltas, h.BookDeltas.Count);
        // Re-priced below the ask it rests.
        Assert.Equal(PerpOrderStatus.New, h.Limit(other, Buy, "2.332", "514.43", postOnly: true).Order!.Status);
    }

    [Fact]
    public void IOC_takes_what_it_can_and_the_rest_expires_while_FOK_fills_all_or_nothing()
    {
        var h = new PerpCoreHarness();
        var (maker, taker) = (h.Account(), h.Account());
        h.Limit(maker, Sell, "1.000", "514.00");
        var fok = h.Limit(taker, Buy, "2.000", "514.00", PerpTimeInForce.FillOrKill).Order!;
        Assert.Equal((PerpOrderStatus.Expired, PerpEndReason.FillOrKillUnfillable), (fok.Status, fok.EndReason));
        Assert.Equal(0m, h.Position(taker));
        var ioc = h.Limit(taker, Buy, "2.000", "514.00", PerpTimeInForce.ImmediateOrCancel).Order!;
        Assert.Equal((PerpOrderStatus.Expired, PerpEndReason.ImmediateRemainder), (ioc.Status, ioc.EndReason));
        Assert.Equal(Quantity.Parse("1"), ioc.ExecutedQuantity);
        Assert.Empty(h.Exchange.GetBook(PerpCoreHarness.Zec)!.Asks);
    }

    [Fact]
    public void A_market_order_walks_no_further_than_the_mark_band()
    {
        var h = new PerpCoreHarness();
        var (maker, taker) = (h.Account(), h.Account());
        h.Limit(maker, Sell, "1.000", "520.00");
        h.Limit(maker, Sell, "1.000", "540.00"); // beyond 514 x 1.05 = 539.70
        var m = h.Market(taker, Buy, "2.000").Order!;
        Assert.Equal(Quantity.Parse("1"), m.ExecutedQuantity);
        Assert.Equal(PerpOrderStatus.Expired, m.Status);
    }

    [Fact]
    public void Reduce_only_never_increases_the_position_and_trims_to_what_is_held()
    {
        var h = new PerpCoreHarness();
        var (trader, maker) = (h.Account(), h.Account());
        var refused = h.Limit(trader, Sell, "1.000", "514.00", reduceOnly: true);
        Assert.Equal(RejectionReason.ReduceOnlyWouldIncrease, refused.Rejection!.Reason);

        Assert.Null(h.Exchange.SetPosition(trader, PerpCoreHarness.Zec, 0.5m, Price.Parse("500")));
        h.Limit(maker, Buy, "3.000", "514.00");
        var close = h.Limit(trader, Sell, "2.000", "514.00", reduceOnly: true).Order!;
        Assert.Equal(Quantity.Parse("0.5"), close.ExecutedQuantity);
        Assert.Equal(PerpEndReason.ReduceOnlyNothingToReduce, close.EndReason);
        Assert.Equal(0m, h.Position(trader));
    }

    [Fact]
    public void Reduce_only_is_spared_the_minimum_notional_on_Aster_but_not_the_minimum_quantity_rule_of_a_stricter_venue()
    {
        var h = new PerpCoreHarness();
        var (trader, maker) = (h.Account(), h.Account());
        h.Exchange.SetPosition(trader, PerpCoreHarness.Zec, -0.021m, Price.Parse("495.79"));
        Assert.Equal(RejectionReason.BelowMinimumNotional, h.Limit(trader, Buy, "0.005", "514.00").Rejection!.Reason);
        h.Limit(maker, Sell, "1.000", "514.00");
        var dust = h.Limit(trader, Buy, "0.021", "514.00", reduceOnly: true).Order!;
        Assert.Equal(PerpOrderStatus.Filled, dust.Status);

        var lighterLike = new PerpCoreHarness(PerpVenueRules.Aster with { Venue = "lighter", ReduceOnlyWaivesMinNotional = false });
        var t2 = lighterLike.Account();
        lighterLike.Exchange.SetPosition(t2, PerpCoreHarness.Zec, -0.002m, Price.Parse("495.79"));
        Assert.Equal(RejectionReason.BelowMinimumNotional, lighterLike.Limit(t2, Buy, "0.002", "514.00", reduceOnly: true).Rejection!.Reason);
    }

    [Fact]
    public void Grid_minimums_duplicates_and_margin_are_refused_and_change_nothing()
    {
        var h = new PerpCoreHarness();
        var poor = h.Account("10");
        Assert.Equal(RejectionReason.InvalidPrice, h.Limit(poor, Buy, "1.000", "514.005").Rejection!.Reason);
        Assert.Equal(RejectionReason.InvalidQuantity, h.Limit(poor, Buy, "0.0005", "514.00").Rejection!.Reason);
        Assert.Equal(RejectionReason.InsufficientBalance, h.Limit(poor, Buy, "1.000", "514.00").Rejection!.Reason); // 514 / 20 > 10
        Assert.Null(h.Limit(poor, Buy, "0.100", "500.00", clientOrderId: "dup").Rejection);
        Assert.Equal(RejectionReason.DuplicateClientOrderId, h.Limit(poor, Buy, "0.100", "500.00", clientOrderId: "dup").Rejection!.Reason);
        Assert.Single(h.Exchange.OpenOrders(poor));
    }

    [Fact]
    public void A_fill_through_zero_flips_the_position_and_realizes_the_closed_part()
    {
        var h = new PerpCoreHarness();
        var (trader, maker) = (h.Account(), h.Account());
        h.Exchange.SetPosition(trader, PerpCoreHarness.Zec, 1m, Price.Parse("500"));
        h.Limit(maker, Buy, "3.000", "510.00");
        h.Limit(trader, Sell, "3.000", "510.00");
        var p = h.Exchange.GetPosition(trader, PerpCoreHarness.Zec)!;
        Assert.Equal(-2m, p.Quantity);
        Assert.Equal(510m, p.EntryPrice);
        Assert.Equal(Money.Parse("10"), p.RealizedPnl);
    }

    [Fact]
    public void Own_resting_orders_are_taken_off_rather_than_traded_against()
    {
        var h = new PerpCoreHarness();
        var trader = h.Account();
        var resting = h.Limit(trader, Sell, "1.000", "514.00").Order!;
        var taking = h.Limit(trader, Buy, "1.000", "514.00").Order!;
        Assert.Equal(PerpEndReason.SelfTrade, h.Exchange.FindOrder(trader, resting.OrderId, null)!.EndReason);
        Assert.Equal(PerpOrderStatus.New, taking.Status);
        Assert.Equal(0m, h.Position(trader));
    }

    [Fact]
    public void Funding_is_settled_at_the_markets_own_interval_on_the_clock_at_the_mark()
    {
        var h = new PerpCoreHarness(fundingHours: 4);
        var (longs, shorts) = (h.Account("1000"), h.Account("1000"));
        h.Exchange.SetPosition(longs, PerpCoreHarness.Zec, 2m, Price.Parse("500"));
        h.Exchange.SetPosition(shorts, PerpCoreHarness.Zec, -2m, Price.Parse("500"));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 4, 0, 0, TimeSpan.Zero), h.Exchange.GetMarket(PerpCoreHarness.Zec)!.NextFundingTime);

        h.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, h.Exchange.Advance());
        h.Clock.Advance(TimeSpan.FromHours(5)); // past 04:00 and 08:00
        Assert.Equal(4, h.Exchange.Advance());

        // 2 x 514 x 0.0001 = 0.1028 per settlement, twice.
        Assert.Equal(Money.Parse("0.2056"), h.Exchange.GetPosition(longs, PerpCoreHarness.Zec)!.FundingPaid);
        Assert.Equal(Money.Parse("-0.2056"), h.Exchange.GetPosition(shorts, PerpCoreHarness.Zec)!.FundingPaid);
        Assert.Equal(Money.Parse("999.7944"), h.Exchange.GetAccount(longs)!.WalletBalance);
        Assert.Equal(Money.Parse("1000.2056"), h.Exchange.GetAccount(shorts)!.WalletBalance);
        Assert.Equal(2, h.Exchange.FundingPayments(longs).Count);
        Assert.Contains(h.AccountEvents, e => e.AccountId == longs && e.Reason == PerpAccountChange.FundingFee);
    }

    [Fact]
    public void Book_deltas_are_numbered_without_gaps_and_carry_each_changed_levels_new_total()
    {
        var h = new PerpCoreHarness();
        var (a, b) = (h.Account(), h.Account());
        h.Limit(a, Sell, "1.000", "514.10");
        h.Limit(a, Sell, "1.000", "514.10");
        h.Limit(b, Buy, "1.500", "514.10");
        Assert.Equal([1L, 2L, 3L], h.BookDeltas.Select(d => d.UpdateId));
        Assert.All(h.BookDeltas, d => Assert.Equal(d.UpdateId - 1, d.PreviousUpdateId));
        Assert.Equal(Quantity.Parse("0.5"), h.BookDeltas[^1].Asks.Single().Quantity);
        Assert.Equal(3, h.Exchange.GetBook(PerpCoreHarness.Zec)!.LastUpdateId);
    }
}
