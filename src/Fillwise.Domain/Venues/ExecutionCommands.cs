using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Venues;

public enum VenueTimeInForce
{
    GoodTillCanceled,
    ImmediateOrCancel,
    FillOrKill,
}

/// <summary>
/// An order we mean to place, durable in the journal before it is sent, in the instrument's own
/// terms (buy 5 of kalshi:KX-T:no at 0.40; sell 2.332 of aster:ZECUSDT at 514.44).
/// </summary>
public sealed record OrderIntent(
    ClientOrderId ClientOrderId,
    InstrumentId Instrument,
    OrderSide Side,
    Quantity Quantity,
    Price LimitPrice,
    OrderPurpose Purpose,
    string Strategy,
    DateTimeOffset CreatedAt,
    VenueTimeInForce TimeInForce = VenueTimeInForce.GoodTillCanceled,
    bool ReduceOnly = false,
    bool PostOnly = false,
    string? Reason = null,
    PositionId? PositionId = null)
{
    public Order ToOrder() => new(ClientOrderId, Instrument, Side, Quantity, LimitPrice, Purpose, CreatedAt);
}

/// <summary>Which order a command or a query is about: the engine always knows the instrument and its own id.</summary>
public readonly record struct OrderRef(InstrumentId Instrument, ClientOrderId ClientOrderId, VenueOrderId? VenueOrderId);

/// <summary>A refusal in the engine's terms, with the venue's own code and words beside it.</summary>
public sealed record Rejection(RejectionReason Reason, string VenueCode, string Message)
{
    public override string ToString() => $"{Reason} ({VenueCode}): {Message}";
}

public abstract record SubmitOutcome
{
    /// <summary>The venue has the order. Fill counts are its claim; fills with trade ids follow.</summary>
    public sealed record Accepted(VenueOrderId OrderId, Quantity Filled, Quantity Remaining) : SubmitOutcome;

    public sealed record Rejected(Rejection Rejection) : SubmitOutcome;

    /// <summary>Timeout, 5xx, dropped answer, disconnect: the order may or may not exist.</summary>
    public sealed record Unknown(string Reason) : SubmitOutcome;
}

public abstract record CancelOutcome
{
    public sealed record Canceled(Quantity ReducedBy) : CancelOutcome;

    /// <summary>The venue does not have it open (already filled, canceled, or unknown): read it to its end.</summary>
    public sealed record NotFound(string Detail) : CancelOutcome;

    public sealed record Rejected(Rejection Rejection) : CancelOutcome;

    public sealed record Unknown(string Reason) : CancelOutcome;
}

/// <summary>
/// Execution commands: what the engine asks a venue to do. Commands answer with an outcome, never
/// an exception, because a command's "we do not know" must never be mistaken for a failure.
/// </summary>
public interface IExecutionClient
{
    /// <summary>The venue's name, as in <see cref="InstrumentId.Venue"/>.</summary>
    string Venue { get; }

    /// <summary>Sends a create. A retry must reuse the intent's client order id.</summary>
    Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken);

    Task<CancelOutcome> CancelAsync(OrderRef order, CancellationToken cancellationToken);
}
