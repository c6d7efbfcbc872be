using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core.Internal;
// Only the status: Domain.Orders.Order would clash with the exchange's own resting order.
using VenueOrderStatus = Fillwise.Domain.Orders.VenueOrderStatus;

namespace Fillwise.Exchange.Core;

// Order entry and matching: validation (never half-applied), collateral, price-time matching with
// self-trade prevention, fills, fees, positions and events.
public sealed partial class KalshiExchange
{
    internal readonly record struct PlaceOutcome(Order? Order, ExchangeError? Error);

    /// <summary>
    /// The whole create path without building the response view. <paramref name="fills"/> (may be null)
    /// receives the taker's fills.
    /// </summary>
    internal PlaceOutcome PlaceOrderCore(string userId, OrderRequest request, List<FillView>? fills)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_accounts.TryGetValue(userId, out var account)) return new(null, Errors.UserNotFound);
        if (FindMarket(request.Ticker) is not { } market) return new(null, Errors.MarketNotFound);
        if (!IsTradable(market)) return new(null, Errors.MarketInactive);

        // The bound first: any Contracts value converts to lots only once it is known to fit.
        if (!Lots.TryOf(request.Count, out var lots)) return new(null, ExchangeLimits.CountRefused(request.Count, "count"));
        if (lots <= 0) return new(null, Errors.InvalidOrder("count must be positive"));
        if (!TryTickOf(market, request.YesPrice, out var yesTick)) return new(null, Errors.InvalidPrice);

        var now = Time.GetUtcNow();
        var tif = request.TimeInForce;
        if (request.ExpirationTime is { } expiration)
        {
            if (tif != VenueTimeInForce.GoodTillCanceled) return new(null, Errors.InvalidOrder("expiration_time is only allowed with good_till_canceled"));
            if (expiration <= now) return new(null, Errors.InvalidOrder("expiration_time is in the past"));
        }
        if (request.PostOnly && tif != VenueTimeInForce.GoodTillCanceled) return new(null, Errors.InvalidOrder("post_only requires good_till_canceled"));
        if (request.ClientOrderId is { } clientId)
        {
            if (ExchangeLimits.CheckClientOrderId(clientId, "client_order_id") is { } badId) return new(null, badId);
            if (account.ClientOrderIds.Contains(clientId)) return new(null, Errors.DuplicateClientOrderId);
        }

        OrderGroup? group = null;
        if (request.OrderGroupId is { } groupId)
        {
            group = FindGroup(userId, groupId);
            if (group is null) return new(null, Errors.GroupNotFound);
            if (group.IsTriggered) return new(null, Errors.InvalidOrder("order group is triggered; reset it first"));
        }

        var position = account.PositionIn(market);
        if (request.ReduceOnly)
        {
            // Kalshi caps a reduce-only order at the current position it can reduce.
            var reducible = Reducible(position, request.Side);
            if (reducible <= 0) return new(null, Errors.InvalidOrder("reduce only order would not reduce the position"));
            lots = Math.Min(lots, reducible);
        }

        var opposite = market.Opposite(request.Side);
        if (request.PostOnly && Crosses(market, request.Side, yesTick, opposite.Best)) return new(null, Errors.PostOnlyCross);

        if (tif == VenueTimeInForce.FillOrKill && !CanFillCompletely(market, account, request.Side, yesTick, lots, request.SelfTradePrevention))
        {
            // All or nothing: the order is recorded as canceled with no fill; book and cash untouched.
            var killed = NewOrder(account, market, request, yesTick, lots, group, now);
            killed.RemainingLots = 0;
            killed.Status = VenueOrderStatus.Canceled;
            Register(killed);
            Events?.OnOrderUpdate(OrderViewOf(killed));
            Retire(killed);
            return new(killed, null);
        }

        // Collateral for the whole order as if it rested, plus the worst fee it could pay.
        if (!TryReserve(position, request.Side, yesTick, lots, FeeBound(market, request.Side, yesTick, lots, request.PostOnly), out var required))
            return new(null, Errors.InsufficientBalance);
        MoveCollateral(position, required);

        var order = NewOrder(account, market, request, yesTick, lots, group, now);
        Register(order);
        var mustCancelRest = Match(order, position, fills, now);
        Finish(order, position, mustCancelRest, now);
        return new(order, null);
    }

    /// <summary>
    /// Adds <paramref name="lots"/> at <paramref name="yesTick"/> to the position's resting tally and
    /// answers whether free cash covers the collateral then required plus <paramref name="feeBound"/>.
    /// When it does not (or the check throws), the tally is restored: a refusal leaves nothing behind.
    /// </summary>
    private static bool TryReserve(MarketPosition position, BookSide side, int yesTick, long lots, long feeBound, out long required)
    {
        position.AddResting(side, yesTick, lots);
        bool covered;
        try
        {
            required = position.RequiredCollateral();
            covered = required - position.Held + feeBound <= position.Account.Balance;
        }
        catch
        {
            position.RemoveResting(side, yesTick, lots);
            throw;
        }
        if (!covered) position.RemoveResting(side, yesTick, lots);
        return covered;
    }

    private static bool TryTickOf(Market market, ContractPrice price, out int tick)
    {
        // Prices have at most 4 places: compare in ten-thousandths of a dollar, integers only.
        var basisPoints = (long)(price.Dollars * 10_000m);
        tick = 0;
        if (basisPoints % market.BasisPointsPerTick != 0) return false;
        tick = (int)(basisPoints / market.BasisPointsPerTick);
        return tick > 0 && tick < market.TickCount;
    }

    /// <summary>Contracts of the opposite holding this side would reduce.</summary>
    private static long Reducible(MarketPosition position, BookSide side) =>
        side == BookSide.Bid ? Math.Max(0, -position.Lots) : Math.Max(0, position.Lots);

    /// <summary>Does an order at <paramref name="yesTick"/> cross the opposite leg's level <paramref name="oppositeTick"/>?</summary>
    private static bool Crosses(Market market, BookSide side, int yesTick, int oppositeTick) =>
        oppositeTick > 0 && (side == BookSide.Bid
            ? yesTick + oppositeTick >= market.TickCount
            : oppositeTick >= yesTick);

    /// <summary>The yes-leg tick a fill against the resting opposite level executes at (the maker's price).</summary>
    private static int ExecutionYesTick(Market market, BookSide takerSide, int oppositeTick) =>
        takerSide == BookSide.Bid ? market.TickCount - oppositeTick : oppositeTick;

    /// <summary>
    /// The most fee the order could pay: a taker fee at the execution price nearest $0.50 it could
    /// reach, or a maker fee at its own price (post-only orders can only make).
    /// </summary>
    private static long FeeBound(Market market, BookSide side, int yesTick, long lots, bool postOnly)
    {
        var maker = market.HasMakerFees ? market.FeeMicros(lots, yesTick, isTaker: false) : 0;
        if (postOnly) return maker;
        // A bid executes at yes prices <= its own; an ask at >= its own. p(1-p) peaks at 0.50.
        // Compared as 2 x tick against TickCount: integers, no decimal division per order.
        var reachesHalf = side == BookSide.Bid ? 2 * yesTick >= market.TickCount : 2 * yesTick <= market.TickCount;
        var taker = reachesHalf ? market.TakerFeeAtHalfMicros(lots) : market.FeeMicros(lots, yesTick, isTaker: true);
        return Math.Max(maker, taker);
    }

    private Order NewOrder(Account account, Market market, OrderRequest request, int yesTick, long lots, OrderGroup? group, DateTimeOffset now) => new()
    {
        Sequence = ++_orderSequence,
        Account = account,
        Market = market,
        Side = request.Side,
        TimeInForce = request.TimeInForce,
        SelfTradePrevention = request.SelfTradePrevention,
        CreatedTime = now,
        LastUpdateTime = now,
        PostOnly = request.PostOnly,
        ReduceOnly = request.ReduceOnly,
        ExpirationTime = request.ExpirationTime,
        Group = group,
        ClientOrderId = request.ClientOrderId,
        YesTick = yesTick,
        InitialLots = lots,
        RemainingLots = lots,
    };

    private void Register(Order order)
    {
        var account = order.Account;
        if (order.ClientOrderId is { } clientId) account.ClientOrderIds.Add(clientId);
        if (account.RetainHistory) account.Orders.Add(order);
        _orders.Add(order);
    }

    /// <summary>Agents' finished orders leave the index: nobody reads them and long runs stay small.</summary>
    private void Retire(Order order)
    {
        if (!order.Account.RetainHistory) _orders.Remove(order.Sequence);
    }

    /// <summary>Sets the position's held collateral to <paramref name="required"/>, moving the difference from/to free cash.</summary>
    private static void MoveCollateral(MarketPosition position, long required)
    {
        var delta = required - position.Held;
        if (delta == 0) return;
        position.Held = required;
        position.Account.Held += delta;
        position.Account.Balance -= delta;
    }

    private static void Recollateralize(MarketPosition position) => MoveCollateral(position, position.RequiredCollateral());

    /// <summary>
    /// Can a fill-or-kill take every lot now? Walks the opposite ladder as matching would: own orders
    /// stop it (taker_at_cross) or are skipped (maker); reduce-only makers count only what they may reduce.
    /// </summary>
    private static bool CanFillCompletely(Market market, Account account, BookSide side, int yesTick, long lots, SelfTradePrevention stp)
    {
        var opposite = market.Opposite(side);
        for (var tick = opposite.Best; Crosses(market, side, yesTick, tick); tick = opposite.NextBelow(tick))
        {
            for (var maker = opposite.HeadAt(tick); maker is not null; maker = maker.Next)
            {
                if (maker.Account == account)
                {
                    if (stp == SelfTradePrevention.TakerAtCross) return false;
                    continue;
                }
                var available = maker.RemainingLots;
                if (maker.ReduceOnly) available = Math.Min(available, Reducible(maker.Account.PositionIn(market), maker.Side));
                lots -= available;
                if (lots <= 0) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Matches the taker against the opposite ladder at the resting orders' prices. Returns true when
    /// the remainder must not rest (self-cross under taker_at_cross, group triggered, fee not covered).
    /// </summary>
    private bool Match(Order taker, MarketPosition takerPosition, List<FillView>? fills, DateTimeOffset now)
    {
        var market = taker.Market;
        var opposite = market.Opposite(taker.Side);
        while (taker.RemainingLots > 0)
        {
            var tick = opposite.Best;
            if (!Crosses(market, taker.Side, taker.YesTick, tick)) return false;
            var maker = opposite.HeadAt(tick)!;

            if (maker.Account == taker.Account)
            {
                if (taker.SelfTradePrevention == SelfTradePrevention.TakerAtCross) return true;
                CancelResting(maker);
                continue;
            }

            var lots = Math.Min(taker.RemainingLots, maker.RemainingLots);
            MarketPosition? makerPosition = null;
            if (maker.ReduceOnly)
            {
                makerPosition = maker.Account.PositionIn(market);
                var reducible = Reducible(makerPosition, maker.Side);
                if (reducible <= 0)
                {
                    CancelResting(maker);
                    continue;
                }
                lots = Math.Min(lots, reducible);
            }

            var execYesTick = ExecutionYesTick(market, taker.Side, tick);
            var takerFee = market.FeeMicros(lots, execYesTick, isTaker: true);
            // The fill itself never lowers free cash (collateral covers the cost), so the fee must fit now.
            if (takerFee > taker.Account.Balance) return true;

            Execute(taker, takerPosition, maker, makerPosition ?? maker.Account.PositionIn(market), lots, tick, execYesTick, takerFee, fills, now);

            if (taker.Group is { IsTriggered: true }) return true;
        }
        return false;
    }

    private void Execute(Order taker, MarketPosition takerPosition, Order maker, MarketPosition makerPosition,
        long lots, int makerLegTick, int execYesTick, long takerFee, List<FillView>? fills, DateTimeOffset now)
    {
        var market = taker.Market;
        var makerLadder = market.Opposite(taker.Side);

        taker.RemainingLots -= lots;
        taker.FilledLots += lots;
        taker.LastUpdateTime = now;
        maker.RemainingLots -= lots;
        maker.FilledLots += lots;
        maker.LastUpdateTime = now;
        makerLadder.Reduce(makerLegTick, lots);
        takerPosition.RemoveResting(taker.Side, taker.YesTick, lots);
        makerPosition.RemoveResting(maker.Side, maker.YesTick, lots);

        var makerFee = market.HasMakerFees ? market.FeeMicros(lots, execYesTick, isTaker: false) : 0;
        var takerCost = ApplyFill(takerPosition, taker.Side, lots, execYesTick, takerFee, now);
        var makerCost = ApplyFill(makerPosition, maker.Side, lots, execYesTick, makerFee, now);
        taker.TakerFillCost += takerCost;
        taker.TakerFees += takerFee;
        maker.MakerFillCost += makerCost;
        maker.MakerFees += makerFee;

        market.VolumeLots += lots;
        market.LastYesTick = execYesTick;

        var makerDone = maker.RemainingLots == 0;
        if (makerDone)
        {
            makerLadder.Remove(maker, makerLegTick);
            maker.Status = VenueOrderStatus.Executed;
            OnLeftBook(maker, makerPosition);
        }
        Recollateralize(takerPosition);
        Recollateralize(makerPosition);

        var tradeSequence = ++_tradeSequence;
        var events = Events;
        var takerAccount = taker.Account;
        var makerAccount = maker.Account;
        // Stored compactly; views (and id strings) only for whoever reads now. Agents keep no fills.
        var nowTicks = now.UtcTicks;
        var trade = new TradeRecord(tradeSequence, execYesTick, lots, taker.Side, nowTicks);
        market.RecordTrade(trade);
        var takerFill = new FillRecord(tradeSequence, taker, taker.ClientOrderId, execYesTick, lots, true, takerFee, takerPosition.Lots, nowTicks);
        var makerFill = new FillRecord(tradeSequence, maker, maker.ClientOrderId, execYesTick, lots, false, makerFee, makerPosition.Lots, nowTicks);
        if (takerAccount.RetainHistory) takerAccount.Fills.Add(takerFill);
        if (makerAccount.RetainHistory) makerAccount.Fills.Add(makerFill);
        if (fills is not null || events is not null)
        {
            var takerView = FillViewOf(takerFill);
            fills?.Add(takerView);
            if (events is not null)
            {
                events.OnBookDelta(market.Ticker, maker.Leg, market.PriceOf(makerLegTick), -Lots.ToDecimal(lots), makerAccount.Id, maker.ClientOrderId);
                events.OnTrade(TradeViewOf(market, trade));
                events.OnFill(takerView);
                events.OnFill(FillViewOf(makerFill));
                events.OnOrderUpdate(OrderViewOf(maker));
                events.OnPositionUpdate(makerAccount.Id, PositionViewOf(makerPosition));
                events.OnPositionUpdate(takerAccount.Id, PositionViewOf(takerPosition));
            }
        }
        if (makerDone) Retire(maker);

        // Groups count matched contracts; reaching the limit cancels and blocks the group.
        if (maker.Group is { IsTriggered: false } makerGroup && makerGroup.RecordMatch(now, lots)) TriggerGroup(makerGroup);
        // A reduce-only maker whose position is gone cannot rest on.
        if (maker.IsResting && maker.ReduceOnly && Reducible(makerPosition, maker.Side) <= 0) CancelResting(maker);
        if (taker.Group is { IsTriggered: false } takerGroup && takerGroup.RecordMatch(now, lots)) TriggerGroup(takerGroup);
    }

    /// <summary>
    /// Books one side of an execution: pays the leg price, nets against an opposite holding (each YES+NO
    /// pair redeems for $1 and books realized PnL at average cost), charges the fee. Returns the fill cost.
    /// </summary>
    private static long ApplyFill(MarketPosition position, BookSide side, long lots, int execYesTick, long fee, DateTimeOffset now)
    {
        var market = position.Market;
        var n = market.TickCount;
        // The tick paid on this side's own leg: YES at p, NO at 1 - p.
        var legTick = side == BookSide.Bid ? execYesTick : n - execYesTick;
        var opposite = Reducible(position, side);
        var closing = Math.Min(lots, opposite);
        var opening = lots - closing;
        long cash = 0;

        if (closing > 0)
        {
            // Closing the opposite holding is selling it at (1 - leg price): average-cost PnL.
            var removedCost = closing == opposite
                ? position.Exposure
                : (long)Math.Round((decimal)position.Exposure * closing / opposite, MidpointRounding.AwayFromZero);
            var proceeds = market.Micros((long)(n - legTick) * closing);
            position.Realized += proceeds - removedCost;
            position.Exposure -= removedCost;
            cash += proceeds;
        }
        var cost = market.Micros((long)legTick * lots);
        if (opening > 0)
        {
            var openCost = market.Micros((long)legTick * opening);
            position.Exposure += openCost;
            cash -= openCost;
        }

        var before = Math.Max(0, position.Lots);
        position.Lots += side == BookSide.Bid ? lots : -lots;
        market.OpenInterestLots += Math.Max(0, position.Lots) - before;
        position.TotalTraded += cost;
        position.Fees += fee;
        position.LastUpdated = now;
        position.Account.Balance += cash - fee;
        return cost;
    }

    /// <summary>After matching: rest the remainder (GTC), or cancel it (IOC, or when it must not rest).</summary>
    private void Finish(Order order, MarketPosition position, bool mustCancelRest, DateTimeOffset now)
    {
        var market = order.Market;
        if (order.RemainingLots == 0)
        {
            order.Status = VenueOrderStatus.Executed;
        }
        else if (order.TimeInForce == VenueTimeInForce.GoodTillCanceled && !mustCancelRest)
        {
            var ladder = market.Ladder(order.Side);
            ladder.Append(order, order.LegTick);
            order.Account.RestingOrders++;
            position.RestingCount++;
            order.Group?.Resting.Add(order);
            if (order.ExpirationTime is { } expiration) _expiries.Enqueue(order, expiration);
            Events?.OnBookDelta(market.Ticker, order.Leg, market.PriceOf(order.LegTick), Lots.ToDecimal(order.RemainingLots), order.Account.Id, order.ClientOrderId);
        }
        else
        {
            position.RemoveResting(order.Side, order.YesTick, order.RemainingLots);
            order.RemainingLots = 0;
            order.Status = VenueOrderStatus.Canceled;
            order.LastUpdateTime = now;
            Recollateralize(position);
        }
        Events?.OnOrderUpdate(OrderViewOf(order));
        if (!order.IsResting) Retire(order);
    }

    /// <summary>Bookkeeping when a resting order leaves the book (fully filled or canceled).</summary>
    private static void OnLeftBook(Order order, MarketPosition position)
    {
        order.Account.RestingOrders--;
        position.RestingCount--;
        order.Group?.Resting.Remove(order);
    }

    /// <summary>Cancels a resting order's remainder; returns the lots canceled.</summary>
    private long CancelResting(Order order)
    {
        var position = order.Account.PositionIn(order.Market);
        var lots = order.RemainingLots;
        position.RemoveResting(order.Side, order.YesTick, lots);
        Recollateralize(position);
        LeaveBookCanceled(order, position, Time.GetUtcNow());
        return lots;
    }

    /// <summary>
    /// Takes a resting order off its ladder as canceled (counts, events, retirement). The caller
    /// settles the position's tally and collateral.
    /// </summary>
    private void LeaveBookCanceled(Order order, MarketPosition position, DateTimeOffset now)
    {
        var market = order.Market;
        var legTick = order.LegTick;
        var lots = order.RemainingLots;
        market.Ladder(order.Side).Remove(order, legTick);
        order.RemainingLots = 0;
        order.Status = VenueOrderStatus.Canceled;
        order.LastUpdateTime = now;
        OnLeftBook(order, position);
        if (Events is { } events)
        {
            events.OnBookDelta(market.Ticker, order.Leg, market.PriceOf(legTick), -Lots.ToDecimal(lots), order.Account.Id, order.ClientOrderId);
            events.OnOrderUpdate(OrderViewOf(order));
        }
        Retire(order);
    }
}
