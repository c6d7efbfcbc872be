using System.Globalization;

namespace Fillwise.Domain.Values;

/// <summary>Shared validation for the string identifiers Kalshi hands out.</summary>
public static class Identifier
{
    public const int MaxLength = 256;

    public static string Validate(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new DomainException($"{what} is empty");
        if (value.Length > MaxLength)
            throw new DomainException($"{what} is longer than {MaxLength} characters");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            // Printable characters only: no whitespace, control, format (bidi overrides, zero-width),
            // separators or lone surrogates, which would make logs and replies lie about the id.
            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
                throw new DomainException($"{what} has a character that is not printable (U+{(int)c:X4} at position {i})");
        }
        return value;
    }
}

/// <summary>Our id for an order, chosen before it is sent; the venue refuses a second order with it.</summary>
public readonly record struct ClientOrderId
{
    public ClientOrderId(string value) => Value = Identifier.Validate(value, "client order id");

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>The venue's id for an order.</summary>
public readonly record struct VenueOrderId
{
    public VenueOrderId(string value) => Value = Identifier.Validate(value, "venue order id");

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>The venue's id for one execution (Kalshi's trade_id / fill_id); fills dedupe on it.</summary>
public readonly record struct TradeId
{
    public TradeId(string value) => Value = Identifier.Validate(value, "trade id");

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>Our id for a position (a lot): the client order id of the entry that opened it, or a synthetic id for an adopted one.</summary>
public readonly record struct PositionId
{
    public PositionId(string value) => Value = Identifier.Validate(value, "position id");

    public string Value { get; }

    public override string ToString() => Value;
}
