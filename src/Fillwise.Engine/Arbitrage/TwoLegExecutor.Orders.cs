using Fillwise.Domain;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Risk;

namespace Fillwise.Engine.Arbitrage;

/// <summary>How a two-leg operation places its orders, reads its books and the venues' positions, and rolls back an open.</summary>
public sealed partial class TwoLegExecutor
{
    /// <summary>A venue's position on one instrument: signed (+ long, − short), its size, its average entry when reported.</summary>
    private sealed record Held(decimal Signed, Quantity Quantity, Price? Entry);

    private static readonly TimeSpan ShortestOrder = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// One order of a leg through the gate and place-and-confirm. Adding to a leg is an entry into
    /// the leg's own lot; anything that reduces (a close, a hedge, a rollback) is a reduce-only exit
    /// on a lot of that instrument (or, where the engine holds no lot for what the venue holds, a
    /// reduce-only hedge order that reconciliation books). The order joins the leg before it is
    /// sent, so its fills count the moment they arrive.
    /// </summary>
    private async Task<ConfirmationResult?> PlaceAsync(TwoLegOperation op, TwoLegLeg leg, TwoLegPhase phase, OrderSide side, Quantity quantity, Price price,
        VenueTimeInForce timeInForce, bool postOnly, TimeSpan timeout, CancellationToken stopWaiting, CancellationToken ct, bool reduceOnly = false)
    {
        var reducing = leg.Closing || reduceOnly || side != leg.Side;
        var id = _ids.Next();
        TrackedLot? exitLot = null;
        OrderPurpose purpose;
        if (!reducing)
        {
            purpose = OrderPurpose.Entry;
            _portfolio.RegisterEntry(id, leg.Lot!.Value, new LotPlan(op.Strategy, leg.Held, null, null, leg.Target, $"arb {op.Id} ({op.Reason})"));
        }
        else
        {
            exitLot = ExitLot(leg);
            if (exitLot is not null)
            {
                quantity = Quantity.Min(quantity, exitLot.Quantity);
                purpose = OrderPurpose.Exit;
                _portfolio.RegisterExit(id, exitLot.Id, ExitReason.TwoLeg);
            }
            else
            {
                purpose = OrderPurpose.Hedge;
            }
        }
        var intent = new OrderIntent(id, leg.Id, side, quantity, price, purpose, op.Strategy, _time.GetUtcNow(), timeInForce,
            ReduceOnly: reducing, PostOnly: postOnly, Reason: purpose == OrderPurpose.Exit ? ExitReason.TwoLeg.ToWire() : $"arb {op.Id} {TwoLegText.Wire(phase)}",
            PositionId: purpose == OrderPurpose.Entry ? leg.Lot : exitLot?.Id);

        // The passive orders of an open add exposure: they meet the limits. A hedge of a filled leg
        // and anything reducing only meet the instrument's rules and the trading state.
        var admitted = purpose == OrderPurpose.Entry && phase == TwoLegPhase.Passive;
        var decision = admitted ? _gate.Admit(intent, leg.Instrument) : _gate.Check(intent, leg.Instrument);
        try
        {
            op.Enter(phase);
            ConfirmationResult result;
            if (!decision.Allowed)
            {
                result = _confirmation.Deny(intent, decision.Reason!);
                leg.Add(result.Order, phase, postOnly, reducing);
            }
            else
            {
                TwoLegLog.Phase(_logger, op.Id, TwoLegText.Wire(phase), leg.Id, side.ToWire(), quantity, price);
                var other = op.Other(leg);
                var options = new ConfirmationOptions { FillTimeout = timeout < ShortestOrder ? ShortestOrder : timeout, PollInterval = Options.PollInterval };
                result = await _confirmation.PlaceAndConfirmAsync(intent, options, ct, order =>
                {
                    leg.Add(order, phase, postOnly, reducing);
                    if (exitLot is not null) _portfolio.AttachExit(exitLot, order, ExitReason.TwoLeg);
                    // From the other leg's completion to its hedge on the wire (the executor's own reaction time).
                    if (phase != TwoLegPhase.Passive && other.CompletedAt is { } completed) op.RecordHedgeLatency(_time.GetElapsedTime(completed));
                }, stopWaiting);
            }
            _metrics.RecordOrder(result);
            Book.Touch(op);
            return result;
        }
        finally
        {
            if (admitted) _gate.Release(id);
            if (exitLot is not null) _portfolio.EndExitStart(exitLot);
        }
    }

