using System.Diagnostics.CodeAnalysis;

namespace Fillwise.Domain.Values;

/// <summary>
/// An amount of dollars, signed (PnL can be negative), exact to 6 decimal places, the finest
/// precision Kalshi reports (fees such as "0.017500"). Results of arithmetic that would need more
/// precision are rounded half-away-from-zero to 6 places by <see cref="Round"/> where a caller
/// divides; plain addition and price x count never need it.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    public const int MaxDecimals = 6;

    public static readonly Money Zero = new(0m);

    private Money(decimal dollars) => Dollars = dollars;

    public decimal Dollars { get; }

    public static Money FromDollars(decimal dollars) =>
        FixedPoint.DecimalPlaces(dollars) <= MaxDecimals
            ? new Money(dollars)
            : throw new DomainException($"money {dollars} has more than {MaxDecimals} decimal places");

    /// <summary>Rounds to the 6 places money keeps, for results of division.</summary>
    public static Money Round(decimal dollars) => new(Math.Round(dollars, MaxDecimals, MidpointRounding.AwayFromZero));

    /// <summary>Legacy integer cents (balances, settlement revenue).</summary>
    public static Money FromCents(long cents) => new(cents / 100m);

    public static Money Parse(string text) =>
        TryParse(text, out var money, out var error) ? money : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out Money money, out string error)
    {
        money = default;
        if (!FixedPoint.TryParse(text, MaxDecimals, allowNegative: true, out var value, out var why))
        {
            error = $"amount '{text}' {why}";
            return false;
        }
        money = new Money(value);
        error = string.Empty;
        return true;
    }

    public bool IsNegative => Dollars < 0m;

    public static Money operator +(Money a, Money b) => new(a.Dollars + b.Dollars);
    public static Money operator -(Money a, Money b) => new(a.Dollars - b.Dollars);
    public static Money operator -(Money a) => new(-a.Dollars);

    public int CompareTo(Money other) => Dollars.CompareTo(other.Dollars);

    public static bool operator <(Money a, Money b) => a.Dollars < b.Dollars;
    public static bool operator >(Money a, Money b) => a.Dollars > b.Dollars;
    public static bool operator <=(Money a, Money b) => a.Dollars <= b.Dollars;
    public static bool operator >=(Money a, Money b) => a.Dollars >= b.Dollars;

    /// <summary>At least 4 decimals, more only when the value needs them ("998.1234", "0.017472").</summary>
    public override string ToString() => ToString(4);

    /// <summary>At least <paramref name="minDecimals"/> decimals, more only when the value needs them.</summary>
    public string ToString(int minDecimals) =>
        FixedPoint.Format(Dollars, Math.Max(minDecimals, FixedPoint.DecimalPlaces(Dollars)));
}
