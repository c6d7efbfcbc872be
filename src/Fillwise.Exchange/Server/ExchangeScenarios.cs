using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Server;

/// <summary>
/// Where the scenarios (and, for demo, the market agents) plug into the server.
/// Called under the exchange lock.
/// </summary>
internal static class ExchangeScenarios
{
    public static void Apply(ExchangeServerOptions options, ExchangeGate gate)
    {
        if (options.Scenario == ExchangeScenario.Empty) return;
        // Demo markets and agents come from Agents/ (exchange-core branch); wired when they land.
    }

    public static void Step(ExchangeServerOptions options, KalshiExchange exchange)
    {
        _ = options;
        _ = exchange;
    }
}
