using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Orders;

/// <summary>One execution applied to an order, in the order's instrument's terms.</summary>
public sealed record OrderFill(TradeId TradeId, Quantity Quantity, Price Price, Money Commission, bool IsTaker, DateTimeOffset Time);

public enum OrderEventOutcome
{
    Applied,
    /// <summary>A fill whose trade id was already applied, or a venue report that tells nothing new: ignored, nothing changed.</summary>
    Duplicate,
    /// <summary>Illegal in the current state, or an overfill: nothing changed, and the reason says why.</summary>
    Refused,
}

public sealed record OrderEventResult(OrderEventOutcome Outcome, OrderStatus From, OrderStatus To, string? Reason = null)
{
    public bool IsApplied => Outcome == OrderEventOutcome.Applied;
}

/// <summary>
/// An order and everything the venue has said about it. State changes only through
/// <see cref="Apply"/>, checked against <see cref="OrderTransitions"/>; fills are deduplicated by
/// trade id and can never push the filled quantity past the order's size.
/// </summary>
public sealed class Order
{
    private readonly List<OrderFill> _fills = [];
    private readonly HashSet<TradeId> _tradeIds = [];
    private readonly List<OrderEventResult> _refusals = [];
    private Money _fillCost = Money.Zero;

    public Order(ClientOrderId clientOrderId, InstrumentId instrument, OrderSide side, Quantity quantity, Price limitPrice, OrderPurpose purpose, DateTimeOffset createdAt)
    {
        if (quantity.IsZero) throw new DomainException($"order {clientOrderId} has a quantity of zero");
        ClientOrderId = clientOrderId;
        Instrument = instrument;
        Side = side;
        Initial = quantity;
        LimitPrice = limitPrice;
        Purpose = purpose;
        CreatedAt = createdAt;
        LastUpdate = createdAt;
    }

    public ClientOrderId ClientOrderId { get; }
    public InstrumentId Instrument { get; }
    public OrderSide Side { get; }
    public Price LimitPrice { get; }
    public OrderPurpose Purpose { get; }
    public DateTimeOffset CreatedAt { get; }

    public OrderStatus Status { get; private set; } = OrderStatus.Initialized;
    public VenueOrderId? VenueOrderId { get; private set; }
    public DateTimeOffset LastUpdate { get; private set; }

    /// <summary>Sent, but whether the venue has it is not known yet. Never a failure: resolve it by asking.</summary>
    public bool IsOutcomeUnknown { get; private set; }
    public Venues.RejectionReason? RejectReason { get; private set; }
    public string? RejectCode { get; private set; }
    public string? Reason { get; private set; }

    public Quantity Initial { get; }
    public Quantity Filled { get; private set; } = Quantity.Zero;

    /// <summary>Initial - filled: not filled (yet). Filled + Remaining = Initial always.</summary>
    public Quantity Remaining => Initial - Filled;

    /// <summary>The largest filled quantity the venue has claimed in a status report.</summary>
    public Quantity VenueReportedFilled { get; private set; } = Quantity.Zero;

    /// <summary>The venue reports more filled than the fills we hold: fetch the fills for this order.</summary>
    public bool HasUnseenFills => VenueReportedFilled > Filled;

    public Money Commissions { get; private set; } = Money.Zero;
    public IReadOnlyList<OrderFill> Fills => _fills;

    /// <summary>Events this order refused (illegal transitions, overfills), for the report.</summary>
    public IReadOnlyList<OrderEventResult> Refusals => _refusals;

    /// <summary>Average fill price, exact to 12 places; null before any fill.</summary>
    public Price? AverageFillPrice => Filled.IsZero ? null : Price.Of(Math.Round(_fillCost.Dollars / Filled.Value, Price.MaxDecimals, MidpointRounding.AwayFromZero));

    /// <summary>What the fills cost (buy) or brought (sell), before commissions.</summary>
    public Money FilledNotional => _fillCost;

    public bool IsTerminal => OrderTransitions.IsTerminal(Status);

    /// <summary>Done on the venue: nothing more will rest (a racing fill may still land).</summary>
    public bool IsClosedOnVenue => OrderTransitions.IsClosedOnVenue(Status);

    /// <summary>May still rest on the venue (or may, when the outcome is unknown).</summary>
    public bool MayBeLiveOnVenue => Status is OrderStatus.Submitted or OrderStatus.Resting or OrderStatus.PartiallyFilled or OrderStatus.PendingCancel;

    public OrderEventResult Apply(OrderEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var from = Status;

        if (e is OrderFilled fill && _tradeIds.Contains(fill.TradeId))
            return new OrderEventResult(OrderEventOutcome.Duplicate, from, from, $"trade {fill.TradeId} already applied");
        // Answers that arrive after the stream already told us the same: late, not wrong.
        if (e is OrderAccepted accepted && VenueOrderId == accepted.VenueOrderId && from != OrderStatus.Submitted)
            return new OrderEventResult(OrderEventOutcome.Duplicate, from, from, $"already known as {accepted.VenueOrderId}");
        if (e is OrderCanceled && from == OrderStatus.Canceled)
            return new OrderEventResult(OrderEventOutcome.Duplicate, from, from, "already canceled");

        if (!OrderTransitions.IsLegal(from, e.Kind))
            return Refuse(from, $"{e.Kind} is not legal for an order that is {from}");

        var (to, refusal) = Target(e);
        if (refusal is not null) return Refuse(from, refusal);
        // A venue report that agrees with what we hold is not news: nothing to journal or wake.
        if (e is OrderStatusReported same && to == from && VenueOrderId == same.VenueOrderId && !IsOutcomeUnknown && same.Filled <= VenueReportedFilled)
            return new OrderEventResult(OrderEventOutcome.Duplicate, from, from, "the venue's report agrees with the order");
        if (!OrderTransitions.IsLegal(from, e.Kind, to))
            return Refuse(from, $"{e.Kind} cannot take an order from {from} to {to}");

        Commit(e);
        Status = to;
        LastUpdate = e.Time;
        return new OrderEventResult(OrderEventOutcome.Applied, from, to);
    }

