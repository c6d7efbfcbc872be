namespace Fillwise.Domain.Values;

/// <summary>A market ticker such as "KXTEST-26JAN01-T50".</summary>
public readonly record struct MarketTicker
{
    public MarketTicker(string value) => Value = Identifier.Validate(value, "market ticker");

    public string Value { get; }

    /// <summary>For text from outside (requests, commands): false instead of an exception.</summary>
    public static bool TryCreate(string? text, out MarketTicker ticker)
    {
        try
        {
            ticker = new MarketTicker(text!);
            return true;
        }
        catch (DomainException)
        {
            ticker = default;
            return false;
        }
    }

    public override string ToString() => Value;
}
