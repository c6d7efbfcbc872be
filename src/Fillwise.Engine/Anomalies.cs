using Fillwise.Engine.Logging;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine;

/// <summary>Something the engine could not reconcile with what it believes; each is logged, counted, journaled and shown.</summary>
public sealed record Anomaly(string Kind, string Detail, DateTimeOffset Time);

/// <summary>
/// The one place anomalies go: a log line (event 5000), the <c>fillwise.anomalies</c> counter by
/// kind, the journal (through <see cref="Reported"/>), and the recent list the control API shows.
/// Nothing is only added to a list that nobody reads.
/// </summary>
public sealed class Anomalies
{
    public const string OrphanFill = "orphan_fill";
    public const string OrderEventRefused = "order_event_refused";
    public const string FillWithoutPosition = "fill_without_position";
    public const string ExitOverfill = "exit_overfill";
    public const string JournalWriteFailed = "journal_write_failed";
    public const string StreamFailed = "stream_failed";
    public const string FillMismatch = "fill_mismatch";
    public const string WriterLeaseLost = "writer_lease_lost";

    private const int Keep = 200;
    private readonly ILogger _logger;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Queue<Anomaly> _recent = new();

    public Anomalies(ILogger<Anomalies> logger, EngineMetrics metrics, TimeProvider time)
    {
        _logger = logger;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Raised for each anomaly (the journal recorder writes it as an engine event).</summary>
    public event Action<Anomaly>? Reported;

    public IReadOnlyList<Anomaly> Recent
    {
        get { lock (_recent) return _recent.Reverse().ToList(); }
    }

    public void Report(string kind, string detail) => Report(kind, detail, journal: true);

    /// <summary>For failures of the journal itself: logged, counted and shown, not written to the journal that failed.</summary>
    internal void ReportWithoutJournal(string kind, string detail) => Report(kind, detail, journal: false);

    private void Report(string kind, string detail, bool journal)
    {
        var anomaly = new Anomaly(kind, detail, _time.GetUtcNow());
        lock (_recent)
        {
            _recent.Enqueue(anomaly);
            while (_recent.Count > Keep) _recent.Dequeue();
        }
        EngineLog.Anomaly(_logger, kind, detail);
        _metrics.CountAnomaly(kind);
        if (journal) Reported?.Invoke(anomaly);
    }
}
