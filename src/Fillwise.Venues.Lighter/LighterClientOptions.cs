namespace Fillwise.Venues.Lighter;

/// <summary>Where the Lighter client talks to and how patiently.</summary>
public sealed record LighterClientOptions
{
    /// <summary>Lighter mainnet's REST base (paths /api/v1/... follow).</summary>
    public static readonly Uri ProductionRest = new("https://mainnet.zklighter.elliot.ai");

    /// <summary>Lighter mainnet's WebSocket.</summary>
    public static readonly Uri ProductionWebSocket = new("wss://mainnet.zklighter.elliot.ai/stream");

    /// <summary>The REST base (paths /api/v1/... follow): production, or a built-in venue's http://127.0.0.1:PORT/lighter.</summary>
    public Uri RestBaseUrl { get; init; } = ProductionRest;

    /// <summary>The WebSocket URL: production, or a built-in venue's ws://127.0.0.1:PORT/lighter/stream.</summary>
    public Uri WebSocketUrl { get; init; } = ProductionWebSocket;

    /// <summary>The venue name in instrument ids.</summary>
    public string Venue { get; init; } = "lighter";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seeds the retry and reconnect jitter, so a failing scenario replays.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A request unanswered after this is an unknown outcome.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Client-side transaction budget: sendTx calls per minute (Lighter Standard: 60; Premium: 4,000 and up).</summary>
    public int TransactionsPerMinute { get; init; } = 60;

    /// <summary>Attempts for reads (safe to repeat) and for resending a transaction whose nonce is still unused.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First retry / reconnect delay; doubles up to <see cref="MaxBackoff"/>, with seeded jitter.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A 429 asking to wait longer than this fails the send (rate limited) instead of waiting.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a signed transaction stays valid (its ExpiredAt).</summary>
    public TimeSpan TransactionLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Life of an auth token for private reads and account channels (Lighter's default: 10 minutes); renewed at half.</summary>
    public TimeSpan AuthTokenLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long, after sendTx accepted a transaction, the client waits for the venue to execute it
    /// (an order to show up, a cancel to take effect) before calling the outcome unknown (Hummingbot: 10 s).
    /// </summary>
    public TimeSpan ExecutionWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an order is looked for while waiting for its execution.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The chain id signed into transactions (Lighter mainnet 304); the credentials file may set it.</summary>
    public int? ChainId { get; init; }

    public string? Validate()
    {
        if (!RestBaseUrl.IsAbsoluteUri || !WebSocketUrl.IsAbsoluteUri) return "Lighter URLs must be absolute";
        if (RequestTimeout <= TimeSpan.Zero || MinBackoff <= TimeSpan.Zero || MaxBackoff < MinBackoff) return "timeouts and backoffs must be positive";
        if (TransactionsPerMinute < 1 || MaxAttempts < 1) return "budgets and attempts must be positive";
        if (TransactionLifetime <= TimeSpan.Zero || AuthTokenLifetime <= TimeSpan.FromSeconds(10)) return "transaction and token lifetimes must be positive";
        if (ExecutionWait < TimeSpan.Zero || PollInterval <= TimeSpan.Zero) return "execution wait and poll interval must be positive";
        return null;
    }
}
