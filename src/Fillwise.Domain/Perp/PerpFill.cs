using Fillwise.Domain.Orders;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Perp;

/// <summary>
/// One execution of one of our perp orders as a position sees it: a buy adds to a long (or
/// reduces a short), a sell the other way. <see cref="Fee"/> is what the venue charged (negative
/// for a rebate); fills deduplicate on <see cref="TradeId"/>.
/// </summary>
public sealed record PerpFill(
    TradeId TradeId,
    InstrumentId Instrument,
    OrderSide Side,
    Quantity Quantity,
    Price Price,
    Money Fee,
    bool IsMaker,
    DateTimeOffset Time,
    VenueOrderId? OrderId = null,
    ClientOrderId? ClientOrderId = null)
{
    /// <summary>Cash the fill moves, before fees: a sell receives quantity × price, a buy pays it.</summary>
    public decimal CashFlow => Side == OrderSide.Sell ? Quantity.Value * Price.Value : -(Quantity.Value * Price.Value);
}

/// <summary>What applying a fill did.</summary>
public enum PerpFillOutcome
{
    Applied,
    /// <summary>The trade id was seen before: nothing changed.</summary>
    Duplicate,
    /// <summary>The fill is for another instrument or has no quantity: nothing changed.</summary>
    Refused,
}

/// <summary>
/// A funding settlement on one position: <see cref="Amount"/> is what the account paid (negative
/// when it received), = signed quantity × mark × rate, rounded by the venue. Deduplicated by
/// <see cref="Id"/> (the venue's income id, or instrument + settlement time).
/// </summary>
public sealed record FundingPayment(string Id, InstrumentId Instrument, Money Amount, FundingRate Rate, Price Mark, decimal PositionQuantity, DateTimeOffset Time);
