namespace Fillwise.Exchange.Server;

/// <summary>Which world the exchange starts with.</summary>
public enum ExchangeScenario
{
    /// <summary>No markets, no agents: tests and scripts build the world through the admin API.</summary>
    Empty,
    /// <summary>Demo markets with market agents trading on them.</summary>
    Demo,
}

/// <summary>Kalshi's API usage tiers (read/write tokens per second).</summary>
public enum RateLimitTier
{
    Basic,
    Advanced,
    Expert,
    Premier,
    Paragon,
    Prime,
    Prestige,
    /// <summary>No limit at all: benchmarks and load tests.</summary>
    Unlimited,
}

public sealed record ExchangeServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    public int Seed { get; init; } = 1;

    public ExchangeScenario Scenario { get; init; } = ExchangeScenario.Empty;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public RateLimitTier RateLimitTier { get; init; } = RateLimitTier.Basic;

    /// <summary>How often the background loop expires orders, closes markets and steps the agents.</summary>
    public TimeSpan AgentStepInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Hold the scenario's market agents until <see cref="ExchangeServer.StartAgents"/> (the clock's
    /// expiries still run): `paper` starts them once the engine watches, so the engine sees the seeded
    /// world from its first step however long its own start took.
    /// </summary>
    public bool AgentsWaitForStart { get; init; }

    /// <summary>WebSocket ping frames; Kalshi sends one every 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest request body accepted; bigger ones get Kalshi's bad_request.</summary>
    public int MaxRequestBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Frames queued per WebSocket before the connection is dropped as a slow consumer.</summary>
    public int WebSocketBufferCapacity { get; init; } = 8192;

    /// <summary>Allowed clock skew between KALSHI-ACCESS-TIMESTAMP and the exchange clock.</summary>
    public TimeSpan SignatureSkew { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The weekly window in which trading pauses exchange-wide (Kalshi: <see cref="Core.MaintenanceWindow.Kalshi"/>,
    /// Thursdays 03:00-05:00 ET). Null (the default): never, so runs on the wall clock are not
    /// interrupted; the admin API's PUT /exchange/maintenance changes it while running.
    /// </summary>
    public Core.MaintenanceWindow? Maintenance { get; init; }

    /// <summary>The built-in Aster-compatible venue at /aster; null: defaults with this server's clock and seed.</summary>
    public Perp.Aster.AsterVenueOptions? Aster { get; init; }

    /// <summary>The built-in Lighter-like venue at /lighter; null: defaults with this server's clock and seed.</summary>
    public Perp.Lighter.LighterVenueOptions? Lighter { get; init; }

    /// <summary>The perp side of the demo scenario (funding speed, crowd); null: the venues' own schedules.</summary>
    public Perp.Agents.PerpDemoOptions? PerpDemo { get; init; }
}
