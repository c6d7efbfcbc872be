namespace Fillwise.Exchange.Perp.Aster;

/// <summary>
/// Aster's V3 nonce rule per user: a nonce is the request time in microseconds and must lie within
/// <see cref="Window"/> of the venue clock; the last <see cref="Kept"/> nonces are kept, a nonce
/// equal to one of them is a replay, and once <see cref="Kept"/> are kept a nonce older than the
/// oldest of them is refused too. Requests that overtake each other on the way (concurrent
/// sends) are therefore accepted, replays never.
/// </summary>
internal sealed class AsterNonceWindow(TimeSpan window, int kept = AsterNonceWindow.DefaultKept)
{
    public const int DefaultKept = 100;

    private readonly Dictionary<string, SortedSet<long>> _seen = new(StringComparer.Ordinal);

    public TimeSpan Window { get; } = window;

    public int Kept { get; } = kept;

    /// <summary>Null when accepted (and remembered); otherwise why not.</summary>
    public string? Accept(string user, long nonceMicros, DateTimeOffset now)
    {
        var nowMicros = (now - DateTimeOffset.UnixEpoch).Ticks / 10;
        var windowMicros = Window.Ticks / 10;
        if (nonceMicros < nowMicros - windowMicros || nonceMicros > nowMicros + windowMicros)
            return $"nonce {nonceMicros} is outside {Window.TotalSeconds:0} s of the server time {nowMicros} (microseconds)";
        if (!_seen.TryGetValue(user, out var set))
        {
            set = [];
            _seen[user] = set;
        }
        if (set.Contains(nonceMicros)) return $"nonce {nonceMicros} was used before";
        if (set.Count >= Kept && nonceMicros < set.Min) return $"nonce {nonceMicros} is older than the last {Kept} nonces";
        set.Add(nonceMicros);
        while (set.Count > Kept) set.Remove(set.Min);
        return null;
    }
}
