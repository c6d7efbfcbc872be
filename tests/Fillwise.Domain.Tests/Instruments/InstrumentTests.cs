using Fillwise.Domain;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Domain.Tests.Instruments;

public class InstrumentTests
{
    private static Instrument LighterZec() => new(new InstrumentId("lighter", "ZEC"), InstrumentKind.Perpetual, "ZEC",
        [new PriceBand(Price.Parse("0.001"), Price.Parse("100000"), Price.Parse("0.001"))], Quantity.Parse("0.001"),
        Quantity.Parse("0.05"), Money.Parse("5"), reduceOnlyWaivesMinimums: false, quoteCurrency: "USDC");

    private static Instrument AsterZec() => new(new InstrumentId("aster", "ZECUSDT"), InstrumentKind.Perpetual, "ZEC",
        [new PriceBand(Price.Parse("0.01"), Price.Parse("100000"), Price.Parse("0.01"))], Quantity.Parse("0.001"),
        Quantity.Parse("0.001"), Money.Parse("5"), reduceOnlyWaivesMinimums: true, quoteCurrency: "USDT");

    /// <summary>Kalshi's tapered_deci_cent: 0.1c steps near the ends, 1c in the middle.</summary>
    private static Instrument Tapered() => new(new InstrumentId("kalshi", "KX-T.YES"), InstrumentKind.EventContract, "KX-T",
        [new PriceBand(Price.Parse("0.001"), Price.Parse("0.1"), Price.Parse("0.001")),
         new PriceBand(Price.Parse("0.11"), Price.Parse("0.89"), Price.Parse("0.01")),
         new PriceBand(Price.Parse("0.9"), Price.Parse("0.999"), Price.Parse("0.001"))],
        Quantity.Parse("0.01"), Quantity.Parse("0.01"), Money.Zero, reduceOnlyWaivesMinimums: false, outcome: "yes");

    [Fact]
    public void The_0_021_residual_is_below_Lighters_minimum_and_reported_as_such()
    {
        var zec = LighterZec();
        var v = zec.Check(Quantity.Parse("0.021"), Price.Parse("514.388"), reduceOnly: true);
        Assert.NotNull(v);
        Assert.Equal(RejectionReason.BelowMinimumSize, v.Reason);
        Assert.True(zec.IsBelowMinimum(Quantity.Parse("0.021"), Price.Parse("514.388")));
    }

    [Fact]
    public void Aster_spares_reduce_only_orders_the_minimum_notional()
    {
        var zec = AsterZec();
        Assert.Equal(RejectionReason.BelowMinimumNotional, zec.Check(Quantity.Parse("0.005"), Price.Parse("514.44"), reduceOnly: false)!.Reason);
        Assert.Null(zec.Check(Quantity.Parse("0.005"), Price.Parse("514.44"), reduceOnly: true));
    }

    [Fact]
    public void Off_step_and_off_grid_orders_are_named()
    {
        var zec = AsterZec();
        Assert.Equal(RejectionReason.InvalidQuantity, zec.Check(Quantity.Parse("2.3325"), Price.Parse("514.44"), false)!.Reason);
        Assert.Equal(RejectionReason.InvalidPrice, zec.Check(Quantity.Parse("2.332"), Price.Parse("514.445"), false)!.Reason);
        Assert.Equal("514.44", zec.FormatPrice(Price.Parse("514.44")));
        Assert.Equal("2.300", zec.FormatQuantity(Quantity.Parse("2.3")));
        Assert.Equal(Quantity.Parse("2.332"), zec.FloorToStep(Quantity.Parse("2.3329")));
    }

    [Theory]
    [InlineData("0.0555", false, "0.055")]
    [InlineData("0.0555", true, "0.056")]
    [InlineData("0.455", false, "0.45")]
    [InlineData("0.455", true, "0.46")]
    [InlineData("0.105", false, "0.1")]
    [InlineData("0.105", true, "0.11")]
    [InlineData("0.9995", true, "0.999")]
    [InlineData("0.0001", false, "0.001")]
    public void Prices_snap_to_a_tapered_grid_without_becoming_more_aggressive(string price, bool up, string snapped)
    {
        var t = Tapered();
        var s = t.SnapToGrid(Price.Parse(price), up);
        Assert.Equal(Price.Parse(snapped), s);
        Assert.True(t.IsOnGrid(s));
    }

    [Fact]
    public void Ids_read_and_write_as_venue_colon_symbol()
    {
        var id = InstrumentId.Parse("kalshi:KXTEST-1.YES");
        Assert.Equal("kalshi", id.Venue);
        Assert.Equal("KXTEST-1.YES", id.Symbol);
        Assert.Equal("kalshi:KXTEST-1.YES", id.ToString());
        Assert.False(InstrumentId.TryParse("nocolon", out _, out var why));
        Assert.Contains("venue:symbol", why, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => new InstrumentId("aster", "ZEC USDT"));
    }
}
