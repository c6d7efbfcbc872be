using Fillwise.Domain;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Values;

public class NeutralPriceTests
{
    [Theory]
    [InlineData("495.791668", "495.791668")]
    [InlineData("0.4500", "0.45")]
    [InlineData("0", "0")]
    [InlineData("514.00", "514")]
    public void Parses_exactly_and_writes_the_shortest_form(string text, string shortest)
    {
        var price = Price.Parse(text);
        Assert.Equal(shortest, price.ToString());
        Assert.Equal(price, Price.Parse(price.ToString()));
    }

    [Theory]
    [InlineData("-1", "is negative")]
    [InlineData("1e3", "not a decimal number")]
    [InlineData("0.1234567890123", "more than 12 decimal places")]
    [InlineData("", "is empty")]
    public void Refuses_what_is_not_a_plain_price_and_names_it(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => Price.Parse(text));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains("price", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_amounts_with_other_scales_are_equal()
    {
        Assert.Equal(Price.Parse("0.45"), Price.Parse("0.4500"));
        Assert.Equal(Price.Parse("0.45").GetHashCode(), Price.Parse("0.4500").GetHashCode());
        Assert.Equal("0.4500", Price.Parse("0.45").ToString(4));
        Assert.Throws<DomainException>(() => Price.Parse("0.45001").ToString(4));
    }

    [Fact]
    public void Notional_is_exact()
    {
        Assert.Equal(Money.Parse("1156.186169776"), Price.Parse("495.791668") * Quantity.Parse("2.332"));
    }
}

public class QuantityTests
{
    [Fact]
    public void Any_step_is_written_exactly()
    {
        Assert.Equal("2.332", Quantity.Parse("2.332").ToString());
        Assert.Equal("0.021", (Quantity.Parse("2.332") - Quantity.Parse("2.311")).ToString());
        Assert.Equal("50.00", Quantity.Of(50m).ToString(2));
        Assert.True(default(Quantity).IsZero);
    }

    [Fact]
    public void Subtraction_below_zero_is_refused_and_shortfall_floors_at_zero()
    {
        Assert.Throws<DomainException>(() => Quantity.Parse("1") - Quantity.Parse("2"));
        Assert.Equal(Quantity.Zero, Quantity.Shortfall(Quantity.Parse("1"), Quantity.Parse("2")));
        Assert.Equal(Quantity.Parse("1"), Quantity.Shortfall(Quantity.Parse("3"), Quantity.Parse("2")));
    }

    [Theory]
    [InlineData("-0.1", "is negative")]
    [InlineData("1,5", "not a decimal number")]
    public void Refuses_bad_text_naming_it(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => Quantity.Parse(text));
        Assert.Contains($"quantity '{text}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }
}
