using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Arbitrage;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Arbitrage;

/// <summary>
/// Seed 003's two closing trades and the four ways they went wrong, each reproduced on scripted
/// venues with Aster's and Lighter's rules and shown fixed: both legs aggressive at once, a 0.021
/// residual below Lighter's minimum "hedged" (and refused), a close that had succeeded rolled
/// back, a leg filled in slow partials hedged again.
/// </summary>
public sealed class SeedThreeClosingTests
{
    /// <summary>Trade 1: ASTER short 2.3320 @ 495.791668, LIGHTER long 2.3110 @ 495.246 (0.021 apart).</summary>
    private static async Task<TwoLegHarness> TradeOne(TwoLegOptions? options = null)
    {
        var h = new TwoLegHarness(options);
        h.Hold(TwoLegHarness.AsterZec, -2.332m, 495.791668m);
        h.Hold(TwoLegHarness.LighterZec, 2.311m, 495.246m);
        await h.StartAsync();
        return h;
    }

    /// <summary>Fills each resting order of ours on <paramref name="venue"/> fully once it has rested <paramref name="after"/>.</summary>
    internal static void FillRestingAfter(TwoLegHarness h, ScriptedVenue venue, TimeSpan after)
    {
        var seen = new Dictionary<VenueOrderId, DateTimeOffset>();
        h.Every(() =>
        {
            if (TwoLegHarness.Resting(venue) is not { } order) return;
            if (!seen.TryGetValue(order.Id, out var since)) seen[order.Id] = since = h.Clock.GetUtcNow();
            if (h.Clock.GetUtcNow() - since >= after) venue.Fill(order, order.Remaining.Value);
        });
    }

    [Fact]
    public async Task A_close_starts_passive_on_both_legs_post_only_at_the_touch_and_reduce_only_not_aggressive_at_once()
    {
        await using var h = await TradeOne();
        FillRestingAfter(h, h.Aster, TimeSpan.FromSeconds(1));
        FillRestingAfter(h, h.Lighter, TimeSpan.FromSeconds(1));

        var op = await h.CloseAsync();

        Assert.Equal(TwoLegOutcome.Success, op.Outcome);
        var aster = Assert.Single(h.AsterSent);
        var lighter = Assert.Single(h.LighterSent);
        // Each leg closes its own position at its own touch, maker-only: a buy at Aster's bid, a sell at Lighter's ask.
        Assert.Equal((OrderSide.Buy, Quantity.Parse("2.332"), Price.Parse("513.99"), true, true),
            (aster.Side, aster.Quantity, aster.LimitPrice, aster.PostOnly, aster.ReduceOnly));
        Assert.Equal((OrderSide.Sell, Quantity.Parse("2.311"), Price.Parse("514.033"), true, true),
            (lighter.Side, lighter.Quantity, lighter.LimitPrice, lighter.PostOnly, lighter.ReduceOnly));
        Assert.Equal([TwoLegPhase.Passive], op.Phases);
        Assert.Equal((0m, 0m), (h.AsterPosition, h.LighterPosition));
        Assert.Empty(h.ReduceOnlyViolations);
    }

    [Fact]
    public async Task Both_legs_filled_with_the_0_021_difference_there_before_the_close_is_success_with_no_0_021_order_and_no_rollback()
    {
        await using var h = await TradeOne();
        FillRestingAfter(h, h.Aster, TimeSpan.FromSeconds(1));
        FillRestingAfter(h, h.Lighter, TimeSpan.FromSeconds(1));
        // Anything more sent to Lighter would be refused as the seed's was (21706): it must not be sent at all.
        var sentAfterBothFilled = 0;
        h.Every(() =>
        {
            if (h.AsterPosition == 0m && h.LighterPosition == 0m) sentAfterBothFilled = h.AsterSent.Count + h.LighterSent.Count;
        });

        var op = await h.CloseAsync();

        Assert.Equal(TwoLegOutcome.Success, op.Outcome);
        Assert.False(op.RolledBack);
        Assert.DoesNotContain(TwoLegPhase.Rollback, op.Phases);
        Assert.DoesNotContain(h.AsterSent.Concat(h.LighterSent), i => i.Quantity == Quantity.Parse("0.021"));
        Assert.Equal(2, h.AsterSent.Count + h.LighterSent.Count);
        Assert.Equal(2, sentAfterBothFilled);
        Assert.Empty(op.Dust);
        Assert.Equal((0m, 0m), (h.AsterPosition, h.LighterPosition));
        Assert.Equal(["2.332", "2.311"], op.Legs.Select(l => l.Filled.ToString()));
    }

    [Fact]
    public async Task A_0_021_residual_below_lighters_minimum_is_tracked_dust_and_never_sent_to_either_venue()
    {
        await using var h = new TwoLegHarness();
        h.Hold(TwoLegHarness.AsterZec, -2.332m, 495.791668m);
        h.Hold(TwoLegHarness.LighterZec, 2.332m, 495.246m);
        await h.StartAsync();
        FillRestingAfter(h, h.Aster, TimeSpan.FromSeconds(2));
        // Lighter's passive order fills 2.311 of 2.332; the rest, 0.021, is below Lighter's 0.05 minimum.
        h.Every(() =>
        {
            if (TwoLegHarness.Resting(h.Lighter) is { Filled.IsZero: true } order) h.Lighter.Fill(order, 2.311m);
        });

        var op = await h.CloseAsync();

        Assert.Equal(TwoLegOutcome.Success, op.Outcome);
        var dust = Assert.Single(op.Dust);
        Assert.Equal(("lighter", Quantity.Parse("0.021")), (dust.Venue, dust.Quantity));
        Assert.DoesNotContain(h.AsterSent.Concat(h.LighterSent), i => i.Quantity == Quantity.Parse("0.021"));
        Assert.False(op.RolledBack);
        Assert.Equal((0m, 0.021m), (h.AsterPosition, h.LighterPosition));
        Assert.Empty(h.ReduceOnlyViolations);
    }

