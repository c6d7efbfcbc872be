using System.Globalization;
using Fillwise.Exchange.Core;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Fuzz;

/// <summary>Random and boundary values for the exchange's fields, from one seeded stream (the shared picks and odd text in <see cref="FuzzPicks"/>).</summary>
internal sealed class FuzzValues(Random random) : FuzzPicks(random)
{
    /// <summary>A count in contracts (2 decimals): mostly ordinary, often at or past the limits.</summary>
    public decimal Count() => Weighted(
        (30, () => Random.Next(1, 2_000) / 100m),
        (20, () => Random.Next(1, 30)),
        (3, () => 0m),
        (3, () => 0.01m),
        (4, () => ExchangeLimits.MaxOrderContracts),
        (4, () => ExchangeLimits.MaxOrderContracts + 0.01m),
        (2, () => ExchangeLimits.MaxOrderContracts - 0.01m),
        (4, () => 999_999_999_999_999.99m),
        (4, () => Random.NextInt64(1, 100_000_000_000_000_000) / 100m),
        (3, () => Random.Next(1, 100_000) * 10m),
        (1, () => 1e20m));

    /// <summary>A yes price with 4 decimals: on the market's grid mostly, sometimes off it or at the ends.</summary>
    public decimal Price(PriceLevelStructure grid) => Weighted(
        (60, () => OnGrid(grid)),
        (10, () => Random.Next(1, (int)(1m / grid.FinestStep)) * grid.FinestStep),
        (10, () => Random.Next(1, 10_000) / 10_000m),
        (5, () => 0.0001m),
        (5, () => 0.9999m),
        (5, () => 0.01m),
        (5, () => 0.99m),
        (5, () => 0.5m));

    /// <summary>A price of one of the grid's ranges, a multiple of its step strictly inside (0, 1).</summary>
    public decimal OnGrid(PriceLevelStructure grid)
    {
        var range = Pick(grid.Ranges);
        var steps = (int)((range.End - range.Start) / range.Step);
        var price = range.Start + Random.Next(0, steps + 1) * range.Step;
        return price is <= 0m or >= 1m ? 0.5m : price;
    }

    /// <summary>A grid price within 6 cents of $0.50, where bids and asks meet often.</summary>
    public decimal NearTheMiddle(PriceLevelStructure grid)
    {
        var tickSize = grid.Ranges.First(r => r.Start <= 0.5m && 0.5m <= r.End).Step;
        var ticks = (int)(1m / tickSize);
        var spread = Math.Max(1, (int)(0.06m / tickSize));
        return Math.Clamp(ticks / 2 + Random.Next(-spread, spread + 1), 1, ticks - 1) * tickSize;
    }

    /// <summary>Valid ids, duplicates of <paramref name="used"/>, and everything Kalshi's rule refuses.</summary>
    public string? ClientOrderId(IReadOnlyList<string> used) => Weighted<string?>(
        (50, () => null),
        (25, () => "c-" + Random.Next().ToString("x", CultureInfo.InvariantCulture)),
        (5, () => used.Count > 0 ? Pick(used) : "dup"),
        (2, () => "Az09_-:+=/" + new string('k', 54)),
        (2, () => new string('k', 65)),
        (2, () => string.Empty),
        (2, () => "nul\0id"),
        (2, () => "new\nline"),
        (2, () => "rtl\u202Eid"),
        (2, () => "space id"),
        (2, () => "émoji🎲"),
        (2, () => "dot.id"),
        (2, () => BadText()));

    public static string Fixed(decimal value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
