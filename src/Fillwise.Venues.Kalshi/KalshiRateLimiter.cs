namespace Fillwise.Venues.Kalshi;

/// <summary>One token bucket's size: refill per second and capacity (tokens).</summary>
public sealed record KalshiBucketLimit(long RefillPerSecond, long Capacity)
{
    public KalshiBucketLimit Validate() =>
        RefillPerSecond > 0 && Capacity > 0 ? this : throw new ArgumentOutOfRangeException(nameof(RefillPerSecond), "bucket refill and capacity must be positive");
}

/// <summary>The account's API tier: read and write budgets in tokens per second.</summary>
public sealed record KalshiRateTier(string Name, KalshiBucketLimit Read, KalshiBucketLimit Write)
{
    /// <summary>Basic: 200 read / 100 write tokens/s, capacity 1 s (conservative: Kalshi gives some tiers 2 s).</summary>
    public static readonly KalshiRateTier Basic = new("basic", new(200, 200), new(100, 100));
}

/// <summary>Which budget a request draws from.</summary>
public enum KalshiBucket
{
    Read,
    Write,
}

/// <summary>Kalshi's token costs (GET /account/endpoint_costs; default 10).</summary>
public static class KalshiCosts
{
    public const int Default = 10;
    public const int CancelV2 = 2;
    public const int BatchCancelPerItem = 2;
    public const int GetOrderById = 2;
}

/// <summary>
/// A token bucket on an injected clock. Waiters are served first come, first served, so a large batch
/// is not starved by a stream of small requests.
/// </summary>
public sealed class TokenBucket : IDisposable
{
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _queue = new(1, 1);
    private readonly object _gate = new();
    private KalshiBucketLimit _limit;
    private decimal _tokens;
    private long _lastTimestamp;

    public TokenBucket(KalshiBucketLimit limit, TimeProvider time)
    {
        _limit = limit.Validate();
        _time = time;
        _tokens = limit.Capacity;
        _lastTimestamp = time.GetTimestamp();
    }

    public KalshiBucketLimit Limit
    {
        get { lock (_gate) return _limit; }
    }

    /// <summary>Changes the budget (e.g. after GET /account/limits); keeps the current fill, capped.</summary>
    public void SetLimit(KalshiBucketLimit limit)
    {
        limit.Validate();
        lock (_gate)
        {
            Refill();
            _limit = limit;
            _tokens = Math.Min(_tokens, limit.Capacity);
        }
    }

    public decimal Available
    {
        get { lock (_gate) { Refill(); return _tokens; } }
    }

    /// <summary>Waits until <paramref name="cost"/> tokens are there, then takes them.</summary>
    public async ValueTask AcquireAsync(int cost, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cost);
        await _queue.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_gate)
                {
                    if (cost > _limit.Capacity)
                        throw new ArgumentOutOfRangeException(nameof(cost), $"request cost {cost} exceeds the bucket capacity {_limit.Capacity}; split the batch");
                    Refill();
                    if (_tokens >= cost)
                    {
                        _tokens -= cost;
                        return;
                    }
                    var missing = cost - _tokens;
                    // Round up to whole milliseconds so we never wake up a hair too early and spin.
                    wait = TimeSpan.FromMilliseconds((double)Math.Ceiling(missing * 1000m / _limit.RefillPerSecond));
                }
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _queue.Release();
        }
    }

    /// <summary>A 429 says our view is optimistic: empty the bucket so the next request waits a refill.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            Refill();
            _tokens = 0;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastTimestamp, now);
        _lastTimestamp = now;
        if (elapsed <= TimeSpan.Zero) return;
        var add = (decimal)elapsed.Ticks * _limit.RefillPerSecond / TimeSpan.TicksPerSecond;
        _tokens = Math.Min(_limit.Capacity, _tokens + add);
    }

    public void Dispose() => _queue.Dispose();
}

/// <summary>Client-side read and write buckets with Kalshi's costs, so we wait instead of collecting 429s.</summary>
public sealed class KalshiRateLimiter : IDisposable
{
    public KalshiRateLimiter(KalshiRateTier tier, TimeProvider time)
    {
        Tier = tier;
        Read = new TokenBucket(tier.Read, time);
        Write = new TokenBucket(tier.Write, time);
    }

    public KalshiRateTier Tier { get; private set; }

    public TokenBucket Read { get; }

    public TokenBucket Write { get; }

    public void SetTier(KalshiRateTier tier)
    {
        Tier = tier;
        Read.SetLimit(tier.Read);
        Write.SetLimit(tier.Write);
    }

    public ValueTask AcquireAsync(KalshiBucket bucket, int cost, CancellationToken ct) =>
        (bucket == KalshiBucket.Read ? Read : Write).AcquireAsync(cost, ct);

    public void OnRateLimited(KalshiBucket bucket) => (bucket == KalshiBucket.Read ? Read : Write).Drain();

    public void Dispose()
    {
        Read.Dispose();
        Write.Dispose();
    }
}
