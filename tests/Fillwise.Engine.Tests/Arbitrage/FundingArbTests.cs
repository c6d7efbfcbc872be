using Fillwise.Domain.Venues;
using Fillwise.Engine.Arbitrage;

namespace Fillwise.Engine.Tests.Arbitrage;

/// <summary>The funding-arb strategy: when it opens and closes, and why, every time.</summary>
public sealed class FundingArbTests
{
    private static readonly FundingArbOptions Options = new();
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static FundingReading Aster(decimal rate) => new("aster", rate, TimeSpan.FromHours(8));

    private static FundingReading Lighter(decimal rate) => new("lighter", rate, TimeSpan.FromHours(1));

    [Fact]
    public void Flat_it_opens_long_where_funding_is_lower_and_short_where_higher_when_the_spread_over_the_horizon_beats_the_fees()
    {
        // Aster 0.08 % per 8 h = 0.01 %/h; Lighter 0.0012 %/h: spread 0.0088 %/h x 24 h = 0.2112 %, fees 0.11 %: edge 0.1012 % >= 0.05 %.
        var decision = FundingArbSignals.Decide(null, Aster(0.0008m), Lighter(0.000012m), Now, Options);
        Assert.Equal((FundingArbAction.Open, "funding_spread", "lighter", "aster"), (decision.Action, decision.Reason, decision.LongVenue, decision.ShortVenue));
        Assert.Equal(0.000088m, decision.SpreadPerHour);
        Assert.Contains("edge 0.1012%", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Flat_it_holds_when_the_spread_does_not_beat_the_fees_by_the_edge_and_says_by_how_much()
    {
        // 0.004 %/h x 24 = 0.096 % < 0.11 % + 0.05 %.
        var decision = FundingArbSignals.Decide(null, Aster(0.00032m), Lighter(0m), Now, Options);
        Assert.Equal((FundingArbAction.Hold, "below_threshold"), (decision.Action, decision.Reason));
        Assert.Contains("edge -0.014%", decision.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Held_it_closes_on_erosion_of_60_percent_on_a_flipped_divergence_and_at_the_time_limit_and_holds_otherwise()
    {
        var held = new FundingArbPosition("lighter", "aster", 0.0001m, Now.AddHours(-10), "arb-1");
        // Spread 0.00005 %/h: eroded 50 %, held.
        Assert.Equal(FundingArbAction.Hold, FundingArbSignals.Decide(held, Aster(0.0004m), Lighter(0m), Now, Options).Action);
        // 0.00004 %/h: eroded 60 %.
        var eroded = FundingArbSignals.Decide(held, Aster(0.00032m), Lighter(0m), Now, Options);
        Assert.Equal((FundingArbAction.Close, "funding_erosion"), (eroded.Action, eroded.Reason));
        Assert.Contains("eroded 60%", eroded.Detail, StringComparison.Ordinal);
        // The short venue now pays less than the long one.
        var flipped = FundingArbSignals.Decide(held, Aster(0m), Lighter(0.00001m), Now, Options);
        Assert.Equal((FundingArbAction.Close, "divergence_flipped"), (flipped.Action, flipped.Reason));
        var late = FundingArbSignals.Decide(held with { OpenedAt = Now.AddHours(-168) }, Aster(0.0008m), Lighter(0m), Now, Options);
        Assert.Equal((FundingArbAction.Close, "time_limit"), (late.Action, late.Reason));
    }

    [Fact]
    public async Task The_strategy_opens_the_pair_through_the_two_leg_executor_then_closes_it_when_the_spread_erodes_and_journals_each_decision()
    {
        await using var h = new TwoLegHarness();
        await h.StartAsync();
        void Funding(decimal aster, decimal lighter)
        {
            h.Aster.Funding[TwoLegHarness.AsterZec] = new FundingInfo(TwoLegHarness.AsterZec, aster, TimeSpan.FromHours(8), Now.AddHours(8), null);
            h.Lighter.Funding[TwoLegHarness.LighterZec] = new FundingInfo(TwoLegHarness.LighterZec, lighter, TimeSpan.FromHours(1), Now.AddHours(1), null);
        }
        // Every resting order is met after a second: both legs fill passively.
        SeedThreeClosingTests.FillRestingAfter(h, h.Aster, TimeSpan.FromSeconds(1));
        SeedThreeClosingTests.FillRestingAfter(h, h.Lighter, TimeSpan.FromSeconds(1));
        var strategy = new FundingArbStrategy(h.Engine, Options with { Quantity = Domain.Values.Quantity.Parse("0.500") });

        Funding(0.0008m, 0.000012m);
        var open = await h.Run(() => strategy.StepAsync(CancellationToken.None));
        Assert.Equal(FundingArbAction.Open, open!.Action);
        Assert.Equal(("lighter", "aster"), (strategy.Position!.LongVenue, strategy.Position.ShortVenue));
        Assert.Equal((-0.5m, 0.5m), (h.AsterPosition, h.LighterPosition));

        var hold = await h.Run(() => strategy.StepAsync(CancellationToken.None));
        Assert.Equal(FundingArbAction.Hold, hold!.Action);

        Funding(0.0002m, 0.000012m);
        var close = await h.Run(() => strategy.StepAsync(CancellationToken.None));
        Assert.Equal((FundingArbAction.Close, "funding_erosion"), (close!.Action, close.Reason));
        Assert.Null(strategy.Position);
        Assert.Equal((0m, 0m), (h.AsterPosition, h.LighterPosition));
        Assert.Equal(["close", "hold", "open"], strategy.Decisions.Select(d => d.Action.ToString().ToLowerInvariant()));
        var ops = h.Engine.ArbBook.All;
        Assert.Equal([("close", "funding_erosion"), ("open", "funding_spread")], ops.Select(o => (TwoLegText.Wire(o.Kind), o.Reason)));
        Assert.All(ops, o => Assert.Equal(FundingArbStrategy.Strategy, o.Strategy));
        await h.Engine.Recorder.FlushAsync(CancellationToken.None);
        Assert.Equal(3, (await h.Journal.GetRecentEngineEventsAsync(100)).Count(e => e.Record.Kind == "arb_decision"));
    }

    [Fact]
    public async Task While_the_engine_is_halted_the_strategy_opens_nothing_and_starts_no_operation()
    {
        await using var h = new TwoLegHarness();
        await h.StartAsync();
        h.Aster.Funding[TwoLegHarness.AsterZec] = new FundingInfo(TwoLegHarness.AsterZec, 0.0008m, TimeSpan.FromHours(8), Now.AddHours(8), null);
        h.Lighter.Funding[TwoLegHarness.LighterZec] = new FundingInfo(TwoLegHarness.LighterZec, 0.000012m, TimeSpan.FromHours(1), Now.AddHours(1), null);
        var strategy = new FundingArbStrategy(h.Engine, Options with { Quantity = Domain.Values.Quantity.Parse("0.500") });
        await h.Engine.KillSwitch.EmergencyStopAsync("a person stopped it", CancellationToken.None);

        for (var i = 0; i < 3; i++) Assert.Null(await h.Run(() => strategy.StepAsync(CancellationToken.None)));

        Assert.Empty(h.Engine.ArbBook.All);
        Assert.Empty(strategy.Decisions);
        Assert.Null(strategy.Position);
        Assert.Equal((0m, 0m), (h.AsterPosition, h.LighterPosition));
    }
}
