namespace Fillwise.Exchange.Perp.Aster;

/// <summary>Settings of the built-in Aster-compatible venue.</summary>
public sealed record AsterVenueOptions
{
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public int Seed { get; init; } = 1;

    /// <summary>A V3 nonce must be within this of the venue clock (Aster: 10 s).</summary>
    public TimeSpan NonceWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A listenKey lives this long after its last keepalive (Aster: 60 min).</summary>
    public TimeSpan ListenKeyLifetime { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Request weight per user per minute (Aster: 2,400 per IP; every test client shares 127.0.0.1, so it is counted per user).</summary>
    public int WeightPerMinute { get; init; } = 2400;

    /// <summary>Orders per user per minute (Aster: 1,200 per account).</summary>
    public int OrdersPerMinute { get; init; } = 1200;

    public int MaxRequestBodyBytes { get; init; } = 64 * 1024;

    /// <summary>Frames queued per WebSocket before it is cut as a slow consumer.</summary>
    public int WebSocketBufferCapacity { get; init; } = 8192;

    /// <summary>WebSocket ping frames (Aster pings every 5 min; tests want it shorter).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
}
