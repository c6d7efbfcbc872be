using System.Globalization;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Lighter;

public sealed partial class LighterVenue
{
    private static readonly TimeSpan DefaultOrderLife = TimeSpan.FromDays(28);
    private static readonly TimeSpan MaxOrderLife = TimeSpan.FromDays(30);
    private static readonly TimeSpan MaxTxLife = TimeSpan.FromDays(1);

    private readonly Dictionary<long, PendingTxs> _pending = [];
    private readonly Dictionary<(long Account, string ClientId), LighterOrderMeta> _meta = [];
    private readonly Dictionary<long, List<LighterOrderRecord>> _refused = [];
    private readonly List<(long Account, string ClientId, long ExpiryMs)> _expiring = [];
    private long _refusedSeq;

    /// <summary>The block the sequencer is executing (one per transaction).</summary>
    internal long BlockHeight { get; private set; }

    /// <summary>The hash of the transaction being executed (null for the agents' orders and the admin's).</summary>
    internal string? CurrentTxHash { get; private set; }

    private sealed class PendingTxs
    {
        public List<LighterPendingTx> Txs { get; } = [];
        public HashSet<long> ClientIndexes { get; } = [];
    }

    /// <summary>
    /// sendTx after the signature: tx expiry, the API key's next nonce, the pending cap, then the
    /// transaction's own checks (Lighter's 217xx codes, 21706 below the minimums). Accepted: the nonce
    /// is used, the transaction waits for the sequencer. Refused: nothing changed. Under the lock.
    /// </summary>
    internal (LighterError? Error, LighterPendingTx? Accepted) Accept(LighterTransaction tx, LighterApiKey key)
    {
        var now = Options.TimeProvider.GetUtcNow();
        var nowMs = LighterWire.Ms(now);
        if (tx.ExpiredAt <= nowMs || tx.ExpiredAt > LighterWire.Ms(now + MaxTxLife))
            return (LighterErrors.Tx(LighterErrors.TxExpired, $"transaction expired or expires too late: ExpiredAt {Text(tx.ExpiredAt)}, now {Text(nowMs)} (ms)"), null);
        if (tx.Nonce != key.NextNonce)
            return (LighterErrors.Tx(LighterErrors.InvalidNonce, $"invalid nonce: api key {key.Index} of account {Text(key.AccountIndex)} expects nonce {Text(key.NextNonce)}, got {Text(tx.Nonce)}"), null);
        if (!_pending.TryGetValue(tx.AccountIndex, out var pending)) _pending[tx.AccountIndex] = pending = new PendingTxs();
        if (pending.Txs.Count >= Options.MaxPendingTransactions)
            return (LighterErrors.Tx(LighterErrors.TooManyPendingTxs, $"too many pending transactions ({pending.Txs.Count.ToString(CultureInfo.InvariantCulture)})"), null);
        var error = tx.Type switch
        {
            LighterTxType.CreateOrder => CheckCreate(tx, pending, nowMs),
            LighterTxType.CancelOrder => CheckCancel(tx),
            _ => CheckCancelAll(tx),
        };
        if (error is not null) return (error, null);

        key.NextNonce++;
        var accepted = new LighterPendingTx(tx.AccountIndex, tx, tx.Hash(Options.ChainId), now, now + Options.ExecutionDelay);
        pending.Txs.Add(accepted);
        if (tx.Type == LighterTxType.CreateOrder && tx["ClientOrderIndex"] != 0) pending.ClientIndexes.Add(tx["ClientOrderIndex"]);
        Sequencer.Enqueue(accepted);
        return (null, accepted);
    }

