using System.Globalization;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Orders;

/// <summary>
/// Client order ids unique across restarts and instances: a run prefix from the start time and a
/// seeded tag, the engine's start generation (counted in the journal, so two starts never share a
/// prefix even on the same clock and seed), then a counter. A retry never asks for a new id: it
/// reuses its intent's.
/// </summary>
public sealed class ClientOrderIds
{
    private readonly string _base;
    private string _prefix;
    private long _counter;

    public ClientOrderIds(TimeProvider time, int seed)
    {
        ArgumentNullException.ThrowIfNull(time);
        var tag = new Random(seed ^ (int)(time.GetUtcNow().ToUnixTimeMilliseconds() & 0x7FFFFFFF)).Next(0, 0xFFFFFF);
        _base = $"fw-{time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}-{tag.ToString("x6", CultureInfo.InvariantCulture)}";
        _prefix = _base;
    }

    /// <summary>Sets the start generation (from the journal) before any id of this run is handed out.</summary>
    public void StartGeneration(long generation) =>
        Volatile.Write(ref _prefix, $"{_base}-g{generation.ToString(CultureInfo.InvariantCulture)}");

    public ClientOrderId Next() => new($"{Volatile.Read(ref _prefix)}-{Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture)}");
}
