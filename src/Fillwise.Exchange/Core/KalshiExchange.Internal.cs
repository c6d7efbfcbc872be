using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

// Allocation-light entry points for agents and benchmarks: same rules, no response views.
public sealed partial class KalshiExchange
{
    /// <summary>Cancels by handle (no id parsing, no view); null when canceled, else the error Kalshi would answer.</summary>
    internal ExchangeError? CancelOrderCore(Order order)
    {
        if (!IsTradable(order.Market)) return Errors.MarketInactive;
        if (!order.IsResting) return Errors.OrderNotFound;
        CancelResting(order);
        return null;
    }

    /// <summary>Adds cash to an account (agents' top-ups); counted as a deposit. False when the limits refuse it.</summary>
    internal bool Deposit(string userId, Money amount)
    {
        if (CheckDeposit(amount, "deposit") is not null || !_accounts.TryGetValue(userId, out var account)) return false;
        var micros = Micros.Of(amount);
        account.Balance += micros;
        account.Deposits += micros;
        _totalDeposits += micros;
        return true;
    }

    /// <summary>Signed position in lots (+ YES, - NO) without building a view.</summary>
    internal long PositionLots(string userId, Market market) =>
        _accounts.TryGetValue(userId, out var account) && account.Positions.TryGetValue(market, out var position) ? position.Lots : 0;

    internal long BalanceMicros(string userId) => _accounts.TryGetValue(userId, out var account) ? account.Balance : 0;

    internal long DepositsMicros(string userId) => _accounts.TryGetValue(userId, out var account) ? account.Deposits : 0;
}
