namespace Fillwise.Exchange.Core.Internal;

/// <summary>
/// One leg's bids, indexed by price tick on that leg. Each level is a FIFO queue of orders (oldest
/// first) with its total. A bitmap of non-empty levels finds the best bid in a few word scans
/// whatever the grid (99 levels on a cent grid, 9 999 on a 0.0001 grid).
/// </summary>
internal sealed class OrderBookLadder
{
    private readonly Order?[] _heads;
    private readonly Order?[] _tails;
    private readonly long[] _totals;
    private readonly ulong[] _occupied;

    public OrderBookLadder(int tickCount)
    {
        // Valid leg ticks are 1..tickCount-1; index 0 and tickCount stay empty.
        _heads = new Order?[tickCount + 1];
        _tails = new Order?[tickCount + 1];
        _totals = new long[tickCount + 1];
        _occupied = new ulong[(tickCount >> 6) + 1];
        Best = -1;
    }

    /// <summary>The highest occupied tick, or -1 when the leg is empty.</summary>
    public int Best { get; private set; }

    public int Count { get; private set; }

    public long TotalAt(int tick) => _totals[tick];

    public Order? HeadAt(int tick) => _heads[tick];

    public void Append(Order order, int tick)
    {
        var tail = _tails[tick];
        order.Previous = tail;
        order.Next = null;
        if (tail is null)
        {
            _heads[tick] = order;
            _occupied[tick >> 6] |= 1UL << (tick & 63);
            if (tick > Best) Best = tick;
        }
        else
        {
            tail.Next = order;
        }
        _tails[tick] = order;
        _totals[tick] += order.RemainingLots;
        Count++;
    }

    /// <summary>A fill or a decrease took <paramref name="lots"/> from a resting order without removing it.</summary>
    public void Reduce(int tick, long lots) => _totals[tick] -= lots;

    /// <summary>Unlinks the order; its remaining lots leave the level total.</summary>
    public void Remove(Order order, int tick)
    {
        var previous = order.Previous;
        var next = order.Next;
        if (previous is null) _heads[tick] = next;
        else previous.Next = next;
        if (next is null) _tails[tick] = previous;
        else next.Previous = previous;
        order.Next = null;
        order.Previous = null;
        _totals[tick] -= order.RemainingLots;
        Count--;
        if (_heads[tick] is null)
        {
            _occupied[tick >> 6] &= ~(1UL << (tick & 63));
            if (tick == Best) Best = FindBestAtOrBelow(tick - 1);
        }
    }

    private int FindBestAtOrBelow(int tick)
    {
        if (tick < 0) return -1;
        var word = tick >> 6;
        // Mask off bits above the tick in its own word.
        var bits = _occupied[word] & (ulong.MaxValue >> (63 - (tick & 63)));
        while (true)
        {
            if (bits != 0) return (word << 6) + 63 - System.Numerics.BitOperations.LeadingZeroCount(bits);
            if (--word < 0) return -1;
            bits = _occupied[word];
        }
    }

    /// <summary>The next occupied tick strictly below <paramref name="tick"/>, or -1.</summary>
    public int NextBelow(int tick) => FindBestAtOrBelow(tick - 1);
}
