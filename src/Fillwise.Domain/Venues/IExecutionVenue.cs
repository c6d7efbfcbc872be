using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Venues;

/// <summary>
/// What the engine needs from a venue to place orders and learn what filled. The engine knows no
/// wire format; each venue client (Kalshi, perp venues) implements this. Reads that cannot reach a
/// venue throw <see cref="VenueException"/>; commands answer with an outcome, because a command's
/// "we do not know" must never be mistaken for a failure.
/// </summary>
public interface IExecutionVenue
{
    string Name { get; }

    /// <summary>Sends a create. A retry must reuse the intent's client order id.</summary>
    Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken);

    Task<CancelOutcome> CancelAsync(VenueOrderId orderId, MarketTicker ticker, CancellationToken cancellationToken);

    Task<VenueOrderReport> GetOrderAsync(VenueOrderId orderId, CancellationToken cancellationToken);

    /// <summary>Finds our order by its client order id: found, definitely not there, or unknown.</summary>
    Task<ResolveOutcome> ResolveAsync(MarketTicker ticker, ClientOrderId clientOrderId, CancellationToken cancellationToken);

    Task<IReadOnlyList<VenueFill>> GetFillsAsync(VenueOrderId orderId, CancellationToken cancellationToken);

    /// <summary>Every order the venue has open for us.</summary>
    Task<IReadOnlyList<VenueOrderReport>> GetOpenOrdersAsync(CancellationToken cancellationToken);

    /// <summary>Every position the venue holds for us.</summary>
    Task<IReadOnlyList<VenuePosition>> GetPositionsAsync(CancellationToken cancellationToken);

    Task<Money> GetBalanceAsync(CancellationToken cancellationToken);
}

public enum VenueTimeInForce
{
    GoodTillCanceled,
    ImmediateOrCancel,
    FillOrKill,
}

/// <summary>
/// An order we mean to place, durable in the journal before it is sent. The limit price is on
/// the intent's own outcome (buy NO at 0.40 = LimitPrice 0.40).
/// </summary>
public sealed record OrderIntent(
    ClientOrderId ClientOrderId,
    MarketTicker Ticker,
    OrderDirection Direction,
    Contracts Count,
    ContractPrice LimitPrice,
    OrderPurpose Purpose,
    string Strategy,
    DateTimeOffset CreatedAt,
    VenueTimeInForce TimeInForce = VenueTimeInForce.GoodTillCanceled,
    bool ReduceOnly = false,
    bool PostOnly = false,
    string? Reason = null)
{
    public Order ToOrder() => new(ClientOrderId, Ticker, Direction, Count, LimitPrice, Purpose, CreatedAt);
}

public abstract record SubmitOutcome
{
    /// <summary>The venue has the order. Fill counts are its claim; fills with trade ids follow.</summary>
    public sealed record Accepted(VenueOrderId OrderId, Contracts FillCount, Contracts RemainingCount) : SubmitOutcome;

    public sealed record Rejected(string Code, string Message) : SubmitOutcome;

    /// <summary>Timeout, 5xx, dropped answer, disconnect: the order may or may not exist.</summary>
    public sealed record Unknown(string Reason) : SubmitOutcome;
}

public abstract record CancelOutcome
{
    public sealed record Canceled(Contracts ReducedBy) : CancelOutcome;

    /// <summary>The venue does not have it open (already filled, canceled, or unknown): poll it to its end.</summary>
    public sealed record NotFound(string Detail) : CancelOutcome;

    public sealed record Rejected(string Code, string Message) : CancelOutcome;

    public sealed record Unknown(string Reason) : CancelOutcome;
}

public abstract record ResolveOutcome
{
    public sealed record Found(VenueOrderReport Order) : ResolveOutcome;

    public sealed record NotFound : ResolveOutcome;

    public sealed record Unknown(string Reason) : ResolveOutcome;
}

/// <summary>The venue's view of one of our orders. ContractPrice is the yes-leg price.</summary>
public sealed record VenueOrderReport(
    VenueOrderId OrderId,
    ClientOrderId? ClientOrderId,
    MarketTicker Ticker,
    BookSide Side,
    ContractPrice YesPrice,
    VenueOrderStatus Status,
    Contracts InitialCount,
    Contracts FillCount,
    Contracts RemainingCount,
    DateTimeOffset? LastUpdate);

/// <summary>One execution of one of our orders. ContractPrice is the yes-leg price.</summary>
public sealed record VenueFill(
    TradeId TradeId,
    VenueOrderId OrderId,
    ClientOrderId? ClientOrderId,
    MarketTicker Ticker,
    BookSide Side,
    Contracts Count,
    ContractPrice YesPrice,
    Money Fee,
    bool IsTaker,
    DateTimeOffset Time);

/// <summary>A venue position: signed, + YES / − NO, with the venue's realized PnL and fees.</summary>
public sealed record VenuePosition(MarketTicker Ticker, decimal Position, Money RealizedPnl, Money FeesPaid, int RestingOrders);

public enum VenueErrorKind
{
    /// <summary>The request may or may not have been carried out.</summary>
    Unknown,
    Rejected,
    RateLimited,
    AuthenticationFailed,
}

/// <summary>A venue read or command failed; <see cref="Kind"/> says whether anything may have happened.</summary>
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

    public string Code { get; }
}
