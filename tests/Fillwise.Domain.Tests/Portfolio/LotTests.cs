using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Portfolio;

public class LotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly InstrumentId Yes = new("kalshi", "KXTEST-1:yes");
    private static int _trade;

    internal static LotFill Buy(decimal quantity, string price, string fee = "0") =>
        new(new TradeId($"b{Interlocked.Increment(ref _trade)}"), new VenueOrderId("entry"), OrderSide.Buy, Quantity.Of(quantity), Price.Parse(price), Money.Parse(fee), T0);

    internal static LotFill Sell(decimal quantity, string price, string order = "exit-1", string fee = "0", ExitReason reason = ExitReason.StopLoss) =>
        new(new TradeId($"s{Interlocked.Increment(ref _trade)}"), new VenueOrderId(order), OrderSide.Sell, Quantity.Of(quantity), Price.Parse(price), Money.Parse(fee), T0, reason);

    private static Lot Long() => new(new PositionId("lot-1"), Yes, PositionSide.Long, T0);

    [Fact]
    public void Seed_000_stop_loss_exit_that_half_fills()
    {
        // Holding 50 bought at 0.45; the stop exit sells 20 at 0.38, later 30 at 0.37.
        var p = Long();
        p.Apply(Buy(50, "0.45", fee: "0.8663"));
        p.Apply(Sell(20, "0.38", order: "exit-1", fee: "0.3300"));

        Assert.Equal(Quantity.Of(30), p.Quantity);
        Assert.False(p.IsClosed);
        var first = Assert.Single(p.Exits);
        Assert.Equal(Quantity.Of(20), first.Quantity);
        Assert.Equal(Money.Parse("-1.40"), first.GrossPnl);            // (0.38 - 0.45) x 20
        Assert.Equal(Money.Parse("0.67652"), first.Fees);              // 0.33 + 20/50 of 0.8663
        Assert.Equal(Money.Parse("-2.07652"), first.RealizedPnl);
        Assert.Equal(Price.Parse("0.38"), first.AveragePrice);
        Assert.Equal(ExitReason.StopLoss, first.Reason);

        p.Apply(Sell(30, "0.37", order: "exit-2", fee: "0.5000"));
        Assert.True(p.IsClosed);
        Assert.Equal(2, p.Exits.Count);
        Assert.Equal(Money.Parse("-3.80"), p.GrossRealizedPnl);         // -1.40 + (0.37-0.45) x 30
        Assert.Equal(Money.Parse("-3.80") - Money.Parse("0.8663") - Money.Parse("0.33") - Money.Parse("0.50"), p.RealizedPnl);
        Assert.Equal(Money.Parse("1.6963"), p.FeesPaid);
    }

    [Fact]
    public void Fills_of_one_exit_order_make_one_exit()
    {
        var p = Long();
        p.Apply(Buy(50, "0.45"));
        p.Apply(Sell(10, "0.40", order: "exit-1"));
        p.Apply(Sell(10, "0.38", order: "exit-1"));
        var exit = Assert.Single(p.Exits);
        Assert.Equal(Quantity.Of(20), exit.Quantity);
        Assert.Equal(Price.Parse("0.39"), exit.AveragePrice);
        Assert.Equal(Money.Parse("-1.20"), exit.GrossPnl);
    }

    [Fact]
    public void Average_cost_entry_price()
    {
        var p = Long();
        p.Apply(Buy(10, "0.40"));
        p.Apply(Buy(30, "0.44"));
        Assert.Equal(Price.Parse("0.43"), p.AverageEntryPrice);
        Assert.Equal(Money.Parse("17.20"), p.EntryValue);
    }

    [Fact]
    public void A_short_perp_lot_books_entry_minus_exit_in_its_own_precision()
    {
        // Seed 003's Aster leg: short 2.332 at 495.791668, bought back at 514.44.
        var p = new Lot(new PositionId("aster-short"), new InstrumentId("aster", "ZECUSDT"), PositionSide.Short, T0);
        p.Apply(new LotFill(new TradeId("a1"), new VenueOrderId("o1"), OrderSide.Sell, Quantity.Parse("2.332"), Price.Parse("495.791668"), Money.Zero, T0));
        Assert.Equal(OrderSide.Buy, p.ExitSide);
        p.Apply(new LotFill(new TradeId("a2"), new VenueOrderId("o2"), OrderSide.Buy, Quantity.Parse("2.332"), Price.Parse("514.44"), Money.Parse("0.6"), T0, ExitReason.TwoLeg));
        Assert.True(p.IsClosed);
        Assert.Equal(Money.Parse("-43.487910224"), p.GrossRealizedPnl); // (495.791668 - 514.44) x 2.332 = 1156.186169776 - 1199.67408
        Assert.Equal(Money.Parse("-44.087910224"), p.RealizedPnl);
    }

    [Fact]
    public void Unrealized_pnl_at_a_mark_counts_open_entry_fees()
    {
        var p = Long();
        p.Apply(Buy(10, "0.40", fee: "0.10"));
        Assert.Equal(Money.Parse("0.90"), p.UnrealizedPnl(Price.Parse("0.50")));
    }

    [Fact]
    public void A_duplicate_trade_is_ignored()
    {
        var p = Long();
        var fill = Buy(10, "0.40");
        Assert.True(p.Apply(fill));
        Assert.False(p.Apply(fill));
        Assert.Equal(Quantity.Of(10), p.Quantity);
    }

    [Fact]
    public void Exiting_more_than_held_is_refused()
    {
        var p = Long();
        p.Apply(Buy(10, "0.40"));
        Assert.Throws<DomainException>(() => p.Apply(Sell(11, "0.50")));
        Assert.Equal(Quantity.Of(10), p.Quantity);
    }

    [Theory]
    [InlineData("1", "6.00")]   // 10 x (1 - 0.40)
    [InlineData("0", "-4.00")]  // 10 x (0 - 0.40)
    public void Settlement_pays_the_settlement_price_per_unit(string price, string gross)
    {
        var p = Long();
        p.Apply(Buy(10, "0.40"));
        p.Settle(Price.Parse(price), T0.AddHours(1));
        Assert.True(p.IsClosed);
        var exit = Assert.Single(p.Exits);
        Assert.Equal(ExitKind.Settlement, exit.Kind);
        Assert.Equal(ExitReason.Settlement, exit.Reason);
        Assert.Equal(Money.Parse(gross), exit.GrossPnl);
        Assert.Throws<DomainException>(() => p.Apply(Buy(1, "0.40")));
    }
}
