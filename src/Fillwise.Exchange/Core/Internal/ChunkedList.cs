namespace Fillwise.Exchange.Core.Internal;

/// <summary>
/// An append-only list stored in fixed chunks of 1 024 items. Growing never copies what is stored:
/// List's doubling re-allocated the whole history (orders, fills, trades) again and again, and its
/// large arrays landed on the LOH, whose allocations trigger full (gen 2) collections.
/// </summary>
internal sealed class ChunkedList<T>
{
    private const int Shift = 10;
    private const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;

    private T[][] _chunks = [];
    private int _chunkCount;
    // Positions counted from the start of _chunks[0]: the first live item and one past the last.
    private int _first;
    private int _end;

    public int Count => _end - _first;

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            var i = _first + index;
            return _chunks[i >> Shift][i & Mask];
        }
    }

    public void Add(T item)
    {
        var chunk = _end >> Shift;
        if (chunk == _chunkCount)
        {
            if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, Math.Max(4, _chunkCount * 2));
            _chunks[_chunkCount++] = new T[ChunkSize];
        }
        _chunks[chunk][_end & Mask] = item;
        _end++;
    }

    /// <summary>Drops the oldest <paramref name="count"/> items; chunks left empty are released.</summary>
    public void RemoveFirst(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        if (System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            // Let the GC have what the dropped items referenced.
            for (var i = _first; i < _first + count; i++) _chunks[i >> Shift][i & Mask] = default!;
        }
        _first += count;
        var drop = _first >> Shift;
        if (drop == 0) return;
        Array.Copy(_chunks, drop, _chunks, 0, _chunkCount - drop);
        Array.Clear(_chunks, _chunkCount - drop, drop);
        _chunkCount -= drop;
        _first -= drop << Shift;
        _end -= drop << Shift;
    }
}

/// <summary>
/// Orders by sequence number (dense, from 1) in 1 024-slot chunks: an array index instead of a
/// hash lookup, no rehash copies as it grows. A chunk whose orders have all been retired (agents'
/// finished orders) is released, so long runs stay small.
/// </summary>
internal sealed class OrderIndex
{
    private const int Shift = 10;
    private const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;

    private Order?[]?[] _chunks = new Order?[]?[16];
    private int[] _live = new int[16];
    private int _newest = -1;

    public void Add(Order order)
    {
        var chunk = checked((int)(order.Sequence >> Shift));
        if (chunk >= _chunks.Length)
        {
            var size = Math.Max(chunk + 1, _chunks.Length * 2);
            Array.Resize(ref _chunks, size);
            Array.Resize(ref _live, size);
        }
        if (chunk > _newest)
        {
            // The previous newest chunk may have emptied while it was still being filled.
            if (_newest >= 0 && _live[_newest] == 0) _chunks[_newest] = null;
            _newest = chunk;
        }
        var slots = _chunks[chunk] ??= new Order?[ChunkSize];
        ref var slot = ref slots[(int)(order.Sequence & Mask)];
        if (slot is null) _live[chunk]++;
        slot = order;
    }

    public bool TryGet(long sequence, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Order? order)
    {
        order = null;
        if (sequence < 0 || (sequence >> Shift) >= _chunks.Length) return false;
        order = _chunks[(int)(sequence >> Shift)]?[(int)(sequence & Mask)];
        return order is not null;
    }

    public void Remove(long sequence)
    {
        if (sequence < 0 || (sequence >> Shift) >= _chunks.Length) return;
        var chunk = (int)(sequence >> Shift);
        var slots = _chunks[chunk];
        if (slots is null) return;
        ref var slot = ref slots[(int)(sequence & Mask)];
        if (slot is null) return;
        slot = null;
        // The chunk still taking new orders is kept: releasing it would re-allocate it on the next add.
        if (--_live[chunk] == 0 && chunk != _newest) _chunks[chunk] = null;
    }
}
