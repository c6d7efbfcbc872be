using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Perp.Core.Internal;

namespace Fillwise.Exchange.Perp.Core;

/// <summary>The outcome of a cancel: the order as it ended, or why nothing was canceled.</summary>
public sealed record PerpCancelResult(PerpOrderView? Order, PerpRejection? Rejection);

public sealed partial class PerpExchange
{
    private readonly List<PerpFillView> _takerFills = [];

    /// <summary>
    /// Places an order: checks it against the market's grid and minimums, the client order id,
    /// reduce-only and margin (a refusal changes nothing), then matches it and rests, expires or
    /// fills what is left as its type says. A post-only order that would take is accepted as
    /// <see cref="PerpOrderStatus.Expired"/> with <see cref="PerpEndReason.PostOnlyWouldCross"/>
    /// and nothing filled (Aster answers it so; a Lighter-like wire says canceled-post-only).
    /// </summary>
    public PerpPlaceResult PlaceOrder(long accountId, PerpOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Advance();
        if (!_accounts.TryGetValue(accountId, out var account)) return Refused(RejectionReason.AuthenticationFailed, "account not found");
        if (!_markets.TryGetValue(request.Symbol, out var market)) return Refused(RejectionReason.Other, $"market {request.Symbol} not found");
        if (Check(account, market, request, out var ticks, out var lots) is { } refusal) return new PerpPlaceResult(null, [], refusal);

        var now = Time.GetUtcNow();
        var id = ++_nextOrder;
        var order = new PerpOrder
        {
            Id = id,
            ClientOrderId = request.ClientOrderId ?? $"auto_{id}",
            Account = account,
            Market = market,
            Side = request.Side,
            Type = request.Type,
            TimeInForce = request.Type == PerpOrderType.Market ? PerpTimeInForce.ImmediateOrCancel : request.TimeInForce,
            PostOnly = request.PostOnly,
            ReduceOnly = request.ReduceOnly,
            PriceTicks = ticks,
            OriginalLots = lots,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Remember(account, order);
        _takerFills.Clear();

        var opposite = market.Opposite(order.Side);
        if (order.PostOnly && opposite.Best is { } top && Crosses(order, top.Ticks))
        {
            End(order, PerpOrderStatus.Expired, PerpEndReason.PostOnlyWouldCross, PerpExecutionType.Expired);
        }
        else if (order.TimeInForce == PerpTimeInForce.FillOrKill && FillableLots(order) < order.OriginalLots)
        {
            End(order, PerpOrderStatus.Expired, PerpEndReason.FillOrKillUnfillable, PerpExecutionType.Expired);
        }
        else
        {
            Emit(PerpExecutionType.New, order, null);
            Match(order);
            if (order.IsOpen && order.RemainingLots > 0)
            {
                if (order.Type == PerpOrderType.Limit && order.TimeInForce == PerpTimeInForce.GoodTillCanceled) Rest(order);
                else End(order, PerpOrderStatus.Expired, PerpEndReason.ImmediateRemainder, PerpExecutionType.Expired);
            }
        }
        Flush(PerpAccountChange.Order);
        return new PerpPlaceResult(order.View(), [.. _takerFills], null);

        static PerpPlaceResult Refused(RejectionReason reason, string message) => new(null, [], new PerpRejection(reason, message));
    }

    public PerpCancelResult CancelOrder(long accountId, string symbol, long? orderId, string? clientOrderId)
    {
        Advance();
        if (!_accounts.TryGetValue(accountId, out var account)) return new(null, Reject(RejectionReason.AuthenticationFailed, "account not found"));
        PerpOrder? order = null;
        if (orderId is { } oid) account.Orders.TryGetValue(oid, out order);
        else if (clientOrderId is not null) account.ByClientId.TryGetValue(clientOrderId, out order);
        if (order is null || order.Market.Symbol != symbol) return new(null, Reject(RejectionReason.NotFound, "order not found"));
        if (!order.IsOpen) return new(order.View(), Reject(RejectionReason.NotFound, $"order {order.Id} is {order.Status.ToString().ToLowerInvariant()}, not open"));
        End(order, PerpOrderStatus.Canceled, PerpEndReason.Canceled, PerpExecutionType.Canceled);
        Flush(PerpAccountChange.Order);
        return new(order.View(), null);
    }

    /// <summary>Cancels every open order of the account in one market; answers how many.</summary>
    public int CancelAll(long accountId, string symbol)
    {
        Advance();
        if (!_accounts.TryGetValue(accountId, out var account)) return 0;
        var open = account.OpenOrders.Values.Where(o => o.Market.Symbol == symbol).OrderBy(o => o.Id).ToList();
        foreach (var o in open) End(o, PerpOrderStatus.Canceled, PerpEndReason.Canceled, PerpExecutionType.Canceled);
        Flush(PerpAccountChange.Order);
        return open.Count;
    }

    private PerpRejection? Check(PerpAccount account, PerpMarket market, PerpOrderRequest request, out long ticks, out long lots)
    {
        ticks = 0;
        if (!market.TryLots(request.Quantity, out lots) || lots == 0)
            return Reject(RejectionReason.InvalidQuantity, $"quantity {request.Quantity} is not a positive multiple of the step {market.Definition.StepSize}");
        if (lots > market.MaxLots) return Reject(RejectionReason.InvalidQuantity, $"quantity {request.Quantity} is above the maximum");
        if (request.Type == PerpOrderType.Limit)
        {
            if (request.Price is not { } limit) return Reject(RejectionReason.InvalidPrice, "a limit order needs a price");
            if (!market.TryTicks(limit, out ticks)) return Reject(RejectionReason.InvalidPrice, $"price {limit} is not a multiple of the tick {market.Definition.TickSize}");
            if (ticks < market.MinTicks || ticks > market.MaxTicks) return Reject(RejectionReason.InvalidPrice, $"price {limit} is outside {market.Instrument.MinPrice}..{market.Instrument.MaxPrice}");
        }
        else
        {
            if (request.PostOnly) return Reject(RejectionReason.Other, "a market order cannot be post-only");
            ticks = market.MarkBoundTicks(request.Side, Rules.MarketPriceBand);
        }
        if (request.PostOnly && request.TimeInForce != PerpTimeInForce.GoodTillCanceled)
            return Reject(RejectionReason.Other, "post-only needs good-till-canceled");

        if (lots < market.MinLots && !(request.ReduceOnly && Rules.ReduceOnlyWaivesMinQuantity))
            return Reject(RejectionReason.BelowMinimumSize, $"quantity {request.Quantity} is below the minimum {market.Definition.MinQuantity}");
        // A market order's notional is valued at the mark (as Aster's MIN_NOTIONAL filter does).
        var notional = request.Type == PerpOrderType.Market ? lots * market.Step * market.Mark.Value : ticks * lots * market.TickStep;
        if (notional < market.Definition.MinNotional.Dollars && !(request.ReduceOnly && Rules.ReduceOnlyWaivesMinNotional))
            return Reject(RejectionReason.BelowMinimumNotional, $"notional {notional} is below the minimum {market.Definition.MinNotional}");
        if (request.ClientOrderId is { } cid && account.ByClientId.ContainsKey(cid))
            return Reject(RejectionReason.DuplicateClientOrderId, $"client order id {cid} was used before");

        var holding = account.Holdings.GetValueOrDefault(market);
        if (holding is { OpenOrders: var open } && open >= Rules.MaxOpenOrdersPerSymbol)
            return Reject(RejectionReason.Other, $"at most {Rules.MaxOpenOrdersPerSymbol} open orders per symbol");
        var position = holding?.Book.Quantity ?? 0m;
        var sign = request.Side == OrderSide.Buy ? 1 : -1;
        if (request.ReduceOnly)
        {
            if (position == 0m || Math.Sign(position) == sign)
                return Reject(RejectionReason.ReduceOnlyWouldIncrease, "reduce-only order would not reduce the position");
            if (Rules.ReduceOnlyExcess == ReduceOnlyExcess.Refuse && lots * market.Step > Math.Abs(position))
                return Reject(RejectionReason.ReduceOnlyWouldIncrease, "reduce-only order is larger than the position");
            return null;
        }
        // Margin: only what would open (or grow) a position needs it.
        var closingLots = Math.Sign(position) == -sign ? Math.Min(lots, (long)(Math.Abs(position) / market.Step)) : 0;
        var price = request.Type == PerpOrderType.Market ? market.Mark.Value : ticks * market.Tick;
        var required = (lots - closingLots) * market.Step * price / Rules.Leverage;
        if (required > 0m && required > Available(account))
            return Reject(RejectionReason.InsufficientBalance, "margin is insufficient");
        return null;
    }

    /// <summary>Equity − position margin − open-order margin (the simple cross margin of <see cref="PerpVenueRules.Leverage"/>).</summary>
    private decimal Available(PerpAccount account)
    {
        var available = account.Balance - account.OpenOrderNotional / Rules.Leverage;
        foreach (var h in account.Holdings.Values)
        {
            if (h.Book.IsFlat) continue;
            available += h.Book.Unrealized(h.Market.Mark) - Math.Abs(h.Book.Quantity) * h.Market.Mark.Value / Rules.Leverage;
        }
        return available;
    }

    private static bool Crosses(PerpOrder taker, long makerTicks) =>
        taker.Side == OrderSide.Buy ? makerTicks <= taker.PriceTicks : makerTicks >= taker.PriceTicks;

    /// <summary>What an order could fill right now against other accounts' orders (FOK's check).</summary>
    private long FillableLots(PerpOrder order)
    {
        long lots = 0;
        foreach (var level in order.Market.Opposite(order.Side).FromBest())
        {
            if (!Crosses(order, level.Ticks)) break;
            for (var o = level.Head; o is not null; o = o.Next)
            {
                if (!ReferenceEquals(o.Account, order.Account)) lots += o.RemainingLots;
            }
            if (lots >= order.OriginalLots) break;
        }
        if (order.ReduceOnly) lots = Math.Min(lots, ReducibleLots(order.Account, order.Market, order.Side));
        return lots;
    }

    /// <summary>Lots a reduce-only order on <paramref name="side"/> may still fill: what the opposite position holds.</summary>
    private static long ReducibleLots(PerpAccount account, PerpMarket market, OrderSide side)
    {
        var position = account.Holdings.TryGetValue(market, out var h) ? h.Book.Quantity : 0m;
        var reduces = side == OrderSide.Buy ? position < 0m : position > 0m;
        return reduces ? (long)(Math.Abs(position) / market.Step) : 0;
    }

    private void Match(PerpOrder taker)
    {
        var market = taker.Market;
        var opposite = market.Opposite(taker.Side);
        while (taker.RemainingLots > 0 && opposite.Best is { } level && Crosses(taker, level.Ticks))
        {
            var maker = level.Head!;
            if (ReferenceEquals(maker.Account, taker.Account))
            {
                // Self-trade prevention: the resting order goes, the taker carries on.
                End(maker, PerpOrderStatus.Expired, PerpEndReason.SelfTrade, PerpExecutionType.Expired);
                continue;
            }
            var lots = Math.Min(taker.RemainingLots, maker.RemainingLots);
            if (taker.ReduceOnly)
            {
                var cap = ReducibleLots(taker.Account, market, taker.Side);
                if (cap == 0)
                {
                    End(taker, PerpOrderStatus.Expired, PerpEndReason.ReduceOnlyNothingToReduce, PerpExecutionType.Expired);
                    return;
                }
                lots = Math.Min(lots, cap);
            }
            if (maker.ReduceOnly)
            {
                var cap = ReducibleLots(maker.Account, market, maker.Side);
                if (cap == 0)
                {
                    End(maker, PerpOrderStatus.Expired, PerpEndReason.ReduceOnlyNothingToReduce, PerpExecutionType.Expired);
                    continue;
                }
                lots = Math.Min(lots, cap);
            }
            Execute(taker, maker, level, lots);
        }
        if (taker.ReduceOnly && taker.IsOpen && taker.RemainingLots > 0 && ReducibleLots(taker.Account, market, taker.Side) == 0)
            End(taker, PerpOrderStatus.Expired, PerpEndReason.ReduceOnlyNothingToReduce, PerpExecutionType.Expired);
    }

    private void Execute(PerpOrder taker, PerpOrder maker, PerpLevel level, long lots)
    {
        var market = taker.Market;
        var ticks = level.Ticks;
        var tradeId = ++_nextTrade;
        var quote = ticks * lots * market.TickStep;

        level.TotalLots -= lots;
        if (!maker.ReduceOnly) maker.Account.OpenOrderNotional -= quote;
        var makerFill = Book(maker, tradeId, ticks, lots, quote, isMaker: true);
        if (maker.RemainingLots == 0)
        {
            level.Unlink(maker);
            market.Opposite(taker.Side).RemoveIfEmpty(level);
            maker.Account.OpenOrders.Remove(maker.Id);
            maker.Account.Holding(market).OpenOrders--;
        }
        var takerFill = Book(taker, tradeId, ticks, lots, quote, isMaker: false);
        _takerFills.Add(takerFill);
        market.NoteChanged(maker.Side, ticks);
        MarkDirty(market);
        market.LastTradeTicks = ticks;
        Emit(PerpExecutionType.Trade, maker, makerFill);
        Emit(PerpExecutionType.Trade, taker, takerFill);
        ExpireStaleReduceOnly(maker.Account, market);
        ExpireStaleReduceOnly(taker.Account, market);
    }

    /// <summary>One side of an execution: the order's counts, the account's position, realized PnL, fee and balance.</summary>
    private PerpFillView Book(PerpOrder order, long tradeId, long ticks, long lots, decimal quote, bool isMaker)
    {
        var market = order.Market;
        var account = order.Account;
        var now = Time.GetUtcNow();
        var price = market.PriceOf(ticks);
        var quantity = market.QuantityOf(lots);
        var fee = Math.Round(quote * (isMaker ? Rules.MakerFeeRate : Rules.TakerFeeRate), Rules.FeeDecimals, MidpointRounding.AwayFromZero);
        var holding = account.Holding(market);
        var (next, realized) = holding.Book.Apply(order.Side, quantity, price);
        holding.Book = next;
        holding.Realized += realized;
        holding.Fees += fee;
        holding.UpdatedAt = now;
        account.Balance += realized - fee;

        order.ExecutedLots += lots;
        order.QuoteTickLots += (decimal)ticks * lots;
        order.Status = order.RemainingLots == 0 ? PerpOrderStatus.Filled : PerpOrderStatus.PartiallyFilled;
        order.UpdatedAt = now;
        if (order.Status == PerpOrderStatus.Filled) Finished(order);

        var fill = new PerpFillView(tradeId, order.Id, order.ClientOrderId, account.Id, market.Symbol, order.Side, price, quantity,
            Money.FromDollars(fee), isMaker, MoneyOf(realized), now);
        if (account.RetainHistory)
        {
            account.Fills.Add(fill);
            if (account.Fills.Count > Rules.HistoryPerAccount) account.Fills.RemoveRange(0, account.Fills.Count - Rules.HistoryPerAccount);
        }
        Touch(account, market);
        return fill;
    }

    private void Rest(PerpOrder order)
    {
        var market = order.Market;
        market.SideOf(order.Side).GetOrAdd(order.PriceTicks).Append(order);
        order.Account.OpenOrders[order.Id] = order;
        order.Account.Holding(market).OpenOrders++;
        if (!order.ReduceOnly) order.Account.OpenOrderNotional += order.PriceTicks * order.RemainingLots * market.TickStep;
        market.NoteChanged(order.Side, order.PriceTicks);
        MarkDirty(market);
    }

    /// <summary>Ends an order (cancel or expiry), taking it off the book if it rests.</summary>
    private void End(PerpOrder order, PerpOrderStatus status, PerpEndReason reason, PerpExecutionType execution)
    {
        if (order.Level is { } level)
        {
            var market = order.Market;
            var side = market.SideOf(order.Side);
            if (!order.ReduceOnly) order.Account.OpenOrderNotional -= order.PriceTicks * order.RemainingLots * market.TickStep;
            level.Unlink(order);
            side.RemoveIfEmpty(level);
            order.Account.OpenOrders.Remove(order.Id);
            order.Account.Holding(market).OpenOrders--;
            market.NoteChanged(order.Side, order.PriceTicks);
            MarkDirty(market);
        }
        order.Status = status;
        order.EndReason = reason;
        order.UpdatedAt = Time.GetUtcNow();
        Finished(order);
        Emit(execution, order, null);
    }

    /// <summary>Accounts that keep no history (the demo agents) forget an order once it is done.</summary>
    private static void Finished(PerpOrder order)
    {
        if (order.Account.RetainHistory) return;
        order.Account.Orders.Remove(order.Id);
        order.Account.ByClientId.Remove(order.ClientOrderId);
    }

    /// <summary>Resting reduce-only orders that could only increase the position now are expired, as the venues do.</summary>
    private void ExpireStaleReduceOnly(PerpAccount account, PerpMarket market)
    {
        if (account.OpenOrders.Count == 0) return;
        List<PerpOrder>? stale = null;
        foreach (var o in account.OpenOrders.Values)
        {
            if (o.ReduceOnly && ReferenceEquals(o.Market, market) && ReducibleLots(account, market, o.Side) == 0) (stale ??= []).Add(o);
        }
        if (stale is null) return;
        foreach (var o in stale) End(o, PerpOrderStatus.Expired, PerpEndReason.ReduceOnlyNothingToReduce, PerpExecutionType.Expired);
    }

    private void Remember(PerpAccount account, PerpOrder order)
    {
        account.Orders[order.Id] = order;
        account.ByClientId[order.ClientOrderId] = order;
        if (!account.RetainHistory) return;
        account.OrderHistory.Enqueue(order);
        // Forget the oldest finished orders beyond the history size (their client ids stay refused while remembered).
        while (account.OrderHistory.Count > Rules.HistoryPerAccount && !account.OrderHistory.Peek().IsOpen)
        {
            var old = account.OrderHistory.Dequeue();
            account.Orders.Remove(old.Id);
            account.ByClientId.Remove(old.ClientOrderId);
        }
    }

    private void Emit(PerpExecutionType execution, PerpOrder order, PerpFillView? fill)
    {
        if (Listener is { } listener) listener.OnOrder(new PerpOrderEvent(execution, order.View(), fill, order.UpdatedAt));
    }
}
