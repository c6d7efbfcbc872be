using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;

namespace Fillwise.Engine.Execution;

/// <summary>Which partial entries to keep (seed 001 keeps any fill; seed 004 keeps 80% or more).</summary>
public sealed record AcceptancePolicy(decimal MinFillRatio)
{
    public static readonly AcceptancePolicy KeepAnyFill = new(0m);

    public bool Accepts(Contracts filled, Contracts requested) =>
        !filled.IsZero && (MinFillRatio <= 0m || filled.Value >= MinFillRatio * requested.Value);
}

public sealed record EntryRequest(
    MarketTicker Ticker,
    OutcomeSide Side,
    Contracts Count,
    ContractPrice LimitPrice,
    string Strategy,
    ContractPrice? StopLoss = null,
    ContractPrice? TakeProfit = null,
    string? Reason = null,
    AcceptancePolicy? Acceptance = null,
    TimeSpan? FillTimeout = null);

public sealed record EntryResult(ConfirmationResult Confirmation, TrackedPosition? Position, bool Kept, ExitResult? Unwound);

/// <summary>
/// Buys through place-and-confirm. The position exists only for what filled, carrying the entry
/// order id and the requested count; when the acceptance policy refuses a partial fill, what filled
/// is sold again through the exit path.
/// </summary>
public sealed class EntryExecutor
{
    private readonly FillConfirmation _confirmation;
    private readonly PortfolioBook _portfolio;
    private readonly ExitExecutor _exits;
    private readonly IMarketQuotes _quotes;
    private readonly ClientOrderIds _ids;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;

    public EntryExecutor(FillConfirmation confirmation, PortfolioBook portfolio, ExitExecutor exits, IMarketQuotes quotes, ClientOrderIds ids, EngineMetrics metrics, TimeProvider time)
    {
        _confirmation = confirmation;
        _portfolio = portfolio;
        _exits = exits;
        _quotes = quotes;
        _ids = ids;
        _metrics = metrics;
        _time = time;
    }

    public ConfirmationOptions Options { get; set; } = ConfirmationOptions.Default;

    public async Task<EntryResult> EnterAsync(EntryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Follow the book first: the exits of whatever fills need its best bid.
        await _quotes.WatchAsync(request.Ticker, cancellationToken);
        var id = _ids.Next();
        var intent = new OrderIntent(id, request.Ticker, new OrderDirection(TradeAction.Buy, request.Side), request.Count, request.LimitPrice,
            OrderPurpose.Entry, request.Strategy, _time.GetUtcNow(), Reason: request.Reason);
        _portfolio.RegisterPlan(id, new PositionPlan(request.Strategy, request.StopLoss, request.TakeProfit, id, request.Count, request.Reason));

        var options = request.FillTimeout is { } timeout ? Options with { FillTimeout = timeout } : Options;
        var result = await _confirmation.PlaceAndConfirmAsync(intent, options, cancellationToken);
        _metrics.RecordOrder(result);

        var position = _portfolio.Find(request.Ticker, request.Side);
        var policy = request.Acceptance ?? AcceptancePolicy.KeepAnyFill;
        if (result.Filled.IsZero || policy.Accepts(result.Filled, result.Requested) || position is null)
            return new EntryResult(result, position, !result.Filled.IsZero, null);

        // Refused partial: sell what filled at the best bid (a marketable limit), not left unprotected.
        var limit = _quotes.BestBid(request.Ticker, request.Side) ?? ContractPrice.OneCent;
        var unwound = await _exits.ExitAsync(position, ExitReason.AcceptancePolicy, limit, cancellationToken);
        return new EntryResult(result, position, false, unwound);
    }
}
