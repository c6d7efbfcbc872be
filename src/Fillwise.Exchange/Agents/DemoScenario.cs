using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Agents;

/// <summary>How the demo world looks: how many markets at once, how long each lives, how often whales come.</summary>
public sealed record DemoScenarioOptions
{
    internal static readonly (string Code, string Title)[] Themes =
    [
        ("RAIN", "Will it rain in Chicago today?"),
        ("BTC", "Bitcoin above the strike at close?"),
        ("FED", "Fed holds rates at the next meeting?"),
        ("GAME", "Home team wins tonight?"),
        ("CPI", "CPI above consensus?"),
    ];

    public int MarketCount { get; init; } = 4;
    public TimeSpan MinLifetime { get; init; } = TimeSpan.FromMinutes(4);
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromMinutes(9);

    /// <summary>
    /// How much scenario time one step is: a market's fair value drifts toward its outcome by steps
    /// made, not by the wall clock, so a seed gives the same drift however the steps were paced.
    /// </summary>
    public TimeSpan StepInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Chance per market per step, in thousandths, that a whale order arrives.</summary>
    public int WhalePerMille { get; init; } = 25;
}

/// <summary>The scenarios the exchange can start with: "demo" (markets and agents) or "empty" (nothing).</summary>
public static class DemoScenario
{
    public const string Demo = "demo";
    public const string Empty = "empty";

    public static bool IsKnown(string? name) => name is Demo or Empty;

    /// <summary>Creates the scenario's markets and agent accounts; the host then calls Step periodically (e.g. every 250 ms).</summary>
    public static MarketAgents Start(string name, KalshiExchange exchange, int seed, DemoScenarioOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        return name switch
        {
            Demo => new MarketAgents(exchange, seed, options ?? new DemoScenarioOptions()),
            Empty => MarketAgents.None(exchange),
            _ => throw new ArgumentException($"unknown scenario '{name}' (demo or empty)", nameof(name)),
        };
    }
}
