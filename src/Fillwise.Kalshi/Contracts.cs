using System.Diagnostics.CodeAnalysis;

namespace Fillwise.Domain.Values;

/// <summary>A number of contracts: never negative, at most 2 decimal places ("50.00").</summary>
public readonly record struct Contracts : IComparable<Contracts>
{
    public const int MaxDecimals = 2;

    public static readonly Contracts Zero = new(0m);

    private Contracts(decimal value) => Value = value;

    public decimal Value { get; }

    public bool IsZero => Value == 0m;

    public static Contracts Of(decimal value) =>
        TryOf(value, out var count, out var error) ? count : throw new DomainException($"contracts {value} {error}");

    public static bool TryOf(decimal value, out Contracts count, out string error)
    {
        count = default;
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
        count = new Contracts(value);
        error = string.Empty;
        return true;
    }

    public static Contracts Parse(string text) =>
        TryParse(text, out var count, out var error) ? count : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out Contracts count, out string error)
    {
        count = default;
        if (!FixedPoint.TryParse(text, MaxDecimals, allowNegative: false, out var value, out var why))
        {
            error = $"count '{text}' {why}";
            return false;
        }
        count = new Contracts(value);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Kalshi's signed position ("position_fp"): positive is YES held, negative is NO held.
    /// </summary>
    public static bool TryParseSignedPosition(string? text, out OutcomeSide? side, out Contracts count, out string error)
    {
        side = null;
        count = Zero;
        if (!FixedPoint.TryParse(text, MaxDecimals, allowNegative: true, out var value, out var why))
        {
            error = $"position '{text}' {why}";
            return false;
        }
        error = string.Empty;
        if (value == 0m) return true;
        side = value > 0m ? OutcomeSide.Yes : OutcomeSide.No;
        count = new Contracts(Math.Abs(value));
        return true;
    }

    public static Contracts Min(Contracts a, Contracts b) => a.Value <= b.Value ? a : b;

    public static Contracts operator +(Contracts a, Contracts b) => new(a.Value + b.Value);

    /// <summary>Subtraction that would go below zero is a bug in the caller, never silently clamped.</summary>
    public static Contracts operator -(Contracts a, Contracts b) =>
        a.Value >= b.Value ? new(a.Value - b.Value) : throw new DomainException($"contracts {a} - {b} would be negative");

    public int CompareTo(Contracts other) => Value.CompareTo(other.Value);

    public static bool operator <(Contracts a, Contracts b) => a.Value < b.Value;
    public static bool operator >(Contracts a, Contracts b) => a.Value > b.Value;
    public static bool operator <=(Contracts a, Contracts b) => a.Value <= b.Value;
    public static bool operator >=(Contracts a, Contracts b) => a.Value >= b.Value;

    /// <summary>Kalshi's wire form: always 2 decimals ("50.00").</summary>
    public override string ToString() => FixedPoint.Format(Value, MaxDecimals);
}
