using Fillwise.Domain;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Portfolio;

/// <summary>
/// Lots built from fills only. Each entry is its own lot with its own plan: an entry order's fills
/// open and grow its lot, an exit order's fills take from the lot the exit was placed for, and
/// nothing is ever set from what was requested. Two entries on one instrument are two lots, each
/// with its own stop; the lots of an instrument add up to what the fills put there.
/// The one owner of position state: readers take <see cref="Snapshot"/>.
/// </summary>
public sealed class PortfolioBook
{
    private const int ClosedKept = 1000;
    private readonly object _gate = new();
    private readonly Dictionary<PositionId, TrackedLot> _open = [];
    private readonly LinkedList<TrackedLot> _closed = new();
    private readonly Dictionary<ClientOrderId, OrderLink> _links = [];
    private readonly Anomalies _anomalies;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PortfolioBook(OrderTracker tracker, Anomalies anomalies, TimeProvider time, ILogger<PortfolioBook>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        _anomalies = anomalies;
        _time = time;
        _logger = logger ?? NullLogger<PortfolioBook>.Instance;
        tracker.FillApplied += OnFillApplied;
    }

    /// <summary>Raised after a lot changed (fill, exit, settlement), outside the lock.</summary>
    public event Action<TrackedLot>? LotChanged;

    /// <summary>The live open lots, for the engine's own components (monitor, executors). Readers use <see cref="Snapshot"/>.</summary>
    internal IReadOnlyList<TrackedLot> OpenLots
    {
        get { lock (_gate) return _open.Values.ToList(); }
    }

    public int OpenCount
    {
        get { lock (_gate) return _open.Count; }
    }

    /// <summary>Copies of every open lot and the most recent closed ones (newest first), made under the lock.</summary>
    public (IReadOnlyList<LotView> Open, IReadOnlyList<LotView> Closed) Snapshot(int closedLimit = 100)
    {
        lock (_gate)
        {
            return (_open.Values.OrderBy(l => l.Lot.OpenedAt).Select(LotView.Of).ToList(),
                _closed.Take(closedLimit).Select(LotView.Of).ToList());
        }
    }

