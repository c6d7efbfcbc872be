using Fillwise.Domain;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Execution;

public sealed record ExitResult(ConfirmationResult? Confirmation, PositionId PositionId, string? Skipped = null);

/// <summary>
/// Exits a lot through one tracked, reduce-only exit order with a fill timeout. What filled leaves
/// the lot (an exit with its PnL); the remainder stays in the lot, not closing, so the monitors keep
/// protecting it and retry (seed 000).
/// </summary>
public sealed class ExitExecutor
{
    private readonly FillConfirmation _confirmation;
    private readonly PortfolioBook _portfolio;
    private readonly ClientOrderIds _ids;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ExitExecutor(FillConfirmation confirmation, PortfolioBook portfolio, ClientOrderIds ids, EngineMetrics metrics, TimeProvider time,
        ILogger<ExitExecutor>? logger = null)
    {
        _confirmation = confirmation;
        _portfolio = portfolio;
        _ids = ids;
        _metrics = metrics;
        _time = time;
        _logger = logger ?? NullLogger<ExitExecutor>.Instance;
    }

    // Lots whose last exit the venue refused: how many refusals in a row, and not before when to try again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<PositionId, (int Refusals, DateTimeOffset NotBefore)> _refused = new();

    /// <summary>
    /// The venue refused an exit as reduce-only-would-increase: it holds less of the instrument than
    /// the lot says (netted, closed outside the engine). Raised so that a reconciliation pass compares
    /// the two now rather than at the next periodic pass.
    /// </summary>
    public event Action<InstrumentId>? VenueHoldsLess;

    /// <summary>After a refused exit the next waits 1 s, doubling with each refusal in a row up to a minute.</summary>
    public static TimeSpan RefusalBackoff(int refusals) => TimeSpan.FromSeconds(Math.Min(60, 1 << Math.Min(refusals - 1, 6)));

    /// <summary>Whether a lot may be exited now: not while the wait after a venue's refusal of its last exit lasts.</summary>
    public bool MayExitNow(PositionId lot) => !_refused.TryGetValue(lot, out var r) || _time.GetUtcNow() >= r.NotBefore;

    public ConfirmationOptions Options { get; set; } = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(5) };

    public Task<ExitResult> ExitAsync(PositionId lotId, ExitReason reason, Price limit, CancellationToken cancellationToken) =>
        _portfolio.Find(lotId) is { } lot
            ? ExitAsync(lot, reason, limit, cancellationToken)
            : Task.FromResult(new ExitResult(null, lotId, $"position {lotId} is not open"));

    internal async Task<ExitResult> ExitAsync(TrackedLot lot, ExitReason reason, Price limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lot);
        try
        {
            _portfolio.BeginExit(lot);
        }
        catch (DomainException e)
        {
            return new ExitResult(null, lot.Id, e.Message);
        }

        var requested = lot.Quantity;
        var id = _ids.Next();
        var intent = new OrderIntent(id, lot.Instrument, lot.Lot.ExitSide, requested, limit,
            OrderPurpose.Exit, lot.Plan.Strategy, _time.GetUtcNow(), ReduceOnly: true, Reason: reason.ToWire(), PositionId: lot.Id);
        _portfolio.RegisterExit(id, lot.Id, reason);
        try
        {
            void Attach(Order order) => _portfolio.AttachExit(lot, order, reason);
            var result = await _confirmation.PlaceAndConfirmAsync(intent, Options, cancellationToken, Attach);
            _metrics.RecordOrder(result);
            var wire = reason.ToWire();
            switch (result.Outcome)
            {
                case ConfirmationOutcome.Filled:
                    EngineLog.ExitFilled(_logger, wire, lot.Id, result.Filled, result.AverageFillPrice, lot.Lot.RealizedPnl);
                    break;
                case ConfirmationOutcome.Partial:
                    EngineLog.ExitPartial(_logger, wire, lot.Id, result.Filled, requested, lot.Quantity);
                    break;
                case ConfirmationOutcome.Unfilled:
                    EngineLog.ExitUnfilled(_logger, wire, lot.Id, requested);
                    break;
            }
            if (result.Outcome == ConfirmationOutcome.Rejected)
            {
                // Refused again at once would be refused again: wait, longer each time, and say so.
                var refusals = _refused.AddOrUpdate(lot.Id, _ => (1, default), (_, r) => (r.Refusals + 1, default)).Refusals;
                var wait = RefusalBackoff(refusals);
                _refused[lot.Id] = (refusals, _time.GetUtcNow() + wait);
                EngineLog.ExitRefused(_logger, wire, lot.Id, refusals, result.Error ?? "refused", (long)wait.TotalSeconds);
                if (result.Rejection?.Reason == RejectionReason.ReduceOnlyWouldIncrease) VenueHoldsLess?.Invoke(lot.Instrument);
            }
            else if (!result.Filled.IsZero || lot.IsClosed)
            {
                _refused.TryRemove(lot.Id, out _);
            }
            return new ExitResult(result, lot.Id);
        }
        finally
        {
            _portfolio.EndExitStart(lot);
        }
    }
}
