using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Testing;

namespace Fillwise.Domain.Tests.Perp;

public class PerpPositionProperties
{
    private static readonly InstrumentId Zec = new("aster", "ZECUSDT");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // Quantities on a 0.001 step, prices on a 0.01 tick: the precision of a real ZEC market.
    private static readonly Gen<(bool Buy, decimal Qty, decimal Price)> FillGen =
        from buy in Gen.Elements(true, false)
        from lots in Gen.Choose(1, 5000)
        from ticks in Gen.Choose(40_000, 60_000)
        select (buy, lots / 1000m, ticks / 100m);

    private static List<PerpFill> Fills(IEnumerable<(bool Buy, decimal Qty, decimal Price)> steps)
    {
        var n = 0;
        return steps.Select(s => new PerpFill(new TradeId($"t{n++}"), Zec, s.Buy ? OrderSide.Buy : OrderSide.Sell,
            Quantity.Of(s.Qty), Price.Of(s.Price), Money.FromDollars(Math.Round(s.Qty * s.Price * 0.00035m, 8)), false, T0)).ToList();
    }

    [Fact]
    public void Quantity_is_the_sum_of_signed_fills_and_replays_change_nothing()
    {
        PropertyCheck.Run(Prop.ForAll(FillGen.ListOf().ToArbitrary(), (List<(bool, decimal, decimal)> steps) =>
        {
            var p = new PerpPosition(Zec);
            decimal expected = 0;
            foreach (var fill in Fills(steps))
            {
                p.Apply(fill);
                if (p.Apply(fill) != PerpFillOutcome.Duplicate) return false;
                expected += fill.Side == OrderSide.Buy ? fill.Quantity.Value : -fill.Quantity.Value;
                if (p.SignedQuantity != expected) return false;
            }
            return true;
        }));
    }

    [Fact]
    public void Realized_plus_unrealized_at_any_mark_equals_the_cash_flows_exactly()
    {
        var gen = from steps in FillGen.ListOf() from mark in Gen.Choose(1, 100_000) select (steps, mark / 100m);
        PropertyCheck.Run(Prop.ForAll(gen.ToArbitrary(), ((List<(bool, decimal, decimal)>, decimal) t) =>
        {
            var (steps, markValue) = t;
            var mark = Price.Of(markValue);
            var p = new PerpPosition(Zec);
            decimal cash = 0, fees = 0;
            foreach (var fill in Fills(steps))
            {
                p.Apply(fill);
                cash += fill.CashFlow;
                fees += fill.Fee.Dollars;
            }
            return p.RealizedPnl.Dollars + p.UnrealizedPnl(mark).Dollars == cash + p.SignedQuantity * mark.Value
                && p.FeesPaid.Dollars == fees
                && p.NetPnl.Dollars == p.RealizedPnl.Dollars - fees;
        }));
    }

    [Fact]
    public void Closing_in_many_parts_books_the_same_as_closing_at_once()
    {
        var gen =
            from opens in FillGen.NonEmptyListOf()
            from exitTicks in Gen.Choose(40_000, 60_000)
            from cuts in Gen.Choose(1, 99).ListOf()
            select (opens, exitTicks / 100m, cuts);
        PropertyCheck.Run(Prop.ForAll(gen.ToArbitrary(), ((List<(bool, decimal, decimal)>, decimal, List<int>) t) =>
        {
            var (opens, exit, cuts) = t;
            // Same-side opens only: a long built in several fills.
            var entries = Fills(opens.Select(o => (true, o.Item2, o.Item3)));
            var whole = new PerpPosition(Zec);
            var parts = new PerpPosition(Zec);
            foreach (var f in entries)
            {
                whole.Apply(f);
                parts.Apply(f);
            }
            var price = Price.Of(exit);
            whole.Apply(new PerpFill(new TradeId("x"), Zec, OrderSide.Sell, whole.Size, price, Money.Zero, false, T0));
            var n = 0;
            foreach (var cut in cuts)
            {
                var part = Math.Floor(parts.SignedQuantity * cut / 100m * 1000m) / 1000m;
                if (part <= 0m || part >= parts.SignedQuantity) continue;
                parts.Apply(new PerpFill(new TradeId($"x{n++}"), Zec, OrderSide.Sell, Quantity.Of(part), price, Money.Zero, false, T0));
            }
            parts.Apply(new PerpFill(new TradeId("last"), Zec, OrderSide.Sell, parts.Size, price, Money.Zero, false, T0));
            return whole.IsFlat && parts.IsFlat && whole.RealizedPnl == parts.RealizedPnl;
        }));
    }
}
