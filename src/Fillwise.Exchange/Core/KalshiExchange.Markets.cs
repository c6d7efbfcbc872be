using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

// Market lifecycle as Kalshi has it: initialized -> active (<-> inactive while paused) -> closed ->
// determined (-> disputed / amended) -> finalized. Opening and the scheduled close happen by time;
// everything else is a step someone takes (the admin API), and each step refuses from the wrong status.
public sealed partial class KalshiExchange
{
    private ExchangeError? CreateMarketCore(MarketDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_markets.ContainsKey(definition.Ticker)) return new ExchangeError(409, "market_already_exists", "a market with this ticker exists");
        if (ExchangeLimits.CheckFeeMultiplier(definition.FeeMultiplier) is { } badMultiplier) return badMultiplier;
        if (ExchangeLimits.CheckTicker(definition.Ticker.Value, "ticker") is { } badTicker) return badTicker;
        if (ExchangeLimits.CheckTicker(definition.EventTicker, "event_ticker") is { } badEvent) return badEvent;
        if (ExchangeLimits.CheckText(definition.Title, "title", ExchangeLimits.MaxTitleLength) is { } badTitle) return badTitle;
        if (definition.CloseTime <= definition.OpenTime) return Errors.BadRequest("close time must be after open time");
        if (definition.SettlementTimer < TimeSpan.Zero || definition.SettlementTimer > ExchangeLimits.MaxSettlementTimer)
            return Errors.BadRequest($"settlement_timer_seconds must be between 0 and {(long)ExchangeLimits.MaxSettlementTimer.TotalSeconds}");

