using Fillwise.Domain;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Orders;

namespace Fillwise.Engine.Portfolio;

/// <summary>An anomaly the portfolio could not book: reported to reconciliation and alerts.</summary>
public sealed record PortfolioAnomaly(string Kind, string Detail, DateTimeOffset Time);

/// <summary>
/// Positions built from fills only. Each fill the order tracker applies arrives here once: a buy
/// adds to the open position on that market and outcome (creating it with its plan), a sell
/// removes from it and books an exit. Nothing here is ever set from what was requested.
/// </summary>
public sealed class PortfolioBook
{
    private readonly object _gate = new();
    private readonly Dictionary<(MarketTicker, OutcomeSide), TrackedPosition> _open = [];
    private readonly List<TrackedPosition> _closed = [];
    private readonly Dictionary<ClientOrderId, PositionPlan> _plans = [];
    private readonly List<PortfolioAnomaly> _anomalies = [];
    private readonly TimeProvider _time;

    public PortfolioBook(OrderTracker tracker, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        _time = time;
        tracker.FillApplied += OnFillApplied;
    }

    /// <summary>Raised after a position changed (fill, exit, settlement), outside the lock.</summary>
    public event Action<TrackedPosition>? PositionChanged;

    public IReadOnlyList<TrackedPosition> OpenPositions
    {
        get { lock (_gate) return _open.Values.ToList(); }
    }

    /// <summary>Most recent first.</summary>
    public IReadOnlyList<TrackedPosition> ClosedPositions
    {
        get { lock (_gate) return Enumerable.Reverse(_closed).ToList(); }
    }

    public IReadOnlyList<PortfolioAnomaly> Anomalies
    {
        get { lock (_gate) return _anomalies.ToList(); }
    }

    public TrackedPosition? Find(MarketTicker ticker, OutcomeSide side)
    {
        lock (_gate) return _open.GetValueOrDefault((ticker, side));
    }

    public IReadOnlyList<TrackedPosition> FindByTicker(MarketTicker ticker)
    {
        lock (_gate) return _open.Values.Where(p => p.Ticker == ticker).ToList();
    }

    /// <summary>The plan the position created by this entry's fills will carry.</summary>
    public void RegisterPlan(ClientOrderId entry, PositionPlan plan)
    {
        lock (_gate) _plans[entry] = plan;
    }

    public Money RealizedPnlSince(DateTimeOffset since)
    {
        lock (_gate)
        {
            return _open.Values.Concat(_closed)
                .SelectMany(p => p.Position.Exits)
                .Where(e => e.Time >= since)
                .Aggregate(Money.Zero, (sum, e) => sum + e.RealizedPnl);
        }
    }

    internal void BeginExit(TrackedPosition position)
    {
        lock (_gate)
        {
            if (position.Closing) throw new DomainException($"position {position.Ticker} {position.Side.ToWire()} already has a live exit order");
            position.ExitStarting = true;
        }
    }

    internal void AttachExit(TrackedPosition position, Order exitOrder, string reason)
    {
        lock (_gate)
        {
            position.ExitOrder = exitOrder;
            position.LastExitReason = reason;
            position.ExitStarting = false;
        }
    }

    internal void EndExitStart(TrackedPosition position)
    {
        lock (_gate) position.ExitStarting = false;
    }

    /// <summary>The market settled: open positions on it close at $1 or $0 per contract.</summary>
    public IReadOnlyList<TrackedPosition> Settle(MarketTicker ticker, OutcomeSide result)
    {
        List<TrackedPosition> settled;
        lock (_gate)
        {
            settled = _open.Values.Where(p => p.Ticker == ticker).ToList();
            foreach (var p in settled)
            {
                p.Position.Settle(result, _time.GetUtcNow());
                _open.Remove((p.Ticker, p.Side));
                _closed.Add(p);
            }
        }
        foreach (var p in settled) PositionChanged?.Invoke(p);
        return settled;
    }

    private void OnFillApplied(AppliedFill applied)
    {
        var order = applied.Order;
        var fill = applied.Fill;
        var key = (order.Ticker, order.Direction.Side);
        TrackedPosition? changed = null;
        lock (_gate)
        {
            var positionFill = new PositionFill(fill.TradeId, order.VenueOrderId, order.Direction.Action, fill.Count, fill.Price, fill.Fee, fill.Time);
            if (order.Direction.Action == TradeAction.Buy)
            {
                if (!_open.TryGetValue(key, out var position))
                {
                    var plan = _plans.GetValueOrDefault(order.ClientOrderId)
                        ?? PositionPlan.Unplanned($"opened by {order.Purpose.ToString().ToLowerInvariant()} order {order.ClientOrderId}");
                    position = new TrackedPosition(new Position(order.Ticker, order.Direction.Side, fill.Time), plan, order.VenueOrderId);
                    _open.Add(key, position);
                }
                position.Position.Apply(positionFill);
                changed = position;
            }
            else if (_open.TryGetValue(key, out var position) && position.Contracts >= fill.Count)
            {
                position.Position.Apply(positionFill);
                if (position.IsClosed)
                {
                    _open.Remove(key);
                    _closed.Add(position);
                }
                changed = position;
            }
            else
            {
                _anomalies.Add(new PortfolioAnomaly("sell_without_position",
                    $"fill {fill.TradeId} sells {fill.Count} {order.Ticker} {order.Direction.Side.ToWire()} but the portfolio holds {(_open.TryGetValue(key, out var p) ? p.Contracts : Contracts.Zero)}",
                    fill.Time));
            }
        }
        if (changed is not null) PositionChanged?.Invoke(changed);
    }
}