    private OrderEventResult Refuse(OrderStatus from, string reason)
    {
        var result = new OrderEventResult(OrderEventOutcome.Refused, from, from, $"order {ClientOrderId}: {reason}");
        _refusals.Add(result);
        return result;
    }

    /// <summary>Where the event would take the order, or why it cannot be applied at all.</summary>
    private (OrderStatus To, string? Refusal) Target(OrderEvent e)
    {
        switch (e)
        {
            case OrderSubmitted: return (OrderStatus.Submitted, null);
            case OrderDenied: return (OrderStatus.Denied, null);
            case OrderOutcomeUnknown: return (OrderStatus.Submitted, null);
            case OrderAccepted a:
                if (VenueOrderId is { } known && known != a.VenueOrderId)
                    return (Status, $"accepted as {a.VenueOrderId} but already known as {known}");
                // Late (fills or a cancel came first): it only teaches the venue id.
                return (Status is OrderStatus.Submitted or OrderStatus.Resting ? OrderStatus.Resting : Status, null);
            case OrderRejected: return (OrderStatus.Rejected, null);
            case OrderFilled f:
                {
                    if (f.Quantity.IsZero) return (Status, $"fill {f.TradeId} has a quantity of zero");
                    var after = Filled + f.Quantity;
                    if (after > Initial) return (Status, $"overfill: fill {f.TradeId} of {f.Quantity} would make {after} filled of {Initial}");
                    if (after == Initial) return (OrderStatus.Filled, null);
                    // A partial fill keeps a pending cancel, a cancel or an expiry where it is.
                    return Status is OrderStatus.PendingCancel or OrderStatus.Canceled or OrderStatus.Expired
                        ? (Status, null)
                        : (OrderStatus.PartiallyFilled, null);
                }
            case OrderCancelRequested: return (OrderStatus.PendingCancel, null);
            case OrderCanceled: return (OrderStatus.Canceled, null);
            case OrderCancelRejected: return (Filled.IsZero ? OrderStatus.Resting : OrderStatus.PartiallyFilled, null);
            case OrderExpired: return (OrderStatus.Expired, null);
            case OrderStatusReported r:
                {
                    if (VenueOrderId is { } id && id != r.VenueOrderId)
                        return (Status, $"status report for {r.VenueOrderId} but the order is {id}");
                    if (r.Filled > Initial)
                        return (Status, $"venue reports {r.Filled} filled of {Initial}");
                    return r.State switch
                    {
                        VenueOrderState.Canceled => (Status is OrderStatus.Expired ? Status : OrderStatus.Canceled, null),
                        VenueOrderState.Expired => (Status is OrderStatus.Canceled ? Status : OrderStatus.Expired, null),
                        // Done on the venue with less than we asked (a reduce-only order cut to the
                        // position, a decrease): once its fills are all here, the rest is gone.
                        VenueOrderState.Filled when r.Filled < Initial && r.Filled <= Filled && Status is not OrderStatus.Expired => (OrderStatus.Canceled, null),
                        // Filled without all fills applied yet: stay open until the fills land.
                        VenueOrderState.Filled or VenueOrderState.Open => (StatusFromOwnFills(), null),
                        _ => (Status, "unknown venue state"),
                    };
                }
            default:
                return (Status, $"unknown event {e.GetType().Name}");
        }
    }

    private OrderStatus StatusFromOwnFills() => Status switch
    {
        OrderStatus.PendingCancel or OrderStatus.Canceled or OrderStatus.Expired or OrderStatus.Filled => Status,
        _ => Filled.IsZero ? OrderStatus.Resting : OrderStatus.PartiallyFilled,
    };

    private void Commit(OrderEvent e)
    {
        switch (e)
        {
            case OrderSubmitted:
                IsOutcomeUnknown = false;
                break;
            case OrderOutcomeUnknown u:
                IsOutcomeUnknown = true;
                Reason = u.Reason;
                break;
            case OrderDenied d:
                Reason = d.Reason;
                break;
            case OrderAccepted a:
                VenueOrderId = a.VenueOrderId;
                IsOutcomeUnknown = false;
                break;
            case OrderRejected r:
                RejectReason = r.Why;
                RejectCode = r.Code;
                Reason = r.Reason;
                IsOutcomeUnknown = false;
                break;
            case OrderFilled f:
                _tradeIds.Add(f.TradeId);
                _fills.Add(new OrderFill(f.TradeId, f.Quantity, f.Price, f.Commission, f.IsTaker, f.Time));
                Filled += f.Quantity;
                Commissions += f.Commission;
                _fillCost += f.Price * f.Quantity;
                IsOutcomeUnknown = false;
                break;
            case OrderCanceled or OrderExpired:
                IsOutcomeUnknown = false;
                break;
            case OrderCancelRejected cr:
                Reason = cr.Reason;
                break;
            case OrderStatusReported r:
                VenueOrderId ??= r.VenueOrderId;
                IsOutcomeUnknown = false;
                if (r.Filled > VenueReportedFilled) VenueReportedFilled = r.Filled;
                break;
        }
    }
}
