using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Portfolio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Orders;

/// <summary>
/// Writes what the engine learns into the journal. Intents are awaited (durable before the create
/// is sent); order events, fills, lots, exits and engine events follow in the order they happened
/// through one background writer, because the venue can always tell us those again and the engine
/// must not wait on the disk to react to a fill. A write that fails is logged and reported as an
/// anomaly (which the kill switch and the dashboard see).
/// </summary>
public sealed class JournalRecorder : IIntentJournal, IAsyncDisposable
{
    private readonly IJournal _journal;
    private readonly Channel<Func<CancellationToken, Task>> _writes = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Dictionary<PositionId, List<WrittenExit>> _written = [];
    private readonly HashSet<PositionId> _closedWritten = [];
    private readonly ILogger _logger;
    private PortfolioBook? _portfolio;
    private Anomalies? _anomalies;
    private long _failures;

    public JournalRecorder(IJournal journal, ILogger<JournalRecorder>? logger = null)
    {
        _journal = journal;
        _logger = logger ?? NullLogger<JournalRecorder>.Instance;
        _writer = Task.Run(DrainAsync);
    }

    public IJournal Journal => _journal;

    /// <summary>Writes that failed since start (each also logged and reported as an anomaly).</summary>
    public long FailureCount => Interlocked.Read(ref _failures);

