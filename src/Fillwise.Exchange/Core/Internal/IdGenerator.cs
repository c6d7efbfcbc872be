using System.Globalization;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>
/// UUID-shaped ids, deterministic from the seed: a seeded prefix per kind of id and a hex counter,
/// so an order id maps back to its sequence number without a string dictionary.
/// </summary>
internal sealed class IdGenerator
{
    private readonly string _orders;
    private readonly string _trades;
    private readonly string _users;
    private readonly string _groups;

    public IdGenerator(int seed)
    {
        var random = new Random(seed);
        _orders = Prefix(random);
        _trades = Prefix(random);
        _users = Prefix(random);
        _groups = Prefix(random);
    }

    private static string Prefix(Random random) => string.Create(CultureInfo.InvariantCulture,
        $"{random.Next(0x10000):x4}{random.Next(0x10000):x4}-{random.Next(0x10000):x4}-4{random.Next(0x1000):x3}-{8 + random.Next(4):x1}{random.Next(0x1000):x3}-");

    public string OrderId(long sequence) => Format(_orders, sequence);

    public string TradeId(long sequence) => Format(_trades, sequence);

    public string UserId(long sequence) => Format(_users, sequence);

    public string GroupId(long sequence) => Format(_groups, sequence);

    /// <summary>Prefix + 12 hex digits in one allocation (views format ids on every read).</summary>
    private static string Format(string prefix, long sequence)
    {
        // Beyond 12 hex digits (never in practice) keep the general formatting.
        if ((ulong)sequence > 0xFFFF_FFFF_FFFFUL) return prefix + sequence.ToString("x12", CultureInfo.InvariantCulture);
        return string.Create(prefix.Length + 12, (prefix, sequence), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            state.sequence.TryFormat(span[state.prefix.Length..], out _, "x12", CultureInfo.InvariantCulture);
        });
    }

    public bool TryParseOrderId(string? id, out long sequence)
    {
        sequence = 0;
        return id is not null
            && id.Length == _orders.Length + 12
            && id.StartsWith(_orders, StringComparison.Ordinal)
            && long.TryParse(id.AsSpan(_orders.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out sequence);
    }
}
