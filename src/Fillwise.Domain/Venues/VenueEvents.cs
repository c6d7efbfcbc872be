using Fillwise.Domain.Values;

namespace Fillwise.Domain.Venues;

/// <summary>What a venue's private stream says as it happens (Kalshi: fill, user_orders).</summary>
public abstract record VenueEvent
{
    public sealed record FillReceived(VenueFill Fill) : VenueEvent;

    public sealed record OrderUpdated(VenueOrderReport Order) : VenueEvent;

    /// <summary>The stream reconnected: anything may have been missed since <paramref name="Since"/>; ask REST.</summary>
    public sealed record ResyncNeeded(DateTimeOffset Since) : VenueEvent;

    public sealed record MarketSettled(MarketTicker Ticker, OutcomeSide Result) : VenueEvent;
}

/// <summary>The live book's executable prices: the best bid for an outcome is what a sell gets now.</summary>
public interface IMarketQuotes
{
    /// <summary>Best bid on <paramref name="side"/> in that side's price, or null when no bid or the book is stale.</summary>
    Price? BestBid(MarketTicker ticker, OutcomeSide side);
}
