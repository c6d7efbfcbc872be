using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

// Amend (price and/or total count) and decrease.
public sealed partial class KalshiExchange
{
    private ExchangeError? AmendOrderCore(string userId, string orderId, ContractPrice yesPrice, Contracts totalCount, string? updatedClientOrderId,
        List<FillView> fills, out Order? amended)
    {
        amended = null;
        var error = FindOrderForChange(userId, orderId, out var order);
        if (error is not null) return error;
        var market = order!.Market;
        var account = order.Account;
        if (!TryTickOf(market, yesPrice, out var yesTick)) return Errors.InvalidPrice;
        if (!Lots.TryOf(totalCount, out var totalLots)) return ExchangeLimits.CountRefused(totalCount, "count");
        var newRemaining = totalLots - order.FilledLots;
        if (newRemaining <= 0) return Errors.InvalidOrder("count must exceed the filled count");
        if (ExchangeLimits.CheckClientOrderId(updatedClientOrderId, "updated_client_order_id") is { } badId) return badId;
        var renamesClientId = updatedClientOrderId is not null && !string.Equals(updatedClientOrderId, order.ClientOrderId, StringComparison.Ordinal);
        if (renamesClientId && account.ClientOrderIds.Contains(updatedClientOrderId!)) return Errors.DuplicateClientOrderId;

        var now = Time.GetUtcNow();
        var position = account.PositionIn(market);
        if (yesTick == order.YesTick && newRemaining <= order.RemainingLots)
        {
            // A pure size decrease (or nothing): the order keeps its place in the queue.
            if (newRemaining < order.RemainingLots) ReduceResting(order, position, order.RemainingLots - newRemaining, now);
            order.InitialLots = order.FilledLots + order.RemainingLots;
            Rename(order, updatedClientOrderId, renamesClientId);
            order.LastUpdateTime = now;
            Events?.OnOrderUpdate(OrderViewOf(order));
            amended = order;
            return null;
        }

        if (order.PostOnly && Crosses(market, order.Side, yesTick, market.Opposite(order.Side).Best)) return Errors.PostOnlyCross;

        // Check the new order's collateral before touching anything else: the old size leaves the
        // tally, the new one is reserved, and the old size comes back on a refusal.
        position.RemoveResting(order.Side, order.YesTick, order.RemainingLots);
        bool covered;
        long required;
        try
        {
            covered = TryReserve(position, order.Side, yesTick, newRemaining, FeeBound(market, order.Side, yesTick, newRemaining, order.PostOnly), out required);
        }
        catch
        {
            position.AddResting(order.Side, order.YesTick, order.RemainingLots);
            throw;
        }
        if (!covered)
        {
            position.AddResting(order.Side, order.YesTick, order.RemainingLots);
            return Errors.InsufficientBalance;
        }

        // Leave the queue (priority is lost), re-price, and match like a new order.
        var oldLegTick = order.LegTick;
        var oldRemaining = order.RemainingLots;
        market.Ladder(order.Side).Remove(order, oldLegTick);
        OnLeftBook(order, position);
        Events?.OnBookDelta(market.Ticker, order.Leg, market.PriceOf(oldLegTick), -Lots.ToDecimal(oldRemaining), account.Id, order.ClientOrderId);
        MoveCollateral(position, required);
        order.YesTick = yesTick;
        order.RemainingLots = newRemaining;
        order.InitialLots = order.FilledLots + newRemaining;
        order.LastUpdateTime = now;
        Rename(order, updatedClientOrderId, renamesClientId);

        var mustCancelRest = Match(order, position, fills, now);
        Finish(order, position, mustCancelRest, now);
        amended = order;
        return null;
    }

    private static void Rename(Order order, string? updatedClientOrderId, bool renames)
    {
        if (!renames) return;
        order.ClientOrderId = updatedClientOrderId;
        order.Account.ClientOrderIds.Add(updatedClientOrderId!);
    }

    private ExchangeError? DecreaseOrderCore(string userId, string orderId, Contracts? reduceBy, Contracts? reduceTo, out Order? decreased, out long reducedLots)
    {
        decreased = null;
        reducedLots = 0;
        if (reduceBy.HasValue == reduceTo.HasValue) return Errors.BadRequest("exactly one of reduce_by and reduce_to is required");
        var error = FindOrderForChange(userId, orderId, out var order);
        if (error is not null) return error;

        if (reduceBy is { } checkBy && ExchangeLimits.CheckCount(checkBy, "reduce_by") is { } bigBy) return bigBy;
        if (reduceTo is { } checkTo && ExchangeLimits.CheckCount(checkTo, "reduce_to") is { } bigTo) return bigTo;

        long by;
        if (reduceBy is { } byCount)
        {
            by = Lots.Of(byCount);
            if (by <= 0) return Errors.BadRequest("reduce_by must be positive");
            by = Math.Min(by, order!.RemainingLots);
        }
        else
        {
            // reduce_to is the remaining count wanted.
            var to = Lots.Of(reduceTo!.Value);
            if (to >= order!.RemainingLots) return Errors.BadRequest("reduce_to must be below the remaining count");
            by = order.RemainingLots - to;
        }

        if (by == order.RemainingLots)
        {
            reducedLots = CancelResting(order);
        }
        else
        {
            var now = Time.GetUtcNow();
            ReduceResting(order, order.Account.PositionIn(order.Market), by, now);
            order.LastUpdateTime = now;
            Events?.OnOrderUpdate(OrderViewOf(order));
            reducedLots = by;
        }
        decreased = order;
        return null;
    }

    /// <summary>Takes lots off a resting order in place (queue position kept); the remainder stays above zero.</summary>
    private void ReduceResting(Order order, MarketPosition position, long lots, DateTimeOffset now)
    {
        var market = order.Market;
        var legTick = order.LegTick;
        market.Ladder(order.Side).Reduce(legTick, lots);
        order.RemainingLots -= lots;
        order.InitialLots -= lots;
        order.LastUpdateTime = now;
        position.RemoveResting(order.Side, order.YesTick, lots);
        Recollateralize(position);
        Events?.OnBookDelta(market.Ticker, order.Leg, market.PriceOf(legTick), -Lots.ToDecimal(lots), order.Account.Id, order.ClientOrderId);
    }
}
