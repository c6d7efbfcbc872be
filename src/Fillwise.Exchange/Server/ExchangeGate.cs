using Fillwise.Exchange.Core;
using Fillwise.Exchange.Server.WebSockets;

namespace Fillwise.Exchange.Server;

/// <summary>
/// The one lock around the (not thread-safe) exchange. Every REST handler, WebSocket command,
/// admin call and background tick goes through here, so events reach subscribers in the order
/// the state changed, and a snapshot plus its later deltas never interleave wrongly.
/// </summary>
internal sealed class ExchangeGate(KalshiExchange exchange, SubscriptionHub hub)
{
    private readonly Lock _lock = new();

    public KalshiExchange Exchange { get; } = exchange;

    public SubscriptionHub Hub { get; } = hub;

    public T Run<T>(Func<KalshiExchange, T> action)
    {
        lock (_lock)
        {
            try
            {
                var result = action(Exchange);
                // Ticker messages go out once the whole operation is done, from its final state.
                Hub.FlushTickers(Exchange);
                return result;
            }
            finally
            {
                Hub.ClearPending();
            }
        }
    }

    public void Run(Action<KalshiExchange> action) => Run<bool>(ex =>
    {
        action(ex);
        return true;
    });
}
