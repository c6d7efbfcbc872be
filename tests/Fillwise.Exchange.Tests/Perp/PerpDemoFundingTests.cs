using Fillwise.Exchange.Perp.Agents;
using Fillwise.Exchange.Perp.Aster;
using Fillwise.Exchange.Perp.Lighter;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Perp;

/// <summary>The demo's funding: a spread between the venues that pays, rates that walk from a seed, and a faster clock for paper.</summary>
public sealed class PerpDemoFundingTests
{
    [Fact]
    public void The_demo_starts_with_lighter_paying_more_an_hour_than_aster_and_paper_speeds_both_schedules_up_400_times()
    {
        var time = new ManualTimeProvider();
        var aster = new AsterVenue(new AsterVenueOptions { TimeProvider = time, Seed = 7 });
        var lighter = new LighterVenue(new LighterVenueOptions { TimeProvider = time, Seed = 7 });
        var fast = new PerpDemoOptions { FundingSpeedup = 400 };
        PerpDemo.Start(aster, fast);
        PerpDemo.Start(lighter, fast);
        var a = aster.Run(ex => ex.GetMarket(PerpDemo.AsterSymbol))!;
        var l = lighter.Run(ex => ex.GetMarket(PerpDemo.LighterSymbol))!;
        Assert.Equal((TimeSpan.FromSeconds(72), TimeSpan.FromSeconds(9)), (a.FundingInterval, l.FundingInterval));
        // Per hour of the venues' own schedules: Lighter's rate is paid 8 times for Aster's once.
        Assert.True(l.FundingRate.Value * 8m > a.FundingRate.Value, $"aster {a.FundingRate.Value}, lighter {l.FundingRate.Value}");
        Assert.Throws<ArgumentException>(() => PerpDemo.Start(aster, new PerpDemoOptions { FundingSpeedup = 0 }));
    }

    [Fact]
    public void The_funding_rate_walks_from_the_seed_between_zero_and_twice_its_start_and_replays_the_same()
    {
        decimal[] Walk(int seed)
        {
            var time = new ManualTimeProvider();
            var lighter = new LighterVenue(new LighterVenueOptions { TimeProvider = time, Seed = seed });
            PerpDemo.Start(lighter);
            var start = lighter.Run(ex => ex.GetMarket(PerpDemo.LighterSymbol))!.FundingRate.Value;
            var rates = new decimal[400];
            for (var i = 0; i < rates.Length; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                lighter.Step();
                rates[i] = lighter.Run(ex => ex.GetMarket(PerpDemo.LighterSymbol))!.FundingRate.Value;
                Assert.InRange(rates[i], 0m, 2m * start);
            }
            Assert.Contains(rates, r => r != start);
            return rates;
        }

        Assert.Equal(Walk(7), Walk(7));
        Assert.NotEqual(Walk(7), Walk(8));
    }
}