    private LighterError? CheckCreate(LighterTransaction tx, PendingTxs pending, long nowMs)
    {
        if (MarketAt(tx["MarketIndex"]) is not { } market) return LighterErrors.Tx(LighterErrors.InvalidMarket, $"invalid market index {Text(tx["MarketIndex"])}");
        var type = tx["Type"];
        if (type is not (0 or 1)) return LighterErrors.Tx(LighterErrors.InvalidOrderType, $"order type {Text(type)} is not executed here (0 limit, 1 market)");
        var tif = tx["TimeInForce"];
        if (tif is not (0 or 1 or 2)) return LighterErrors.Tx(LighterErrors.InvalidTimeInForce, $"invalid time in force {Text(tif)} (0 immediate-or-cancel, 1 good-till-time, 2 post-only)");
        if (type == 1 && tif != 0) return LighterErrors.Tx(LighterErrors.InvalidTimeInForce, "a market order is immediate-or-cancel (time in force 0)");
        if (tx["IsAsk"] is not (0 or 1) || tx["ReduceOnly"] is not (0 or 1)) return LighterErrors.Tx(LighterErrors.InvalidTxInfo, "IsAsk and ReduceOnly are 0 or 1");
        if (tx["TriggerPrice"] != 0) return LighterErrors.Tx(LighterErrors.InvalidTxInfo, "TriggerPrice must be 0 for limit and market orders");
        var expiry = tx["OrderExpiry"];
        if (tif == 0 ? expiry != 0 : expiry != -1 && (expiry <= nowMs || expiry > nowMs + (long)MaxOrderLife.TotalMilliseconds))
            return LighterErrors.Tx(LighterErrors.InvalidExpiry, tif == 0 ? "an immediate-or-cancel order has OrderExpiry 0" : "OrderExpiry must be -1 (28 days) or a time within 30 days (ms)");

        var baseAmount = tx["BaseAmount"];
        if (baseAmount <= 0 || baseAmount > LighterWire.MaxClientOrderIndex) return LighterErrors.Tx(LighterErrors.InvalidBaseAmount, $"invalid base amount {Text(baseAmount)}");
        var priceUnits = tx["Price"];
        var d = market.View.Definition;
        if (priceUnits <= 0 || priceUnits > uint.MaxValue) return LighterErrors.Tx(LighterErrors.InvalidPrice, $"invalid price {Text(priceUnits)} (a uint32 at {market.PriceDecimals} decimals)");
        var quantity = market.QuantityOf(baseAmount);
        var price = market.PriceOf(priceUnits);
        if (price < market.View.Instrument.MinPrice || price > market.View.Instrument.MaxPrice)
            return LighterErrors.Tx(LighterErrors.InvalidPrice, $"price {price} is outside {market.View.Instrument.MinPrice}..{market.View.Instrument.MaxPrice}");
        if (quantity < d.MinQuantity || price * quantity < d.MinNotional)
            return LighterErrors.Tx(LighterErrors.InvalidBaseOrQuoteAmount,
                $"invalid order base or quote amount: {market.Size(quantity.Value)} at {market.PriceText(price.Value)} is below min_base_amount {market.Size(d.MinQuantity.Value)} or min_quote_amount {LighterWire.Money(d.MinNotional)}");

        var clientIndex = tx["ClientOrderIndex"];
        if (clientIndex < 0 || clientIndex > LighterWire.MaxClientOrderIndex)
            return LighterErrors.Tx(LighterErrors.InvalidClientOrderIndex, $"invalid client order index {Text(clientIndex)} (0..2^48-1)");
        if (clientIndex != 0 && (pending.ClientIndexes.Contains(clientIndex) || Exchange.FindOrder(tx.AccountIndex, null, Text(clientIndex)) is not null
                                 || _refused.GetValueOrDefault(tx.AccountIndex)?.Exists(o => o.ClientOrderIndex == clientIndex) == true))
            return LighterErrors.Tx(LighterErrors.DuplicateClientOrderIndex, $"duplicate client order index {Text(clientIndex)}");
        if (tx["ReduceOnly"] == 1)
        {
            var position = Exchange.GetPosition(tx.AccountIndex, market.Symbol)?.Quantity ?? 0m;
            if (position == 0m || (position > 0m) == (tx["IsAsk"] == 0))
                return LighterErrors.Tx(LighterErrors.ReduceOnlyIncreases, "reduce-only order would increase the position");
        }
        var active = Exchange.OpenOrders(tx.AccountIndex, market.Symbol).Count + pending.Txs.Count(p => p.Tx.Type == LighterTxType.CreateOrder && p.Tx["MarketIndex"] == market.Index);
        if (active >= Exchange.Rules.MaxOpenOrdersPerSymbol)
            return LighterErrors.Tx(LighterErrors.TooManyActiveOrders, $"max active orders ({Exchange.Rules.MaxOpenOrdersPerSymbol.ToString(CultureInfo.InvariantCulture)}) in market {market.Symbol}");
        return null;
    }

    private LighterError? CheckCancel(LighterTransaction tx)
    {
        if (MarketAt(tx["MarketIndex"]) is null) return LighterErrors.Tx(LighterErrors.InvalidMarket, $"invalid market index {Text(tx["MarketIndex"])}");
        return tx["Index"] <= 0 ? LighterErrors.Tx(LighterErrors.InvalidTxInfo, "Index must be an order index or a client order index") : null;
    }

    private static LighterError? CheckCancelAll(LighterTransaction tx)
    {
        if (tx["TimeInForce"] != 0) return LighterErrors.Tx(LighterErrors.InvalidTimeInForce, "only an immediate cancel-all (time in force 0) is executed here");
        return tx["Time"] != 0 ? LighterErrors.Tx(LighterErrors.InvalidTxInfo, "Time must be 0 for an immediate cancel-all") : null;
    }

