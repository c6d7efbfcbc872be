using System.Globalization;

namespace Fillwise.Exchange.Core;

/// <summary>One band of a market's price grid: prices from Start to End (both inclusive) in steps of Step, in dollars.</summary>
public sealed record PriceRange(decimal Start, decimal End, decimal Step);

/// <summary>
/// Kalshi's price_level_structure: the named grid of valid order prices and its price_ranges.
/// Only the structures Kalshi documents are offered: whole cents (<c>linear_cent</c>), tenths of a
/// cent everywhere (<c>deci_cent</c>), or tenths of a cent near the edges and whole cents between
/// (<c>tapered_deci_cent</c>: 0.001 up to $0.10 and from $0.90, 0.01 between). There is no $0.0001
/// grid at Kalshi, so there is none here.
/// </summary>
public sealed class PriceLevelStructure
{
    private PriceLevelStructure(string name, params PriceRange[] ranges)
    {
        Name = name;
        Ranges = ranges;
        FinestStep = ranges.Min(r => r.Step);
    }

    public static PriceLevelStructure LinearCent { get; } = new("linear_cent", new PriceRange(0m, 1m, 0.01m));

    public static PriceLevelStructure DeciCent { get; } = new("deci_cent", new PriceRange(0m, 1m, 0.001m));

    public static PriceLevelStructure TaperedDeciCent { get; } = new("tapered_deci_cent",
        new PriceRange(0m, 0.1m, 0.001m), new PriceRange(0.1m, 0.9m, 0.01m), new PriceRange(0.9m, 1m, 0.001m));

    public static IReadOnlyList<PriceLevelStructure> All { get; } = [LinearCent, DeciCent, TaperedDeciCent];

    public string Name { get; }

    public IReadOnlyList<PriceRange> Ranges { get; }

    /// <summary>The smallest step of any range: the exchange's internal tick for this market.</summary>
    public decimal FinestStep { get; }

    public static bool TryParse(string? name, out PriceLevelStructure structure)
    {
        structure = LinearCent;
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.Ordinal))
            {
                structure = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>Strictly between 0 and 1 and a multiple of the step of a range that holds it.</summary>
    public bool IsOnGrid(decimal price)
    {
        if (price <= 0m || price >= 1m) return false;
        foreach (var r in Ranges)
        {
            if (price >= r.Start && price <= r.End && (price - r.Start) % r.Step == 0m) return true;
        }
        return false;
    }

    public static string Names => string.Join(", ", All.Select(s => s.Name));

    public override string ToString() => Name;

    /// <summary>A range's bound or step as Kalshi writes it ("0.1000").</summary>
    public static string Dollars(decimal value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
