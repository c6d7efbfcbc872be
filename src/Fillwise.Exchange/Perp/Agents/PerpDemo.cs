using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Aster;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Perp.Lighter;

namespace Fillwise.Exchange.Perp.Agents;

/// <summary>How the perp side of the demo runs.</summary>
public sealed record PerpDemoOptions
{
    /// <summary>
    /// How many times faster than the venues' own schedules funding settles: 1 keeps Aster's 8 h
    /// and Lighter's 1 h; paper uses 400 (Aster every 72 s, Lighter every 9 s) so a short run
    /// collects funding. The rate paid at each settlement is the venue's rate, unscaled.
    /// </summary>
    public int FundingSpeedup { get; init; } = 1;

    /// <summary>The crowd on both venues (null: the defaults).</summary>
    public PerpAgentOptions? Agents { get; init; }

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Validate() => FundingSpeedup is < 1 or > 3600 ? "FundingSpeedup must be from 1 to 3600" : null;

    /// <summary>The venue's interval, sped up; sped up, funding counts from the market's creation (<see cref="PerpMarketDefinition.FundingFromCreation"/>).</summary>
    internal TimeSpan Interval(TimeSpan venueInterval) => TimeSpan.FromTicks(venueInterval.Ticks / FundingSpeedup);
}

/// <summary>
/// The perp side of the demo scenario: seed 003's ZEC perpetual on both venues, with agents keeping
/// its books moving and its funding rates walking. The two venues start with a funding spread that
/// pays (Aster 0.01% per 8 h, Lighter 0.01% per hour: longs on Lighter pay 0.00875% an hour more),
/// so the funding-arb strategy has something to act on, and the walk later erodes or flips it.
/// </summary>
public static class PerpDemo
{
    public const string AsterSymbol = "ZECUSDT";

    /// <summary>Lighter names a market by its base asset.</summary>
    public const string LighterSymbol = "ZEC";

    public static void Start(AsterVenue aster, PerpDemoOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(aster);
        options ??= new PerpDemoOptions();
        if (options.Validate() is { } why) throw new ArgumentException(why, nameof(options));
        aster.Run(ex =>
        {
            var refused = ex.CreateMarket(new PerpMarketDefinition(AsterSymbol, "ZEC", "USDT", Price.Parse("0.01"), Quantity.Parse("0.001"),
                Quantity.Parse("0.001"), Money.Parse("5"), Price.Parse("514.00"), FundingRate.Parse("0.0001"), options.Interval(TimeSpan.FromHours(8)),
                FundingFromCreation: options.FundingSpeedup > 1));
            if (refused is not null) throw new InvalidOperationException($"demo market {AsterSymbol}: {refused.Message}");
        });
        aster.StartAgents([AsterSymbol], options.Agents);
        // One step now: the book has quotes before the first client arrives, not only after the host's first tick.
        aster.Step();
    }

    /// <summary>
    /// Lighter's ZEC market as seed 003 saw it: 3 size and 3 price decimals (0.021 ZEC is base amount
    /// 21), a 0.05 ZEC / 10 USDC minimum, hourly funding (sped up by <see cref="PerpDemoOptions.FundingSpeedup"/>).
    /// </summary>
    public static void Start(LighterVenue lighter, PerpDemoOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lighter);
        options ??= new PerpDemoOptions();
        if (options.Validate() is { } why) throw new ArgumentException(why, nameof(options));
        var definition = new PerpMarketDefinition(LighterSymbol, "ZEC", "USDC", Price.Parse("0.001"), Quantity.Parse("0.001"),
            Quantity.Parse("0.05"), Money.Parse("10"), Price.Parse("514.000"), FundingRate.Parse("0.0001"), options.Interval(TimeSpan.FromHours(1)),
            FundingFromCreation: options.FundingSpeedup > 1);
        lighter.Run(ex =>
        {
            var refused = LighterVenue.CheckMarket(definition) ?? ex.CreateMarket(definition)?.Message;
            if (refused is not null) throw new InvalidOperationException($"demo market {LighterSymbol}: {refused}");
        });
        lighter.StartAgents([LighterSymbol], options.Agents);
        lighter.Step();
    }
}
