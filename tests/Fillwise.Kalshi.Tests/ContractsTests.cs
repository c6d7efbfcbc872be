using Fillwise.Domain;
using Fillwise.Domain.Values;

namespace Fillwise.Kalshi.Tests;

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
