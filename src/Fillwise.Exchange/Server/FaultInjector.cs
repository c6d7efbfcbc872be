namespace Fillwise.Exchange.Server;

/// <summary>
/// Faults the exchange injects into /trade-api/v2 traffic (rates are probabilities 0..1).
/// Drop: the request is carried out, then the connection closes without an answer.
/// </summary>
public sealed record FaultSettings(
    double Http5xxRate = 0,
    double Http429Rate = 0,
    double DropResponseRate = 0,
    int LatencyMs = 0,
    int WsDisconnectEverySeconds = 0)
{
    public static readonly FaultSettings None = new();

    /// <summary>Null when the settings are usable; otherwise what is wrong with them.</summary>
    public string? Validate()
    {
        if (!IsRate(Http5xxRate)) return "http_5xx_rate must be between 0 and 1";
        if (!IsRate(Http429Rate)) return "http_429_rate must be between 0 and 1";
        if (!IsRate(DropResponseRate)) return "drop_response_rate must be between 0 and 1";
        if (LatencyMs is < 0 or > 60_000) return "latency_ms must be between 0 and 60000";
        if (WsDisconnectEverySeconds is < 0 or > 86_400) return "ws_disconnect_every_s must be between 0 and 86400";
        return null;
    }

    private static bool IsRate(double rate) => !double.IsNaN(rate) && rate >= 0 && rate <= 1;
}

internal enum FaultKind
{
    None,
    ServerError,
    TooManyRequests,
    DropResponse,
}

internal readonly record struct FaultDecision(FaultKind Kind, TimeSpan Latency);

/// <summary>Decides, from a seeded random stream, which fault (if any) hits each request.</summary>
internal sealed class FaultInjector(int seed)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);
    private FaultSettings _settings = FaultSettings.None;

    /// <summary>
    /// How long a connection's ws_disconnect_every_s watch sleeps before looking again: until the cut is
    /// due, at most a second (the fault is set in whole seconds, and noticed within one when set later).
    /// Not every 100 ms: a simulated clock fires each of those sleeps for every connection.
    /// </summary>
    public static TimeSpan DisconnectFaultWait(int everySeconds, TimeSpan age)
    {
        var second = TimeSpan.FromSeconds(1);
        if (everySeconds <= 0) return second;
        var left = TimeSpan.FromSeconds(everySeconds) - age;
        return left >= second ? second : left > TimeSpan.FromMilliseconds(10) ? left : TimeSpan.FromMilliseconds(10);
    }

    public FaultSettings Settings
    {
        get
        {
            lock (_gate) return _settings;
        }
        set
        {
            lock (_gate) _settings = value;
        }
    }

    public FaultDecision Decide()
    {
        lock (_gate)
        {
            var s = _settings;
            if (s == FaultSettings.None) return default;
            var latency = TimeSpan.FromMilliseconds(s.LatencyMs);
            // One draw per kind, in a fixed order, so a seed replays the same faults.
            if (s.Http5xxRate > 0 && _random.NextDouble() < s.Http5xxRate) return new(FaultKind.ServerError, latency);
            if (s.Http429Rate > 0 && _random.NextDouble() < s.Http429Rate) return new(FaultKind.TooManyRequests, latency);
            if (s.DropResponseRate > 0 && _random.NextDouble() < s.DropResponseRate) return new(FaultKind.DropResponse, latency);
            return new(FaultKind.None, latency);
        }
    }
}
