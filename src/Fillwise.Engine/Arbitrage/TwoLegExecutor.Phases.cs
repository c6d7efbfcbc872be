using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;

namespace Fillwise.Engine.Arbitrage;

/// <summary>The phases of a two-leg operation: passive, the aggressive ladder, residuals below a venue's minimum.</summary>
public sealed partial class TwoLegExecutor
{
    private static readonly TwoLegPhase[] LimitRungs = [TwoLegPhase.BreakEven, TwoLegPhase.Inside, TwoLegPhase.Touch, TwoLegPhase.Cross];

    /// <summary>
    /// Both legs post-only until one is complete or the phase times out. A complete leg ends the
    /// other's wait at once; the other's order is then canceled, the cancel's answer awaited and
    /// its final fills read (place-and-confirm does that), so what follows works from final counts.
    /// </summary>
    private async Task PassiveAsync(TwoLegOperation op, bool critical, CancellationToken ct)
    {
        var legs = op.Legs;
        var deadline = _time.GetUtcNow() + Options.PassiveTimeout;
        var stops = legs.ToDictionary(l => l, _ => new CancellationTokenSource());
        try
        {
            void Completed(TwoLegLeg leg)
            {
                leg.CompletedAt ??= _time.GetTimestamp();
                foreach (var other in legs.Where(l => l != leg)) stops[other].Cancel();
            }
            foreach (var leg in legs.Where(l => l.Complete)) Completed(leg);
            if (legs.All(l => l.Complete)) return;
            op.Enter(TwoLegPhase.Passive);
            Book.Touch(op);
            await Task.WhenAll(legs.Select(async leg =>
            {
                await PassiveLegAsync(op, leg, deadline, critical, stops[leg].Token, ct);
                if (leg.Complete)
                {
                    TwoLegLog.LegComplete(_logger, op.Id, leg.Id, leg.Filled, leg.Target);
                    Completed(leg);
                }
            }));
        }
        finally
        {
            foreach (var s in stops.Values) s.Dispose();
        }
    }

    private async Task PassiveLegAsync(TwoLegOperation op, TwoLegLeg leg, DateTimeOffset deadline, bool critical, CancellationToken stop, CancellationToken ct)
    {
        var backoff = 0;
        var guarded = false;
        while (!leg.Complete && !stop.IsCancellationRequested && _time.GetUtcNow() < deadline)
        {
            var quote = Quote(leg);
            if (!critical && TwoLegPricing.SpreadGuard(quote, Options.MaxSpreadPercent) is { } why)
            {
                if (!guarded) TwoLegLog.Guarded(_logger, op.Id, leg.Id, why);
                guarded = true;
                await PauseAsync(Options.PollInterval, deadline, stop, ct);
                continue;
            }
            if (quote is null || TwoLegPricing.Passive(leg.Instrument, leg.Side, quote, Options.PassiveOffsetTicks, backoff) is not { } price)
            {
                await PauseAsync(Options.PollInterval, deadline, stop, ct);
                continue;
            }
            if (OrderQuantity(leg, price) is not { } quantity) return; // what is left is below the minimum: the residual step decides
            var result = await PlaceAsync(op, leg, TwoLegPhase.Passive, leg.Side, quantity, price, VenueTimeInForce.GoodTillCanceled, postOnly: true,
                deadline - _time.GetUtcNow(), stop, ct);
            if (result is null) return;
            if (result.Rejection?.Reason == RejectionReason.PostOnlyWouldCross)
            {
                backoff += Options.RepriceBackoffTicks;
                TwoLegLog.Reprice(_logger, op.Id, leg.Id, backoff);
                await PauseAsync(Options.RepriceDelay, deadline, stop, ct);
                continue;
            }
            if (Stopped(op, leg, result)) return;
            if (result.Outcome == ConfirmationOutcome.Rejected) await PauseAsync(Options.RepriceDelay, deadline, stop, ct);
        }
    }

