using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>
/// The client's side of Aster's limits: request weight and orders in a sliding minute (a request
/// waits until it fits), and the venue's own word: a 429 pauses every request until its
/// Retry-After, a 418 (banned for ignoring 429s) fails every request until then.
/// </summary>
public sealed class AsterRateLimiter(TimeProvider time, int weightPerMinute, int ordersPerMinute)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Queue<(DateTimeOffset At, int Weight)> _weights = new();
    private readonly Queue<DateTimeOffset> _orders = new();
    private int _weightInWindow;
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset _bannedUntil;

    public int WeightPerMinute { get; } = weightPerMinute;

    public int OrdersPerMinute { get; } = ordersPerMinute;

    /// <summary>Waits until the request fits the budgets; throws rate-limited while banned.</summary>
    public async Task AcquireAsync(int weight, bool isOrder, CancellationToken ct)
    {
        weight = Math.Clamp(weight, 1, WeightPerMinute);
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (now < _bannedUntil)
                    throw new AsterApiException(VenueErrorKind.RateLimited, 0, $"banned by Aster (HTTP 418) until {_bannedUntil:O}") { RetryAfter = _bannedUntil - now };
                Expire(now);
                if (now < _pausedUntil) wait = _pausedUntil - now;
                else if (_weightInWindow + weight > WeightPerMinute) wait = _weights.Peek().At + Minute - now;
                else if (isOrder && _orders.Count >= OrdersPerMinute) wait = _orders.Peek() + Minute - now;
                else
                {
                    _weights.Enqueue((now, weight));
                    _weightInWindow += weight;
                    if (isOrder) _orders.Enqueue(now);
                    return;
                }
            }
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, ct);
        }
    }

    /// <summary>A 429: nothing goes out until <paramref name="retryAfter"/> has passed.</summary>
    public void Pause(TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var until = time.GetUtcNow() + retryAfter;
            if (until > _pausedUntil) _pausedUntil = until;
        }
    }

    /// <summary>A 418: every request fails until <paramref name="retryAfter"/> has passed.</summary>
    public void Ban(TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var until = time.GetUtcNow() + retryAfter;
            if (until > _bannedUntil) _bannedUntil = until;
        }
    }

    private void Expire(DateTimeOffset now)
    {
        while (_weights.Count > 0 && _weights.Peek().At + Minute <= now) _weightInWindow -= _weights.Dequeue().Weight;
        while (_orders.Count > 0 && _orders.Peek() + Minute <= now) _orders.Dequeue();
    }
}
