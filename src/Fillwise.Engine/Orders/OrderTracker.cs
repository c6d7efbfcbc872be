using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Engine.Orders;

/// <summary>A fill applied to one of our orders, as the portfolio needs it.</summary>
public sealed record AppliedFill(Order Order, OrderFill Fill);

/// <summary>
/// Every order the engine has sent, keyed by client and venue order id: the one owner of order
/// state. Venue events (stream or REST) are applied here, and only here, to the order aggregates;
/// each applied fill is handed on to <see cref="FillApplied"/> once (trade ids dedupe). Fills for
/// orders we do not know are kept as orphans for reconciliation and reported, never dropped.
/// Readers take <see cref="Snapshot"/>: copies made under the lock, never the live aggregates.
/// </summary>
public sealed class OrderTracker
{
    private readonly object _gate = new();
    private readonly Dictionary<ClientOrderId, Tracked> _byClientId = [];
    private readonly Dictionary<VenueOrderId, Tracked> _byVenueId = [];
    private readonly List<FillReport> _orphanFills = [];
    private readonly HashSet<TradeId> _orphanTradeIds = [];
    private readonly HashSet<TradeId> _appliedTradeIds = [];

    /// <summary>Called (outside the tracker's lock) for every fill newly applied to a tracked order.</summary>
    public event Action<AppliedFill>? FillApplied;

    /// <summary>Called (outside the lock, in order per order) for every event an order applied.</summary>
    public event Action<Order, OrderEvent>? EventApplied;

    /// <summary>
    /// Opened around the handlers of one applied change (the journal recorder's unit), so that an
    /// order event, its fill and the lot rows the fill moves are journaled together or not at all.
    /// </summary>
    public Func<IDisposable>? ChangeScope { get; set; }

    /// <summary>Called for every event an order refused (illegal transition, overfill).</summary>
    public event Action<Order, OrderEventResult>? EventRefused;

    /// <summary>Called for a fill of an order this engine does not track (first sight of its trade id).</summary>
    public event Action<FillReport>? OrphanFill;

    public Order Track(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        lock (_gate)
        {
            if (_byClientId.ContainsKey(order.ClientOrderId))
                throw new InvalidOperationException($"order {order.ClientOrderId} is already tracked");
            var tracked = new Tracked(order);
            _byClientId.Add(order.ClientOrderId, tracked);
            foreach (var f in order.Fills) _appliedTradeIds.Add(f.TradeId);
            if (order.VenueOrderId is { } id) _byVenueId[id] = tracked;
        }
        return order;
    }

    public Order? Find(ClientOrderId id)
    {
        lock (_gate) return _byClientId.TryGetValue(id, out var t) ? t.Order : null;
    }

    public Order? Find(VenueOrderId id)
    {
        lock (_gate) return _byVenueId.TryGetValue(id, out var t) ? t.Order : null;
    }

    /// <summary>Orders that may still rest on a venue.</summary>
    public IReadOnlyList<Order> LiveOrders
    {
        get { lock (_gate) return _byClientId.Values.Select(t => t.Order).Where(o => o.MayBeLiveOnVenue).ToList(); }
    }

    public IReadOnlyList<FillReport> OrphanFills
    {
        get { lock (_gate) return _orphanFills.ToList(); }
    }

    /// <summary>Whether a fill with this trade id was applied to a tracked order (an orphan is not).</summary>
    public bool KnowsTrade(TradeId tradeId)
    {
        lock (_gate) return _appliedTradeIds.Contains(tradeId);
    }

    /// <summary>
    /// The instruments of orders that may still rest, or that changed since <paramref name="since"/>:
    /// one read of the tracker for a whole reconciliation pass instead of one per position.
    /// </summary>
    public IReadOnlySet<Domain.Instruments.InstrumentId> BusyInstruments(DateTimeOffset since)
    {
        lock (_gate)
        {
            var busy = new HashSet<Domain.Instruments.InstrumentId>();
            foreach (var t in _byClientId.Values)
                if (t.Order.MayBeLiveOnVenue || t.Order.LastUpdate > since) busy.Add(t.Order.Instrument);
            return busy;
        }
    }

