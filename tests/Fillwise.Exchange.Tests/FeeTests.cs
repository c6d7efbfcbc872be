using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;
using Fillwise.Exchange.Core.Internal;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests;

public sealed class FeeTests
{
    [Theory]
    [InlineData(KalshiFeeType.Quadratic, 1.0, 0.01)]
    [InlineData(KalshiFeeType.QuadraticWithMakerFees, 1.0, 0.01)]
    [InlineData(KalshiFeeType.QuadraticWithComboMakerFees, 0.5, 0.01)]
    [InlineData(KalshiFeeType.Quadratic, 1.0, 0.0001)]
    public void Precomputed_fees_equal_the_domain_fee_model(KalshiFeeType type, decimal multiplier, decimal tickSize)
    {
        var clock = new ManualTimeProvider();
        var exchange = new KalshiExchange(clock, 1);
        var ticker = new MarketTicker("KXFEE");
        exchange.CreateMarket(new MarketDefinition(ticker, "E", "t", clock.GetUtcNow(), clock.GetUtcNow().AddHours(1), type, multiplier, tickSize));
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
