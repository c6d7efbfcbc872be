using System.Diagnostics.CodeAnalysis;

namespace Fillwise.Domain.Values;

/// <summary>
/// An amount of the account's currency (dollars on Kalshi, USDT on the perp venues), signed (PnL
/// can be negative), exact to 12 decimal places: enough for a perp notional (price x quantity) or
/// a commission to the unit a venue reports it. Results of division are rounded
/// half-away-from-zero by <see cref="Round"/> (6 places unless said otherwise); addition and
/// price x quantity never need it.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    public const int MaxDecimals = 12;

    /// <summary>The places <see cref="Round"/> keeps by default: the finest Kalshi reports ("0.017500").</summary>
    public const int DefaultRoundDecimals = 6;

    public static readonly Money Zero = new(0m);

    private Money(decimal dollars) => Dollars = dollars;

    public decimal Dollars { get; }

    public static Money FromDollars(decimal dollars) =>
        FixedPoint.DecimalPlaces(dollars) <= MaxDecimals
            ? new Money(dollars)
            : throw new DomainException($"money {dollars} has more than {MaxDecimals} decimal places");

    /// <summary>Rounds a division result to <paramref name="decimals"/> places (6 by default).</summary>
    public static Money Round(decimal dollars, int decimals = DefaultRoundDecimals) =>
        new(Math.Round(dollars, Math.Min(decimals, MaxDecimals), MidpointRounding.AwayFromZero));

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
