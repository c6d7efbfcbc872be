using System.Collections.Concurrent;

namespace Fillwise.Exchange.Server;

internal enum RateBucket
{
    Read,
    Write,
}

/// <summary>
/// Kalshi's per-user token buckets: separate read and write budgets refilled continuously at the
/// tier's rate; a request costs tokens (10 by default) and is refused with 429 when they are not there.
/// </summary>
internal sealed class TokenBucketRateLimiter
{
    public const int DefaultCost = 10;

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string User, RateBucket Bucket), Bucket> _buckets = new();

    public TokenBucketRateLimiter(TimeProvider time, RateLimitTier tier)
    {
        _time = time;
        Tier = tier;
        (ReadRate, WriteRate) = Rates(tier);
        ReadCapacity = ReadRate;
        // Above Basic, the write bucket holds two seconds of budget.
        WriteCapacity = tier == RateLimitTier.Basic ? WriteRate : WriteRate * 2;
    }

    public RateLimitTier Tier { get; }

    public long ReadRate { get; }

    public long WriteRate { get; }

    public long ReadCapacity { get; }

    public long WriteCapacity { get; }

    public static (long Read, long Write) Rates(RateLimitTier tier) => tier switch
    {
        RateLimitTier.Basic => (200, 100),
        RateLimitTier.Advanced => (300, 300),
        RateLimitTier.Expert => (600, 600),
        RateLimitTier.Premier => (1000, 1000),
        RateLimitTier.Paragon => (2000, 2000),
        RateLimitTier.Prime => (4000, 4000),
        RateLimitTier.Prestige => (10000, 8000),
        _ => (long.MaxValue / 4, long.MaxValue / 4),
    };

    /// <summary>Takes <paramref name="cost"/> tokens if all of them are there; a batch must fit whole.</summary>
    public bool TryConsume(string userId, RateBucket bucket, long cost)
    {
        if (Tier == RateLimitTier.Unlimited) return true;
        var (rate, capacity) = bucket == RateBucket.Read ? (ReadRate, ReadCapacity) : (WriteRate, WriteCapacity);
        var state = _buckets.GetOrAdd((userId, bucket), _ => new Bucket(capacity, _time.GetTimestamp()));
        return state.TryTake(cost, rate, capacity, _time);
    }

    private sealed class Bucket(long capacity, long lastTimestamp)
    {
        private readonly Lock _gate = new();
        private decimal _tokens = capacity;
        private long _last = lastTimestamp;

        public bool TryTake(long cost, long rate, long capacity, TimeProvider time)
        {
            lock (_gate)
            {
                var now = time.GetTimestamp();
                var elapsed = time.GetElapsedTime(_last, now);
                _last = now;
                // Token arithmetic in decimal: exact, and no drift from float rounding.
                _tokens = Math.Min(capacity, _tokens + rate * (decimal)elapsed.Ticks / TimeSpan.TicksPerSecond);
                if (_tokens < cost) return false;
                _tokens -= cost;
                return true;
            }
        }
    }
}
