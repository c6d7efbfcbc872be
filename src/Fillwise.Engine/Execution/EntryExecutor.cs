using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Execution;

/// <summary>Which partial entries to keep (seed 001 keeps any fill; seed 004 keeps 80% or more).</summary>
public sealed record AcceptancePolicy(decimal MinFillRatio)
{
    public static readonly AcceptancePolicy KeepAnyFill = new(0m);

    public bool Accepts(Quantity filled, Quantity requested) =>
        !filled.IsZero && (MinFillRatio <= 0m || filled.Value >= MinFillRatio * requested.Value);
}

/// <summary>
/// An entry a strategy (or a person) asks for: a lot on <paramref name="Instrument"/>, long or short,
/// with its exits. <paramref name="PostOnly"/> makes it a maker-only order: one that would take is
/// refused by the venue (<see cref="Domain.Venues.RejectionReason.PostOnlyWouldCross"/>: re-price, not a failure).
/// </summary>
public sealed record EntryRequest(
    InstrumentId Instrument,
    PositionSide Side,
    Quantity Quantity,
    Price LimitPrice,
    string Strategy,
    Price? StopLoss = null,
    Price? TakeProfit = null,
    string? Reason = null,
    AcceptancePolicy? Acceptance = null,
    TimeSpan? FillTimeout = null,
    bool PostOnly = false);

public sealed record EntryResult(ConfirmationResult Confirmation, PositionId PositionId, LotView? Position, bool Kept, ExitResult? Unwound);

/// <summary>
/// Enters through place-and-confirm. The lot exists only for what filled, carrying the entry order
/// id and the requested quantity; when the acceptance policy refuses a partial fill, what filled is
/// sold again through the exit path (at once when there is a bid, else as soon as there is one).
/// </summary>
public sealed class EntryExecutor
{
    private readonly FillConfirmation _confirmation;
    private readonly PortfolioBook _portfolio;
    private readonly ExitExecutor _exits;
    private readonly VenueRegistry _venues;
    private readonly PreTradeGate _gate;
    private readonly ClientOrderIds _ids;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public EntryExecutor(FillConfirmation confirmation, PortfolioBook portfolio, ExitExecutor exits, VenueRegistry venues, PreTradeGate gate,
        ClientOrderIds ids, EngineMetrics metrics, TimeProvider time, ILogger<EntryExecutor>? logger = null)
    {
        _confirmation = confirmation;
        _portfolio = portfolio;
        _exits = exits;
        _venues = venues;
        _gate = gate;
        _ids = ids;
        _metrics = metrics;
        _time = time;
        _logger = logger ?? NullLogger<EntryExecutor>.Instance;
    }

    public ConfirmationOptions Options { get; set; } = ConfirmationOptions.Default;

    public async Task<EntryResult> EnterAsync(EntryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = _ids.Next();
        var side = request.Side == PositionSide.Long ? OrderSide.Buy : OrderSide.Sell;
        var lotId = new PositionId(id.Value);
        var intent = new OrderIntent(id, request.Instrument, side, request.Quantity, request.LimitPrice,
            OrderPurpose.Entry, request.Strategy, _time.GetUtcNow(), PostOnly: request.PostOnly, Reason: request.Reason, PositionId: lotId);

        var instrument = await _venues.GetInstrumentAsync(request.Instrument, cancellationToken);
        if (instrument is null) return Denied(intent, lotId, $"instrument {request.Instrument} is not known to its venue");
        var decision = _gate.Admit(intent, instrument);
        if (!decision.Allowed) return Denied(intent, lotId, decision.Reason!);

        ConfirmationResult result;
        try
        {
            // Follow the book first: the exits of whatever fills need its prices.
            await _venues.For(request.Instrument).MarketData.WatchAsync(request.Instrument, cancellationToken);
            _portfolio.RegisterEntry(id, new LotPlan(request.Strategy, request.Side, request.StopLoss, request.TakeProfit, request.Quantity, request.Reason));

            var options = request.FillTimeout is { } timeout ? Options with { FillTimeout = timeout } : Options;
            result = await _confirmation.PlaceAndConfirmAsync(intent, options, cancellationToken);
        }
        finally
        {
            // Tracked by now (the tracker counts it), or never sent.
            _gate.Release(id);
        }
        _metrics.RecordOrder(result);

        var lot = _portfolio.Find(lotId);
        var policy = request.Acceptance ?? AcceptancePolicy.KeepAnyFill;
        if (result.Filled.IsZero || policy.Accepts(result.Filled, result.Requested) || lot is null)
            return new EntryResult(result, lotId, _portfolio.View(lotId), !result.Filled.IsZero, null);

        // Refused partial: sell what filled, not left unprotected.
        EngineLog.EntryRefusedByPolicy(_logger, lotId, result.Filled, result.Requested);
        var quote = _venues.For(request.Instrument).MarketData.GetQuote(request.Instrument);
        var limit = request.Side == PositionSide.Long ? quote?.BestBid : quote?.BestAsk;
        if (limit is null || quote!.IsStale)
        {
            _portfolio.RequestExit(lot, ExitReason.AcceptancePolicy);
            return new EntryResult(result, lotId, _portfolio.View(lotId), false, null);
        }
        var unwound = await _exits.ExitAsync(lot, ExitReason.AcceptancePolicy, limit.Value, cancellationToken);
        return new EntryResult(result, lotId, _portfolio.View(lotId), false, unwound);
    }

    private EntryResult Denied(OrderIntent intent, PositionId lotId, string reason)
    {
        var result = _confirmation.Deny(intent, reason);
        _metrics.RecordOrder(result);
        return new EntryResult(result, lotId, null, false, null);
    }
}
