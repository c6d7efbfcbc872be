using System.Text;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster.Tests;

public class ErrorAndBookTests
{
    [Theory]
    [InlineData(-4164, RejectionReason.BelowMinimumNotional)]
    [InlineData(-4004, RejectionReason.BelowMinimumSize)]
    [InlineData(-4014, RejectionReason.InvalidPrice)]
    [InlineData(-4023, RejectionReason.InvalidQuantity)]
    [InlineData(-2019, RejectionReason.InsufficientBalance)]
    [InlineData(-2022, RejectionReason.ReduceOnlyWouldIncrease)]
    [InlineData(-4116, RejectionReason.DuplicateClientOrderId)]
    [InlineData(-2011, RejectionReason.NotFound)]
    [InlineData(-2013, RejectionReason.NotFound)]
    [InlineData(-5022, RejectionReason.PostOnlyWouldCross)]
    [InlineData(-1003, RejectionReason.RateLimited)]
    [InlineData(-1022, RejectionReason.AuthenticationFailed)]
    [InlineData(-9999, RejectionReason.Other)]
    public void Aster_codes_map_to_the_engines_reasons(int code, RejectionReason reason) =>
        Assert.Equal(reason, AsterErrorCodes.Reason(code, "msg"));

    [Fact]
    public void Precision_errors_say_which_number_was_too_fine()
    {
        Assert.Equal(RejectionReason.InvalidQuantity, AsterErrorCodes.Reason(-1111, "Precision is over the maximum defined for this asset (quantity 0.0001)."));
        Assert.Equal(RejectionReason.InvalidPrice, AsterErrorCodes.Reason(-1111, "Precision is over the maximum defined for this asset (price 1.001)."));
    }

    private static Instrument Zec() => new(new InstrumentId("aster", "ZECUSDT"), InstrumentKind.Perpetual, "ZEC",
        [new PriceBand(Price.Parse("0.01"), Price.Parse("100000"), Price.Parse("0.01"))], Quantity.Parse("0.001"), Quantity.Parse("0.001"), Money.Parse("5"), true);

    private static byte[] Frame(long first, long last, long previous, string bids, string asks) => Encoding.UTF8.GetBytes(
        $$"""{"e":"depthUpdate","E":1,"T":1,"s":"ZECUSDT","U":{{first}},"u":{{last}},"pu":{{previous}},"b":[{{bids}}],"a":[{{asks}}]}""");

    [Fact]
    public void Diffs_apply_on_a_snapshot_and_a_broken_chain_is_a_gap()
    {
        var book = new AsterOrderBook(Zec());
        Assert.Equal(AsterBookApply.NotSynced, book.Apply(Frame(10, 10, 9, "", "")));
        book.LoadSnapshot(new AsterDepth(new InstrumentId("aster", "ZECUSDT"), 10,
            [new AsterLevel(Price.Parse("514.00"), Quantity.Parse("1"))], [new AsterLevel(Price.Parse("514.10"), Quantity.Parse("2"))]));
        Assert.Equal(AsterBookApply.Stale, book.Apply(Frame(9, 9, 8, "", "")));
        Assert.Equal(AsterBookApply.Applied, book.Apply(Frame(11, 11, 10, """["514.05","0.500"]""", """["514.10","0"]""")));
        Assert.Equal(new AsterLevel(Price.Parse("514.05"), Quantity.Parse("0.5")), book.BestBid);
        Assert.Null(book.BestAsk);
        Assert.Equal(AsterBookApply.Applied, book.Apply(Frame(12, 14, 11, """["514.00","0"]""", "")));
        Assert.Equal(1, book.BidLevels);
        Assert.Equal(AsterBookApply.Gap, book.Apply(Frame(16, 16, 15, "", "")));
        Assert.False(book.IsSynced);
        Assert.Equal(AsterBookApply.NotSynced, book.Apply(Frame(17, 17, 16, "", "")));
    }

    [Fact]
    public void Level_numbers_parse_exactly_in_the_instruments_precision()
    {
        Assert.Equal(51450, AsterOrderBook.ParseScaled("514.5"u8, 2));
        Assert.Equal(51450, AsterOrderBook.ParseScaled("514.5000"u8, 2));
        Assert.Equal(2332, AsterOrderBook.ParseScaled("2.332"u8, 3));
        Assert.Throws<FormatException>(() => AsterOrderBook.ParseScaled("514.505"u8, 2));
        Assert.Throws<FormatException>(() => AsterOrderBook.ParseScaled("1e3"u8, 2));
    }
}