    [Fact]
    public async Task A_close_that_succeeded_is_never_rolled_back_even_when_the_venue_refuses_everything_afterwards()
    {
        await using var h = await TradeOne();
        FillRestingAfter(h, h.Aster, TimeSpan.FromSeconds(1));
        FillRestingAfter(h, h.Lighter, TimeSpan.FromSeconds(1));
        // After its close, Lighter refuses every order (the seed's 21706): nothing may be sent to be refused.
        h.OnLighter = i => h.LighterSent.Count > 1 ? new SubmitScript(SubmitKind.Reject, Code: "21706", Reason: RejectionReason.BelowMinimumSize) : SubmitScript.Accept;

        var op = await h.CloseAsync();
        // Time passes after the end: nothing more happens to the operation or on the venues.
        await h.Run(() => Task.Delay(TimeSpan.FromSeconds(30), h.Clock));

        Assert.Equal(TwoLegOutcome.Success, op.Outcome);
        Assert.False(op.RolledBack);
        Assert.Single(h.LighterSent);
        Assert.Single(h.AsterSent);
        var last = Assert.Single(h.Engine.ArbBook.All);
        Assert.Equal((TwoLegOutcome.Success, false), (last.Outcome, last.RolledBack));
        Assert.Equal((0m, 0m), (h.AsterPosition, h.LighterPosition));
    }

    [Fact]
    public async Task A_leg_that_fills_in_slow_partials_after_post_only_refusals_is_complete_once_and_never_hedged_again()
    {
        // Trade 2: ASTER long 2.983 @ 503.66, LIGHTER short 2.983 @ 502.791.
        await using var h = new TwoLegHarness();
        h.Hold(TwoLegHarness.AsterZec, 2.983m, 503.66m);
        h.Hold(TwoLegHarness.LighterZec, -2.983m, 502.791m);
        h.Aster.SetBid(TwoLegHarness.AsterZec, 517.64m, 517.66m);
        h.Lighter.SetBid(TwoLegHarness.LighterZec, 516.800m, 516.820m);
        await h.StartAsync();
        // Lighter: two post-only orders crossed (canceled-post-only), the third rests and fills 0.700, 0.930 ... 2.983 a second at a time.
        h.OnLighter = i => i.PostOnly && h.LighterSent.Count <= 2 ? new SubmitScript(SubmitKind.ExpirePostOnly) : SubmitScript.Accept;
        var pieces = new Queue<decimal>([0.700m, 0.230m, 0.117m, 0.183m, 0.194m, 0.660m, 0.593m, 0.306m]);
        var next = DateTimeOffset.MinValue;
        h.Every(() =>
        {
            if (TwoLegHarness.Resting(h.Lighter) is not { } order || pieces.Count == 0 || h.Clock.GetUtcNow() < next) return;
            h.Lighter.Fill(order, pieces.Dequeue());
            next = h.Clock.GetUtcNow() + TimeSpan.FromSeconds(1);
        });
        // Aster: nobody takes its passive offer; an order that reaches the bid fills at once (the fallback).
        h.Every(() =>
        {
            if (TwoLegHarness.Resting(h.Aster) is { } order && order.LimitPrice <= Price.Parse("517.64")) h.Aster.Fill(order, order.Remaining.Value);
        });

        var op = await h.CloseAsync(reason: "divergence_flipped");

        Assert.Equal(TwoLegOutcome.Success, op.Outcome);
        Assert.Equal((0m, 0m), (h.AsterPosition, h.LighterPosition));
        // Lighter: two refusals re-priced a tick further back each time, then the one order that filled 2.983 in pieces; nothing after.
        Assert.Equal(3, h.LighterSent.Count);
        Assert.All(h.LighterSent, i => Assert.True(i.PostOnly && i.ReduceOnly && i.Side == OrderSide.Buy));
        Assert.Equal(["516.8", "516.799", "516.798"], h.LighterSent.Select(i => i.LimitPrice.ToString()));
        var lighter = op.Legs.Single(l => l.Venue == "lighter");
        Assert.Equal(Quantity.Parse("2.983"), lighter.Filled);
        Assert.Equal([OrderStatus.Rejected, OrderStatus.Rejected, OrderStatus.Filled], lighter.Orders.Select(o => o.Status));
        // Aster: its passive order canceled when Lighter completed, then the ladder up to the touch, where it filled.
        var aster = op.Legs.Single(l => l.Venue == "aster");
        Assert.Equal(TwoLegPhase.Passive, aster.Orders[0].Phase);
        Assert.Equal(Quantity.Zero, aster.Orders[0].Filled);
        Assert.Equal(TwoLegPhase.Touch, aster.Orders[^1].Phase);
        Assert.Equal(Quantity.Parse("2.983"), aster.Filled);
        Assert.Equal([TwoLegPhase.Passive, TwoLegPhase.BreakEven, TwoLegPhase.Inside, TwoLegPhase.Touch], op.Phases);
        Assert.NotNull(op.HedgeLatency);
        Assert.Empty(op.Dust);
        Assert.Empty(h.ReduceOnlyViolations);
    }
}
