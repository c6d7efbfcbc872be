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
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new DomainException($"{what} '{value}' contains whitespace or control characters");
        }
        return value;
    }
}

/// <summary>A market ticker such as "KXTEST-26JAN01-T50".</summary>
public readonly record struct MarketTicker
{
    public MarketTicker(string value) => Value = Identifier.Validate(value, "market ticker");

    public string Value { get; }

    public override string ToString() => Value;
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