    /// <summary>Subscribes to an engine's order, lot and anomaly changes.</summary>
    public void Attach(OrderTracker tracker, PortfolioBook portfolio, Anomalies anomalies)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(portfolio);
        ArgumentNullException.ThrowIfNull(anomalies);
        _portfolio = portfolio;
        _anomalies = anomalies;
        tracker.ChangeScope = BeginUnit;
        tracker.EventApplied += OnOrderEvent;
        tracker.FillApplied += OnFill;
        portfolio.LotChanged += OnLotChanged;
        anomalies.Reported += a => RecordEngineEvent("anomaly", new JsonObject { ["kind"] = a.Kind, ["detail"] = a.Detail }, a.Time);
    }

    /// <summary>Makes the intent durable (with the plan of the lot it opens, or the reason it exits) before it is sent.</summary>
    public async Task RecordIntentAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var metadata = new JsonObject
        {
            ["time_in_force"] = intent.TimeInForce.ToString(),
            ["reduce_only"] = intent.ReduceOnly,
            ["post_only"] = intent.PostOnly,
        };
        if (intent.Purpose == OrderPurpose.Entry && _portfolio?.PlanOf(intent.ClientOrderId) is { } plan) metadata["plan"] = plan.ToJson();
        await _journal.AppendIntentAsync(new JournalIntent(
            intent.ClientOrderId, intent.Instrument, intent.Side, intent.Quantity, intent.LimitPrice,
            intent.Purpose, intent.Strategy, intent.Reason ?? string.Empty, metadata.ToJsonString(), intent.CreatedAt, intent.PositionId), cancellationToken);
    }

    /// <summary>Queues an engine-level record (kill switch, reconciliation, alert...) behind everything already queued.</summary>
    public void RecordEngineEvent(string kind, JsonObject payload, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Record(new JournalWrite.EngineEvent(new JournalEngineEvent(kind, payload.ToJsonString(), at)));
    }

    /// <summary>Queues a journal write of the caller's own (restart bookkeeping, metadata) in order with the rest.</summary>
    public void Enqueue(Func<IJournal, CancellationToken, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        // Inside a unit it follows the unit, keeping the order in which things happened.
        if (t_unit is { } unit) unit.After.Add(ct => write(_journal, ct));
        else Enqueue(ct => write(_journal, ct));
    }

    /// <summary>
    /// Opens a unit on this thread: every record made until it is disposed (an order event, its
    /// fill, the lot rows the fill moves, an anomaly it raised) is written in one transaction.
    /// </summary>
    public IDisposable BeginUnit()
    {
        var unit = t_unit ??= new Unit();
        unit.Depth++;
        return new UnitScope(this, unit);
    }

    private void EndUnit(Unit unit)
    {
        if (--unit.Depth > 0) return;
        t_unit = null;
        if (unit.Writes.Count > 0) EnqueueTogether(unit.Writes);
        foreach (var after in unit.After) Enqueue(after);
    }

    private void Record(params JournalWrite[] writes)
    {
        if (t_unit is { } unit) unit.Writes.AddRange(writes);
        else EnqueueTogether(writes);
    }

    private void EnqueueTogether(IReadOnlyList<JournalWrite> writes)
    {
        if (writes.Count == 0) return;
        Enqueue(async ct =>
        {
            foreach (var refusal in await _journal.AppendTogetherAsync(writes, ct)) Failed(refusal);
        });
    }

    [ThreadStatic]
    private static Unit? t_unit;

    private sealed class Unit
    {
        public int Depth;
        public List<JournalWrite> Writes { get; } = [];
        public List<Func<CancellationToken, Task>> After { get; } = [];
    }

    private sealed class UnitScope(JournalRecorder recorder, Unit unit) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            recorder.EndUnit(unit);
        }
    }

    /// <summary>Waits until everything queued so far is written.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(_ =>
        {
            done.TrySetResult();
            return Task.CompletedTask;
        });
        await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Lots already in the journal at restart: their rows and exits are not written again.</summary>
    internal void KnowWritten(PositionId lot, IReadOnlyList<WrittenExit> exits)
    {
        lock (_written) _written[lot] = exits.ToList();
    }

    /// <summary>What the journal already holds of one exit (its rows added up).</summary>
    internal sealed record WrittenExit(Quantity Quantity, Money GrossPnl, Money Fees);

    private void OnOrderEvent(Order order, OrderEvent e) => Record(new JournalWrite.OrderEvent(OrderEventCodec.Encode(order, e)));

    private void OnFill(AppliedFill applied)
    {
        var o = applied.Order;
        var f = applied.Fill;
        Record(new JournalWrite.Fill(new JournalFill(f.TradeId, o.ClientOrderId, o.VenueOrderId, o.Instrument, o.Side, f.Quantity, f.Price, f.Commission, f.IsTaker, f.Time)));
    }

    private void OnLotChanged(TrackedLot lot)
    {
        var id = lot.Id;
        var exits = lot.Lot.Exits.ToList();
        var closedAt = lot.Lot.ClosedAt;
        var writes = new List<JournalWrite>();
        lock (_written)
        {
            if (!_written.TryGetValue(id, out var written))
            {
                writes.Add(new JournalWrite.OpenPosition(new JournalPosition(id, lot.Instrument, lot.Side, lot.EntryClientOrderId,
                    lot.Plan.RequestedQuantity ?? lot.Lot.EnteredTotal, lot.Plan.StopLoss, lot.Plan.TakeProfit, lot.Plan.Strategy, lot.Plan.Reason ?? string.Empty, lot.Lot.OpenedAt)));
                _written[id] = written = [];
            }
            // The journal is append-only: an exit that grows by another fill of the same order is
            // written as the difference, so the rows of one order always add up to the exit.
            for (var i = 0; i < exits.Count; i++)
            {
                var e = exits[i];
                var before = i < written.Count ? written[i] : null;
                if (before is not null && e.Quantity <= before.Quantity) continue; // nothing new (or an older picture arriving late)
                var quantity = e.Quantity - (before?.Quantity ?? Quantity.Zero);
                var gross = e.GrossPnl - (before?.GrossPnl ?? Money.Zero);
                var fees = e.Fees - (before?.Fees ?? Money.Zero);
                writes.Add(new JournalWrite.Exit(new JournalExit(id, e.OrderId, quantity, e.AveragePrice, gross, fees, gross - fees, e.Time, e.Reason)));
                var now = new WrittenExit(e.Quantity, e.GrossPnl, e.Fees);
                if (i < written.Count) written[i] = now; else written.Add(now);
            }
            if (closedAt is { } at && _closedWritten.Add(id)) writes.Add(new JournalWrite.ClosePosition(id, at));
        }
        Record([.. writes]);
    }

    private void Enqueue(Func<CancellationToken, Task> write)
    {
        if (!_writes.Writer.TryWrite(write))
            Failed(new JournalWriteException("the journal recorder is stopped; a write was dropped"));
    }

    private async Task DrainAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync())
        {
            try
            {
                await write(CancellationToken.None);
            }
            catch (Exception e) when (e is JournalException or InvalidOperationException or ObjectDisposedException or ArgumentException)
            {
                Failed(e);
            }
        }
    }

    private void Failed(Exception e)
    {
        Interlocked.Increment(ref _failures);
        EngineLog.JournalFailed(_logger, e.Message);
        // Reported without a journal write of its own: the journal is what failed.
        _anomalies?.ReportWithoutJournal(Anomalies.JournalWriteFailed, e.Message);
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
    }
}