        var market = new Market(this, definition, (int)(1m / definition.Grid.FinestStep));
        _markets.Add(definition.Ticker, market);
        _marketList.Add(market);
        var now = Time.GetUtcNow();
        market.Status = now >= definition.OpenTime ? MarketStatus.Active : MarketStatus.Initialized;
        Lifecycle(MarketLifecycleKind.Created, market, now);
        // A market created after its close time is closed at once (and so never trades).
        AdvanceByTime(market, now);
        return null;
    }

    /// <summary>What time alone does to a market: it opens at open_time and closes at close_time.</summary>
    private void AdvanceByTime(Market market, DateTimeOffset now)
    {
        if (market.Status == MarketStatus.Initialized && now >= market.Definition.OpenTime) market.Status = MarketStatus.Active;
        if (market.IsBeforeClose && now >= market.CloseTime) CloseCore(market);
    }

    private void CloseCore(Market market)
    {
        market.Status = MarketStatus.Closed;
        CancelAllResting(market);
    }

    private void Lifecycle(MarketLifecycleKind kind, Market market, DateTimeOffset now) =>
        Events?.OnMarketLifecycle(new MarketLifecycleEvent(kind, MarketViewOf(market), now));

    /// <summary>
    /// Cancels every resting order of the market and gives every position its collateral back whole.
    /// Nothing rests afterwards, so nothing is recomputed from the tallies: closing completes for
    /// every user whatever one account's bookkeeping says.
    /// </summary>
    private void CancelAllResting(Market market)
    {
        var now = Time.GetUtcNow();
        // Oldest first per level, best level first, YES leg then NO leg: a stable, deterministic order.
        foreach (var ladder in new[] { market.Yes, market.No })
        {
            while (ladder.Best > 0)
            {
                var order = ladder.HeadAt(ladder.Best)!;
                LeaveBookCanceled(order, order.Account.PositionIn(market), now);
            }
        }
        foreach (var position in market.Positions)
        {
            position.ClearResting();
            MoveCollateral(position, 0);
        }
    }

    /// <summary>Cancels the resting orders placed with cancel_order_on_pause, of one market or (null) of all.</summary>
    private void CancelOnPause(Market? only)
    {
        foreach (var market in only is null ? _marketList : [only])
        {
            var doomed = new List<Order>();
            foreach (var ladder in new[] { market.Yes, market.No })
            {
                for (var tick = ladder.Best; tick > 0; tick = ladder.NextBelow(tick))
                {
                    for (var order = ladder.HeadAt(tick); order is not null; order = order.Next)
                    {
                        if (order.CancelOnPause) doomed.Add(order);
                    }
                }
            }
            foreach (var order in doomed) CancelResting(order);
        }
    }

    // ---- steps ------------------------------------------------------------------------------

    private ExchangeError? PauseCore(Market market)
    {
        if (market.Status != MarketStatus.Active) return Errors.BadRequest($"only an active market can be paused; this one is {Wire(market.Status)}");
        market.Status = MarketStatus.Inactive;
        CancelOnPause(market);
        Lifecycle(MarketLifecycleKind.Deactivated, market, Time.GetUtcNow());
        return null;
    }

    private ExchangeError? ResumeCore(Market market)
    {
        if (market.Status != MarketStatus.Inactive) return Errors.BadRequest($"only a paused (inactive) market can resume; this one is {Wire(market.Status)}");
        market.Status = MarketStatus.Active;
        Lifecycle(MarketLifecycleKind.Activated, market, Time.GetUtcNow());
        return null;
    }

    /// <summary>Closes before the scheduled time (close_date_updated); a market already past its close is left as it is.</summary>
    private void CloseEarlyCore(Market market, DateTimeOffset now)
    {
        if (!market.IsBeforeClose) return;
        market.CloseTime = now;
        CloseCore(market);
        Lifecycle(MarketLifecycleKind.CloseDateUpdated, market, now);
    }

    private ExchangeError? DetermineCore(Market market, MarketResult result)
    {
        if (CheckResultFits(market, result) is { } wrong) return wrong;
        if (!market.IsBeforeClose && market.Status != MarketStatus.Closed)
            return Errors.BadRequest($"market is already {Wire(market.Status)}: amend or finalize it instead");
        var now = Time.GetUtcNow();
        // Kalshi determines some markets early (can_close_early): the market closes first.
        CloseEarlyCore(market, now);
        market.Status = MarketStatus.Determined;
        market.Result = result;
        market.DeterminedTime = now;
        Lifecycle(MarketLifecycleKind.Determined, market, now);
        return null;
    }

    private ExchangeError? DisputeCore(Market market)
    {
        if (market.Status is not (MarketStatus.Determined or MarketStatus.Amended))
            return Errors.BadRequest($"only a determined market can be disputed; this one is {Wire(market.Status)}");
        market.Status = MarketStatus.Disputed;
        return null;
    }

    private ExchangeError? AmendCore(Market market, MarketResult result)
    {
        if (CheckResultFits(market, result) is { } wrong) return wrong;
        if (market.Status is not (MarketStatus.Determined or MarketStatus.Disputed or MarketStatus.Amended))
            return Errors.BadRequest($"only a determined market can be amended; this one is {Wire(market.Status)}");
        var now = Time.GetUtcNow();
        market.Status = MarketStatus.Amended;
        market.Result = result;
        market.DeterminedTime = now;
        // Kalshi has no "amended" event type: the new result is announced as a determination.
        Lifecycle(MarketLifecycleKind.Determined, market, now);
        return null;
    }

    private static ExchangeError? CheckResultFits(Market market, MarketResult result) =>
        (market.Definition.Type, result.Kind) switch
        {
            (_, MarketResultKind.Void) => null,
            (MarketType.Binary, MarketResultKind.Yes or MarketResultKind.No) => null,
            (MarketType.Scalar, MarketResultKind.Scalar) => null,
            (MarketType.Binary, _) => Errors.BadRequest("a binary market's result is yes, no or void"),
            _ => Errors.BadRequest("a scalar market's result is scalar (with settlement_value_dollars) or void"),
        };

    /// <summary>
    /// Pays every holder and records the settlements. Every payout is worked out before anything
    /// changes; then everyone is paid, and only then are the changes announced: no user is left
    /// half-settled.
    /// </summary>
    private ExchangeError? FinalizeCore(Market market)
    {
        if (market.Status is not (MarketStatus.Determined or MarketStatus.Disputed or MarketStatus.Amended) || market.Result is not { } result)
            return Errors.BadRequest(market.Status == MarketStatus.Finalized ? "market already settled" : $"only a determined market can be finalized; this one is {Wire(market.Status)}");

        var payouts = new List<(MarketPosition Position, long YesLots, long NoLots, long Revenue)>();
        long paid = 0;
        foreach (var position in market.Positions)
        {
            if (position.Lots == 0) continue;
            var yesLots = position.Lots > 0 ? position.Lots : 0;
            var noLots = position.Lots < 0 ? -position.Lots : 0;
            // Lots are hundredths of a contract and the value whole cents: lots x cents x 100 micro-dollars, exact.
            var yesCents = (long)(result.YesValue * 100m);
            var revenue = result.IsVoid
                ? position.Exposure
                : (yesLots * yesCents + noLots * (100 - yesCents)) * 100;
            payouts.Add((position, yesLots, noLots, revenue));
            paid += revenue;
        }
        // Each open YES+NO pair escrowed $1; a void refunds costs instead, which can be more or less.
        _voidAdjustment += paid - market.OpenInterestLots * (Micros.PerDollar / 100);

        var now = Time.GetUtcNow();
        market.Status = MarketStatus.Finalized;
        market.SettledTime = now;
        foreach (var (position, yesLots, noLots, revenue) in payouts)
        {
            var account = position.Account;
            // Each holder gets a record, with every fee it paid in the market.
            account.Settlements.Add(new SettlementView(
                market.Ticker,
                market.Definition.EventTicker,
                result,
                Lots.ToContracts(yesLots),
                Lots.ToContracts(noLots),
                Micros.ToMoney(yesLots > 0 ? position.Exposure : 0),
                Micros.ToMoney(noLots > 0 ? position.Exposure : 0),
                Micros.ToMoney(revenue),
                Micros.ToMoney(position.Fees),
                now));
            // Settlement is the final exit at the settlement value (no fee); a void returns the cost.
            position.Realized += revenue - position.Exposure;
            account.Balance += revenue;
            position.Exposure = 0;
            position.Lots = 0;
            position.LastUpdated = now;
        }
        market.OpenInterestLots = 0;

        foreach (var (position, _, _, _) in payouts) Events?.OnPositionUpdate(position.Account.Id, PositionViewOf(position));
        Lifecycle(MarketLifecycleKind.Settled, market, now);
        return null;
    }

    /// <summary>Cash the exchange paid out in void refunds beyond (or, negative, short of) the $1 each open pair escrowed.</summary>
    private long _voidAdjustment;

    private void OnTimeForMarkets(DateTimeOffset now)
    {
        foreach (var market in _marketList)
        {
            AdvanceByTime(market, now);
            var timer = market.Definition.SettlementTimer;
            if (timer > TimeSpan.Zero && market.Status is (MarketStatus.Determined or MarketStatus.Amended) && now >= market.DeterminedTime + timer)
                FinalizeCore(market);
        }
        // The weekly maintenance pause: cancel_order_on_pause orders go when it starts.
        var inMaintenance = Maintenance?.Contains(now) ?? false;
        if (inMaintenance && !_inMaintenance) CancelOnPause(null);
        _inMaintenance = inMaintenance;
    }

    private bool _inMaintenance;

    internal static string Wire(MarketStatus status) => status.ToString().ToLowerInvariant();
}
