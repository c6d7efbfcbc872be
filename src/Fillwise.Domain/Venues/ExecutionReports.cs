using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Venues;

/// <summary>The venue's view of one of our orders, in the instrument's terms.</summary>
public sealed record OrderStatusReport(
    InstrumentId Instrument,
    VenueOrderId OrderId,
    ClientOrderId? ClientOrderId,
    OrderSide Side,
    Price LimitPrice,
    VenueOrderState State,
    Quantity Quantity,
    Quantity Filled,
    Quantity Remaining,
    DateTimeOffset? LastUpdate);

/// <summary>One execution of one of our orders, with the commission the venue charged for it.</summary>
public sealed record FillReport(
    TradeId TradeId,
    InstrumentId Instrument,
    VenueOrderId OrderId,
    ClientOrderId? ClientOrderId,
    OrderSide Side,
    Quantity Quantity,
    Price Price,
    Money Commission,
    bool IsTaker,
    DateTimeOffset Time);

/// <summary>
/// What the venue holds for us on one instrument, with its own realized PnL, fees and (a perpetual)
/// funding paid when it reports them (funding: positive paid, negative received).
/// </summary>
public sealed record PositionReport(
    InstrumentId Instrument,
    PositionSide Side,
    Quantity Quantity,
    Price? AverageEntryPrice,
    Money? RealizedPnl,
    Money? FeesPaid,
    Money? FundingPaid = null);

/// <summary>The account's cash as the venue reports it, and when we asked.</summary>
public sealed record AccountReport(Money Balance, string Currency, DateTimeOffset AsOf);

public abstract record ResolveOutcome
{
    public sealed record Found(OrderStatusReport Order) : ResolveOutcome;

    /// <summary>The venue has definitely never seen an order with that client order id.</summary>
    public sealed record NotFound : ResolveOutcome;

    public sealed record Unknown(string Reason) : ResolveOutcome;
}

/// <summary>What a venue's private stream says as it happens.</summary>
public abstract record ExecutionEvent
{
    public sealed record FillReported(FillReport Fill) : ExecutionEvent;

    public sealed record OrderReported(OrderStatusReport Order) : ExecutionEvent;

    /// <summary>The stream was cut or lost order: anything since <paramref name="Since"/> may have been missed; ask REST.</summary>
    public sealed record ResyncNeeded(string Venue, DateTimeOffset Since) : ExecutionEvent;
}

/// <summary>
/// Execution reports: what the venue says about our orders, fills, positions and cash. Reads that
/// cannot reach the venue throw <see cref="VenueException"/>.
/// </summary>
public interface IExecutionReports
{
    string Venue { get; }

    Task<OrderStatusReport> GetOrderAsync(OrderRef order, CancellationToken cancellationToken);

    /// <summary>Finds our order by its client order id: found, definitely never there, or unknown.</summary>
    Task<ResolveOutcome> ResolveAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken);

    Task<IReadOnlyList<FillReport>> GetFillsAsync(OrderRef order, CancellationToken cancellationToken);

    /// <summary>Every fill of ours since <paramref name="since"/> (resync after a cut, reconciliation).</summary>
    Task<IReadOnlyList<FillReport>> GetFillsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Every order the venue has open for us.</summary>
    Task<IReadOnlyList<OrderStatusReport>> GetOpenOrdersAsync(CancellationToken cancellationToken);

    /// <summary>Every position the venue holds for us.</summary>
    Task<IReadOnlyList<PositionReport>> GetPositionsAsync(CancellationToken cancellationToken);

    Task<AccountReport> GetAccountAsync(CancellationToken cancellationToken);

    /// <summary>The private stream (fills, order updates, resync requests), already in the engine's terms.</summary>
    IAsyncEnumerable<ExecutionEvent> ReadEventsAsync(CancellationToken cancellationToken);
}

public enum VenueErrorKind
{
    /// <summary>The request may or may not have been carried out.</summary>
    Unknown,
    Rejected,
    RateLimited,
    AuthenticationFailed,
    NotFound,
}

/// <summary>A venue read failed; <see cref="Kind"/> says whether anything may have happened.</summary>
public sealed class VenueException : Exception
{
    public VenueException(VenueErrorKind kind, string code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Code = code;
    }

    public VenueException() : this(VenueErrorKind.Unknown, "unknown", "venue error") { }

    public VenueException(string message) : this(VenueErrorKind.Unknown, "unknown", message) { }

    public VenueException(string message, Exception inner) : this(VenueErrorKind.Unknown, "unknown", message, inner) { }

    public VenueErrorKind Kind { get; }

    /// <summary>The venue's own code, for people to read.</summary>
    public string Code { get; }
}
