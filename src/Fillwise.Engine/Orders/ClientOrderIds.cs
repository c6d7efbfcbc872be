using System.Globalization;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Orders;

/// <summary>
/// Client order ids unique across restarts and instances: a run prefix from the start time and a
/// seeded random tag, then a counter. A retry never asks for a new id: it reuses its intent's.
/// </summary>
public sealed class ClientOrderIds
{
    private readonly string _prefix;
    private long _counter;

    public ClientOrderIds(TimeProvider time, int seed)
    {
        ArgumentNullException.ThrowIfNull(time);
        var tag = new Random(seed ^ (int)(time.GetUtcNow().ToUnixTimeMilliseconds() & 0x7FFFFFFF)).Next(0, 0xFFFFFF);
        _prefix = $"fw-{time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}-{tag.ToString("x6", CultureInfo.InvariantCulture)}";
    }

    public ClientOrderId Next() => new($"{_prefix}-{Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture)}");
}
