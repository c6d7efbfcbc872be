using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;

namespace Fillwise.Kalshi.Tests;

public class KalshiFeeModelTests
{
    [Theory]
    [InlineData("1", "0.52", true, "0.0175")]   // 0.017472 rounded up
    [InlineData("1", "0.99", true, "0.0007")]   // 0.000693 rounded up
    [InlineData("10", "0.50", true, "0.175")]
    [InlineData("100", "0.50", true, "1.75")]
    [InlineData("1", "0.01", true, "0.0007")]
    [InlineData("1", "0.52", false, "0")]       // plain quadratic: makers free
    public void Quadratic_fees(string count, string price, bool taker, string fee)
    {
        var model = KalshiFeeModel.Default;
        Assert.Equal(Money.Parse(fee), model.Fee(Contracts.Parse(count), ContractPrice.Parse(price), taker));
    }

    [Fact]
    public void Maker_fees_where_the_series_charges_them()
    {
        var model = new KalshiFeeModel(KalshiFeeType.QuadraticWithMakerFees);
        // 0.0175 x 100 x 0.5 x 0.5 = 0.4375
        Assert.Equal(Money.Parse("0.4375"), model.Fee(Contracts.Parse("100"), ContractPrice.Parse("0.50"), isTaker: false));
        Assert.Equal(Money.Parse("1.75"), model.Fee(Contracts.Parse("100"), ContractPrice.Parse("0.50"), isTaker: true));
        var combo = new KalshiFeeModel(KalshiFeeType.QuadraticWithComboMakerFees);
        Assert.Equal(Money.Parse("0.875"), combo.Fee(Contracts.Parse("100"), ContractPrice.Parse("0.50"), isTaker: false));
    }

    [Fact]
    public void Multiplier_scales_then_rounds_up()
    {
        var model = new KalshiFeeModel(KalshiFeeType.Quadratic, 0.5m);
        // 0.5 x 0.017472 = 0.008736 -> 0.0088
        Assert.Equal(Money.Parse("0.0088"), model.Fee(Contracts.Parse("1"), ContractPrice.Parse("0.52"), isTaker: true));
    }

    [Fact]
    public void Fee_types_parse_from_the_series_words()
    {
        Assert.True(KalshiFeeModel.TryParseFeeType("quadratic_with_maker_fees", out var t));
        Assert.Equal(KalshiFeeType.QuadraticWithMakerFees, t);
        Assert.Equal("quadratic_with_maker_fees", KalshiFeeModel.ToWire(t));
        Assert.False(KalshiFeeModel.TryParseFeeType("flat", out _));
    }
}