    /// <summary>The lot a reducing order of this leg takes from: its own lot first, else the largest one on the side it reduces; claimed for the exit.</summary>
    private TrackedLot? ExitLot(TwoLegLeg leg)
    {
        var candidates = _portfolio.FindByInstrument(leg.Id)
            .Where(l => l.Side == leg.Held && !l.IsClosed)
            .OrderByDescending(l => leg.Lot is { } own && l.Id == own)
            .ThenByDescending(l => l.Quantity);
        foreach (var lot in candidates)
        {
            try
            {
                _portfolio.BeginExit(lot);
                return lot;
            }
            catch (DomainException)
            {
                // Another exit works on it (a stop, the kill switch's flatten): the next lot, or a hedge order.
            }
        }
        return null;
    }

    /// <summary>The next order's size: what the leg still lacks, on the step; null when that is below what the venue takes (the residual step's).</summary>
    private static Quantity? OrderQuantity(TwoLegLeg leg, Price price)
    {
        var quantity = leg.Instrument.FloorToStep(leg.Remaining);
        if (quantity.IsZero) return null;
        if (leg.Instrument.Check(quantity, price, leg.Closing) is { } violation && IsMinimum(violation.Reason))
        {
            leg.Problem ??= $"below the venue's minimum ({violation.Message})";
            return null;
        }
        return quantity;
    }

    /// <summary>The leg's live book: null when not followed yet or stale (nothing is priced from an old picture).</summary>
    private Quote? Quote(TwoLegLeg leg) => _venues.For(leg.Id).MarketData.GetQuote(leg.Id) is { IsStale: false } quote ? quote : null;

