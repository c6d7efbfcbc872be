namespace Fillwise.Exchange.Perp.Aster;

/// <summary>Aster's request-weight and order budgets, per user in fixed one-minute windows on the injected clock.</summary>
internal sealed class AsterRateLimiter(TimeProvider time, int weightPerMinute, int ordersPerMinute)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Minute, int Weight, int Orders)> _used = new(StringComparer.Ordinal);

    /// <summary>Null when within budget (and billed); otherwise the seconds until the window ends and which budget ran out.</summary>
    public (int RetryAfterSeconds, string What)? TryConsume(string user, int weight, bool isOrder)
    {
        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            var (m, w, o) = _used.GetValueOrDefault(user);
            if (m != minute) (w, o) = (0, 0);
            var retry = (int)(60 - now.ToUnixTimeSeconds() % 60);
            if (w + weight > weightPerMinute) return (retry, $"request weight over {weightPerMinute} a minute");
            if (isOrder && o + 1 > ordersPerMinute) return (retry, $"more than {ordersPerMinute} orders a minute");
            _used[user] = (minute, w + weight, o + (isOrder ? 1 : 0));
            return null;
        }
    }
}
