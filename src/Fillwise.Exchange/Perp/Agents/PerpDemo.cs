using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Aster;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Perp.Lighter;

namespace Fillwise.Exchange.Perp.Agents;

/// <summary>The perp side of the demo scenario: seed 003's ZEC perpetual, with agents keeping its book moving.</summary>
public static class PerpDemo
{
    public const string AsterSymbol = "ZECUSDT";

    /// <summary>Lighter names a market by its base asset.</summary>
    public const string LighterSymbol = "ZEC";

    public static void Start(AsterVenue aster)
    {
        ArgumentNullException.ThrowIfNull(aster);
        aster.Run(ex =>
        {
            var refused = ex.CreateMarket(new PerpMarketDefinition(AsterSymbol, "ZEC", "USDT", Price.Parse("0.01"), Quantity.Parse("0.001"),
                Quantity.Parse("0.001"), Money.Parse("5"), Price.Parse("514.00"), FundingRate.Parse("0.0001"), TimeSpan.FromHours(8)));
            if (refused is not null) throw new InvalidOperationException($"demo market {AsterSymbol}: {refused.Message}");
        });
        aster.StartAgents([AsterSymbol]);
        // One step now: the book has quotes before the first client arrives, not only after the host's first tick.
        aster.Step();
    }

    /// <summary>
    /// Lighter's ZEC market as seed 003 saw it: 3 size and 3 price decimals (0.021 ZEC is base amount
    /// 21), a 0.05 ZEC / 10 USDC minimum, hourly funding.
    /// </summary>
    public static void Start(LighterVenue lighter)
    {
        ArgumentNullException.ThrowIfNull(lighter);
        var definition = new PerpMarketDefinition(LighterSymbol, "ZEC", "USDC", Price.Parse("0.001"), Quantity.Parse("0.001"),
            Quantity.Parse("0.05"), Money.Parse("10"), Price.Parse("514.000"), FundingRate.Parse("0.000012"), TimeSpan.FromHours(1));
        lighter.Run(ex =>
        {
            var refused = LighterVenue.CheckMarket(definition) ?? ex.CreateMarket(definition)?.Message;
            if (refused is not null) throw new InvalidOperationException($"demo market {LighterSymbol}: {refused}");
        });
        lighter.StartAgents([LighterSymbol]);
        lighter.Step();
    }
}
