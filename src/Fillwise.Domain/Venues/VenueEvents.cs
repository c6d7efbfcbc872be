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
