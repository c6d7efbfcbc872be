using System.Text;

namespace Fillwise.Testing;

/// <summary>
/// The choices every fuzz suite draws from one seeded stream: weighted picks, and the text and bytes
/// that must never break a server (control and direction characters, lone surrogates, raw bytes).
/// </summary>
public class FuzzPicks(Random random)
{
    public Random Random { get; } = random ?? throw new ArgumentNullException(nameof(random));

    public bool Chance(int percent) => Random.Next(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items[Random.Next(items.Count)];
    }

    /// <summary>One of the choices, by weight.</summary>
    public T Weighted<T>(params (int Weight, Func<T> Make)[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var roll = Random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, make) in choices)
        {
            if (roll < weight) return make();
            roll -= weight;
        }
        throw new InvalidOperationException("unreachable");
    }

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
}
