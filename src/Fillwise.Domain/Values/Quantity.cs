using System.Diagnostics.CodeAnalysis;

namespace Fillwise.Domain.Values;

/// <summary>
/// An amount of an instrument: contracts on Kalshi, base asset (2.332 ZEC) on a perpetual. Never
/// negative (direction is the order's side or the position's sign), exact to
/// <see cref="MaxDecimals"/> places; the instrument's step decides which amounts it accepts.
/// <c>default</c> is zero.
/// </summary>
public readonly record struct Quantity : IComparable<Quantity>
{
    public const int MaxDecimals = 12;

    public static readonly Quantity Zero = new(0m);

    private Quantity(decimal value) => Value = value;

    public decimal Value { get; }

    public bool IsZero => Value == 0m;

    public static Quantity Of(decimal value) =>
        TryOf(value, out var quantity, out var error) ? quantity : throw new DomainException($"quantity {value} {error}");

    public static bool TryOf(decimal value, out Quantity quantity, out string error)
    {
        quantity = default;
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
        quantity = new Quantity(FixedPoint.Normalize(value));
        error = string.Empty;
        return true;
    }

    public static Quantity Parse(string text) =>
        TryParse(text, out var quantity, out var error) ? quantity : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity, out string error)
    {
        quantity = default;
        if (!FixedPoint.TryParse(text, MaxDecimals, allowNegative: false, out var value, out var why))
        {
            error = $"quantity '{text}' {why}";
            return false;
        }
        quantity = new Quantity(FixedPoint.Normalize(value));
        error = string.Empty;
        return true;
    }

    public static Quantity Min(Quantity a, Quantity b) => a.Value <= b.Value ? a : b;

    public static Quantity Max(Quantity a, Quantity b) => a.Value >= b.Value ? a : b;

    public static Quantity operator +(Quantity a, Quantity b) => new(a.Value + b.Value);

    /// <summary>Subtraction below zero is a bug in the caller, never silently clamped.</summary>
    public static Quantity operator -(Quantity a, Quantity b) =>
        a.Value >= b.Value ? new(a.Value - b.Value) : throw new DomainException($"quantity {a} - {b} would be negative");

    /// <summary>a - b, or zero when b is larger: for "what is still missing" questions.</summary>
    public static Quantity Shortfall(Quantity target, Quantity done) => target.Value > done.Value ? new(target.Value - done.Value) : Zero;

    public int CompareTo(Quantity other) => Value.CompareTo(other.Value);

    public static bool operator <(Quantity a, Quantity b) => a.Value < b.Value;
    public static bool operator >(Quantity a, Quantity b) => a.Value > b.Value;
    public static bool operator <=(Quantity a, Quantity b) => a.Value <= b.Value;
    public static bool operator >=(Quantity a, Quantity b) => a.Value >= b.Value;

    /// <summary>The shortest exact form ("2.332", "50", "0.021").</summary>
    public override string ToString() => FixedPoint.Format(Value, FixedPoint.DecimalPlaces(Value));

    /// <summary>Exactly <paramref name="decimals"/> places ("50.00"); throws when that would drop digits.</summary>
    public string ToString(int decimals) => FixedPoint.FormatExact(Value, decimals, "quantity");
}
