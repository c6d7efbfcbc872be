using System.Diagnostics.CodeAnalysis;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Perp;

/// <summary>
/// A funding rate per interval (0.0001 = 0.01 % of notional each settlement): positive, longs pay
/// shorts; negative, shorts pay longs. Exact to <see cref="MaxDecimals"/> places. <c>default</c> is
/// zero, a real rate (nobody pays).
/// </summary>
public readonly record struct FundingRate : IComparable<FundingRate>
{
    public const int MaxDecimals = 12;

    public static readonly FundingRate Zero = default;

    private FundingRate(decimal value) => Value = value;

    public decimal Value { get; }

    public static FundingRate Of(decimal value) =>
        FixedPoint.DecimalPlaces(value) <= MaxDecimals && Math.Abs(value) < 1m
            ? new(FixedPoint.Normalize(value))
            : throw new DomainException($"funding rate {value} must be above -1, below 1 and have at most {MaxDecimals} decimal places");

    public static FundingRate Parse(string text) =>
        TryParse(text, out var rate, out var error) ? rate : throw new FormatException(error);

    /// <summary>A plain decimal string, sign allowed ("0.00010000", "-0.0003").</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out FundingRate rate, out string error)
    {
        rate = default;
        if (!FixedPoint.TryParse(text, MaxDecimals, allowNegative: true, out var value, out var why))
        {
            error = $"funding rate '{text}' {why}";
            return false;
        }
        if (Math.Abs(value) >= 1m)
        {
            error = $"funding rate '{text}' is not between -1 and 1";
            return false;
        }
        rate = new(FixedPoint.Normalize(value));
        error = string.Empty;
        return true;
    }

    public int CompareTo(FundingRate other) => Value.CompareTo(other.Value);

    public override string ToString() => FixedPoint.Format(Value, Math.Max(4, FixedPoint.DecimalPlaces(Value)));

    public string ToString(int decimals) => FixedPoint.FormatExact(Value, decimals, "funding rate");
}
