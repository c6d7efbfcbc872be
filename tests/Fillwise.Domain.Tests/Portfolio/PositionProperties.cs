using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Testing;

namespace Fillwise.Domain.Tests.Portfolio;

public class PositionProperties
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<decimal> Count = Gen.Choose(1, 5000).Select(c => c / 100m);
    private static readonly Gen<ContractPrice> PriceGen = Gen.Choose(1, 9999).Select(t => ContractPrice.FromDollars(t / 10000m));

    [Fact]
    public void Contracts_held_equal_buys_minus_sells()
    {
        var steps = (from isBuy in Gen.Elements(true, false) from count in Count from price in PriceGen select (isBuy, count, price)).ListOf();
        var prop = Prop.ForAll(steps.ToArbitrary(), (List<(bool, decimal, ContractPrice)> list) =>
        {
            var p = new Position(new MarketTicker("KXP"), OutcomeSide.Yes, T0);
            decimal bought = 0, sold = 0;
            var n = 0;
            foreach (var (isBuy, count, price) in list)
            {
                if (p.IsClosed) break;
                var c = isBuy ? count : Math.Min(count, p.Contracts.Value);
                if (c == 0) continue;
                var fill = new PositionFill(new TradeId($"t{n++}"), new VenueOrderId($"o{n}"), isBuy ? TradeAction.Buy : TradeAction.Sell, Contracts.Of(c), price, Money.Zero, T0);
                p.Apply(fill);
                p.Apply(fill); // a replayed fill changes nothing
                if (isBuy) bought += c; else sold += c;
                if (p.Contracts.Value != bought - sold) return false;
            }
            return p.BoughtTotal.Value == bought && p.SoldTotal.Value == sold;
        });
        PropertyCheck.Run(prop);
    }

    [Fact]
    public void Many_partial_exits_book_the_same_pnl_as_one_exit_at_the_same_prices()
    {
        // Entries at several prices, then exits at one price split into random parts.
        var gen =
            from entries in (from c in Gen.Choose(1, 100) from p in PriceGen select (c, p)).NonEmptyListOf()
            from exitPrice in PriceGen
            from cuts in Gen.Choose(1, 99).ListOf()
            select (entries, exitPrice, cuts);
        var prop = Prop.ForAll(gen.ToArbitrary(), ((List<(int, ContractPrice)>, ContractPrice, List<int>) t) =>
        {
            var (entries, exitPrice, cuts) = t;
            var single = new Position(new MarketTicker("KXP"), OutcomeSide.Yes, T0);
            var split = new Position(new MarketTicker("KXP"), OutcomeSide.Yes, T0);
            var n = 0;
            foreach (var (count, price) in entries)
            {
                var buy = new PositionFill(new TradeId($"b{n++}"), null, TradeAction.Buy, Contracts.Of(count), price, Money.Parse("0.0123"), T0);
                single.Apply(buy);
                split.Apply(buy);
            }
            var total = single.Contracts;
            single.Apply(new PositionFill(new TradeId("x"), new VenueOrderId("x"), TradeAction.Sell, total, exitPrice, Money.Zero, T0));

            foreach (var cut in cuts)
            {
                var part = Contracts.Of(Math.Max(1m, Math.Floor(split.Contracts.Value * cut / 100m)));
                if (split.IsClosed || part >= split.Contracts) break;
                split.Apply(new PositionFill(new TradeId($"x{n++}"), new VenueOrderId($"x{n}"), TradeAction.Sell, part, exitPrice, Money.Zero, T0));
            }
            if (!split.IsClosed)
                split.Apply(new PositionFill(new TradeId("last"), new VenueOrderId("last"), TradeAction.Sell, split.Contracts, exitPrice, Money.Zero, T0));

            return single.IsClosed && split.IsClosed
                && single.GrossRealizedPnl == split.GrossRealizedPnl
                && single.RealizedPnl == split.RealizedPnl
                && split.Exits.Sum(e => e.Count.Value) == total.Value;
        });
        PropertyCheck.Run(prop);
    }
}
