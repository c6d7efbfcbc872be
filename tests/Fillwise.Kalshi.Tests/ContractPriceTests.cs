using Fillwise.Domain;
using Fillwise.Domain.Values;

namespace Fillwise.Kalshi.Tests;

public class PriceTests
{
    [Theory]
    [InlineData("0.4500", "0.4500")]
    [InlineData("0.45", "0.4500")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("0.9999", "0.9999")]
    [InlineData("0.5", "0.5000")]
    public void Parses_and_writes_Kalshi_strings_exactly(string text, string wire)
    {
        var price = ContractPrice.Parse(text);
        Assert.Equal(wire, price.ToString());
        Assert.Equal(price, ContractPrice.Parse(price.ToString()));
    }

    [Theory]
    [InlineData("0.45001", "more than 4 decimal places")]
    [InlineData("-1", "outside (0, 1)")]
    [InlineData("abc", "not a decimal number")]
    [InlineData("1.5", "outside (0, 1)")]
    [InlineData("0", "outside (0, 1)")]
    [InlineData("1", "outside (0, 1)")]
    [InlineData("", "empty")]
    [InlineData("1e-2", "not a decimal number")]
    [InlineData(" 0.45", "not a decimal number")]
    [InlineData("+0.45", "not a decimal number")]
    [InlineData("0.", "not a decimal number")]
    [InlineData(".5", "not a decimal number")]
    public void Rejects_bad_prices_naming_the_value(string text, string why)
    {
        var ex = Assert.Throws<FormatException>(() => ContractPrice.Parse(text));
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
        Assert.False(ContractPrice.TryParse(text, out _, out var error));
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Complement_is_the_other_leg()
    {
        Assert.Equal(ContractPrice.Parse("0.6000"), ContractPrice.Parse("0.4000").Complement);
        Assert.Equal("0.0001", ContractPrice.Parse("0.9999").Complement.ToString());
    }

    [Fact]
    public void Cents_and_dollars_agree()
    {
        Assert.Equal(ContractPrice.Parse("0.45"), ContractPrice.FromCents(45));
        Assert.Throws<DomainException>(() => ContractPrice.FromCents(100));
        Assert.Throws<DomainException>(() => ContractPrice.FromDollars(0.12345m));
    }

    [Fact]
    public void Price_times_contracts_is_exact_money()
    {
        var cost = ContractPrice.Parse("0.4567") * Contracts.Parse("33.33");
        Assert.Equal(15.221811m, cost.Dollars);
    }

    [Fact]
    public void Prices_order_by_value()
    {
        Assert.True(ContractPrice.Parse("0.40") < ContractPrice.Parse("0.41"));
        Assert.True(ContractPrice.Parse("0.41") >= ContractPrice.Parse("0.4100"));
        Assert.Equal(ContractPrice.Parse("0.41"), ContractPrice.Parse("0.4100"));
    }
}
