using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Testing;

namespace Fillwise.Domain.Tests.Portfolio;

public class LotProperties
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly InstrumentId Instrument = new("test", "X");

    private static readonly Gen<decimal> Amount = Gen.Choose(1, 5000).Select(c => c / 1000m);
    private static readonly Gen<Price> PriceGen = Gen.Choose(1, 999_999).Select(t => Price.Of(t / 1000m));

    [Fact]
    public void Units_held_equal_entries_minus_exits_long_or_short()
    {
        var steps = (from isEntry in Gen.Elements(true, false) from q in Amount from price in PriceGen select (isEntry, q, price)).ListOf();
        var prop = Prop.ForAll(Gen.Elements(PositionSide.Long, PositionSide.Short).ToArbitrary(), steps.ToArbitrary(),
            (PositionSide side, List<(bool, decimal, Price)> list) =>
        {
            var p = new Lot(new PositionId("p"), Instrument, side, T0);
            decimal entered = 0, exited = 0;
            var n = 0;
            foreach (var (isEntry, q, price) in list)
            {
                if (p.IsClosed) break;
                var units = isEntry ? q : Math.Min(q, p.Quantity.Value);
                if (units == 0) continue;
                var fill = new LotFill(new TradeId($"t{n++}"), new VenueOrderId($"o{n}"), isEntry ? p.EntrySide : p.ExitSide, Quantity.Of(units), price, Money.Zero, T0);
                p.Apply(fill);
                p.Apply(fill); // a replayed fill changes nothing
                if (isEntry) entered += units; else exited += units;
                if (p.Quantity.Value != entered - exited) return false;
            }
            return p.EnteredTotal.Value == entered && p.ExitedTotal.Value == exited;
        });
        PropertyCheck.Run(prop);
    }

    [Fact]
    public void Many_partial_exits_book_the_same_pnl_as_one_exit_at_the_same_prices()
    {
        // Entries at several prices, then exits at one price split into random parts.
        var gen =
            from side in Gen.Elements(PositionSide.Long, PositionSide.Short)
            from entries in (from c in Gen.Choose(1, 100) from p in PriceGen select (c, p)).NonEmptyListOf()
            from exitPrice in PriceGen
            from cuts in Gen.Choose(1, 99).ListOf()
            select (side, entries, exitPrice, cuts);
        var prop = Prop.ForAll(gen.ToArbitrary(), ((PositionSide, List<(int, Price)>, Price, List<int>) t) =>
        {
            var (side, entries, exitPrice, cuts) = t;
            var single = new Lot(new PositionId("s"), Instrument, side, T0);
            var split = new Lot(new PositionId("p"), Instrument, side, T0);
            var n = 0;
            foreach (var (count, price) in entries)
            {
                var entry = new LotFill(new TradeId($"b{n++}"), null, single.EntrySide, Quantity.Of(count), price, Money.Parse("0.0123"), T0);
                single.Apply(entry);
                split.Apply(entry);
            }
            var total = single.Quantity;
            single.Apply(new LotFill(new TradeId("x"), new VenueOrderId("x"), single.ExitSide, total, exitPrice, Money.Zero, T0));

            foreach (var cut in cuts)
            {
                var part = Quantity.Of(Math.Max(1m, Math.Floor(split.Quantity.Value * cut / 100m)));
                if (split.IsClosed || part >= split.Quantity) break;
                split.Apply(new LotFill(new TradeId($"x{n++}"), new VenueOrderId($"x{n}"), split.ExitSide, part, exitPrice, Money.Zero, T0));
            }
            if (!split.IsClosed)
                split.Apply(new LotFill(new TradeId("last"), new VenueOrderId("last"), split.ExitSide, split.Quantity, exitPrice, Money.Zero, T0));

            return single.IsClosed && split.IsClosed
                && single.GrossRealizedPnl == split.GrossRealizedPnl
                && single.RealizedPnl == split.RealizedPnl
                && split.Exits.Sum(e => e.Quantity.Value) == total.Value;
        });
        PropertyCheck.Run(prop);
    }
}
