using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Aster;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Agents;

/// <summary>The perp side of the demo scenario: seed 003's ZEC perpetual, with agents keeping its book moving.</summary>
public static class PerpDemo
{
    public const string AsterSymbol = "ZECUSDT";

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
    }
}
