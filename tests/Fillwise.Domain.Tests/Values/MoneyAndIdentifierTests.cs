using Fillwise.Domain;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Values;

public class MoneyTests
{
    [Theory]
    [InlineData("1000.00", "1000.0000")]
    [InlineData("-1.2000", "-1.2000")]
    [InlineData("0.017500", "0.0175")]
    [InlineData("0.017472", "0.017472")]
    [InlineData("998.1234", "998.1234")]
    public void Parses_exactly_and_writes_at_least_four_places(string text, string written)
    {
        var money = Money.Parse(text);
        Assert.Equal(written, money.ToString());
        Assert.Equal(money, Money.Parse(money.ToString()));
    }

    [Theory]
    [InlineData("0.0000000000001")]
    [InlineData("12a")]
    [InlineData("")]
    public void Rejects_malformed_amounts(string text)
    {
        var ex = Assert.Throws<FormatException>(() => Money.Parse(text));
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_with_requested_places()
    {
        Assert.Equal("0.017500", Money.Parse("0.0175").ToString(6));
        Assert.Equal("1000.00", Money.Parse("1000").ToString(2));
        Assert.Equal("98.01", Money.FromCents(9801).ToString(2));
    }

    [Fact]
    public void Arithmetic_is_exact()
    {
        var a = Money.Parse("0.1");
        var b = Money.Parse("0.2");
        Assert.Equal(Money.Parse("0.3"), a + b);
        Assert.Equal(Money.Parse("-0.1"), a - b);
        Assert.True((a - b).IsNegative);
        Assert.Throws<DomainException>(() => Money.FromDollars(0.1234567890123m));
        Assert.Equal(Money.Parse("0.333333"), Money.Round(1m / 3m));
    }
}

public class IdentifierTests
{
    [Fact]
    public void Identifiers_reject_empty_and_whitespace()
    {
        Assert.Throws<DomainException>(() => new ClientOrderId(""));
        Assert.Throws<DomainException>(() => new ClientOrderId("fw 1"));
        Assert.Throws<DomainException>(() => new TradeId("a\nb"));
        Assert.Equal("fw-1", new ClientOrderId("fw-1").ToString());
    }

    [Theory]
    [InlineData(0x0000)]    // NUL
    [InlineData(0x202E)]    // right-to-left override
    [InlineData(0x200B)]    // zero-width space
    [InlineData(0xD800)]    // lone surrogate
    [InlineData(0x2028)]    // line separator
    public void Identifiers_hold_printable_characters_only(int codeUnit)
    {
        var text = "fw" + (char)codeUnit + "x";
        var e = Assert.Throws<DomainException>(() => new ClientOrderId(text));
        Assert.Contains("client order id", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(text, e.Message, StringComparison.Ordinal);
    }
}
