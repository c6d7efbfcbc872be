using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// How the venue connection is doing: consecutive API errors (the kill switch watches this) and
/// request latency, published on Meter "Fillwise.Venues.Kalshi".
/// </summary>
public sealed class KalshiClientHealth : IDisposable
{
    public const string MeterName = "Fillwise.Venues.Kalshi";

    private readonly Meter _meter;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _badMessages;
    private readonly Counter<long> _snapshotRetries;
    private int _consecutiveErrors;
    private long _totalSnapshotRetries;
    private long _totalErrors;
    private long _totalBadMessages;

    public KalshiClientHealth(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _latency = _meter.CreateHistogram<double>("kalshi.request.duration", "ms", "Kalshi REST request latency");
        _requests = _meter.CreateCounter<long>("kalshi.requests", description: "Kalshi REST requests sent");
        _errors = _meter.CreateCounter<long>("kalshi.errors", description: "Kalshi REST failures by kind");
        _badMessages = _meter.CreateCounter<long>("kalshi.ws.bad_messages", description: "WebSocket messages that could not be parsed");
        _snapshotRetries = _meter.CreateCounter<long>("kalshi.ws.snapshot_retries", description: "get_snapshot requests sent again after no answer");
        _meter.CreateObservableGauge("kalshi.consecutive_errors", () => Volatile.Read(ref _consecutiveErrors), description: "API errors in a row");
    }

    public int ConsecutiveErrors => Volatile.Read(ref _consecutiveErrors);

    public long TotalErrors => Interlocked.Read(ref _totalErrors);

    public long BadMessages => Interlocked.Read(ref _totalBadMessages);

    public DateTimeOffset? LastSuccess { get; private set; }

    /// <summary>get_snapshot requests sent again because the first went unanswered.</summary>
    public long SnapshotRetries => Interlocked.Read(ref _totalSnapshotRetries);

    internal void RecordSuccess(string endpoint, TimeSpan latency, DateTimeOffset now)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
        _latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("endpoint", endpoint));
        Interlocked.Exchange(ref _consecutiveErrors, 0);
        LastSuccess = now;
    }

    /// <summary>
    /// A business rejection (invalid price, insufficient balance) proves the API works, so it resets the
    /// streak like a success; timeouts, 5xx, 429 and auth failures extend it.
    /// </summary>
    internal void RecordFailure(string endpoint, TimeSpan latency, KalshiErrorKind kind)
    {
        var tags = new TagList { { "endpoint", endpoint }, { "kind", kind.ToString() } };
        _requests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
        _latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("endpoint", endpoint));
        _errors.Add(1, tags);
        Interlocked.Increment(ref _totalErrors);
        if (kind == KalshiErrorKind.Rejected) Interlocked.Exchange(ref _consecutiveErrors, 0);
        else Interlocked.Increment(ref _consecutiveErrors);
    }

    internal void RecordBadMessage()
    {
        Interlocked.Increment(ref _totalBadMessages);
        _badMessages.Add(1);
    }

    internal void RecordSnapshotRetry()
    {
        Interlocked.Increment(ref _totalSnapshotRetries);
        _snapshotRetries.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