    /// <summary>
    /// What a leg still lacks, rung by rung: break-even against the other leg's fills, inside the
    /// spread, the far touch, across it (each a few short-lived limit orders within the ladder's
    /// budget, each behind the spread guard unless critical), then immediate-or-cancel orders at the
    /// bounded worst price. Each order is sized from what the leg's orders have filled so far.
    /// </summary>
    private async Task LadderAsync(TwoLegOperation op, TwoLegLeg leg, bool critical, CancellationToken ct)
    {
        var other = op.Other(leg);
        var budgetEnd = _time.GetUtcNow() + Options.AggressiveTimeout;
        foreach (var rung in LimitRungs)
        {
            for (var attempt = 0; attempt < Options.AttemptsPerRung; attempt++)
            {
                if (leg.Complete || _time.GetUtcNow() >= budgetEnd) break;
                var quote = Quote(leg);
                if (!critical && TwoLegPricing.SpreadGuard(quote, Options.MaxSpreadPercent) is { } why)
                {
                    TwoLegLog.Guarded(_logger, op.Id, leg.Id, why);
                    await PauseAsync(Options.AttemptTimeout, budgetEnd, CancellationToken.None, ct);
                    continue;
                }
                if (quote is null) continue;
                var breakEven = rung == TwoLegPhase.BreakEven
                    ? TwoLegPricing.BreakEven(op.Kind, leg.Side, leg.Remaining, leg.Entry, other.Side, other.Filled, other.AveragePrice, other.Entry)
                    : null;
                if (TwoLegPricing.Rung(rung, leg.Instrument, leg.Side, quote, breakEven, Options.CrossPercent, Options.MarketWorstPricePercent) is not { } price) break;
                if (OrderQuantity(leg, price) is not { } quantity) return;
                var timeout = TimeSpan.FromTicks(Math.Min(Options.AttemptTimeout.Ticks, (budgetEnd - _time.GetUtcNow()).Ticks));
                var result = await PlaceAsync(op, leg, rung, leg.Side, quantity, price, VenueTimeInForce.GoodTillCanceled, postOnly: false, timeout, default, ct);
                if (result is null || Stopped(op, leg, result)) return;
            }
            if (leg.Complete) return;
        }
        await MarketAsync(op, leg, TwoLegPhase.Market, leg.Side, () => leg.Remaining, ct);
    }

    /// <summary>Immediate-or-cancel orders at the bounded worst price until <paramref name="remaining"/> is done or the attempts run out.</summary>
    private async Task MarketAsync(TwoLegOperation op, TwoLegLeg leg, TwoLegPhase phase, OrderSide side, Func<Quantity> remaining, CancellationToken ct,
        bool reduceOnly = false)
    {
        for (var attempt = 0; attempt < Options.MarketAttempts; attempt++)
        {
            var left = remaining();
            if (left.Value < leg.Instrument.Step.Value / 2m) return;
            var quote = Quote(leg);
            if (quote is null || TwoLegPricing.Rung(TwoLegPhase.Market, leg.Instrument, side, quote, null, Options.CrossPercent, Options.MarketWorstPricePercent) is not { } price)
            {
                await PauseAsync(Options.PollInterval, DateTimeOffset.MaxValue, CancellationToken.None, ct);
                continue;
            }
            var quantity = leg.Instrument.FloorToStep(left);
            if (quantity.IsZero) return;
            if (leg.Instrument.Check(quantity, price, reduceOnly || leg.Closing) is { } violation && IsMinimum(violation.Reason)) return;
            var result = await PlaceAsync(op, leg, phase, side, quantity, price, VenueTimeInForce.ImmediateOrCancel, postOnly: false, Options.AttemptTimeout, default, ct,
                reduceOnly);
            if (result is null || Stopped(op, leg, result)) return;
        }
    }

