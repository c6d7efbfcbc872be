namespace Fillwise.Domain.Orders;

/// <summary>Kalshi's order status words: a partial fill is resting (or canceled) with fills.</summary>
public enum VenueOrderStatus
{
    Resting,
    Canceled,
    Executed,
}
