using System.Globalization;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Arbitrage;

/// <summary>The funding-arb strategy's settings (CONTRACTS.md §1 `FundingArb:*`).</summary>
public sealed record FundingArbOptions
{
    /// <summary>The base asset traded on both venues.</summary>
    public string Symbol { get; init; } = "ZEC";

    /// <summary>The two venues; which is long and which short follows the funding rates.</summary>
    public IReadOnlyList<string> Venues { get; init; } = ["aster", "lighter"];

    /// <summary>Size of each leg of an open, in the base asset.</summary>
    public Quantity Quantity { get; init; } = Quantity.Of(1m);

    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Hours of funding an open is expected to collect: the spread over this horizon must beat the fees.</summary>
    public decimal HorizonHours { get; init; } = 24m;

    /// <summary>Fees of a round trip of the pair (entry and exit, both legs), in percent of one leg's notional.</summary>
    public decimal RoundTripFeesPercent { get; init; } = 0.11m;

    /// <summary>What the expected funding must leave after the fees, in percent of one leg's notional.</summary>
    public decimal MinEdgePercent { get; init; } = 0.05m;

    /// <summary>Close once the funding spread has lost this share of what it was at entry (percent).</summary>
    public decimal ErosionPercent { get; init; } = 60m;

    /// <summary>Close after holding this long.</summary>
    public TimeSpan MaxHold { get; init; } = TimeSpan.FromHours(168);
}

/// <summary>One venue's funding, per hour so venues with different intervals compare (Aster 8 h or 4 h, Lighter 1 h).</summary>
public sealed record FundingReading(string Venue, decimal Rate, TimeSpan Interval)
{
    public decimal PerHour => Rate * 60m / (decimal)Interval.TotalMinutes;
}

public enum FundingArbAction
{
    Hold,
    Open,
    Close,
}

/// <summary>What the strategy decided, and why, in words and figures a person can check.</summary>
public sealed record FundingArbDecision(DateTimeOffset Time, FundingArbAction Action, string Reason, string Detail, string? LongVenue, string? ShortVenue,
    decimal SpreadPerHour);

/// <summary>The pair the strategy holds: which venue is long, which short, the spread it entered at, since when.</summary>
public sealed record FundingArbPosition(string LongVenue, string ShortVenue, decimal EntrySpreadPerHour, DateTimeOffset OpenedAt, string OperationId);

/// <summary>
/// The funding-arb decision, a pure function of the two venues' funding, what is held and the time.
/// Flat: long where funding is lower, short where it is higher (a positive rate: longs pay shorts),
/// opened when the per-hour spread over the horizon beats the round-trip fees by the edge. Held,
/// closed when the spread (short's rate minus long's) turns negative ("divergence_flipped"), when
/// it has eroded by the configured share of the entry spread ("funding_erosion"), or after the
/// longest hold ("time_limit"). A manual close comes through the control API.
/// </summary>
public static class FundingArbSignals
{
    public static FundingArbDecision Decide(FundingArbPosition? held, FundingReading first, FundingReading second, DateTimeOffset now, FundingArbOptions options)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(options);
        if (held is null)
        {
            var (low, high) = first.PerHour <= second.PerHour ? (first, second) : (second, first);
            var spread = high.PerHour - low.PerHour;
            var expected = spread * options.HorizonHours * 100m;
            var edge = expected - options.RoundTripFeesPercent;
            var figures = $"spread {Pct(spread)}/h ({high.Venue} {Pct(high.PerHour)}/h, {low.Venue} {Pct(low.PerHour)}/h) x {options.HorizonHours} h = {Pct(expected / 100m)}, " +
                $"fees {options.RoundTripFeesPercent}%: edge {Pct(edge / 100m)} (needs {options.MinEdgePercent}%)";
            return edge >= options.MinEdgePercent
                ? new FundingArbDecision(now, FundingArbAction.Open, "funding_spread", $"long {low.Venue}, short {high.Venue}: {figures}", low.Venue, high.Venue, spread)
                : new FundingArbDecision(now, FundingArbAction.Hold, "below_threshold", figures, null, null, spread);
        }
        var longReading = first.Venue == held.LongVenue ? first : second;
        var shortReading = first.Venue == held.ShortVenue ? first : second;
        var current = shortReading.PerHour - longReading.PerHour;
        var erosion = held.EntrySpreadPerHour > 0m ? (held.EntrySpreadPerHour - current) / held.EntrySpreadPerHour * 100m : 0m;
        var state = $"spread {Pct(current)}/h (short {held.ShortVenue} {Pct(shortReading.PerHour)}/h, long {held.LongVenue} {Pct(longReading.PerHour)}/h), " +
            $"{Pct(held.EntrySpreadPerHour)}/h at entry: eroded {erosion.ToString("0.##", CultureInfo.InvariantCulture)}%";
        FundingArbDecision Close(string reason, string why) => new(now, FundingArbAction.Close, reason, $"{why}: {state}", held.LongVenue, held.ShortVenue, current);
        if (current < 0m) return Close("divergence_flipped", "the short venue now pays less than the long one");
        if (held.EntrySpreadPerHour > 0m && erosion >= options.ErosionPercent) return Close("funding_erosion", $"eroded past {options.ErosionPercent}%");
        if (now - held.OpenedAt >= options.MaxHold) return Close("time_limit", $"held {(now - held.OpenedAt).TotalHours:0.#} h, the limit is {options.MaxHold.TotalHours:0.#} h");
        return new FundingArbDecision(now, FundingArbAction.Hold, "holding", state, held.LongVenue, held.ShortVenue, current);
    }

    private static string Pct(decimal fraction) => (fraction * 100m).ToString("0.######", CultureInfo.InvariantCulture) + "%";
}
