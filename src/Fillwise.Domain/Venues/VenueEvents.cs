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
    ContractPrice? BestBid(MarketTicker ticker, OutcomeSide side);

    /// <summary>Starts following a market's book (idempotent); quotes for unwatched markets may be null.</summary>
    Task WatchAsync(MarketTicker ticker, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The venue's private stream, already mapped: fills, order updates, resync requests, settlements.</summary>
public interface IVenueEventSource
{
    IAsyncEnumerable<VenueEvent> ReadEventsAsync(CancellationToken cancellationToken);
}

/// <summary>What the venue says about a market: whether it exists and trades.</summary>
public sealed record VenueMarket(MarketTicker Ticker, string Status, DateTimeOffset? CloseTime, OutcomeSide? Result)
{
    public bool IsOpen => Status is "active" or "open";
}

public interface IMarketCatalog
{
    /// <summary>The market, or null when the venue does not know the ticker.</summary>
    Task<VenueMarket?> GetMarketAsync(MarketTicker ticker, CancellationToken cancellationToken);
}
