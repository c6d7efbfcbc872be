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
    /// <summary>Not placed by this engine: found on the venue and adopted by reconciliation.</summary>
    External,
}

/// <summary>An order's state as a venue reports it, in the engine's words (each adapter maps its venue's).</summary>
public enum VenueOrderState
{
    /// <summary>Resting or partly filled; may still fill.</summary>
    Open,
    /// <summary>Nothing more will rest: canceled by us or by the venue. Fills that raced the cancel may still be reported.</summary>
    Canceled,
    /// <summary>Every unit filled.</summary>
    Filled,
    /// <summary>The venue ended it by its own rule (time in force, post-only crossing, expiry).</summary>
    Expired,
}

/// <summary>Buy or sell, on the instrument's own terms.</summary>
public enum OrderSide
{
    Buy,
    Sell,
}

public static class OrderSideText
{
    public static OrderSide Opposite(this OrderSide side) => side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;

    public static string ToWire(this OrderSide side) => side == OrderSide.Buy ? "buy" : "sell";

    public static bool TryParse(string? text, out OrderSide side)
    {
        switch (text)
        {
            case "buy": side = OrderSide.Buy; return true;
            case "sell": side = OrderSide.Sell; return true;
            default: side = default; return false;
        }
    }

    public static string ToWire(this OrderPurpose purpose) => purpose switch
    {
        OrderPurpose.Entry => "entry",
        OrderPurpose.Exit => "exit",
        OrderPurpose.Hedge => "hedge",
        OrderPurpose.External => "external",
        _ => "manual",
    };

    public static bool TryParsePurpose(string? text, out OrderPurpose purpose)
    {
        switch (text)
        {
            case "entry": purpose = OrderPurpose.Entry; return true;
            case "exit": purpose = OrderPurpose.Exit; return true;
            case "hedge": purpose = OrderPurpose.Hedge; return true;
            case "manual": purpose = OrderPurpose.Manual; return true;
            case "external": purpose = OrderPurpose.External; return true;
            default: purpose = default; return false;
        }
    }
}
