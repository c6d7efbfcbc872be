using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Engine.Arbitrage;

/// <summary>
/// The prices a two-leg operation asks, from the leg's live book and the instrument's grid: pure
/// functions, so each rung of the ladder is tested (and benchmarked) on its own. A buy's "own
/// touch" is the best bid and its "far touch" the best ask; a sell's the other way round. Every
/// price is snapped to the grid never more aggressively than computed.
/// </summary>
public static class TwoLegPricing
{
    /// <summary>The spread as a share of the mid, in percent; null without both sides.</summary>
    public static decimal? SpreadPercent(Quote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        if (quote is not { BestBid: { } bid, BestAsk: { } ask }) return null;
        var mid = (bid.Value + ask.Value) / 2m;
        return mid <= 0m ? null : Math.Round((ask.Value - bid.Value) / mid * 100m, 6, MidpointRounding.AwayFromZero);
    }

    /// <summary>Why no limit order may go now (no two-sided live book, or a spread wider than allowed); null when it may.</summary>
    public static string? SpreadGuard(Quote? quote, decimal maxSpreadPercent)
    {
        if (quote is null) return "no book";
        if (quote.IsStale) return "the book is stale";
        if (SpreadPercent(quote) is not { } spread) return "the book is one-sided";
        return spread > maxSpreadPercent ? $"spread {spread:0.####}% is wider than {maxSpreadPercent}%" : null;
    }

    /// <summary>
    /// The passive (post-only) price: the own touch moved <paramref name="offsetTicks"/> towards
    /// the far side, less <paramref name="backoffTicks"/>, never closer than one tick to the far touch.
    /// </summary>
    public static Price? Passive(Instrument instrument, OrderSide side, Quote quote, int offsetTicks, int backoffTicks)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(quote);
        if (quote is not { BestBid: { } bid, BestAsk: { } ask }) return null;
        var ticks = offsetTicks - backoffTicks;
        if (side == OrderSide.Buy)
        {
            var tick = instrument.TickAt(bid).Value;
            var price = Math.Min(bid.Value + ticks * tick, ask.Value - instrument.TickAt(ask).Value);
            return price <= 0m ? null : instrument.SnapToGrid(Price.Of(price), up: false);
        }
        else
        {
            var tick = instrument.TickAt(ask).Value;
            var price = Math.Max(ask.Value - ticks * tick, bid.Value + instrument.TickAt(bid).Value);
            return price <= 0m ? null : instrument.SnapToGrid(Price.Of(price), up: true);
        }
    }

    /// <summary>
    /// The price of one aggressive rung: break-even (no more aggressive than the far touch),
    /// inside (one tick short of the far touch, never behind the own touch), touch (the far touch),
    /// cross (beyond it by <paramref name="crossPercent"/>), market (the bounded worst price).
    /// Null when the rung has no price (no break-even yet, a one-sided book).
    /// </summary>
    public static Price? Rung(TwoLegPhase rung, Instrument instrument, OrderSide side, Quote quote, Price? breakEven, decimal crossPercent, decimal worstPercent)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(quote);
        if (quote is not { BestBid: { } bid, BestAsk: { } ask }) return null;
        var buy = side == OrderSide.Buy;
        var far = buy ? ask : bid;
        var own = buy ? bid : ask;
        decimal price;
        switch (rung)
        {
            case TwoLegPhase.BreakEven:
                if (breakEven is not { } even) return null;
                price = buy ? Math.Min(even.Value, far.Value) : Math.Max(even.Value, far.Value);
                break;
            case TwoLegPhase.Inside:
                var tick = instrument.TickAt(far).Value;
                price = buy ? Math.Max(far.Value - tick, own.Value) : Math.Min(far.Value + tick, own.Value);
                break;
            case TwoLegPhase.Touch:
                price = far.Value;
                break;
            case TwoLegPhase.Cross:
                price = buy ? far.Value * (1m + crossPercent / 100m) : far.Value * (1m - crossPercent / 100m);
                // At least a tick beyond the touch: on a coarse grid a small percentage would snap back to it.
                var step = instrument.TickAt(far).Value;
                price = buy ? Math.Max(price, far.Value + step) : Math.Min(price, far.Value - step);
                break;
            case TwoLegPhase.Market:
                price = buy ? far.Value * (1m + worstPercent / 100m) : far.Value * (1m - worstPercent / 100m);
                break;
            default:
                return null;
        }
        if (price <= 0m) return null;
        // Snapped towards the far side only as far as computed: a buy rounds down, a sell up.
        return instrument.SnapToGrid(Price.Of(Math.Round(price, Price.MaxDecimals)), up: !buy);
    }

    /// <summary>
    /// The lagging leg's break-even price. Opening: the other leg's average fill (the pair's basis is
    /// then nothing lost). Closing, when both entry prices are known: the price at which this leg's
    /// PnL on <paramref name="quantity"/> makes up for what the other leg's close realized, so the
    /// pair's round trip is even; without entry prices, the other leg's average fill.
    /// </summary>
    public static Price? BreakEven(TwoLegKind kind, OrderSide side, Quantity quantity, Price? entry, OrderSide otherSide, Quantity otherFilled, Price? otherAverage,
        Price? otherEntry)
    {
        if (otherAverage is not { } parity || otherFilled.IsZero) return null;
        if (kind == TwoLegKind.Open || entry is not { } own || otherEntry is not { } theirs || quantity.IsZero) return parity;
        // A closing sell ends a long: realized = (exit - entry) x q; a closing buy ends a short: (entry - exit) x q.
        var otherRealized = otherSide == OrderSide.Sell
            ? (parity.Value - theirs.Value) * otherFilled.Value
            : (theirs.Value - parity.Value) * otherFilled.Value;
        var price = side == OrderSide.Sell
            ? own.Value - otherRealized / quantity.Value
            : own.Value + otherRealized / quantity.Value;
        return price > 0m ? Price.Of(Math.Round(price, Price.MaxDecimals)) : null;
    }
}
