using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Perp;

public class PerpCoreProperties
{
    private static readonly Gen<(int Account, bool Buy, int Lots, int Ticks, int Kind)> Step =
        from account in Gen.Choose(0, 3)
        from buy in Gen.Elements(true, false)
        from lots in Gen.Choose(10, 3000)
        from ticks in Gen.Choose(51_380, 51_420)
        from kind in Gen.Choose(0, 9)
        select (account, buy, lots, ticks, kind);

    /// <summary>
    /// Any sequence of orders (GTC, IOC, FOK, post-only, reduce-only, market, cancels): positions
    /// net to zero across accounts, money is conserved (balances + fees the venue kept = deposits),
    /// the book is never crossed and every order's executed + remaining = original.
    /// </summary>
    [Fact]
    public void Positions_net_to_zero_money_is_conserved_and_the_book_never_crosses()
    {
        PropertyCheck.Run(Prop.ForAll(Step.ListOf().ToArbitrary(), (List<(int, bool, int, int, int)> steps) =>
        {
            var h = new PerpCoreHarness();
            var accounts = Enumerable.Range(0, 4).Select(_ => h.Account("100000")).ToArray();
            var placed = new List<(long Account, long Order)>();
            foreach (var (who, buy, lots, ticks, kind) in steps)
            {
                var account = accounts[who];
                var side = buy ? OrderSide.Buy : OrderSide.Sell;
                var qty = Quantity.Of(lots / 1000m);
                var price = Price.Of(ticks / 100m);
                var request = kind switch
                {
                    0 => new PerpOrderRequest(PerpCoreHarness.Zec, side, PerpOrderType.Market, qty, null),
                    1 => new PerpOrderRequest(PerpCoreHarness.Zec, side, PerpOrderType.Limit, qty, price, PerpTimeInForce.ImmediateOrCancel),
                    2 => new PerpOrderRequest(PerpCoreHarness.Zec, side, PerpOrderType.Limit, qty, price, PerpTimeInForce.FillOrKill),
                    3 => new PerpOrderRequest(PerpCoreHarness.Zec, side, PerpOrderType.Limit, qty, price, PostOnly: true),
                    4 => new PerpOrderRequest(PerpCoreHarness.Zec, side, PerpOrderType.Limit, qty, price, ReduceOnly: true),
                    _ => new PerpOrderRequest(PerpCoreHarness.Zec, side, PerpOrderType.Limit, qty, price),
                };
                if (kind == 9 && placed.Count > 0)
                {
                    var (a, o) = placed[lots % placed.Count];
                    h.Exchange.CancelOrder(a, PerpCoreHarness.Zec, o, null);
                    continue;
                }
                var result = h.Exchange.PlaceOrder(account, request);
                if (result.Order is { } order) placed.Add((account, order.OrderId));
            }

            var positions = accounts.Sum(a => h.Position(a));
            var fees = accounts.Sum(a => h.Exchange.GetPosition(a, PerpCoreHarness.Zec)!.FeesPaid.Dollars);
            var balances = accounts.Sum(a => h.Exchange.GetAccount(a)!.WalletBalance.Dollars);
            var book = h.Exchange.GetBook(PerpCoreHarness.Zec)!;
            var crossed = book.Bids.Count > 0 && book.Asks.Count > 0 && book.Bids[0].Price >= book.Asks[0].Price;
            var counts = placed.All(p => h.Exchange.FindOrder(p.Account, p.Order, null) is { } o
                && o.ExecutedQuantity + o.RemainingQuantity == o.OriginalQuantity);
            // Trading is zero-sum: realized + unrealized over all accounts is 0 at any mark; what left the
            // accounts is exactly the fees the venue kept.
            var pnl = accounts.Sum(a => h.Exchange.GetPosition(a, PerpCoreHarness.Zec) is { } p ? p.RealizedPnl.Dollars + p.UnrealizedPnl.Dollars : 0m);
            var realized = accounts.Sum(a => h.Exchange.GetPosition(a, PerpCoreHarness.Zec)!.RealizedPnl.Dollars);
            return positions == 0m && pnl == 0m && balances + fees - realized == 400_000m && !crossed && counts;
        }), maxTest: 150);
    }
}
