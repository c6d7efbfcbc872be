using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Perp.Core.Internal;

/// <summary>One price level: a FIFO of resting orders (intrusive links, O(1) unlink) and their total.</summary>
internal sealed class PerpLevel(long ticks)
{
    public long Ticks { get; } = ticks;
    public long TotalLots { get; set; }
    public PerpOrder? Head { get; private set; }
    public PerpOrder? Tail { get; private set; }

    public void Append(PerpOrder order)
    {
        order.Level = this;
        order.Previous = Tail;
        order.Next = null;
        if (Tail is null) Head = order;
        else Tail.Next = order;
        Tail = order;
        TotalLots += order.RemainingLots;
    }

    public void Unlink(PerpOrder order)
    {
        if (order.Previous is null) Head = order.Next;
        else order.Previous.Next = order.Next;
        if (order.Next is null) Tail = order.Previous;
        else order.Next.Previous = order.Previous;
        TotalLots -= order.RemainingLots;
        order.Level = null;
        order.Previous = order.Next = null;
    }
}

/// <summary>
/// One side of a book: levels kept sorted so that the best is last (bids ascending, asks
/// descending), which makes taking and emptying the best level O(1); a new level is inserted by
/// binary search. Books of a perp have tens to hundreds of levels, where this beats a tree.
/// </summary>
internal sealed class PerpBookSide(OrderSide side)
{
    private readonly List<PerpLevel> _levels = [];

    public OrderSide Side { get; } = side;

    public int Count => _levels.Count;

    public PerpLevel? Best => _levels.Count == 0 ? null : _levels[^1];

    /// <summary>Levels from best to worst.</summary>
    public IEnumerable<PerpLevel> FromBest()
    {
        for (var i = _levels.Count - 1; i >= 0; i--) yield return _levels[i];
    }

    /// <summary>The i-th level from the best (0 = best).</summary>
    public PerpLevel At(int fromBest) => _levels[_levels.Count - 1 - fromBest];

    /// <summary>True when <paramref name="ticks"/> is at least as good as <paramref name="than"/> for this side.</summary>
    public bool IsBetterOrEqual(long ticks, long than) => Side == OrderSide.Buy ? ticks >= than : ticks <= than;

    public PerpLevel GetOrAdd(long ticks)
    {
        var index = Find(ticks, out var found);
        if (found) return _levels[index];
        var level = new PerpLevel(ticks);
        _levels.Insert(index, level);
        return level;
    }

    public void RemoveIfEmpty(PerpLevel level)
    {
        if (level.Head is not null) return;
        if (_levels.Count > 0 && ReferenceEquals(_levels[^1], level))
        {
            _levels.RemoveAt(_levels.Count - 1);
            return;
        }
        var index = Find(level.Ticks, out var found);
        if (found) _levels.RemoveAt(index);
    }

    public long LotsAt(long ticks)
    {
        var index = Find(ticks, out var found);
        return found ? _levels[index].TotalLots : 0;
    }

    /// <summary>Index of the level (found) or where it would go, in the best-last order.</summary>
    private int Find(long ticks, out bool found)
    {
        int low = 0, high = _levels.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var t = _levels[mid].Ticks;
            if (t == ticks)
            {
                found = true;
                return mid;
            }
            // Ascending for bids, descending for asks.
            var before = Side == OrderSide.Buy ? t < ticks : t > ticks;
            if (before) low = mid + 1;
            else high = mid - 1;
        }
        found = false;
        return low;
    }
}
