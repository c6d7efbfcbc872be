using Fillwise.Domain.Values;

namespace Fillwise.Kalshi.Tests;

public class DirectionTests
{
    [Theory]
    [InlineData(TradeAction.Buy, OutcomeSide.Yes, BookSide.Bid, 1)]
    [InlineData(TradeAction.Sell, OutcomeSide.No, BookSide.Bid, 1)]
    [InlineData(TradeAction.Buy, OutcomeSide.No, BookSide.Ask, -1)]
    [InlineData(TradeAction.Sell, OutcomeSide.Yes, BookSide.Ask, -1)]
    public void Book_side_and_position_sign_follow_Kalshi(TradeAction action, OutcomeSide side, BookSide book, int sign)
    {
        var direction = new OrderDirection(action, side);
        Assert.Equal(book, direction.BookSide);
        Assert.Equal(sign, direction.PositionSign);
    }

    [Fact]
    public void Buy_no_at_q_is_an_ask_at_one_minus_q_on_the_yes_leg()
    {
        var buyNo = new OrderDirection(TradeAction.Buy, OutcomeSide.No);
        var (side, yesPrice) = buyNo.ToV2(ContractPrice.Parse("0.40"));
        Assert.Equal(BookSide.Ask, side);
        Assert.Equal(ContractPrice.Parse("0.60"), yesPrice);
        Assert.Equal(ContractPrice.Parse("0.40"), buyNo.FromYesPrice(yesPrice));
    }

    [Fact]
    public void Buy_yes_keeps_its_price()
    {
        var buyYes = new OrderDirection(TradeAction.Buy, OutcomeSide.Yes);
        Assert.Equal((BookSide.Bid, ContractPrice.Parse("0.45")), buyYes.ToV2(ContractPrice.Parse("0.45")));
        Assert.Equal(new OrderDirection(TradeAction.Sell, OutcomeSide.Yes), buyYes.Opposite);
    }

    [Fact]
    public void Wire_words_round_trip()
    {
        foreach (var s in new[] { OutcomeSide.Yes, OutcomeSide.No })
        {
            Assert.True(DirectionText.TryParseOutcomeSide(s.ToWire(), out var back));
            Assert.Equal(s, back);
        }
        foreach (var b in new[] { BookSide.Bid, BookSide.Ask })
        {
            Assert.True(DirectionText.TryParseBookSide(b.ToWire(), out var back));
            Assert.Equal(b, back);
        }
        Assert.False(DirectionText.TryParseOutcomeSide("YES", out _));
        Assert.False(DirectionText.TryParseAction("hold", out _));
    }
}
