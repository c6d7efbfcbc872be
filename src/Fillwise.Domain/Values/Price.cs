using System.Diagnostics.CodeAnalysis;

namespace Fillwise.Domain.Values;

/// <summary>
/// A price in an instrument's own quote terms: dollars per event contract on Kalshi, USDT per ZEC on
/// a ZECUSDT perpetual. Never negative (a settlement can be worth exactly zero), exact to
/// <see cref="MaxDecimals"/> places; which prices an instrument accepts (its tick, its bounds) is
/// the instrument's rule, see <c>Instrument</c>. <c>default</c> is zero, a real price.
/// </summary>
public readonly record struct Price : IComparable<Price>
{
    public const int MaxDecimals = 12;

    public static readonly Price Zero = new(0m);

    private Price(decimal value) => Value = value;

    public decimal Value { get; }

    public bool IsZero => Value == 0m;

    public static Price Of(decimal value) =>
        TryOf(value, out var price, out var error) ? price : throw new DomainException($"price {value} {error}");

    public static bool TryOf(decimal value, out Price price, out string error)
    {
        price = default;
        if (value < 0m)
        {
            error = "is negative";
            return false;
        }
        if (FixedPoint.DecimalPlaces(value) > MaxDecimals)
        {
            error = $"has more than {MaxDecimals} decimal places";
            return false;
        }
        price = new Price(FixedPoint.Normalize(value));
        error = string.Empty;
        return true;
    }

    public static Price Parse(string text) =>
        TryParse(text, out var price, out var error) ? price : throw new FormatException(error);

    /// <summary>A plain decimal string ("495.791668", "0.4500"); no exponent, sign or whitespace.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Price price, out string error)
    {
        price = default;
        if (!FixedPoint.TryParse(text, MaxDecimals, allowNegative: false, out var value, out var why))
        {
            error = $"price '{text}' {why}";
            return false;
        }
        price = new Price(FixedPoint.Normalize(value));
        error = string.Empty;
        return true;
    }

    public static Price Min(Price a, Price b) => a.Value <= b.Value ? a : b;

    public static Price Max(Price a, Price b) => a.Value >= b.Value ? a : b;

    public int CompareTo(Price other) => Value.CompareTo(other.Value);

    public static bool operator <(Price a, Price b) => a.Value < b.Value;
    public static bool operator >(Price a, Price b) => a.Value > b.Value;
    public static bool operator <=(Price a, Price b) => a.Value <= b.Value;
    public static bool operator >=(Price a, Price b) => a.Value >= b.Value;

    /// <summary>Notional of <paramref name="quantity"/> at this price: exact.</summary>
    public static Money operator *(Price price, Quantity quantity) => Money.FromDollars(price.Value * quantity.Value);

    /// <summary>The shortest exact form ("495.791668", "0.45", "1").</summary>
    public override string ToString() => FixedPoint.Format(Value, FixedPoint.DecimalPlaces(Value));

    /// <summary>Exactly <paramref name="decimals"/> places; throws when that would drop digits.</summary>
    public string ToString(int decimals) => FixedPoint.FormatExact(Value, decimals, "price");
}
