using System.Globalization;
using System.Text.Json;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Lighter;

/// <summary>One level of a book.</summary>
public readonly record struct LighterLevel(Price Price, Quantity Size);

/// <summary>
/// A market's book from the order_book channel: the "subscribed" snapshot, then updates that carry
/// the levels that changed (size 0: gone). Each update's begin_nonce must be the nonce of the one
/// before; a gap leaves the book unsynced until a fresh snapshot (the stream resubscribes). Read it
/// through <see cref="Read{T}"/> (the stream writes from its own thread).
/// </summary>
public sealed class LighterOrderBook(LighterMarketInfo market)
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<decimal, decimal> _bids = new(Comparer<decimal>.Create((a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<decimal, decimal> _asks = new();

    public LighterMarketInfo Market { get; } = market;

    /// <summary>The nonce of the last update applied.</summary>
    public long Nonce { get; private set; }

    /// <summary>False before the first snapshot and after a gap, until the next snapshot.</summary>
    public bool IsSynced { get; private set; }

    private bool _resyncRequested;

    /// <summary>When the book last changed (snapshot or update), on the stream's clock.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Updates applied since the last snapshot.</summary>
    public long Applied { get; private set; }

    public T Read<T>(Func<LighterOrderBook, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_gate) return read(this);
    }

    public LighterLevel? BestBid => _bids.Count == 0 ? null : Level(_bids.First());

    public LighterLevel? BestAsk => _asks.Count == 0 ? null : Level(_asks.First());

    public IReadOnlyList<LighterLevel> Bids(int depth) => [.. _bids.Take(depth).Select(Level)];

    public IReadOnlyList<LighterLevel> Asks(int depth) => [.. _asks.Take(depth).Select(Level)];

    private static LighterLevel Level(KeyValuePair<decimal, decimal> l) => new(Price.Of(l.Key), Quantity.Of(l.Value));

    private readonly TaskCompletionSource _firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first snapshot is in (or <see cref="StopWaiting"/> was called).</summary>
    public Task FirstSnapshot => _firstSnapshot.Task;

    /// <summary>No one waits for the first snapshot any longer (it may still come).</summary>
    public void StopWaiting() => _firstSnapshot.TrySetResult();

    /// <summary>A snapshot ("subscribed/order_book"): the book is exactly this, as of its nonce.</summary>
    public void Reset(JsonElement orderBook, DateTimeOffset now)
    {
        try
        {
            ResetLocked(orderBook, now);
        }
        finally
        {
            _firstSnapshot.TrySetResult();
        }
    }

    private void ResetLocked(JsonElement orderBook, DateTimeOffset now)
    {
        lock (_gate)
        {
            UpdatedAt = now;
            _bids.Clear();
            _asks.Clear();
            Levels(orderBook, "bids", _bids);
            Levels(orderBook, "asks", _asks);
            Nonce = NonceOf(orderBook, "nonce") ?? NonceOf(orderBook, "offset") ?? 0;
            IsSynced = true;
            _resyncRequested = false;
            Applied = 0;
        }
    }

    /// <summary>An update: applied when it continues from the last nonce; false (and unsynced) on a gap.</summary>
    public bool Apply(JsonElement orderBook, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!IsSynced) return false;
            var begin = NonceOf(orderBook, "begin_nonce");
            var nonce = NonceOf(orderBook, "nonce") ?? NonceOf(orderBook, "offset") ?? Nonce + 1;
            if (begin is { } b && b != Nonce)
            {
                IsSynced = false;
                return false;
            }
            Levels(orderBook, "bids", _bids);
            Levels(orderBook, "asks", _asks);
            Nonce = nonce;
            UpdatedAt = now;
            Applied++;
            return true;
        }
    }

    /// <summary>Marks the book stale (the stream was cut): quotes from it are flagged until the next snapshot, which the reconnect asks for.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            IsSynced = false;
            _resyncRequested = true;
        }
    }

    /// <summary>True once per gap: the caller asks for a new snapshot; false while one is already asked for (or the book is in sync).</summary>
    internal bool RequestResync()
    {
        lock (_gate)
        {
            if (IsSynced || _resyncRequested) return false;
            _resyncRequested = true;
            return true;
        }
    }

    private static long? NonceOf(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static void Levels(JsonElement orderBook, string side, SortedDictionary<decimal, decimal> levels)
    {
        if (!orderBook.TryGetProperty(side, out var array) || array.ValueKind != JsonValueKind.Array) return;
        foreach (var level in array.EnumerateArray())
        {
            var price = decimal.Parse(level.GetProperty("price").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var size = decimal.Parse(level.GetProperty("size").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            if (size == 0m) levels.Remove(price);
            else levels[price] = size;
        }
    }
}