    /// <summary>Follows both books and gives them a moment to arrive (a first quote after subscribing).</summary>
    private async Task WatchAsync(TwoLegOperation op, CancellationToken ct)
    {
        foreach (var leg in op.Legs) await _venues.For(leg.Id).MarketData.WatchAsync(leg.Id, ct);
        for (var i = 0; i < 20 && op.Legs.Any(l => Quote(l) is not { BestBid: not null, BestAsk: not null }); i++)
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct);
    }

    private Task<Dictionary<InstrumentId, Held>> PositionsAsync(TwoLegOperation op, CancellationToken ct)
    {
        var legs = op.Legs;
        return PositionsAsync(legs[0].Instrument, legs[1].Instrument, ct);
    }

    /// <summary>What each venue holds on each instrument, read again (a read that fails is tried a few times: it decides what is sent).</summary>
    private async Task<Dictionary<InstrumentId, Held>> PositionsAsync(Instrument first, Instrument second, CancellationToken ct)
    {
        var result = new Dictionary<InstrumentId, Held>();
        foreach (var venue in new[] { first.Id.Venue, second.Id.Venue }.Distinct())
        {
            IReadOnlyList<PositionReport> reports = [];
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    reports = await _venues[venue].Reports.GetPositionsAsync(ct);
                    break;
                }
                catch (VenueException) when (attempt < 3)
                {
                    await Task.Delay(Options.PollInterval, _time, ct);
                }
            }
            foreach (var instrument in new[] { first, second }.Where(i => i.Id.Venue == venue))
            {
                var held = reports.FirstOrDefault(p => p.Instrument == instrument.Id && !p.Quantity.IsZero);
                result[instrument.Id] = held is null
                    ? new Held(0m, Quantity.Zero, null)
                    : new Held(held.Side == PositionSide.Long ? held.Quantity.Value : -held.Quantity.Value, held.Quantity, held.AverageEntryPrice);
            }
        }
        return result;
    }

    /// <summary>
    /// A closing leg's target, checked against its venue: never more than the venue still holds on
    /// the side it closes, never more than its fills leave to close (a position read that lags the
    /// fills must not send the leg again: seed 003's slow partials).
    /// </summary>
    private async Task TargetsFromPositionsAsync(TwoLegOperation op, CancellationToken ct)
    {
        var positions = await PositionsAsync(op, ct);
        foreach (var leg in op.Legs.Where(l => l.Closing))
        {
            var now = positions[leg.Id];
            var stillHeld = (now.Signed > 0m) == (leg.Held == PositionSide.Long) && now.Signed != 0m ? now.Quantity : Quantity.Zero;
            var left = Quantity.Min(leg.Remaining, stillHeld);
            if (left != leg.Remaining) op.Note($"{leg.Id}: the venue holds {stillHeld}; {left} left to close");
            leg.Target = leg.Filled + leg.Dust + left;
        }
        Book.Touch(op);
    }

    /// <summary>
    /// An open whose lagging leg could not be brought level: the venues are read again and only the
    /// exposure the operation created there (net of both legs, against what they held before) is
    /// reduced, reduce-only, on the leg that went further. A balanced pair is not touched; a flat
    /// leg is never sent anything.
    /// </summary>
    private async Task RollbackOpenAsync(TwoLegOperation op, CancellationToken ct)
    {
        var problem = string.Join("; ", op.Legs.Where(l => l.Problem is not null).Select(l => $"{l.Id}: {l.Problem}"));
        var positions = await PositionsAsync(op, ct);
        var created = op.Legs.Sum(l => positions[l.Id].Signed - l.Baseline);
        var tolerance = op.Legs.Sum(l => l.Dust.Value) + op.Legs.Max(l => l.Instrument.Step.Value) / 2m;
        if (Math.Abs(created) <= tolerance)
        {
            op.Note("the venues show the pair level: nothing to roll back");
            Finish(op, TwoLegOutcome.Success, null);
            return;
        }
        var over = op.Legs.OrderByDescending(l => Math.Sign(positions[l.Id].Signed - l.Baseline) == Math.Sign(created) ? Math.Abs(positions[l.Id].Signed - l.Baseline) : -1m).First();
        var now = positions[over.Id].Signed;
        // Reduce-only can only shrink what is held on the side that went too far.
        var reducible = Math.Sign(now) == Math.Sign(created) ? Math.Abs(now) : 0m;
        var amount = over.Instrument.FloorToStep(Quantity.Of(Math.Min(Math.Min(Math.Abs(created), Math.Abs(now - over.Baseline)), reducible)));
        if (amount.IsZero)
        {
            Finish(op, TwoLegOutcome.Failed, $"not hedged ({problem}); the venues show {Math.Abs(created)} {op.Symbol} of exposure that no reduce-only order can take back");
            return;
        }
        var side = created > 0m ? OrderSide.Sell : OrderSide.Buy;
        TwoLegLog.Rollback(_logger, op.Id, amount, over.Id, problem);
        op.Enter(TwoLegPhase.Rollback);
        var before = ReducedBy(over, side);
        await MarketAsync(op, over, TwoLegPhase.Rollback, side, () => Quantity.Shortfall(amount, ReducedBy(over, side) - before), ct, reduceOnly: true);
        var after = await PositionsAsync(op, ct);
        var left = op.Legs.Sum(l => after[l.Id].Signed - l.Baseline);
        Finish(op, TwoLegOutcome.Failed, $"not hedged ({problem}); rolled back {ReducedBy(over, side) - before} on {over.Id}; the venues now show {Math.Abs(left)} {op.Symbol} of exposure from this operation");
    }

    /// <summary>What the leg's orders on <paramref name="side"/> have filled (a rollback's progress).</summary>
    private static Quantity ReducedBy(TwoLegLeg leg, OrderSide side) =>
        leg.Orders.Where(o => o.Side == side).Aggregate(Quantity.Zero, (s, o) => s + o.Filled);
}