    /// <summary>The sequencer's step: one accepted transaction executed (under the lock).</summary>
    private void Execute(LighterPendingTx p)
    {
        if (_pending.TryGetValue(p.AccountIndex, out var pending))
        {
            pending.Txs.Remove(p);
            if (p.Tx.Type == LighterTxType.CreateOrder) pending.ClientIndexes.Remove(p.Tx["ClientOrderIndex"]);
        }
        BlockHeight++;
        CurrentTxHash = p.Hash;
        Events.BeginBatch();
        try
        {
            switch (p.Tx.Type)
            {
                case LighterTxType.CreateOrder:
                    ExecuteCreate(p);
                    break;
                case LighterTxType.CancelOrder:
                    ExecuteCancel(p.AccountIndex, p.Tx);
                    break;
                default:
                    foreach (var m in Markets()) Exchange.CancelAll(p.AccountIndex, m.Symbol);
                    break;
            }
        }
        finally
        {
            CurrentTxHash = null;
            Events.EndBatch();
        }
    }

    private void ExecuteCreate(LighterPendingTx p)
    {
        var tx = p.Tx;
        var market = MarketAt(tx["MarketIndex"])!;
        var clientIndex = tx["ClientOrderIndex"];
        // The core's client id: the index, or (without one) something no index can be.
        var clientId = clientIndex != 0 ? Text(clientIndex) : $"k{tx.ApiKeyIndex.ToString(CultureInfo.InvariantCulture)}n{Text(tx.Nonce)}";
        var tif = tx["TimeInForce"];
        var expiry = tx["OrderExpiry"] == -1 ? LighterWire.Ms(p.AcceptedAt + DefaultOrderLife) : tx["OrderExpiry"];
        var meta = new LighterOrderMeta
        {
            ClientOrderIndex = clientIndex,
            IsMarket = tx["Type"] == 1,
            TxHash = p.Hash,
            Nonce = tx.Nonce,
            ApiKeyIndex = tx.ApiKeyIndex,
            OrderExpiry = expiry,
        };
        _meta[(p.AccountIndex, clientId)] = meta;
        // A market order is an immediate-or-cancel order that walks no further than its worst price.
        var request = new PerpOrderRequest(market.Symbol, tx["IsAsk"] == 1 ? OrderSide.Sell : OrderSide.Buy, PerpOrderType.Limit,
            market.QuantityOf(tx["BaseAmount"]), market.PriceOf(tx["Price"]), tif == 0 ? PerpTimeInForce.ImmediateOrCancel : PerpTimeInForce.GoodTillCanceled,
            PostOnly: tif == 2, ReduceOnly: tx["ReduceOnly"] == 1, ClientOrderId: clientId);
        var result = Exchange.PlaceOrder(p.AccountIndex, request);
        if (result.Rejection is { } refusal)
        {
            _meta.Remove((p.AccountIndex, clientId));
            Refused(p, market, request, meta, refusal);
            return;
        }
        if (result.Order is { IsOpen: true }) _expiring.Add((p.AccountIndex, clientId, expiry));
    }

    /// <summary>A create the core refused when it executed: Lighter still has the order, canceled with the reason.</summary>
    private void Refused(LighterPendingTx p, LighterMarket market, PerpOrderRequest request, LighterOrderMeta meta, PerpRejection refusal)
    {
        var status = refusal.Reason switch
        {
            RejectionReason.InsufficientBalance => "canceled-margin-not-allowed",
            RejectionReason.ReduceOnlyWouldIncrease => "canceled-reduce-only",
            _ => "canceled",
        };
        var now = Options.TimeProvider.GetUtcNow();
        var record = new LighterOrderRecord(LighterWire.OrderIndexBase + (1L << 40) + ++_refusedSeq, meta.ClientOrderIndex, p.AccountIndex, market.Index,
            request.Side == OrderSide.Sell, meta.IsMarket, meta.IsMarket || request.TimeInForce == PerpTimeInForce.ImmediateOrCancel ? "immediate-or-cancel" : request.PostOnly ? "post-only" : "good-till-time",
            request.ReduceOnly, request.Price ?? Price.Zero, request.Quantity, Quantity.Zero, 0m, status, meta.Nonce, meta.OrderExpiry, now, now);
        if (!_refused.TryGetValue(p.AccountIndex, out var list)) _refused[p.AccountIndex] = list = [];
        list.Add(record);
        if (list.Count > Exchange.Rules.HistoryPerAccount) list.RemoveAt(0);
        Hub.SendOrders(record.AccountIndex, market, [record]);
    }

