using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core;

/// <summary>
/// Kalshi's historical archive: orders canceled or executed, fills and trades made, and markets
/// settled up to the cutoff leave the live lists (GET /portfolio/orders, /portfolio/fills,
/// /markets/trades, /markets) and are served by /historical/* instead. Resting orders always stay live. Here the archive is a view over the same records, moved by
/// <see cref="ArchiveFinished"/> (the admin API), so tests can put an order past the cutoff at will.
/// </summary>
public sealed partial class KalshiExchange
{
    private long? _historicalCutoffTicks;

    /// <summary>Where live data ends; null until something was archived.</summary>
    public DateTimeOffset? HistoricalCutoff => _historicalCutoffTicks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Archives every order finished and every fill made up to now; returns the new cutoff.</summary>
    public DateTimeOffset ArchiveFinished()
    {
        var now = Time.GetUtcNow();
        _historicalCutoffTicks = now.UtcTicks;
        return now;
    }

    private bool IsArchived(Internal.Order order) =>
        _historicalCutoffTicks is { } cutoff && !order.IsResting && order.LastUpdateTime.UtcTicks <= cutoff;

    private bool IsArchived(Internal.FillRecord fill) => _historicalCutoffTicks is { } cutoff && fill.TimeTicks <= cutoff;

    /// <summary>Archived orders, newest first.</summary>
    public IReadOnlyList<OrderView> GetHistoricalOrders(string userId, MarketTicker? ticker = null, DateTimeOffset? maxTime = null)
    {
        if (!_accounts.TryGetValue(userId, out var account)) return [];
        var result = new List<OrderView>();
        for (var i = account.Orders.Count - 1; i >= 0; i--)
        {
            var order = account.Orders[i];
            if (!IsArchived(order) || (ticker is { } t && order.Market.Ticker != t) || (maxTime is { } max && order.CreatedTime > max)) continue;
            result.Add(OrderViewOf(order));
        }
        return result;
    }

    /// <summary>Archived fills, newest first.</summary>
    public IReadOnlyList<FillView> GetHistoricalFills(string userId, MarketTicker? ticker = null, DateTimeOffset? maxTime = null)
    {
        if (!_accounts.TryGetValue(userId, out var account)) return [];
        var result = new List<FillView>();
        for (var i = account.Fills.Count - 1; i >= 0; i--)
        {
            var fill = account.Fills[i];
            if (!IsArchived(fill) || (ticker is { } t && fill.Order.Market.Ticker != t)) continue;
            var view = FillViewOf(fill);
            if (maxTime is { } max && view.Time > max) continue;
            result.Add(view);
        }
        return result;
    }

    private bool IsArchived(Internal.TradeRecord trade) => _historicalCutoffTicks is { } cutoff && trade.TimeTicks <= cutoff;

    /// <summary>Whether a market was settled (finalized) at or before the cutoff: it is then only in /historical/markets.</summary>
    public bool IsArchived(MarketView market) =>
        _historicalCutoffTicks is { } cutoff && market.Status == MarketStatus.Finalized && market.SettledTime is { } settled && settled.UtcTicks <= cutoff;

    /// <summary>Markets settled up to the cutoff, in creation order.</summary>
    public IReadOnlyList<MarketView> GetHistoricalMarkets() => GetMarkets().Where(IsArchived).ToList();

    /// <summary>Live trades (after the cutoff), newest first.</summary>
    public IReadOnlyList<TradeView> GetLiveTrades(MarketTicker? ticker) => TradesWhere(ticker, archived: false);

    /// <summary>Archived trades (up to the cutoff), newest first.</summary>
    public IReadOnlyList<TradeView> GetHistoricalTrades(MarketTicker? ticker) => TradesWhere(ticker, archived: true);

    private List<TradeView> TradesWhere(MarketTicker? ticker, bool archived)
    {
        var all = new List<(Internal.Market Market, Internal.TradeRecord Trade)>();
        foreach (var market in _marketList)
        {
            if (ticker is { } t && market.Ticker != t) continue;
            var trades = market.Trades;
            for (var i = 0; i < trades.Count; i++)
                if (IsArchived(trades[i]) == archived) all.Add((market, trades[i]));
        }
        all.Sort(static (a, b) => b.Trade.Sequence.CompareTo(a.Trade.Sequence));
        return all.ConvertAll(x => TradeViewOf(x.Market, x.Trade));
    }
}
