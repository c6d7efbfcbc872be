using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core.Internal;

namespace Fillwise.Exchange.Perp.Core;

public sealed partial class PerpExchange
{
    /// <summary>
    /// Settles every funding that has come due on the injected clock, each at its own settlement
    /// time and with the mark and rate in force then; the next settlement moves one interval on.
    /// Called at the start of every operation and by the host's timer, so funding never depends on
    /// who asks first. Payment = signed quantity × mark × rate (positive rate: longs pay shorts),
    /// rounded to the venue's funding decimals, out of the wallet balance.
    /// </summary>
    public int Advance()
    {
        var now = Time.GetUtcNow();
        var settled = 0;
        foreach (var market in _markets.Values)
        {
            while (now >= market.NextFundingTime)
            {
                settled += Settle(market, market.NextFundingTime);
                market.NextFundingTime += market.FundingInterval;
            }
        }
        if (settled > 0) Flush(PerpAccountChange.FundingFee);
        return settled;
    }

    private int Settle(PerpMarket market, DateTimeOffset at)
    {
        var paid = 0;
        foreach (var account in _accounts.Values)
        {
            if (!account.Holdings.TryGetValue(market, out var h) || h.Book.IsFlat) continue;
            var amount = FundingSchedule.Payment(h.Book.Quantity, market.Mark, market.FundingRate, Rules.FundingDecimals);
            if (amount == Money.Zero) continue;
            account.Balance -= amount.Dollars;
            h.Funding += amount.Dollars;
            h.UpdatedAt = at;
            if (account.RetainHistory)
            {
                account.Funding.Add(new PerpFundingView(++_nextIncome, account.Id, market.Symbol, amount, market.FundingRate, market.Mark, h.Book.Quantity, at));
                if (account.Funding.Count > Rules.HistoryPerAccount) account.Funding.RemoveAt(0);
            }
            Touch(account, market);
            paid++;
        }
        return paid;
    }

    // ---- what the demo agents need, without building views -------------------------------------

    internal decimal PositionOf(long accountId, string symbol) =>
        _accounts.TryGetValue(accountId, out var a) && _markets.TryGetValue(symbol, out var m) && a.Holdings.TryGetValue(m, out var h) ? h.Book.Quantity : 0m;

    internal decimal BalanceOf(long accountId) => _accounts.TryGetValue(accountId, out var a) ? a.Balance : 0m;

    internal bool IsOpen(long accountId, long orderId) =>
        _accounts.TryGetValue(accountId, out var a) && a.OpenOrders.ContainsKey(orderId);

    internal PerpMarket? MarketOf(string symbol) => _markets.GetValueOrDefault(symbol);
}
