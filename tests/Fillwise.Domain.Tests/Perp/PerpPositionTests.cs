using Fillwise.Domain.Orders;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Perp;

public class PerpPositionTests
{
    private static readonly InstrumentId Zec = new("aster", "ZECUSDT");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private int _trade;

    private PerpFill Fill(OrderSide side, string quantity, string price, string fee = "0") =>
        new(new TradeId($"t{++_trade}"), Zec, side, Quantity.Parse(quantity), Price.Parse(price), Money.Parse(fee), false, T0);

    [Fact]
    public void Seed_003_short_closed_by_a_buy_books_the_price_pnl_and_keeps_fees_apart()
    {
        var p = PerpPosition.Opened(Zec, -2.332m, Price.Parse("495.791668"));
        Assert.Equal(PerpPositionSide.Short, p.Side);
        Assert.Equal(Price.Parse("495.791668"), p.AverageEntryPrice);

        p.Apply(Fill(OrderSide.Buy, "2.332", "514.44", "0.41988592"));

        Assert.True(p.IsFlat);
        // (495.791668 - 514.44) x 2.332 = -43.487910224
        Assert.Equal(Money.Parse("-43.487910224"), p.RealizedPnl);
        Assert.Equal(Money.Parse("0.41988592"), p.FeesPaid);
        Assert.Equal(Money.Parse("-43.907796144"), p.NetPnl);
    }

    [Fact]
    public void A_fill_through_zero_closes_at_the_old_entry_and_opens_the_rest_at_the_fill_price()
    {
        var p = new PerpPosition(Zec);
        p.Apply(Fill(OrderSide.Buy, "3", "500"));
        p.Apply(Fill(OrderSide.Sell, "5", "510"));

        Assert.Equal(-2m, p.SignedQuantity);
        Assert.Equal(Price.Parse("510"), p.AverageEntryPrice);
        Assert.Equal(Money.Parse("30"), p.RealizedPnl);
        Assert.Equal(Money.Parse("-10"), p.UnrealizedPnl(Price.Parse("515")));
    }

    [Fact]
    public void Average_entry_is_the_cost_of_what_is_open()
    {
        var p = new PerpPosition(Zec);
        p.Apply(Fill(OrderSide.Sell, "1", "500"));
        p.Apply(Fill(OrderSide.Sell, "2", "503"));
        Assert.Equal(Price.Parse("502"), p.AverageEntryPrice);
        p.Apply(Fill(OrderSide.Buy, "1", "490"));
        // A partial close keeps the average of what is left.
        Assert.Equal(Price.Parse("502"), p.AverageEntryPrice);
        Assert.Equal(Money.Parse("12"), p.RealizedPnl);
    }

    [Fact]
    public void A_replayed_trade_id_changes_nothing()
    {
        var p = new PerpPosition(Zec);
        var fill = Fill(OrderSide.Buy, "1.5", "500", "0.1");
        Assert.Equal(PerpFillOutcome.Applied, p.Apply(fill));
        Assert.Equal(PerpFillOutcome.Duplicate, p.Apply(fill));
        Assert.Equal(1.5m, p.SignedQuantity);
        Assert.Equal(Money.Parse("0.1"), p.FeesPaid);
    }

    [Fact]
    public void A_fill_of_another_instrument_is_refused()
    {
        var p = new PerpPosition(Zec);
        var other = new PerpFill(new TradeId("x"), new InstrumentId("lighter", "ZEC"), OrderSide.Buy, Quantity.Parse("1"), Price.Parse("1"), Money.Zero, true, T0);
        Assert.Equal(PerpFillOutcome.Refused, p.Apply(other));
        Assert.True(p.IsFlat);
    }

    [Fact]
    public void Funding_is_paid_by_longs_when_the_rate_is_positive_and_booked_once()
    {
        var schedule = new FundingSchedule(Zec, FundingRate.Parse("0.0001"), TimeSpan.FromHours(8), T0);
        var p = PerpPosition.Opened(Zec, 2m, Price.Parse("500"));
        var amount = schedule.PaymentFor(p.SignedQuantity, Price.Parse("514"));
        Assert.Equal(Money.Parse("0.1028"), amount);
        var payment = new FundingPayment("ZECUSDT@1", Zec, amount, schedule.Rate, Price.Parse("514"), 2m, T0);
        Assert.True(p.ApplyFunding(payment));
        Assert.False(p.ApplyFunding(payment));
        Assert.Equal(Money.Parse("0.1028"), p.FundingPaid);
        // A short receives.
        Assert.Equal(Money.Parse("-0.1028"), schedule.PaymentFor(-2m, Price.Parse("514")));
    }

    [Fact]
    public void Settlements_fall_on_the_venues_own_interval_grid()
    {
        var now = new DateTimeOffset(2026, 1, 1, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 16, 0, 0, TimeSpan.Zero), FundingSchedule.NextSettlementAfter(now, TimeSpan.FromHours(8)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), FundingSchedule.NextSettlementAfter(now, TimeSpan.FromHours(4)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), FundingSchedule.NextSettlementAfter(now, TimeSpan.FromHours(1)));
        // Exactly on a settlement: the next one.
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.Zero), FundingSchedule.NextSettlementAfter(now.AddMinutes(450), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Rates_compare_per_hour()
    {
        var eight = new FundingSchedule(Zec, FundingRate.Parse("0.0008"), TimeSpan.FromHours(8), T0);
        var one = new FundingSchedule(new InstrumentId("lighter", "ZEC"), FundingRate.Parse("0.0001"), TimeSpan.FromHours(1), T0);
        Assert.Equal(one.PerHour, eight.PerHour);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-1.5")]
    [InlineData("0.1e-3")]
    [InlineData("")]
    public void Bad_funding_rates_are_refused_with_the_value_named(string text)
    {
        Assert.False(FundingRate.TryParse(text, out _, out var error));
        Assert.Contains("funding rate", error, StringComparison.Ordinal);
    }
}
