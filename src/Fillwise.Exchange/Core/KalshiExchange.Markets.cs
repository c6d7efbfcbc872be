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
        if (definition.FeeMultiplier < 0m) return Errors.BadRequest("fee multiplier cannot be negative");
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

    private void CancelAllResting(Market market)
    {
        // Oldest first per level, best level first, YES leg then NO leg: a stable, deterministic order.
        foreach (var ladder in new[] { market.Yes, market.No })
        {
            while (ladder.Best > 0) CancelResting(ladder.HeadAt(ladder.Best)!);
        }
    }

    private ExchangeError? SettleMarketCore(MarketTicker ticker, OutcomeSide result)
    {
        if (FindMarket(ticker) is not { } market) return Errors.MarketNotFound;
        if (market.Status == MarketStatus.Settled) return Errors.BadRequest("market already settled");
        if (market.Status == MarketStatus.Active) CloseMarketCore(market);

        market.Status = MarketStatus.Settled;
        market.Result = result;
        Events?.OnMarketLifecycle(market.Ticker, "determined", result);
        var now = Time.GetUtcNow();
        foreach (var position in market.Positions)
        {
            if (position.Lots == 0) continue;
            var account = position.Account;
            var yesLots = position.Lots > 0 ? position.Lots : 0;
            var noLots = position.Lots < 0 ? -position.Lots : 0;
            var winningLots = result == OutcomeSide.Yes ? yesLots : noLots;
            var revenue = winningLots * (Micros.PerDollar / 100);
            // Settlement is the final exit: at $1 for winners, $0 for losers (no fee).
            position.Realized += revenue - position.Exposure;
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
            account.Balance += revenue;
            position.Exposure = 0;
            position.Lots = 0;
            position.LastUpdated = now;
            Events?.OnPositionUpdate(account.Id, PositionViewOf(position));
        }
        market.OpenInterestLots = 0;
        Events?.OnMarketLifecycle(market.Ticker, "settled", result);
        return null;
    }
}
