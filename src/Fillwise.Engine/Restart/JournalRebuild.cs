using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;

namespace Fillwise.Engine.Restart;

/// <summary>What the journal gave back at start.</summary>
public sealed record RebuildResult(int Lots, IReadOnlyList<Order> Orders, TimeSpan Elapsed);

/// <summary>
/// Rebuilds the engine's picture from the journal alone, before the venue is asked anything:
/// every lot not closed (its plan, its fills replayed into a lot, its exits), and every order not
/// known to be finished (its events replayed through the order aggregate, so it is in exactly the
/// state the engine last knew). Reading and replaying are bulk (two or three queries), so ten
/// thousand lots and a hundred thousand journaled orders rebuild in well under a second.
/// </summary>
internal sealed class JournalRebuild
{
    private readonly IJournal _journal;
    private readonly JournalRecorder _recorder;
    private readonly OrderTracker _tracker;
    private readonly PortfolioBook _portfolio;
    private readonly Anomalies _anomalies;
    private readonly TimeProvider _time;

    public JournalRebuild(IJournal journal, JournalRecorder recorder, OrderTracker tracker, PortfolioBook portfolio, Anomalies anomalies, TimeProvider time)
    {
        _journal = journal;
        _recorder = recorder;
        _tracker = tracker;
        _portfolio = portfolio;
        _anomalies = anomalies;
        _time = time;
    }

    public async Task<RebuildResult> RebuildAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var positions = await _journal.GetOpenPositionsAsync(cancellationToken);
        var lotFills = await _journal.GetOpenPositionFillsAsync(cancellationToken);
        var unfinished = await _journal.GetUnfinishedOrdersAsync(cancellationToken);

        var fillsByLot = lotFills.ToLookup(f => f.PositionId);
        var openLots = new HashSet<PositionId>();
        foreach (var state in positions)
        {
            var lot = RebuildLot(state, fillsByLot[state.Position.PositionId]);
            openLots.Add(lot.Id);
        }

