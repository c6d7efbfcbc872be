using Fillwise.Domain;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Tests.Values;

public class ContractsTests
{
    [Theory]
    [InlineData("50.00", "50.00")]
    [InlineData("50", "50.00")]
    [InlineData("0.5", "0.50")]
    [InlineData("0", "0.00")]
    [InlineData("1000000.25", "1000000.25")]
    public void Round_trips(string text, string wire)
    {
        Assert.Equal(wire, Contracts.Parse(text).ToString());
        Assert.Equal(Contracts.Parse(text), Contracts.Parse(Contracts.Parse(text).ToString()));
    }

    [Theory]
    [InlineData("-1", "negative")]
    [InlineData("1.005", "more than 2 decimal places")]
    [InlineData("ten", "not a decimal number")]
    [InlineData("10,00", "not a decimal number")]
    public void Rejects_bad_counts_naming_the_value(string text, string why)
    {
        var ex = Assert.Throws<FormatException>(() => Contracts.Parse(text));
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arithmetic_is_exact_and_never_negative()
    {
        var a = Contracts.Parse("100.00");
        var b = Contracts.Parse("33.33");
        Assert.Equal("66.67", (a - b).ToString());
        Assert.Equal("133.33", (a + b).ToString());
        Assert.Throws<DomainException>(() => b - a);
        Assert.Throws<DomainException>(() => Contracts.Of(-1m));
        Assert.Equal(b, Contracts.Min(a, b));
    }

    [Theory]
    [InlineData("10.00", OutcomeSide.Yes, "10.00")]
    [InlineData("-7.50", OutcomeSide.No, "7.50")]
    public void Signed_positions_are_positive_yes_negative_no(string text, OutcomeSide side, string count)
    {
        Assert.True(Contracts.TryParseSignedPosition(text, out var parsedSide, out var parsed, out _));
        Assert.Equal(side, parsedSide);
        Assert.Equal(count, parsed.ToString());
    }

    [Fact]
    public void A_flat_signed_position_has_no_side()
    {
        Assert.True(Contracts.TryParseSignedPosition("0.00", out var side, out var count, out _));
        Assert.Null(side);
        Assert.True(count.IsZero);
    }
}

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
        Assert.Throws<DomainException>(() => new MarketTicker(""));
        Assert.Throws<DomainException>(() => new MarketTicker("KX TEST"));
        Assert.Throws<DomainException>(() => new TradeId("a\nb"));
        Assert.Equal("KXTEST-1", new MarketTicker("KXTEST-1").ToString());
    }
}
