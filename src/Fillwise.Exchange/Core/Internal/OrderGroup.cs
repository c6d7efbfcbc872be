namespace Fillwise.Exchange.Core.Internal;

/// <summary>
/// Kalshi's order group: matched contracts are counted over a rolling 15 s window; exceeding the limit
/// triggers the group, which cancels its resting orders and refuses new ones until a reset.
/// </summary>
internal sealed class OrderGroup(string id, string ownerId, long limitLots)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    private readonly Queue<(DateTimeOffset Time, long Lots)> _matched = new();
    private long _windowLots;

    public string Id { get; } = id;
    public string OwnerId { get; } = ownerId;
    public long LimitLots { get; set; } = limitLots;
    public bool IsTriggered { get; set; }
    public bool IsDeleted { get; set; }

    /// <summary>The group's resting orders, in placement order.</summary>
    public List<Order> Resting { get; } = [];

    public long MatchedInWindow(DateTimeOffset now)
    {
        while (_matched.Count > 0 && now - _matched.Peek().Time >= Window) _windowLots -= _matched.Dequeue().Lots;
        return _windowLots;
    }

    /// <summary>Counts a match; true when the window is now past the limit (Kalshi: "exceeds").</summary>
    public bool RecordMatch(DateTimeOffset now, long lots)
    {
        _matched.Enqueue((now, lots));
        _windowLots += lots;
        return IsOverLimit(now);
    }

    public bool IsOverLimit(DateTimeOffset now) => MatchedInWindow(now) > LimitLots;

    public void Reset()
    {
        _matched.Clear();
        _windowLots = 0;
        IsTriggered = false;
    }
}
