using System.Diagnostics.Metrics;
using Fillwise.Domain.Orders;
using Fillwise.Engine.Orders;

namespace Fillwise.Engine;

/// <summary>A point-in-time copy of the counters, as the control API shows them.</summary>
public sealed record EngineMetricsSnapshot(
    long EntryOrdersPlaced,
    long EntryOrdersFullFilled,
    long EntryOrdersPartialFilled,
    long EntryOrdersFailed,
    long ExitOrdersPlaced,
    long ExitOrdersFullFilled,
    long ExitOrdersPartialFilled,
    long ExitOrdersFailed,
    long ConsecutiveApiErrors,
    long ApiErrorsTotal);

/// <summary>
/// The counters seed 001 asks for (entries and exits placed / fully / partially filled / failed),
/// API error streaks for the kill switch, and fill latency and slippage histograms on a Meter
/// ("Fillwise.Engine") for exporters.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    private readonly Meter _meter = new("Fillwise.Engine");
    private readonly Histogram<double> _fillLatencyMs;
    private readonly Histogram<double> _slippageCents;
    private readonly Counter<long> _anomalies;
    private long _entryPlaced, _entryFull, _entryPartial, _entryFailed;
    private long _exitPlaced, _exitFull, _exitPartial, _exitFailed;
    private long _consecutiveApiErrors, _apiErrors;

    public EngineMetrics()
    {
        // Histograms take doubles: these are measurements for charts, never money or counts the engine acts on.
        _fillLatencyMs = _meter.CreateHistogram<double>("fillwise.fill_latency", "ms", "Time from submit to the first fill");
        _slippageCents = _meter.CreateHistogram<double>("fillwise.slippage", "ticks", "Average fill against the limit, in the instrument's price units x 100");
        _anomalies = _meter.CreateCounter<long>("fillwise.anomalies", "events", "Anomalies by kind (orphan fills, refused events, journal failures)");
    }

    public void CountAnomaly(string kind) => _anomalies.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void RecordFillLatency(TimeSpan latency) => _fillLatencyMs.Record(latency.TotalMilliseconds);

    public void RecordOrder(ConfirmationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var entry = result.Order.Purpose == OrderPurpose.Entry;
        Interlocked.Increment(ref entry ? ref _entryPlaced : ref _exitPlaced);
        switch (result.Outcome)
        {
            case ConfirmationOutcome.Filled:
                Interlocked.Increment(ref entry ? ref _entryFull : ref _exitFull);
                break;
            case ConfirmationOutcome.Partial:
                Interlocked.Increment(ref entry ? ref _entryPartial : ref _exitPartial);
                break;
            default:
                Interlocked.Increment(ref entry ? ref _entryFailed : ref _exitFailed);
                break;
        }
        if (result.Slippage is { } slip) _slippageCents.Record((double)(slip * 100m));
    }

    public void ApiError()
    {
        Interlocked.Increment(ref _apiErrors);
        Interlocked.Increment(ref _consecutiveApiErrors);
    }

    public void ApiSuccess() => Interlocked.Exchange(ref _consecutiveApiErrors, 0);

    public EngineMetricsSnapshot Snapshot() => new(
        Interlocked.Read(ref _entryPlaced), Interlocked.Read(ref _entryFull), Interlocked.Read(ref _entryPartial), Interlocked.Read(ref _entryFailed),
        Interlocked.Read(ref _exitPlaced), Interlocked.Read(ref _exitFull), Interlocked.Read(ref _exitPartial), Interlocked.Read(ref _exitFailed),
        Interlocked.Read(ref _consecutiveApiErrors), Interlocked.Read(ref _apiErrors));

    public void Dispose() => _meter.Dispose();
}
