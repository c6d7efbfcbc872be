using Fillwise.Domain.Orders;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// The core's events in Lighter's terms, under the venue lock: order updates to the owner's
/// account_all_orders channel, each execution as one trade with both sides (the maker's event comes
/// first, the taker's completes it) to the tape and the trade channels, positions to
/// account_all_positions, book deltas to order_book with nonce / begin_nonce continuity.
/// </summary>
internal sealed class LighterEvents(LighterVenue venue) : IPerpExchangeListener
{
    private readonly Dictionary<long, (PerpOrderView Order, PerpFillView Fill)> _makers = [];
    private readonly Dictionary<long, (LighterMarket Market, PerpOrderView Order)> _batch = [];
    private int _batching;

    /// <summary>
    /// Order updates from here to <see cref="EndBatch"/> go out once each, as the order stands at the
    /// end (one transaction, one block): an IOC is seen filled or canceled, never "open" on the way.
    /// </summary>
    public void BeginBatch() => _batching++;

    public void EndBatch()
    {
        if (--_batching > 0 || _batch.Count == 0) return;
        foreach (var group in _batch.Values.GroupBy(b => (b.Order.AccountId, b.Market.Index)))
        {
            var market = group.First().Market;
            venue.Hub.SendOrders(group.Key.AccountId, market, [.. group.Select(b => venue.Record(b.Order, market))]);
        }
        _batch.Clear();
    }

    public void OnOrder(PerpOrderEvent e)
    {
        if (venue.MarketOf(e.Order.Symbol) is not { } market) return;
        if (e.Execution == PerpExecutionType.Trade && e.Fill is { } fill)
        {
            if (fill.IsMaker) _makers[fill.TradeId] = (e.Order, fill);
            else if (_makers.Remove(fill.TradeId, out var maker)) Trade(market, maker.Order, maker.Fill, e.Order, fill);
        }
        if (!venue.Accounts.IsUser(e.Order.AccountId)) return;
        if (_batching > 0) _batch[e.Order.OrderId] = (market, e.Order);
        else venue.Hub.SendOrders(e.Order.AccountId, market, [venue.Record(e.Order, market)]);
    }

    private void Trade(LighterMarket market, PerpOrderView makerOrder, PerpFillView makerFill, PerpOrderView takerOrder, PerpFillView takerFill)
    {
        var makerIsAsk = makerOrder.Side == OrderSide.Sell;
        var ask = makerIsAsk ? makerOrder : takerOrder;
        var bid = makerIsAsk ? takerOrder : makerOrder;
        var record = new LighterTradeRecord(takerFill.TradeId, venue.CurrentTxHash ?? string.Empty, market.Index, takerFill.Price, takerFill.Quantity, makerIsAsk,
            LighterWire.OrderIndexBase + ask.OrderId, LighterWire.OrderIndexBase + bid.OrderId,
            venue.Record(ask, market).ClientOrderIndex, venue.Record(bid, market).ClientOrderIndex, ask.AccountId, bid.AccountId,
            takerFill.Fee, makerFill.Fee, venue.BlockHeight, takerFill.Time);
        venue.Tape.Add(record, venue.Accounts.IsUser(record.AskAccount), venue.Accounts.IsUser(record.BidAccount));
        venue.Hub.SendTrade(market, record, venue.Exchange.Rules);
    }

    public void OnAccount(PerpAccountEvent e)
    {
        if (!venue.Accounts.IsUser(e.AccountId) || e.Positions.Count == 0) return;
        var positions = new List<(LighterMarket, PerpPositionView)>();
        foreach (var p in e.Positions)
            if (venue.MarketOf(p.Symbol) is { } m) positions.Add((m, p));
        venue.Hub.SendPositions(e.AccountId, positions, venue.Exchange.Rules.Leverage, symbol => venue.Exchange.OpenOrders(e.AccountId, symbol).Count);
    }

    public void OnBook(PerpBookDelta e)
    {
        if (venue.MarketOf(e.Symbol) is { } market) venue.Hub.SendBook(market, e);
    }
}

/// <summary>Trades kept for queries: the last 1,000 per market (public), and every trade of each signing account up to its history size.</summary>
internal sealed class LighterTape(int perAccount)
{
    public const int PublicPerMarket = 1000;

    private readonly Dictionary<int, List<LighterTradeRecord>> _public = [];
    private readonly Dictionary<long, List<LighterTradeRecord>> _accounts = [];

    public void Add(LighterTradeRecord trade, bool askIsUser, bool bidIsUser)
    {
        Append(_public, trade.MarketIndex, trade, PublicPerMarket);
        if (askIsUser) Append(_accounts, trade.AskAccount, trade, perAccount);
        if (bidIsUser && trade.BidAccount != trade.AskAccount) Append(_accounts, trade.BidAccount, trade, perAccount);
    }

    public IReadOnlyList<LighterTradeRecord> Public(int market) => _public.TryGetValue(market, out var l) ? l : [];

    public IReadOnlyList<LighterTradeRecord> Account(long account) => _accounts.TryGetValue(account, out var l) ? l : [];

    private static void Append<TKey>(Dictionary<TKey, List<LighterTradeRecord>> lists, TKey key, LighterTradeRecord trade, int cap) where TKey : notnull
    {
        if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
        list.Add(trade);
        if (list.Count > cap) list.RemoveRange(0, list.Count - cap);
    }
}
