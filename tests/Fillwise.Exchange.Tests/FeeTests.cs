using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;
using Fillwise.Exchange.Core.Internal;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests;

public sealed class FeeTests
{
    [Theory]
    [InlineData(KalshiFeeType.Quadratic, 1.0, "linear_cent")]
    [InlineData(KalshiFeeType.QuadraticWithMakerFees, 1.0, "linear_cent")]
    [InlineData(KalshiFeeType.QuadraticWithComboMakerFees, 0.5, "linear_cent")]
    [InlineData(KalshiFeeType.Quadratic, 1.0, "deci_cent")]
    [InlineData(KalshiFeeType.QuadraticWithMakerFees, 2.5, "tapered_deci_cent")]
    public void Precomputed_fees_equal_the_domain_fee_model(KalshiFeeType type, decimal multiplier, string structure)
    {
        var clock = new ManualTimeProvider();
        var exchange = new KalshiExchange(clock, 1);
        var ticker = new MarketTicker("KXFEE");
        Assert.True(PriceLevelStructure.TryParse(structure, out var grid));
        exchange.CreateMarket(new MarketDefinition(ticker, "E", "t", clock.GetUtcNow(), clock.GetUtcNow().AddHours(1), type, multiplier, grid));
        var market = exchange.FindMarket(ticker)!;
        var model = new KalshiFeeModel(type, multiplier);
        var step = Math.Max(1, market.TickCount / 200);
        foreach (var lots in new long[] { 1, 37, 100, 250, 1000, 123_456 })
        {
            for (var tick = 1; tick < market.TickCount; tick += step)
            {
                foreach (var taker in new[] { true, false })
                {
                    var expected = model.Fee(Contracts.Of(lots / 100m), market.PriceOf(tick), taker).Dollars;
                    Assert.Equal(expected, market.FeeMicros(lots, tick, taker) / 1_000_000m);
                }
            }
        }
    }
}
