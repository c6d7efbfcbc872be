using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Portfolio;

namespace Fillwise.Engine.Execution;

/// <summary>A decision to exit: which position, why, and at what limit.</summary>
public sealed record ExitTrigger(TrackedPosition Position, ExitReason Reason, ContractPrice Limit);

/// <summary>
/// Watches the executable exit price of every open position, the best bid for the held outcome in
/// the live book (no bid, no trigger): at or below the stop-loss, or at or above the take-profit,
/// it sells at that bid. A position with a live exit order is left alone; once that order is done,
/// whatever remains is watched again and retried.
/// </summary>
public sealed class ExitMonitor
{
    private readonly PortfolioBook _portfolio;
    private readonly IMarketQuotes _quotes;
    private readonly ExitExecutor _exits;

    public ExitMonitor(PortfolioBook portfolio, IMarketQuotes quotes, ExitExecutor exits)
    {
        _portfolio = portfolio;
        _quotes = quotes;
        _exits = exits;
    }

    /// <summary>The exits the current book calls for; pure, so it can be tested without a venue.</summary>
    public IReadOnlyList<ExitTrigger> Evaluate()
    {
        var triggers = new List<ExitTrigger>();
        foreach (var position in _portfolio.OpenPositions)
        {
            if (position.Closing || position.Contracts.IsZero) continue;
            if (_quotes.BestBid(position.Ticker, position.Side) is not { } bid) continue;
            if (position.Plan.StopLoss is { } stop && bid <= stop)
                triggers.Add(new ExitTrigger(position, ExitReason.StopLoss, bid));
            else if (position.Plan.TakeProfit is { } target && bid >= target)
                triggers.Add(new ExitTrigger(position, ExitReason.TakeProfit, bid));
        }
        return triggers;
    }

    /// <summary>Evaluates once and runs every triggered exit to its confirmation.</summary>
    public async Task<IReadOnlyList<ExitResult>> CheckAsync(CancellationToken cancellationToken)
    {
        var triggers = Evaluate();
        if (triggers.Count == 0) return [];
        return await Task.WhenAll(triggers.Select(t => _exits.ExitAsync(t.Position, t.Reason, t.Limit, cancellationToken)));
    }
}
