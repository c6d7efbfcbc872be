using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Portfolio;

public class PositionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static int _trade;

    internal static PositionFill Buy(decimal count, string price, string fee = "0") =>
        new(new TradeId($"b{Interlocked.Increment(ref _trade)}"), new VenueOrderId("entry"), TradeAction.Buy, Contracts.Of(count), ContractPrice.Parse(price), Money.Parse(fee), T0);

    internal static PositionFill Sell(decimal count, string price, string order = "exit-1", string fee = "0") =>
        new(new TradeId($"s{Interlocked.Increment(ref _trade)}"), new VenueOrderId(order), TradeAction.Sell, Contracts.Of(count), ContractPrice.Parse(price), Money.Parse(fee), T0);

    [Fact]
    public void Seed_000_stop_loss_exit_that_half_fills()
    {
        // Holding 50 bought at 0.45; the stop exit sells 20 at 0.38, later 30 at 0.37.
        var p = new Position(new MarketTicker("KXTEST-1"), OutcomeSide.Yes, T0);
        p.Apply(Buy(50, "0.45", fee: "0.8663"));
        p.Apply(Sell(20, "0.38", order: "exit-1", fee: "0.3300"));

        Assert.Equal(Contracts.Of(30), p.Contracts);
        Assert.False(p.IsClosed);
        var first = Assert.Single(p.Exits);
        Assert.Equal(Contracts.Of(20), first.Count);
        Assert.Equal(Money.Parse("-1.40"), first.GrossPnl);            // (0.38 - 0.45) x 20
        Assert.Equal(Money.Parse("0.67652"), first.Fees);              // 0.33 + 20/50 of 0.8663
        Assert.Equal(Money.Parse("-2.07652"), first.RealizedPnl);
        Assert.Equal(0.38m, first.AveragePrice);

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
        var p = new Position(new MarketTicker("KXTEST-1"), OutcomeSide.Yes, T0);
        p.Apply(Buy(50, "0.45"));
        p.Apply(Sell(10, "0.40", order: "exit-1"));
        p.Apply(Sell(10, "0.38", order: "exit-1"));
        var exit = Assert.Single(p.Exits);
        Assert.Equal(Contracts.Of(20), exit.Count);
        Assert.Equal(0.39m, exit.AveragePrice);
        Assert.Equal(Money.Parse("-1.20"), exit.GrossPnl);
    }

    [Fact]
    public void Average_cost_entry_price()
    {
        var p = new Position(new MarketTicker("KXTEST-1"), OutcomeSide.No, T0);
        p.Apply(Buy(10, "0.40"));
        p.Apply(Buy(30, "0.44"));
        Assert.Equal(0.43m, p.AverageEntryPrice);
        Assert.Equal(Money.Parse("17.20"), p.Cost);
    }

    [Fact]
    public void A_duplicate_trade_is_ignored()
    {
        var p = new Position(new MarketTicker("KXTEST-1"), OutcomeSide.Yes, T0);
        var fill = Buy(10, "0.40");
        Assert.True(p.Apply(fill));
        Assert.False(p.Apply(fill));
        Assert.Equal(Contracts.Of(10), p.Contracts);
    }

    [Fact]
    public void Selling_more_than_held_is_refused()
    {
        var p = new Position(new MarketTicker("KXTEST-1"), OutcomeSide.Yes, T0);
        p.Apply(Buy(10, "0.40"));
        Assert.Throws<DomainException>(() => p.Apply(Sell(11, "0.50")));
        Assert.Equal(Contracts.Of(10), p.Contracts);
    }

    [Theory]
    [InlineData(OutcomeSide.Yes, "6.00")]   // 10 x (1 - 0.40)
    [InlineData(OutcomeSide.No, "-4.00")]   // 10 x (0 - 0.40)
    public void Settlement_pays_a_dollar_per_winning_contract(OutcomeSide result, string gross)
    {
        var p = new Position(new MarketTicker("KXTEST-1"), OutcomeSide.Yes, T0);
        p.Apply(Buy(10, "0.40"));
        p.Settle(result, T0.AddHours(1));
        Assert.True(p.IsClosed);
        var exit = Assert.Single(p.Exits);
        Assert.Equal(ExitKind.Settlement, exit.Kind);
        Assert.Equal(Money.Parse(gross), exit.GrossPnl);
        Assert.Throws<DomainException>(() => p.Apply(Buy(1, "0.40")));
    }
}
