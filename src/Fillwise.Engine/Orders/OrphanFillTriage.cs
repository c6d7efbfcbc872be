using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Restart;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Orders;

/// <summary>
/// Decides what a fill of an untracked order is before anyone is alarmed. Most are not orphans: a
/// resync reads fills of orders finished long ago (already journaled), a stream fill can beat the
/// create's answer (the order learns it a moment later), and a fill can land after the engine was
/// done with an order (ours, late: booked to its order and lot). Only a fill nobody here made is an
/// orphan: an anomaly, left for reconciliation to adopt or report.
/// </summary>
internal sealed class OrphanFillTriage
{
    private readonly OrderTracker _tracker;
    private readonly JournalRecorder _recorder;
    private readonly JournalRebuild _rebuild;
    private readonly Anomalies _anomalies;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _grace;

    public OrphanFillTriage(OrderTracker tracker, JournalRecorder recorder, JournalRebuild rebuild, Anomalies anomalies, TimeProvider time, ILogger logger, TimeSpan grace)
    {
        _tracker = tracker;
        _recorder = recorder;
        _rebuild = rebuild;
        _anomalies = anomalies;
        _time = time;
        _logger = logger;
        _grace = grace;
    }

    public async Task TriageAsync(FillReport fill, CancellationToken ct)
    {
        // The order it belongs to may be answered in a moment (fill before ack).
        if (_grace > TimeSpan.Zero) await Task.Delay(_grace, _time, ct);
        if (_tracker.KnowsTrade(fill.TradeId))
        {
            _tracker.ForgetOrphan(fill.TradeId);
            return;
        }

        await _recorder.FlushAsync(ct);
        var journal = _recorder.Journal;
        if ((await journal.GetKnownTradeIdsAsync([fill.TradeId], ct)).Count > 0)
        {
            _tracker.KnowTrade(fill.TradeId);
            return;
        }

        if (await OwnOrderAsync(journal, fill, ct) is { } ours && await _rebuild.RetrackAsync(ours, ct) is not null)
        {
            _tracker.ForgetOrphan(fill.TradeId);
            if (_tracker.ApplyVenueFill(fill) is { IsApplied: true })
                EngineLog.LateFillBooked(_logger, fill.TradeId, ours, fill.Quantity, fill.Price);
            return;
        }

        _anomalies.Report(Anomalies.OrphanFill, $"fill {fill.TradeId} of {fill.Side.ToWire()} {fill.Quantity} {fill.Instrument} at {fill.Price} belongs to venue order {fill.OrderId}, which this engine never placed");
    }

    /// <summary>Our client order id for the fill's order: the fill's own, or the one an earlier fill of the same venue order was journaled under.</summary>
    internal static async Task<ClientOrderId?> OwnOrderAsync(IJournal journal, FillReport fill, CancellationToken ct)
    {
        if (fill.ClientOrderId is { } id && await journal.GetIntentAsync(id, ct) is not null) return id;
        foreach (var earlier in await journal.GetFillsByVenueOrderAsync(fill.OrderId, ct))
            if (earlier.Record.ClientOrderId is { } known && await journal.GetIntentAsync(known, ct) is not null) return known;
        return null;
    }
}
