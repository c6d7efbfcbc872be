using System.Globalization;
using System.Text;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Tests;

/// <summary>
/// What must hold of the exchange after any operation, whatever was asked of it: the property
/// tests and the fuzz suites check these after every step.
/// </summary>
internal static class ExchangeInvariants
{
    /// <summary>
    /// No crossed book; Σ YES = Σ NO per market and open interest = Σ YES; cash conserved (free + held +
    /// fees + $1 per open pair = deposits); collateral never negative and released when nothing rests;
    /// every fill shared by both parties under one trade id; every order's counts consistent with its
    /// status and its fills. <paramref name="settled"/>: every market is settled, so nothing is held.
    /// </summary>
    public static void Check(KalshiExchange exchange, IReadOnlyCollection<string> users, decimal deposits, bool settled = false)
    {
        var markets = exchange.GetMarkets();
        foreach (var market in markets)
        {
            if (market.YesBid is { } bid && market.YesAsk is { } ask) Assert.True(bid < ask, $"crossed book on {market.Definition.Ticker}: {bid} >= {ask}");
        }

        // Contracts: Σ YES = Σ NO per market, and open interest is Σ YES.
        var allPositions = users.SelectMany(exchange.GetPositions).ToList();
        var escrow = 0m;
        foreach (var market in markets)
        {
            var ticker = market.Definition.Ticker;
            var positions = allPositions.Where(p => p.Ticker == ticker).ToList();
            Assert.Equal(0m, positions.Sum(p => p.Position));
            var yes = positions.Where(p => p.Position > 0).Sum(p => p.Position);
            Assert.Equal(yes, market.OpenInterest.Value);
            escrow += yes;
        }

        // Cash is conserved: free + held + fees + $1 per open pair = deposits.
        var accounts = users.Select(u => exchange.GetAccount(u)!).ToList();
        var fees = accounts.SelectMany(a => a.Positions).Sum(p => p.FeesPaid.Dollars);
        var total = accounts.Sum(a => a.Balance.Dollars + a.HeldCollateral.Dollars) + fees + escrow;
        Assert.Equal(deposits, total);
        if (settled) Assert.Equal(0m, escrow + accounts.Sum(a => a.HeldCollateral.Dollars));
        foreach (var account in accounts)
        {
            Assert.True(account.HeldCollateral.Dollars >= 0m, $"{account.UserId} holds negative collateral {account.HeldCollateral}");
            Assert.Equal(account.RestingOrders, exchange.GetOrders(account.UserId, new OrderQuery(Status: VenueOrderStatus.Resting)).Count);
            if (account.RestingOrders == 0) Assert.True(account.HeldCollateral.Dollars == 0m, $"{account.UserId} rests nothing but holds {account.HeldCollateral}");
        }

        // Every fill reaches both parties under one trade id (live and archived fills alike).
        var fillsByUser = users.ToDictionary(u => u, u => exchange.GetFills(u).Concat(exchange.GetHistoricalFills(u)).ToList());
        var trades = fillsByUser.Values.SelectMany(f => f).GroupBy(f => f.TradeId).ToList();
        foreach (var trade in trades)
        {
            Assert.Equal(2, trade.Count());
            var (a, b) = (trade.First(), trade.Last());
            Assert.Equal(a.Count, b.Count);
            Assert.Equal(a.YesPrice, b.YesPrice);
            Assert.NotEqual(a.Side, b.Side);
            Assert.NotEqual(a.IsTaker, b.IsTaker);
            Assert.NotEqual(a.UserId, b.UserId);
        }
        Assert.Equal(exchange.GetTrades(null).Count, trades.Count);

        // Per order: filled + remaining within the initial count, consistent with status and fills.
        foreach (var user in users)
        {
            var filledByOrder = fillsByUser[user].GroupBy(f => f.OrderId).ToDictionary(g => g.Key, g => g.Sum(f => f.Count.Value));
            foreach (var order in exchange.GetOrders(user, new OrderQuery()).Concat(exchange.GetHistoricalOrders(user)))
            {
                Assert.True(order.FillCount.Value + order.RemainingCount.Value <= order.InitialCount.Value);
                Assert.True(order.InitialCount <= ExchangeLimits.MaxOrderCount, $"order {order.OrderId} of {order.InitialCount} is above the limit");
                switch (order.Status)
                {
                    case VenueOrderStatus.Resting:
                        Assert.True(order.RemainingCount.Value > 0);
                        Assert.Equal(order.InitialCount.Value, order.FillCount.Value + order.RemainingCount.Value);
                        break;
                    case VenueOrderStatus.Executed:
                        Assert.Equal(order.InitialCount.Value, order.FillCount.Value);
                        Assert.Equal(0m, order.RemainingCount.Value);
                        break;
                    default:
                        Assert.Equal(0m, order.RemainingCount.Value);
                        break;
                }
                Assert.Equal(order.FillCount.Value, filledByOrder.GetValueOrDefault(order.OrderId));
            }
        }
    }

    /// <summary>
    /// Everything a client can observe of the exchange, as one text: accounts, positions, orders,
    /// fills, settlements, groups, markets, books and the tape. Equal before and after a request
    /// means the request changed nothing.
    /// </summary>
    public static string Fingerprint(KalshiExchange exchange, IEnumerable<string> users)
    {
        var text = new StringBuilder();
        foreach (var user in users)
        {
            var account = exchange.GetAccount(user)!;
            text.Append(CultureInfo.InvariantCulture, $"account {user} {account.Balance} {account.HeldCollateral} {account.RestingOrders}\n");
            foreach (var p in account.Positions) text.Append(p).Append('\n');
            foreach (var o in exchange.GetOrders(user, new OrderQuery()).Concat(exchange.GetHistoricalOrders(user))) text.Append(o).Append('\n');
            foreach (var f in exchange.GetFills(user).Concat(exchange.GetHistoricalFills(user))) text.Append(f).Append('\n');
            foreach (var s in exchange.GetSettlements(user)) text.Append(s).Append('\n');
            foreach (var g in exchange.GetOrderGroups(user)) text.Append(CultureInfo.InvariantCulture, $"group {g.OrderGroupId} {g.ContractsLimit} {g.IsTriggered} {string.Join(',', g.OrderIds)}\n");
        }
        foreach (var market in exchange.GetMarkets())
        {
            text.Append(market).Append('\n');
            var book = exchange.GetBook(market.Definition.Ticker)!;
            text.Append(string.Join(' ', book.YesBids)).Append(" | ").Append(string.Join(' ', book.NoBids)).Append('\n');
        }
        text.Append(CultureInfo.InvariantCulture, $"trades {exchange.GetTrades(null).Count} cutoff {exchange.HistoricalCutoff}\n");
        return text.ToString();
    }

    /// <summary>The first line two fingerprints disagree on, both versions, for a failure message.</summary>
    public static string FirstDifference(string before, string after)
    {
        var (a, b) = (before.Split('\n'), after.Split('\n'));
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var (x, y) = (i < a.Length ? a[i] : "(none)", i < b.Length ? b[i] : "(none)");
            if (x != y) return $"before: {x}\nafter:  {y}";
        }
        return "(same)";
    }
}
