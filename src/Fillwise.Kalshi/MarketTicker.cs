namespace Fillwise.Domain.Values;

/// <summary>A market ticker such as "KXTEST-26JAN01-T50".</summary>
public readonly record struct MarketTicker
{
    public MarketTicker(string value) => Value = Identifier.Validate(value, "market ticker");

    public string Value { get; }

    public override string ToString() => Value;
}
