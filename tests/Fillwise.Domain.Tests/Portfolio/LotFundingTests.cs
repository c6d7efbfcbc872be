using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Portfolio;

/// <summary>A perpetual lot's funding: charged on what it held at the settlement, booked once per settlement, apart from realized PnL.</summary>
public class LotFundingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly InstrumentId Zec = new("lighter", "ZEC");

    private static LotFill Fill(string trade, OrderSide side, string quantity, string price, TimeSpan after) =>
        new(new TradeId(trade), new VenueOrderId("o-" + trade), side, Quantity.Parse(quantity), Price.Parse(price), Money.Zero, T0 + after);

    [Fact]
    public void What_a_lot_held_at_a_moment_counts_fills_before_it_only()
    {
        var lot = new Lot(new PositionId("p"), Zec, PositionSide.Long, T0);
        lot.Apply(Fill("a", OrderSide.Buy, "1.000", "500", TimeSpan.Zero));
        lot.Apply(Fill("b", OrderSide.Buy, "2.000", "501", TimeSpan.FromMinutes(30)));
        lot.Apply(Fill("c", OrderSide.Sell, "0.500", "502", TimeSpan.FromMinutes(90)));

        Assert.Equal(Quantity.Zero, lot.QuantityAt(T0));
        Assert.Equal(Quantity.Parse("1"), lot.QuantityAt(T0 + TimeSpan.FromMinutes(30)));   // a fill at the settlement itself came after it
        Assert.Equal(Quantity.Parse("3"), lot.QuantityAt(T0 + TimeSpan.FromHours(1)));
        Assert.Equal(Quantity.Parse("2.5"), lot.QuantityAt(T0 + TimeSpan.FromHours(2)));
        lot.Apply(Fill("d", OrderSide.Sell, "2.500", "503", TimeSpan.FromHours(3)));
        Assert.Equal(Quantity.Zero, lot.QuantityAt(T0 + TimeSpan.FromHours(4)));
    }

    [Fact]
    public void Each_settlement_is_booked_once_and_kept_apart_from_realized_pnl()
    {
        var lot = new Lot(new PositionId("p"), Zec, PositionSide.Short, T0);
        lot.Apply(Fill("a", OrderSide.Sell, "2.000", "500", TimeSpan.Zero));
        Assert.True(lot.ApplyFunding("f1", Money.Parse("-0.012")));
        Assert.False(lot.ApplyFunding("f1", Money.Parse("-0.012")));
        Assert.True(lot.ApplyFunding("f2", Money.Parse("0.004")));
        lot.Apply(Fill("b", OrderSide.Buy, "2.000", "499", TimeSpan.FromHours(2)));

        Assert.Equal(Money.Parse("-0.008"), lot.FundingPaid);
        Assert.Equal(Money.Parse("2"), lot.RealizedPnl);
        Assert.Equal(Money.Parse("2.008"), lot.NetPnl);
        lot.RestoreFunding(Money.Parse("0.5"));
        Assert.Equal(Money.Parse("0.5"), lot.FundingPaid);
    }
}
