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
}
