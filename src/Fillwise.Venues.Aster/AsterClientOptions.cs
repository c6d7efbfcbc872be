namespace Fillwise.Venues.Aster;

/// <summary>Where the Aster client talks to and how patiently.</summary>
public sealed record AsterClientOptions
{
    /// <summary>Aster's production futures REST base.</summary>
    public static readonly Uri ProductionRest = new("https://fapi.asterdex.com/fapi");

    /// <summary>Aster's production futures WebSocket base.</summary>
    public static readonly Uri ProductionWebSocket = new("wss://fstream.asterdex.com/ws");

    /// <summary>The futures REST base, ending in /fapi (paths /v3/... follow): production, or a built-in venue's http://127.0.0.1:PORT/aster/fapi.</summary>
    public Uri RestBaseUrl { get; init; } = ProductionRest;

    /// <summary>The WebSocket base (streams /&lt;listenKey&gt; and /&lt;symbol&gt;@depth follow).</summary>
    public Uri WebSocketBaseUrl { get; init; } = ProductionWebSocket;

    /// <summary>The venue name in instrument ids.</summary>
    public string Venue { get; init; } = "aster";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seeds the retry and reconnect jitter, so a failing scenario replays.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A request unanswered after this is an unknown outcome.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Client-side budget: request weight per minute (Aster: 2,400 per IP).</summary>
    public int WeightPerMinute { get; init; } = 2400;

    /// <summary>Client-side budget: orders per minute (Aster: 1,200 per account).</summary>
    public int OrdersPerMinute { get; init; } = 1200;

    /// <summary>Attempts for requests that are safe to repeat (reads, cancels by id, creates with the same client order id).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First retry / reconnect delay; doubles up to <see cref="MaxBackoff"/>, with seeded jitter.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A 429 asking to wait longer than this fails the request (rate limited) instead of waiting.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>listenKey keepalive (Aster keys live 60 min; it recommends a PUT every 30 to 60 min).</summary>
    public TimeSpan ListenKeyKeepAlive { get; init; } = TimeSpan.FromMinutes(30);

    public string? Validate()
    {
        if (!RestBaseUrl.IsAbsoluteUri || !WebSocketBaseUrl.IsAbsoluteUri) return "Aster URLs must be absolute";
        if (RequestTimeout <= TimeSpan.Zero || MinBackoff <= TimeSpan.Zero || MaxBackoff < MinBackoff) return "timeouts and backoffs must be positive";
        if (WeightPerMinute < 1 || OrdersPerMinute < 1 || MaxAttempts < 1) return "budgets and attempts must be positive";
        return null;
    }
}