        var orders = new List<Order>(unfinished.Count);
        foreach (var state in unfinished)
        {
            var order = Replay(state);
            if (order is null) continue;
            _tracker.Track(order);
            Link(state.Intent.Record, order, openLots);
            orders.Add(order);
        }
        return new RebuildResult(positions.Count, orders, _time.GetElapsedTime(started));
    }

    private TrackedLot RebuildLot(JournalPositionState state, IEnumerable<JournalLotFill> fills)
    {
        var p = state.Position;
        var lot = new Lot(p.PositionId, p.Instrument, p.Side, p.OpenedAt);
        var links = new List<(ClientOrderId, bool, ExitReason?)>();
        VenueOrderId? entryOrderId = null;
        foreach (var lf in fills)
        {
            var f = lf.Fill.Record;
            // Entry or exit by the fill's side: an adopted lot's first fill is an external order's, not an entry's.
            var isEntry = f.Side == lot.EntrySide;
            var reason = isEntry ? (ExitReason?)null : ExitReasonText.TryParse(lf.Reason, out var r) ? r : ExitReason.Manual;
            if (isEntry) entryOrderId ??= f.VenueOrderId;
            if (f.ClientOrderId is { } c && !links.Exists(l => l.Item1 == c)) links.Add((c, isEntry, reason));
            try
            {
                lot.Apply(new LotFill(f.TradeId, f.VenueOrderId, f.Side, f.Quantity, f.Price, f.Commission, f.At, reason ?? ExitReason.Manual));
            }
            catch (Domain.DomainException e)
            {
                _anomalies.Report(Anomalies.FillWithoutPosition, $"restart: fill {f.TradeId} does not fit position {p.PositionId}: {e.Message}");
            }
        }
        var plan = new LotPlan(p.Strategy, p.Side, p.StopLoss, p.TakeProfit, p.RequestedQuantity, p.Reason.Length == 0 ? null : p.Reason);
        var tracked = new TrackedLot(lot, plan, p.EntryOrderId) { EntryOrderId = entryOrderId };
        if (p.EntryOrderId is { } entry && !links.Exists(l => l.Item1 == entry)) links.Add((entry, true, null));
        _portfolio.Restore(tracked, links);

        // What the journal already holds of each exit (its rows, added up per order), so that only
        // what is missing is written when the lot next changes.
        var written = new List<JournalRecorder.WrittenExit>();
        VenueOrderId? current = null;
        foreach (var e in state.Exits.Select(x => x.Record))
        {
            if (written.Count > 0 && e.OrderId is not null && e.OrderId == current)
                written[^1] = new JournalRecorder.WrittenExit(written[^1].Quantity + e.Quantity, written[^1].GrossPnl + e.GrossPnl, written[^1].Fees + e.Fees);
            else
                written.Add(new JournalRecorder.WrittenExit(e.Quantity, e.GrossPnl, e.Fees));
            current = e.OrderId;
        }
        _recorder.KnowWritten(p.PositionId, written);
        return tracked;
    }

    /// <summary>
    /// Tracks again one journaled order the engine had finished with (reconciliation found it open,
    /// or a late fill of it): its events replayed, its link to its lot restored. Null when the journal
    /// does not have it, or it never reached the venue.
    /// </summary>
    public async Task<Order?> RetrackAsync(ClientOrderId clientOrderId, CancellationToken ct)
    {
        if (_tracker.Find(clientOrderId) is { } tracked) return tracked;
        var intent = await _journal.GetIntentAsync(clientOrderId, ct);
        if (intent is null) return null;
        var events = await _journal.GetOrderEventsAsync(clientOrderId, ct);
        var order = Replay(new JournalOrderState(intent, events));
        if (order is null) return null;
        var openLots = _portfolio.Snapshot(0).Open.Select(l => l.Id).ToHashSet();
        _tracker.Track(order);
        Link(intent.Record, order, openLots);
        return order;
    }

    private Order? Replay(JournalOrderState state)
    {
        var intent = state.Intent.Record;
        var order = new Order(intent.ClientOrderId, intent.Instrument, intent.Side, intent.Quantity, intent.LimitPrice, intent.Purpose, intent.CreatedAt);
        foreach (var stored in state.Events)
        {
            if (stored.Record.Kind == OrderEventCodec.NotSent) return null;
            var result = order.Apply(OrderEventCodec.Decode(stored.Record));
            if (result.Outcome == OrderEventOutcome.Refused)
                _anomalies.Report(Anomalies.OrderEventRefused, $"restart: replaying {stored.Record.Kind} of {intent.ClientOrderId}: {result.Reason}");
        }
        return order;
    }

    private void Link(JournalIntent intent, Order order, HashSet<PositionId> openLots)
    {
        if (intent.PositionId is not { } lot) return;
        if (intent.Purpose == OrderPurpose.Entry)
        {
            if (openLots.Contains(lot))
            {
                _portfolio.LinkEntryToOpenLot(intent.ClientOrderId, lot);
                return;
            }
            var plan = PlanFrom(intent) ?? LotPlan.Unplanned(intent.Side == OrderSide.Buy ? PositionSide.Long : PositionSide.Short, $"entry {intent.ClientOrderId}");
            _portfolio.RestoreEntry(intent.ClientOrderId, lot, plan);
        }
        else if (intent.Purpose == OrderPurpose.Exit)
        {
            var reason = ExitReasonText.TryParse(intent.Reason, out var r) ? r : ExitReason.Manual;
            _portfolio.RestoreExit(intent.ClientOrderId, lot, reason, order);
        }
    }

    private static LotPlan? PlanFrom(JournalIntent intent)
    {
        try
        {
            return LotPlan.FromJson(JsonNode.Parse(intent.MetadataJson)?["plan"]);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            throw new JournalCorruptException($"journal intent {intent.ClientOrderId}: its plan cannot be read: {e.Message}");
        }
    }
}