    /// <summary>A copy of one lot, open or recently closed; null when unknown.</summary>
    public LotView? View(PositionId id)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(id, out var open)) return LotView.Of(open);
            return _closed.FirstOrDefault(l => l.Id == id) is { } closed ? LotView.Of(closed) : null;
        }
    }

    internal TrackedLot? Find(PositionId id)
    {
        lock (_gate) return _open.GetValueOrDefault(id);
    }

    internal IReadOnlyList<TrackedLot> FindByInstrument(InstrumentId instrument)
    {
        lock (_gate) return _open.Values.Where(l => l.Instrument == instrument).ToList();
    }

    /// <summary>The lot an order opens or works on.</summary>
    public PositionId? LotOf(ClientOrderId order)
    {
        lock (_gate) return _links.TryGetValue(order, out var link) ? link.Lot : null;
    }

    /// <summary>The plan an entry registered, for the journal to keep beside its intent.</summary>
    public LotPlan? PlanOf(ClientOrderId entry)
    {
        lock (_gate) return _links.TryGetValue(entry, out var link) && link.IsEntry ? link.Plan : null;
    }

    /// <summary>The lot this entry's fills will open, with its plan; its id is the entry's client order id.</summary>
    public PositionId RegisterEntry(ClientOrderId entry, LotPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var id = new PositionId(entry.Value);
        lock (_gate) _links[entry] = new OrderLink(id, true, plan, null);
        return id;
    }

    /// <summary>Ties an exit order to the lot it takes from.</summary>
    public void RegisterExit(ClientOrderId exit, PositionId lot, ExitReason reason)
    {
        lock (_gate) _links[exit] = new OrderLink(lot, false, null, reason);
    }

    public Money RealizedPnlSince(DateTimeOffset since)
    {
        lock (_gate)
        {
            return _open.Values.Concat(_closed)
                .SelectMany(p => p.Lot.Exits)
                .Where(e => e.Time >= since)
                .Aggregate(Money.Zero, (sum, e) => sum + e.RealizedPnl);
        }
    }

    internal void BeginExit(TrackedLot lot)
    {
        lock (_gate)
        {
            if (lot.Closing) throw new DomainException($"position {lot.Id} already has a live exit order");
            lot.ExitStarting = true;
        }
    }

    internal void AttachExit(TrackedLot lot, Order exitOrder, ExitReason reason)
    {
        lock (_gate)
        {
            lot.ExitOrder = exitOrder;
            lot.LastExitReason = reason;
            lot.ExitStarting = false;
            // A requested exit (kill switch, manual close, refused partial) stands until the lot is flat: a partial fill is retried.
        }
    }

    internal void EndExitStart(TrackedLot lot)
    {
        lock (_gate) lot.ExitStarting = false;
    }

    /// <summary>Asks for an exit that waits for a price (no bid yet): the exit monitor sells as soon as there is one.</summary>
    internal void RequestExit(TrackedLot lot, ExitReason reason)
    {
        lock (_gate) lot.ExitRequested = reason;
    }

    /// <summary>The instrument settled at <paramref name="price"/> per unit: its open lots close there.</summary>
    public IReadOnlyList<PositionId> Settle(InstrumentId instrument, Price price)
    {
        List<TrackedLot> settled;
        lock (_gate)
        {
            settled = _open.Values.Where(p => p.Instrument == instrument).ToList();
            foreach (var p in settled)
            {
                p.Lot.Settle(price, _time.GetUtcNow());
                MoveToClosed(p);
            }
        }
        foreach (var p in settled) Changed(p);
        if (settled.Count > 0) EngineLog.Settled(_logger, instrument, price, settled.Count);
        return settled.Select(p => p.Id).ToList();
    }

    /// <summary>Puts back a lot rebuilt from the journal (restart), with its plan and the orders that work on it.</summary>
    internal void Restore(TrackedLot lot, IEnumerable<(ClientOrderId Order, bool IsEntry, ExitReason? Reason)> links)
    {
        ArgumentNullException.ThrowIfNull(lot);
        lock (_gate)
        {
            foreach (var (order, isEntry, reason) in links)
                _links[order] = new OrderLink(lot.Id, isEntry, isEntry ? lot.Plan : null, reason);
            if (lot.IsClosed) MoveToClosed(lot);
            else _open[lot.Id] = lot;
        }
    }

    /// <summary>Restores an entry's link and plan before its lot exists (an entry with no fill yet at the crash).</summary>
    internal void RestoreEntry(ClientOrderId entry, PositionId lot, LotPlan plan)
    {
        lock (_gate) _links[entry] = new OrderLink(lot, true, plan, null);
    }

    /// <summary>Links an entry order to its lot that is already open (its plan is the lot's).</summary>
    internal void LinkEntryToOpenLot(ClientOrderId entry, PositionId lot)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(lot, out var t)) _links[entry] = new OrderLink(lot, true, t.Plan, null);
        }
    }

    internal void RestoreExit(ClientOrderId exit, PositionId lot, ExitReason reason, Order order)
    {
        lock (_gate)
        {
            _links[exit] = new OrderLink(lot, false, null, reason);
            if (_open.TryGetValue(lot, out var t) && order.MayBeLiveOnVenue)
            {
                t.ExitOrder = order;
                t.LastExitReason = reason;
            }
        }
    }

    private void OnFillApplied(AppliedFill applied)
    {
        var order = applied.Order;
        var fill = applied.Fill;
        TrackedLot? changed = null;
        string? anomaly = null;
        var opened = false;
        lock (_gate)
        {
            if (!_links.TryGetValue(order.ClientOrderId, out var link))
            {
                // Two-leg operations track their legs by venue positions, not lots.
                if (order.Purpose != OrderPurpose.Hedge)
                    anomaly = $"fill {fill.TradeId} of {order.Purpose.ToWire()} order {order.ClientOrderId} ({order.Side.ToWire()} {fill.Quantity} {order.Instrument}) is not tied to a position";
            }
            else if (link.IsEntry)
            {
                if (!_open.TryGetValue(link.Lot, out var lot))
                {
                    var plan = link.Plan ?? LotPlan.Unplanned(PositionSide.Long, $"opened by order {order.ClientOrderId}");
                    lot = new TrackedLot(new Lot(link.Lot, order.Instrument, plan.Side, fill.Time), plan, order.ClientOrderId);
                    _open.Add(link.Lot, lot);
                    opened = true;
                }
                if (order.Side != lot.Lot.EntrySide)
                    anomaly = $"entry order {order.ClientOrderId} is a {order.Side.ToWire()} but position {lot.Id} is {lot.Side}";
                else
                {
                    lot.EntryOrderId ??= order.VenueOrderId;
                    lot.Lot.Apply(new LotFill(fill.TradeId, order.VenueOrderId, order.Side, fill.Quantity, fill.Price, fill.Commission, fill.Time));
                    changed = lot;
                }
            }
            else if (_open.TryGetValue(link.Lot, out var lot))
            {
                if (order.Side != lot.Lot.ExitSide)
                    anomaly = $"exit order {order.ClientOrderId} is a {order.Side.ToWire()} but position {lot.Id} is {lot.Side}";
                else if (fill.Quantity > lot.Quantity)
                    anomaly = $"exit fill {fill.TradeId} of {fill.Quantity} on position {lot.Id} holding {lot.Quantity}: reconciliation will book it";
                else
                {
                    lot.Lot.Apply(new LotFill(fill.TradeId, order.VenueOrderId, order.Side, fill.Quantity, fill.Price, fill.Commission, fill.Time,
                        link.ExitReason ?? ExitReason.Manual));
                    if (lot.IsClosed) MoveToClosed(lot);
                    changed = lot;
                }
            }
            else
            {
                anomaly = $"exit fill {fill.TradeId} of {fill.Quantity} for position {link.Lot}, which is not open";
            }
        }
        if (anomaly is not null) _anomalies.Report(Anomalies.FillWithoutPosition, anomaly);
        if (changed is null) return;
        if (opened)
            EngineLog.LotOpened(_logger, changed.Id, changed.Side.ToString().ToLowerInvariant(), changed.Quantity, changed.Instrument,
                changed.Lot.AverageEntryPrice, changed.Plan.StopLoss?.ToString() ?? "none", changed.Plan.TakeProfit?.ToString() ?? "none");
        Changed(changed);
    }

    private void MoveToClosed(TrackedLot lot)
    {
        _open.Remove(lot.Id);
        _closed.AddFirst(lot);
        while (_closed.Count > ClosedKept) _closed.RemoveLast();
    }

    private void Changed(TrackedLot lot)
    {
        if (lot.IsClosed) EngineLog.LotClosed(_logger, lot.Id, lot.Lot.RealizedPnl, lot.Lot.FeesPaid);
        LotChanged?.Invoke(lot);
    }

    private sealed record OrderLink(PositionId Lot, bool IsEntry, LotPlan? Plan, ExitReason? ExitReason);
}