    /// <summary>
    /// A leg's remainder that no order can carry (below the venue's minimum, or less than a step):
    /// tried reduce-only on the leg that holds it (a closing leg's own position; an opening pair's
    /// leading leg, which holds the excess), where the venue allows reduce-only at that size; else
    /// tracked as dust, and the operation goes on as done (the 0.021 case).
    /// </summary>
    private async Task ResidualAsync(TwoLegOperation op, TwoLegLeg leg, CancellationToken ct)
    {
        var left = leg.Remaining;
        if (left.Value < leg.Instrument.Step.Value / 2m) return;
        var quote = Quote(leg);
        var reference = quote?.BestBid ?? quote?.BestAsk ?? leg.AveragePrice ?? op.Other(leg).AveragePrice;
        var tradeable = leg.Instrument.FloorToStep(left);
        var below = tradeable.IsZero || reference is not { } price || leg.Instrument.IsBelowMinimum(tradeable, price);
        // A remainder an order could carry is not dust: what is left of it is the rollback's (open) or the failure's (close) to name.
        if (!below) return;

        var holder = leg.Closing ? leg : op.Other(leg);
        var side = leg.Closing ? leg.Side : holder.OtherSide;
        var hedge = holder.Instrument.FloorToStep(left);
        var hedgePrice = Quote(holder) is { } q ? TwoLegPricing.Rung(TwoLegPhase.Market, holder.Instrument, side, q, null, Options.CrossPercent, Options.MarketWorstPricePercent) : null;
        if (!hedge.IsZero && hedgePrice is { } hp && holder.Instrument.Check(hedge, hp, reduceOnly: true) is null && await CanReduceAsync(op, holder, side, hedge, ct))
        {
            var before = holder.Filled;
            await MarketAsync(op, holder, TwoLegPhase.Hedge, side, () => leg.Closing ? leg.Remaining : Quantity.Shortfall(hedge, Quantity.Shortfall(before, holder.Filled)), ct,
                reduceOnly: true);
            if (!leg.Closing)
            {
                // The leading leg gave back what the lagging one could not add: both targets are what is now held.
                holder.Target = holder.Filled;
                leg.Target = Quantity.Min(leg.Target, holder.Filled);
            }
            if (leg.Complete) return;
            left = leg.Remaining;
        }
        var why = $"{left} {leg.Id} is below the venue's minimum ({leg.Instrument.MinQuantity}, {leg.Instrument.MinNotional} notional) and reduce-only is not spared it";
        TwoLegLog.Dust(_logger, op.Id, left, leg.Id, why);
        op.AddDust(leg, left, why);
        Book.Touch(op);
    }

    /// <summary>
    /// Whether a reduce-only order of <paramref name="quantity"/> on <paramref name="side"/> can go
    /// on this leg's venue: it holds at least that much on the other side (an open's leg may have
    /// only shrunk a position held the other way, which reduce-only cannot take back).
    /// </summary>
    private async Task<bool> CanReduceAsync(TwoLegOperation op, TwoLegLeg leg, OrderSide side, Quantity quantity, CancellationToken ct)
    {
        var held = (await PositionsAsync(op, ct))[leg.Id].Signed;
        return side == OrderSide.Sell ? held >= quantity.Value : -held >= quantity.Value;
    }

    /// <summary>
    /// Whether a result stops the leg; notes why on the leg. A refusal that may pass on the next
    /// try (rate limited, anything unclassified) only uses up its attempt; one that will not
    /// (below the minimum, a reduce-only the venue says would grow the position, no money, a
    /// closed market), a denial, or an unknown outcome (the order may still be live: nothing more
    /// is sent beside it) stops the leg.
    /// </summary>
    private bool Stopped(TwoLegOperation op, TwoLegLeg leg, ConfirmationResult result)
    {
        var (problem, stops) = result.Outcome switch
        {
            ConfirmationOutcome.Rejected when result.Rejection is { } r && IsMinimum(r.Reason) => ($"below the venue's minimum ({r})", true),
            ConfirmationOutcome.Rejected when result.Rejection is { Reason: RejectionReason.RateLimited or RejectionReason.Other } => ($"refused by {leg.Venue}: {result.Error}", false),
            ConfirmationOutcome.Rejected => ($"refused by {leg.Venue}: {result.Error}", true),
            ConfirmationOutcome.Denied => ($"denied: {result.Error}", true),
            ConfirmationOutcome.Unknown => ($"order {result.ClientOrderId} outcome unknown: it stays tracked until the venue answers", true),
            _ => ((string?)null, false),
        };
        if (problem is null) return false;
        leg.Problem = problem;
        op.Note($"{leg.Id}: {problem}");
        if (stops) TwoLegLog.LegStopped(_logger, op.Id, leg.Id, problem);
        return stops;
    }

    private static bool IsMinimum(RejectionReason reason) => reason is RejectionReason.BelowMinimumSize or RejectionReason.BelowMinimumNotional;

    private async Task PauseAsync(TimeSpan pause, DateTimeOffset deadline, CancellationToken stop, CancellationToken ct)
    {
        var left = deadline - _time.GetUtcNow();
        if (left <= TimeSpan.Zero) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stop);
        try
        {
            await Task.Delay(left < pause ? left : pause, _time, linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }
}