    /// <summary>A trade the journal already holds (a finished order's fill read again): known, not an orphan.</summary>
    internal void KnowTrade(TradeId tradeId)
    {
        lock (_gate)
        {
            _appliedTradeIds.Add(tradeId);
            _orphanTradeIds.Remove(tradeId);
            _orphanFills.RemoveAll(f => f.TradeId == tradeId);
        }
    }

    /// <summary>Forgets an orphan once reconciliation has taken it in (its order is tracked now).</summary>
    internal void ForgetOrphan(TradeId tradeId)
    {
        lock (_gate)
        {
            _orphanTradeIds.Remove(tradeId);
            _orphanFills.RemoveAll(f => f.TradeId == tradeId);
        }
    }

    /// <summary>Copies of every order that may still be live, made under the lock.</summary>
    public IReadOnlyList<OrderView> Snapshot(Func<ClientOrderId, PositionId?> positionOf)
    {
        ArgumentNullException.ThrowIfNull(positionOf);
        lock (_gate)
        {
            return _byClientId.Values.Select(t => t.Order).Where(o => o.MayBeLiveOnVenue)
                .OrderBy(o => o.CreatedAt)
                .Select(o => OrderView.Of(o, positionOf(o.ClientOrderId)))
                .ToList();
        }
    }

    /// <summary>Applies an event of our own making (submit, cancel request) or a command's answer.</summary>
    public OrderEventResult Apply(ClientOrderId id, OrderEvent e)
    {
        Tracked tracked;
        OrderEventResult result;
        OrderFill? newFill = null;
        lock (_gate)
        {
            tracked = _byClientId.TryGetValue(id, out var t) ? t : throw new InvalidOperationException($"order {id} is not tracked");
            result = LateRefusal(tracked.Order, e) ?? tracked.Order.Apply(e);
            if (result.IsApplied)
            {
                if (tracked.Order.VenueOrderId is { } venueId) _byVenueId[venueId] = tracked;
                if (e is OrderFilled filled)
                {
                    newFill = tracked.Order.Fills[^1];
                    _appliedTradeIds.Add(filled.TradeId);
                }
            }
        }
        Publish(tracked, e, result, newFill);
        return result;
    }

    /// <summary>
    /// The create's refusal after the venue's stream already reported the order: Aster takes a
    /// crossing post-only order and streams it EXPIRED before it answers "refused". Ended with
    /// nothing filled, the refusal is the same news, late; still resting as a crossing post-only
    /// order, its end is on the way (the stream, or any read of it). Anything else is refused as
    /// illegal by the order itself.
    /// </summary>
    private static OrderEventResult? LateRefusal(Order order, OrderEvent e)
    {
        if (e is not OrderRejected rejected || order.VenueOrderId is null || !order.Filled.IsZero) return null;
        var late = order.Status is OrderStatus.Expired or OrderStatus.Canceled
            || (order.Status == OrderStatus.Resting && rejected.Why == RejectionReason.PostOnlyWouldCross);
        return late ? new OrderEventResult(OrderEventOutcome.Duplicate, order.Status, order.Status, $"refused ({rejected.Why}) after the venue reported it {order.Status}") : null;
    }

