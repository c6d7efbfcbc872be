using System.Diagnostics.CodeAnalysis;

namespace Fillwise.Domain.Values;

/// <summary>
/// A Kalshi contract price in dollars: strictly between 0 and 1, at most 4 decimal places
/// ("0.4500"). Usually the yes-leg price; <see cref="Complement"/> gives the other leg.
/// </summary>
public readonly record struct ContractPrice : IComparable<ContractPrice>
{
    public const int MaxDecimals = 4;

    /// <summary>The lowest and highest prices Kalshi accepts on its default grid.</summary>
    public static readonly ContractPrice MinTick = new(0.0001m);
    public static readonly ContractPrice OneCent = new(0.01m);
    public static readonly ContractPrice NinetyNineCents = new(0.99m);

    private ContractPrice(decimal dollars) => Dollars = dollars;

    public decimal Dollars { get; }

    /// <summary>The other leg's price: 1 - p (a YES bid at p is a NO ask at 1 - p).</summary>
    public ContractPrice Complement => new(1m - Dollars);

    public static ContractPrice FromDollars(decimal dollars) =>
        TryFromDollars(dollars, out var price, out var error)
            ? price
            : throw new DomainException($"price {dollars} {error}");

    public static bool TryFromDollars(decimal dollars, out ContractPrice price, out string error)
    {
        price = default;
        if (dollars <= 0m || dollars >= 1m)
        {
            error = "is outside (0, 1)";
            return false;
        }
        if (FixedPoint.DecimalPlaces(dollars) > MaxDecimals)
        {
            error = $"has more than {MaxDecimals} decimal places";
            return false;
        }
        price = new ContractPrice(dollars);
        error = string.Empty;
        return true;
    }

    /// <summary>Legacy integer cents (1..99).</summary>
    public static ContractPrice FromCents(int cents) =>
        cents is >= 1 and <= 99 ? new ContractPrice(cents / 100m) : throw new DomainException($"price {cents}c is outside 1..99 cents");

    public static ContractPrice Parse(string text) =>
        TryParse(text, out var price, out var error) ? price : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out ContractPrice price, out string error)
    {
        price = default;
        if (!FixedPoint.TryParse(text, MaxDecimals, allowNegative: true, out var value, out var why))
        {
            error = $"price '{text}' {why}";
            return false;
        }
        if (!TryFromDollars(value, out price, out why))
        {
            error = $"price '{text}' {why}";
            return false;
        }
        error = string.Empty;
        return true;
    }

    public int CompareTo(ContractPrice other) => Dollars.CompareTo(other.Dollars);

    public static bool operator <(ContractPrice a, ContractPrice b) => a.Dollars < b.Dollars;
    public static bool operator >(ContractPrice a, ContractPrice b) => a.Dollars > b.Dollars;
    public static bool operator <=(ContractPrice a, ContractPrice b) => a.Dollars <= b.Dollars;
    public static bool operator >=(ContractPrice a, ContractPrice b) => a.Dollars >= b.Dollars;

    /// <summary>Cost of <paramref name="count"/> contracts at this price.</summary>
    public static Money operator *(ContractPrice price, Contracts count) => Money.FromDollars(price.Dollars * count.Value);

    /// <summary>Kalshi's wire form: always 4 decimals ("0.4500").</summary>
    public override string ToString() => FixedPoint.Format(Dollars, MaxDecimals);
}
