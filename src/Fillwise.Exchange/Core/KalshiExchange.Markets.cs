using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

// Market lifecycle: create, close (cancels resting orders), settle (pays $1 per winning contract).
public sealed partial class KalshiExchange
{
    private ExchangeError? CreateMarketCore(MarketDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_markets.ContainsKey(definition.Ticker)) return new ExchangeError(409, "market_already_exists", "a market with this ticker exists");
        var tick = definition.TickSize;
        if (tick < 0.0001m || tick > 0.1m || decimal.Round(tick, 4) != tick || 1m % tick != 0m)
            return Errors.BadRequest("tick size must divide $1 and be between 0.0001 and 0.1");
        if (ExchangeLimits.CheckFeeMultiplier(definition.FeeMultiplier) is { } badMultiplier) return badMultiplier;
        if (ExchangeLimits.CheckTicker(definition.Ticker.Value, "ticker") is { } badTicker) return badTicker;
        if (ExchangeLimits.CheckTicker(definition.EventTicker, "event_ticker") is { } badEvent) return badEvent;
        if (ExchangeLimits.CheckText(definition.Title, "title", ExchangeLimits.MaxTitleLength) is { } badTitle) return badTitle;
        if (definition.CloseTime <= definition.OpenTime) return Errors.BadRequest("close time must be after open time");

        var market = new Market(this, definition, (int)(1m / tick));
        _markets.Add(definition.Ticker, market);
        _marketList.Add(market);
        Events?.OnMarketLifecycle(market.Ticker, "created", null);
        return null;
    }

    private void CloseMarketCore(Market market)
    {
        market.Status = MarketStatus.Closed;
        CancelAllResting(market);
        Events?.OnMarketLifecycle(market.Ticker, "deactivated", null);
    }

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

    private ExchangeError? SettleMarketCore(MarketTicker ticker, OutcomeSide result)
    {
        if (FindMarket(ticker) is not { } market) return Errors.MarketNotFound;
        if (market.Status == MarketStatus.Settled) return Errors.BadRequest("market already settled");

        // Every payout is worked out before anything changes; then the market closes and everyone is
        // paid, and only then are the changes announced: no user is left half-settled.
        var payouts = new List<(MarketPosition Position, long YesLots, long NoLots, long Revenue)>();
        foreach (var position in market.Positions)
        {
            if (position.Lots == 0) continue;
            var yesLots = position.Lots > 0 ? position.Lots : 0;
            var noLots = position.Lots < 0 ? -position.Lots : 0;
            var winningLots = result == OutcomeSide.Yes ? yesLots : noLots;
            payouts.Add((position, yesLots, noLots, winningLots * (Micros.PerDollar / 100)));
        }

        if (market.Status == MarketStatus.Active) CloseMarketCore(market);
        market.Status = MarketStatus.Settled;
        market.Result = result;
        var now = Time.GetUtcNow();
        foreach (var (position, yesLots, noLots, revenue) in payouts)
        {
            var account = position.Account;
            // Settlement is the final exit: at $1 for winners, $0 for losers (no fee).
            account.Settlements.Add(new SettlementView(
                market.Ticker,
                market.Definition.EventTicker,
                result,
                Lots.ToContracts(yesLots),
                Lots.ToContracts(noLots),
                Micros.ToMoney(yesLots > 0 ? position.Exposure : 0),
                Micros.ToMoney(noLots > 0 ? position.Exposure : 0),
                Micros.ToMoney(revenue),
                now));
            position.Realized += revenue - position.Exposure;
            account.Balance += revenue;
            position.Exposure = 0;
            position.Lots = 0;
            position.LastUpdated = now;
        }
        market.OpenInterestLots = 0;

        Events?.OnMarketLifecycle(market.Ticker, "determined", result);
        foreach (var (position, _, _, _) in payouts) Events?.OnPositionUpdate(position.Account.Id, PositionViewOf(position));
        Events?.OnMarketLifecycle(market.Ticker, "settled", result);
        return null;
    }
}
