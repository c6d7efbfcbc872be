using System.Globalization;
using System.Text;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Tests.Fuzz;

/// <summary>Random and boundary values for the exchange's fields, from one seeded stream.</summary>
internal sealed class FuzzValues(Random random)
{
    public Random Random { get; } = random;

    public bool Chance(int percent) => Random.Next(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    /// <summary>One of the choices, by weight.</summary>
    public T Weighted<T>(params (int Weight, Func<T> Make)[] choices)
    {
        var roll = Random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, make) in choices)
        {
            if (roll < weight) return make();
            roll -= weight;
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>A count in contracts (2 decimals): mostly ordinary, often at or past the limits.</summary>
    public decimal Count() => Weighted(
        (30, () => Random.Next(1, 2_000) / 100m),
        (20, () => Random.Next(1, 30)),
        (3, () => 0m),
        (3, () => 0.01m),
        (4, () => ExchangeLimits.MaxOrderContracts),
        (4, () => ExchangeLimits.MaxOrderContracts + 0.01m),
        (2, () => ExchangeLimits.MaxOrderContracts - 0.01m),
        (4, () => 999_999_999_999_999.99m),
        (4, () => Random.NextInt64(1, 100_000_000_000_000_000) / 100m),
        (3, () => Random.Next(1, 100_000) * 10m),
        (1, () => 1e20m));

    /// <summary>A yes price with 4 decimals: on a grid of <paramref name="tickSize"/> mostly, sometimes off it or at the ends.</summary>
    public decimal Price(decimal tickSize) => Weighted(
        (60, () => Random.Next(1, (int)(1m / tickSize)) * tickSize),
        (10, () => Random.Next(1, 10_000) / 10_000m),
        (5, () => 0.0001m),
        (5, () => 0.9999m),
        (5, () => 0.01m),
        (5, () => 0.99m),
        (5, () => 0.5m));

    /// <summary>A grid price within 6 cents of $0.50, where bids and asks meet often.</summary>
    public decimal NearTheMiddle(decimal tickSize)
    {
        var ticks = (int)(1m / tickSize);
        var spread = Math.Max(1, (int)(0.06m / tickSize));
        return Math.Clamp(ticks / 2 + Random.Next(-spread, spread + 1), 1, ticks - 1) * tickSize;
    }

    /// <summary>Valid ids, duplicates of <paramref name="used"/>, and everything Kalshi's rule refuses.</summary>
    public string? ClientOrderId(IReadOnlyList<string> used) => Weighted<string?>(
        (50, () => null),
        (25, () => "c-" + Random.Next().ToString("x", CultureInfo.InvariantCulture)),
        (5, () => used.Count > 0 ? Pick(used) : "dup"),
        (2, () => "Az09_-:+=/" + new string('k', 54)),
        (2, () => new string('k', 65)),
        (2, () => string.Empty),
        (2, () => "nul\0id"),
        (2, () => "new\nline"),
        (2, () => "rtl\u202Eid"),
        (2, () => "space id"),
        (2, () => "émoji🎲"),
        (2, () => "dot.id"),
        (2, () => BadText()));

    /// <summary>Strings with characters that must never break anything: controls, direction marks, astral characters.</summary>
    public string OddText() => Weighted(
        (3, () => "plain"),
        (1, () => string.Empty),
        (1, () => "\0"),
        (1, () => "tab\tnew\nline"),
        (1, () => "\u202Ertl\u200F"),
        (1, () => "🎲 dice ✓"),
        (1, () => "quote\" back\\slash"),
        (1, () => new string('x', Random.Next(100, 2_000))),
        (1, () => "<script>alert(1)</script>"));

    /// <summary>A string that is not valid UTF-16: a lone surrogate somewhere.</summary>
    public string BadText() => Pick(["\ud800", "a\udc00b", "x\ud83d", "\udfff\ud800"]);

    /// <summary>A random byte string, sometimes valid UTF-8.</summary>
    public byte[] Bytes(int max)
    {
        var bytes = new byte[Random.Next(0, max)];
        Random.NextBytes(bytes);
        return Chance(30) ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes)) : bytes;
    }

    public static string Fixed(decimal value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
