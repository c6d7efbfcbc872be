using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

/// <summary>An order's place in its price level: the contracts that rest ahead of it (Kalshi's queue_position_fp).</summary>
public sealed record QueuePositionView(string OrderId, MarketTicker Ticker, Contracts Ahead);

public sealed partial class KalshiExchange
{
    /// <summary>
    /// Contracts that must match before <paramref name="orderId"/> does, by price-time priority: what
    /// rests earlier at its own price (better prices are matched first and are not counted, as
    /// Kalshi counts). Null when the user has no such resting order.
    /// </summary>
    public QueuePositionView? GetQueuePosition(string userId, string orderId) =>
        Ids.TryParseOrderId(orderId, out var sequence) && _orders.TryGet(sequence, out var order)
        && string.Equals(order.Account.Id, userId, StringComparison.Ordinal) && order.IsResting
            ? QueuePositionOf(order)
            : null;

    /// <summary>Every resting order of the user, optionally only on <paramref name="tickers"/> or in one event; oldest first.</summary>
    public IReadOnlyList<QueuePositionView> GetQueuePositions(string userId, IReadOnlySet<MarketTicker>? tickers, string? eventTicker)
    {
        if (!_accounts.TryGetValue(userId, out var account)) return [];
        var result = new List<QueuePositionView>();
        for (var i = 0; i < account.Orders.Count; i++)
        {
            var order = account.Orders[i];
            if (!order.IsResting) continue;
            if (tickers is not null && !tickers.Contains(order.Market.Ticker)) continue;
            if (eventTicker is not null && !string.Equals(order.Market.Definition.EventTicker, eventTicker, StringComparison.Ordinal)) continue;
            result.Add(QueuePositionOf(order));
        }
        return result;
    }

    private static QueuePositionView QueuePositionOf(Order order)
    {
        long ahead = 0;
        for (var earlier = order.Previous; earlier is not null; earlier = earlier.Previous) ahead += earlier.RemainingLots;
        return new QueuePositionView(order.Id, order.Market.Ticker, Lots.ToContracts(ahead));
    }
}