    /// <summary>Applies a fill the venue reported (in the order's instrument's terms); unknown orders' fills become orphans.</summary>
    public OrderEventResult? ApplyVenueFill(FillReport fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        Tracked? tracked;
        var firstSight = false;
        lock (_gate)
        {
            tracked = Locate(fill.OrderId, fill.ClientOrderId);
            if (tracked is null && _appliedTradeIds.Contains(fill.TradeId)) return null; // a finished order's fill, read again
            if (tracked is null && _orphanTradeIds.Add(fill.TradeId))
            {
                _orphanFills.Add(fill);
                firstSight = true;
            }
        }
        if (tracked is null)
        {
            if (firstSight) OrphanFill?.Invoke(fill);
            return null;
        }
        return Apply(tracked.Order.ClientOrderId, new OrderFilled(fill.TradeId, fill.Quantity, fill.Price, fill.Commission, fill.IsTaker, fill.Time));
    }

    /// <summary>Applies the venue's view of an order (stream update or REST read).</summary>
    public OrderEventResult? ApplyVenueReport(OrderStatusReport report, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(report);
        Tracked? tracked;
        lock (_gate)
        {
            tracked = Locate(report.OrderId, report.ClientOrderId);
            if (tracked is null) return null;
            // A create the venue refused, then reported ended with nothing filled (Aster answers a
            // crossing post-only order as refused and streams it EXPIRED): the same news, late.
            if (tracked.Order.Status == OrderStatus.Rejected && report.State is VenueOrderState.Expired or VenueOrderState.Canceled && report.Filled.IsZero)
                return new OrderEventResult(OrderEventOutcome.Duplicate, OrderStatus.Rejected, OrderStatus.Rejected, "the venue ended the order it refused");
        }

        // A report before the create's answer is also the acceptance we have not heard yet.
        return Apply(tracked.Order.ClientOrderId, new OrderStatusReported(report.OrderId, report.State, report.Filled, time));
    }

    /// <summary>Completes when the order changes next (or at once if it changed since <paramref name="version"/>).</summary>
    public Task WaitForChangeAsync(ClientOrderId id, long version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var tracked = _byClientId[id];
            if (tracked.Version != version) return Task.CompletedTask;
            return tracked.Changed.Task.WaitAsync(cancellationToken);
        }
    }

    public long Version(ClientOrderId id)
    {
        lock (_gate) return _byClientId[id].Version;
    }

    private Tracked? Locate(VenueOrderId venueId, ClientOrderId? clientId)
    {
        if (_byVenueId.TryGetValue(venueId, out var t)) return t;
        if (clientId is { } c && _byClientId.TryGetValue(c, out t)) return t;
        return null;
    }

    private void Publish(Tracked tracked, OrderEvent e, OrderEventResult result, OrderFill? newFill)
    {
        if (result.Outcome == OrderEventOutcome.Refused) EventRefused?.Invoke(tracked.Order, result);
        if (!result.IsApplied) return;
        using (ChangeScope?.Invoke())
        {
            EventApplied?.Invoke(tracked.Order, e);
            if (newFill is not null) FillApplied?.Invoke(new AppliedFill(tracked.Order, newFill));
        }
        TaskCompletionSource changed;
        lock (_gate)
        {
            tracked.Version++;
            changed = tracked.Changed;
            tracked.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private sealed class Tracked(Order order)
    {
        public Order Order { get; } = order;
        public long Version { get; set; }
        public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>An immutable copy of an order, for readers (control API, dashboard, reports).</summary>
public sealed record OrderView(
    ClientOrderId ClientOrderId,
    VenueOrderId? VenueOrderId,
    Domain.Instruments.InstrumentId Instrument,
    OrderSide Side,
    Price LimitPrice,
    Quantity Quantity,
    Quantity Filled,
    Quantity Remaining,
    OrderStatus Status,
    OrderPurpose Purpose,
    bool IsOutcomeUnknown,
    PositionId? PositionId,
    DateTimeOffset CreatedAt)
{
    public static OrderView Of(Order o, PositionId? positionId)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new(o.ClientOrderId, o.VenueOrderId, o.Instrument, o.Side, o.LimitPrice, o.Initial, o.Filled, o.Remaining, o.Status, o.Purpose,
            o.IsOutcomeUnknown, positionId, o.CreatedAt);
    }
}
