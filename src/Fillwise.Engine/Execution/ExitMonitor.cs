using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;

namespace Fillwise.Engine.Execution;

/// <summary>A decision to exit: which lot, why, and at what limit.</summary>
public sealed record ExitTrigger(TrackedLot Lot, ExitReason Reason, Price Limit);

/// <summary>
/// Watches the executable exit price of every open lot in its live book: the best bid for a long,
/// the best ask for a short (none, or a stale book: no trigger). At or past the stop-loss, or at or
/// past the take-profit, it exits at that price; an exit someone asked for (kill switch, refused
/// partial) goes as soon as there is a price. A lot with a live exit order is left alone; once that
/// order is done, whatever remains is watched again and retried. Lots on a venue that is being
/// resynced wait until its picture is whole again, and so do lots on an instrument the venue is not
/// trading (paused, not yet open, closed): an order there would only be refused. A lot whose last exit
/// the venue refused waits 1 s, then 2, 4 ... up to a minute, before the next (never a refusal loop).
/// </summary>
public sealed class ExitMonitor
{
    private readonly PortfolioBook _portfolio;
    private readonly VenueRegistry _venues;
    private readonly ExitExecutor _exits;
    private readonly Func<InstrumentId, bool> _isTrading;

    /// <param name="isTrading">Whether the venue trades an instrument now (by default: always).</param>
    public ExitMonitor(PortfolioBook portfolio, VenueRegistry venues, ExitExecutor exits, Func<InstrumentId, bool>? isTrading = null)
    {
        _portfolio = portfolio;
        _venues = venues;
        _exits = exits;
        _isTrading = isTrading ?? (_ => true);
    }

    /// <summary>Evaluates once and runs every triggered exit to its confirmation (the engine's loop runs them beside itself instead).</summary>
    public async Task<IReadOnlyList<ExitResult>> CheckAsync(CancellationToken cancellationToken)
    {
        var triggers = Evaluate();
        if (triggers.Count == 0) return [];
        return await Task.WhenAll(triggers.Select(t => _exits.ExitAsync(t.Lot, t.Reason, t.Limit, cancellationToken)));
    }

    /// <summary>The exits the current books call for; pure, so it can be tested without a venue.</summary>
    public IReadOnlyList<ExitTrigger> Evaluate()
    {
        var triggers = new List<ExitTrigger>();
        foreach (var lot in _portfolio.OpenLots)
        {
            if (lot.Closing || lot.Quantity.IsZero || _venues.IsResyncing(lot.Instrument.Venue) || !_isTrading(lot.Instrument)) continue;
            if (!_exits.MayExitNow(lot.Id)) continue; // the venue refused its last exit: wait out the backoff
            var quote = _venues.For(lot.Instrument).MarketData.GetQuote(lot.Instrument);
            if (quote is null || quote.IsStale) continue;
            var isLong = lot.Side == PositionSide.Long;
            if ((isLong ? quote.BestBid : quote.BestAsk) is not { } price) continue;

            if (lot.ExitRequested is { } requested)
                triggers.Add(new ExitTrigger(lot, requested, price));
            else if (lot.Plan.StopLoss is { } stop && (isLong ? price <= stop : price >= stop))
                triggers.Add(new ExitTrigger(lot, ExitReason.StopLoss, price));
            else if (lot.Plan.TakeProfit is { } target && (isLong ? price >= target : price <= target))
                triggers.Add(new ExitTrigger(lot, ExitReason.TakeProfit, price));
        }
        return triggers;
    }
}
