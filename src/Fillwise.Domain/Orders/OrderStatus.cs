namespace Fillwise.Domain.Orders;

/// <summary>Where an order stands, as far as the engine knows from the venue's own words.</summary>
public enum OrderStatus
{
    /// <summary>Created and journaled; not yet sent.</summary>
    Initialized,
    /// <summary>Refused locally (risk) before sending. Terminal.</summary>
    Denied,
    /// <summary>Sent; no answer yet, or the answer was lost (see <see cref="Order.IsOutcomeUnknown"/>).</summary>
    Submitted,
    /// <summary>Accepted by the venue, nothing filled.</summary>
    Resting,
    PartiallyFilled,
    /// <summary>Every contract filled. Terminal.</summary>
    Filled,
    /// <summary>We asked the venue to cancel; fills may still arrive.</summary>
    PendingCancel,
    /// <summary>The venue canceled the remainder. A fill that raced the cancel may still arrive.</summary>
    Canceled,
    /// <summary>The venue refused the order. Terminal.</summary>
    Rejected,
    /// <summary>The venue expired the remainder. A racing fill may still arrive.</summary>
    Expired,
}

public enum OrderEventKind
{
    Submit,
    Deny,
    OutcomeUnknown,
    Accept,
    Reject,
    Fill,
    CancelRequest,
    Cancel,
    CancelReject,
    Expire,
    StatusReport,
}

/// <summary>Why an order exists; entries open positions, exits and hedges reduce them.</summary>
public enum OrderPurpose
{
    Entry,
    Exit,
    Hedge,
    Manual,
}

/// <summary>Kalshi's order status words: a partial fill is resting (or canceled) with fills.</summary>
public enum VenueOrderStatus
{
    Resting,
    Canceled,
    Executed,
}