    private void ExecuteCancel(long account, LighterTransaction tx)
    {
        var market = MarketAt(tx["MarketIndex"])!;
        var index = tx["Index"];
        var order = index >= LighterWire.OrderIndexBase
            ? Exchange.FindOrder(account, index - LighterWire.OrderIndexBase, null)
            : Exchange.FindOrder(account, null, Text(index));
        // Nothing open under that index: the transaction executes and changes nothing, as at Lighter.
        if (order is { IsOpen: true } && order.Symbol == market.Symbol) Exchange.CancelOrder(account, order.Symbol, order.OrderId, null);
    }

    /// <summary>Good-till-time orders past their OrderExpiry end as canceled-expired.</summary>
    private void ExpireOrders()
    {
        if (_expiring.Count == 0) return;
        var nowMs = LighterWire.Ms(Options.TimeProvider.GetUtcNow());
        for (var i = _expiring.Count - 1; i >= 0; i--)
        {
            var (account, clientId, expiry) = _expiring[i];
            var order = Exchange.FindOrder(account, null, clientId);
            if (order is not { IsOpen: true })
            {
                _expiring.RemoveAt(i);
                continue;
            }
            if (expiry > nowMs) continue;
            if (_meta.TryGetValue((account, clientId), out var meta)) meta.EndStatus = "canceled-expired";
            Exchange.CancelOrder(account, order.Symbol, order.OrderId, null);
            _expiring.RemoveAt(i);
        }
    }

    // ---- records -----------------------------------------------------------------------------

    internal LighterOrderMeta? MetaOf(long account, string clientId) => _meta.GetValueOrDefault((account, clientId));

    /// <summary>The core's order in Lighter's terms.</summary>
    internal LighterOrderRecord Record(PerpOrderView o, LighterMarket market)
    {
        var meta = MetaOf(o.AccountId, o.ClientOrderId);
        var clientIndex = meta?.ClientOrderIndex
                          ?? (long.TryParse(o.ClientOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c <= LighterWire.MaxClientOrderIndex ? c : 0);
        var isMarket = meta?.IsMarket ?? o.Type == PerpOrderType.Market;
        var status = meta?.EndStatus ?? o.Status switch
        {
            PerpOrderStatus.New or PerpOrderStatus.PartiallyFilled => "open",
            PerpOrderStatus.Filled => "filled",
            PerpOrderStatus.Canceled => "canceled",
            _ => o.EndReason switch
            {
                PerpEndReason.PostOnlyWouldCross => "canceled-post-only",
                PerpEndReason.ReduceOnlyNothingToReduce => "canceled-reduce-only",
                PerpEndReason.SelfTrade => "canceled-self-trade",
                PerpEndReason.ImmediateRemainder when isMarket => "canceled-too-much-slippage",
                _ => "canceled-not-enough-liquidity",
            },
        };
        return new LighterOrderRecord(LighterWire.OrderIndexBase + o.OrderId, clientIndex, o.AccountId, market.Index, o.Side == OrderSide.Sell, isMarket,
            isMarket ? "immediate-or-cancel" : LighterWire.TimeInForce(o), o.ReduceOnly, o.Price ?? Price.Zero, o.OriginalQuantity, o.ExecutedQuantity,
            o.CumulativeQuote, status, meta?.Nonce ?? 0, meta?.OrderExpiry ?? 0, o.CreatedAt, o.UpdatedAt);
    }

    /// <summary>Orders of an account that are done (filled, canceled, refused at execution), newest first.</summary>
    internal List<LighterOrderRecord> InactiveOrders(long account, LighterMarket? market)
    {
        var list = new List<LighterOrderRecord>();
        foreach (var m in Markets())
        {
            if (market is not null && m.Index != market.Index) continue;
            foreach (var o in Exchange.Orders(account, m.Symbol, int.MaxValue))
                if (!o.IsOpen) list.Add(Record(o, m));
        }
        if (_refused.TryGetValue(account, out var refused)) list.AddRange(refused.Where(r => market is null || r.MarketIndex == market.Index));
        list.Sort((a, b) => b.UpdatedAt != a.UpdatedAt ? b.UpdatedAt.CompareTo(a.UpdatedAt) : b.OrderIndex.CompareTo(a.OrderIndex));
        return list;
    }

    /// <summary>Transactions of the account accepted and not executed yet (Lighter's pending_order_count).</summary>
    internal int PendingCount(long account) => _pending.TryGetValue(account, out var p) ? p.Txs.Count : 0;
}
