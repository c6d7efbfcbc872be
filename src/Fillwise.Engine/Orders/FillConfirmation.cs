using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Orders;

public enum ConfirmationOutcome
{
    Filled,
    Partial,
    Unfilled,
    Rejected,
    Denied,
    /// <summary>The venue could not tell us in time whether the order exists. Never a failure: it stays tracked.</summary>
    Unknown,
}

public sealed record ConfirmationOptions
{
    public static readonly ConfirmationOptions Default = new();

    /// <summary>How long fills may take before the remainder is canceled.</summary>
    public TimeSpan FillTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>REST polling interval, the fallback when the stream is silent.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to keep asking the venue about an order whose create had no answer.</summary>
    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Creates sent with the same client order id when the venue says it never saw the order.</summary>
    public int MaxSubmitAttempts { get; init; } = 5;
}

public sealed record ConfirmationResult(
    ConfirmationOutcome Outcome,
    Order Order,
    string? Error = null,
    Rejection? Rejection = null)
{
    public ClientOrderId ClientOrderId => Order.ClientOrderId;
    public VenueOrderId? OrderId => Order.VenueOrderId;
    public Quantity Requested => Order.Initial;
    public Quantity Filled => Order.Filled;
    public Price? AverageFillPrice => Order.AverageFillPrice;
    public Money Commissions => Order.Commissions;

    /// <summary>Per unit, against the limit: positive is worse for us (paid more, received less).</summary>
    public decimal? Slippage => AverageFillPrice is { } avg
        ? (Order.Side == OrderSide.Buy ? avg.Value - Order.LimitPrice.Value : Order.LimitPrice.Value - avg.Value)
        : null;
}

/// <summary>
/// Place and confirm: the intent is durable before it is sent; fills come from the venue's stream,
/// with REST polling as the fallback; at the timeout the remainder is canceled and the final counts
/// are read after the cancel, because a fill can race it. An unanswered create is resolved by asking
/// the venue about the client order id (and resent with the same id when the venue has never seen
/// it), never reported as failed.
/// </summary>
public sealed class FillConfirmation
{
    private readonly VenueRegistry _venues;
    private readonly OrderTracker _tracker;
    private readonly IIntentJournal _journal;
    private readonly TimeProvider _time;
    private readonly EngineMetrics _metrics;
    private readonly ILogger _logger;

    public FillConfirmation(VenueRegistry venues, OrderTracker tracker, IIntentJournal journal, TimeProvider time, EngineMetrics metrics,
        ILogger<FillConfirmation>? logger = null)
    {
        _venues = venues;
        _tracker = tracker;
        _journal = journal;
        _time = time;
        _metrics = metrics;
        _logger = logger ?? NullLogger<FillConfirmation>.Instance;
    }

    /// <summary>
    /// Asked right before every send (a resend too): a reason not to send now (trading halted since
    /// the gate let the order through), or null. An order stopped here never reaches the venue.
    /// </summary>
    public Func<OrderIntent, string?>? SendGuard { get; set; }

    /// <summary>Test hook: runs after the intent is durable and before it is sent (crash tests).</summary>
    public Action<OrderIntent>? AfterIntentJournaled { get; set; }

    /// <summary>Denies an order before anything is journaled or sent (risk gate, instrument rules): a result, never an exception.</summary>
    public ConfirmationResult Deny(OrderIntent intent, string reason)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var order = intent.ToOrder();
        order.Apply(new OrderDenied(reason, _time.GetUtcNow()));
        EngineLog.OrderDenied(_logger, intent.Purpose.ToWire(), intent.ClientOrderId, intent.Instrument, reason);
        return new ConfirmationResult(ConfirmationOutcome.Denied, order, reason);
    }

    public async Task<ConfirmationResult> PlaceAndConfirmAsync(OrderIntent intent, ConfirmationOptions options, CancellationToken cancellationToken, Action<Order>? onTracked = null)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(options);
        var order = intent.ToOrder();
        var venue = _venues.For(intent.Instrument);

        // Intent before action: durable first, then tracked (so early stream fills find it), then sent.
        await _journal.RecordIntentAsync(intent, cancellationToken);
        AfterIntentJournaled?.Invoke(intent);
        _tracker.Track(order);
        onTracked?.Invoke(order);
        var started = _time.GetTimestamp();
        _tracker.Apply(order.ClientOrderId, new OrderSubmitted(_time.GetUtcNow()));
        EngineLog.OrderSent(_logger, intent.Purpose.ToWire(), intent.ClientOrderId, intent.Side.ToWire(), intent.Quantity, intent.Instrument, intent.LimitPrice);

        var placed = await SubmitUntilKnownAsync(venue, intent, order, options, cancellationToken);
        if (placed is not null) return placed;

        var result = await ConfirmAsync(venue, order, options, _time.GetUtcNow() + options.FillTimeout, cancellationToken);
        if (!order.Filled.IsZero) _metrics.RecordFillLatency(_time.GetElapsedTime(started));
        return result;
    }

    /// <summary>
    /// Follows an order already on the venue (one rebuilt after a restart) to its end: waits for
    /// fills until <paramref name="deadline"/>, then cancels the remainder and reads the final counts.
    /// </summary>
    public async Task<ConfirmationResult> FollowAsync(Order order, ConfirmationOptions options, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(options);
        return await ConfirmAsync(_venues.For(order.Instrument), order, options, deadline, cancellationToken);
    }

    private async Task<ConfirmationResult> ConfirmAsync(VenueConnection venue, Order order, ConfirmationOptions options, DateTimeOffset deadline, CancellationToken ct)
    {
        await AwaitFillsAsync(venue, order, options, deadline, ct);
        if (order.Remaining > Quantity.Zero && order.MayBeLiveOnVenue)
            await CancelRemainderAsync(venue, order, options, ct);

        var outcome = order.Filled.IsZero ? ConfirmationOutcome.Unfilled
            : order.Filled == order.Initial ? ConfirmationOutcome.Filled
            : ConfirmationOutcome.Partial;
        var purpose = order.Purpose.ToWire();
        switch (outcome)
        {
            case ConfirmationOutcome.Filled:
                EngineLog.OrderFilled(_logger, purpose, order.Filled, order.Initial, order.Instrument, order.AverageFillPrice, order.ClientOrderId);
                break;
            case ConfirmationOutcome.Partial:
                EngineLog.OrderPartial(_logger, purpose, order.Filled, order.Initial, order.Instrument, order.ClientOrderId);
                break;
            default:
                EngineLog.OrderUnfilled(_logger, purpose, order.ClientOrderId, order.Instrument);
                break;
        }
        return new ConfirmationResult(outcome, order);
    }

    /// <summary>Returns a final result when the order never made it (rejected, unknown); null once the venue has it.</summary>
    private async Task<ConfirmationResult?> SubmitUntilKnownAsync(VenueConnection venue, OrderIntent intent, Order order, ConfirmationOptions options, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (SendGuard?.Invoke(intent) is { } stop)
            {
                // Never sent: closed as not sent, like an intent a restart finds unsent.
                _tracker.Apply(order.ClientOrderId, new OrderRejected(RejectionReason.Other, "not_sent", stop, _time.GetUtcNow()));
                EngineLog.OrderDenied(_logger, intent.Purpose.ToWire(), intent.ClientOrderId, intent.Instrument, stop);
                return new ConfirmationResult(ConfirmationOutcome.Denied, order, stop);
            }
            var outcome = await venue.Execution.SubmitAsync(intent, ct);
            switch (outcome)
            {
                case SubmitOutcome.Accepted accepted:
                    _metrics.ApiSuccess();
                    if (order.VenueOrderId is null)
                        _tracker.Apply(order.ClientOrderId, new OrderAccepted(accepted.OrderId, _time.GetUtcNow()));
                    return null;

                case SubmitOutcome.Rejected { Rejection.Reason: RejectionReason.DuplicateClientOrderId }:
                    // A retry found its own earlier create: the order exists; learn it by asking.
                    break;

                case SubmitOutcome.Rejected { Rejection: var rejection }:
                    // The tracker keeps what the stream may already have said of this order (a crossing post-only one ended EXPIRED).
                    _tracker.Apply(order.ClientOrderId, new OrderRejected(rejection.Reason, rejection.VenueCode, rejection.Message, _time.GetUtcNow()));
                    // A refusal is an answer: the venue is reachable. Rate limits still count as errors.
                    if (rejection.Reason == RejectionReason.RateLimited) _metrics.ApiError(); else _metrics.ApiSuccess();
                    EngineLog.OrderRejected(_logger, intent.Purpose.ToWire(), intent.ClientOrderId, intent.Instrument, rejection.Reason.ToString(), rejection.VenueCode, rejection.Message);
                    return new ConfirmationResult(ConfirmationOutcome.Rejected, order, rejection.ToString(), rejection);

                case SubmitOutcome.Unknown unknown:
                    _tracker.Apply(order.ClientOrderId, new OrderOutcomeUnknown(unknown.Reason, _time.GetUtcNow()));
                    _metrics.ApiError();
                    EngineLog.OutcomeUnknown(_logger, order.ClientOrderId, unknown.Reason);
                    break;
            }

            var resolved = await ResolveAsync(venue, order, options, ct);
            switch (resolved)
            {
                case ResolveOutcome.Found:
                    EngineLog.OutcomeResolved(_logger, $"found on the venue ({order.VenueOrderId})", order.ClientOrderId);
                    return null;
                case ResolveOutcome.NotFound when attempt < options.MaxSubmitAttempts:
                    EngineLog.OutcomeResolved(_logger, "never reached the venue: sending again with the same client order id", order.ClientOrderId);
                    continue;
                default:
                    EngineLog.OutcomeStillUnknown(_logger, order.ClientOrderId, attempt);
                    return new ConfirmationResult(ConfirmationOutcome.Unknown, order,
                        $"the venue could not confirm order {order.ClientOrderId} after {attempt} attempt(s); it stays tracked until reconciliation resolves it");
            }
        }
    }

    private async Task<ResolveOutcome> ResolveAsync(VenueConnection venue, Order order, ConfirmationOptions options, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + options.ResolveTimeout;
        while (true)
        {
            // The stream may already have told us.
            if (order.VenueOrderId is { } known)
            {
                var report = await SafeReportAsync(venue, order, ct);
                return new ResolveOutcome.Found(report ?? Placeholder(order, known));
            }

            var outcome = await venue.Reports.ResolveAsync(order.Instrument, order.ClientOrderId, ct);
            switch (outcome)
            {
                case ResolveOutcome.Found found:
                    _tracker.ApplyVenueReport(found.Order, _time.GetUtcNow());
                    return found;
                case ResolveOutcome.NotFound:
                    return outcome;
            }
            if (_time.GetUtcNow() >= deadline) return outcome;
            await Task.Delay(options.PollInterval, _time, ct);
        }
    }

    private static OrderStatusReport Placeholder(Order order, VenueOrderId id) =>
        new(order.Instrument, id, order.ClientOrderId, order.Side, order.LimitPrice, VenueOrderState.Open, order.Initial, order.Filled, order.Remaining, null);

    private async Task AwaitFillsAsync(VenueConnection venue, Order order, ConfirmationOptions options, DateTimeOffset deadline, CancellationToken ct)
    {
        while (order.MayBeLiveOnVenue && order.Remaining > Quantity.Zero)
        {
            var now = _time.GetUtcNow();
            if (now >= deadline) return;
            var version = _tracker.Version(order.ClientOrderId);
            var wait = TimeSpan.FromTicks(Math.Min(options.PollInterval.Ticks, (deadline - now).Ticks));
            using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var changed = _tracker.WaitForChangeAsync(order.ClientOrderId, version, delayCts.Token);
            var tick = Task.Delay(wait, _time, delayCts.Token);
            var first = await Task.WhenAny(changed, tick);
            await delayCts.CancelAsync();
            ct.ThrowIfCancellationRequested();
            if (first == tick) await RefreshAsync(venue, order, ct);
        }
        // Closed on the venue (IOC remainder, expiry): the last fills may still be in flight.
        if (!order.MayBeLiveOnVenue) await RefreshAsync(venue, order, ct);
    }

    private async Task CancelRemainderAsync(VenueConnection venue, Order order, ConfirmationOptions options, CancellationToken ct)
    {
        if (order.VenueOrderId is not { } id) return;
        if (order.Status != OrderStatus.PendingCancel)
            _tracker.Apply(order.ClientOrderId, new OrderCancelRequested(_time.GetUtcNow()));

        for (var attempt = 0; attempt < 10; attempt++)
        {
            var outcome = await venue.Execution.CancelAsync(new OrderRef(order.Instrument, order.ClientOrderId, id), ct);
            if (outcome is CancelOutcome.Canceled)
            {
                _metrics.ApiSuccess();
                _tracker.Apply(order.ClientOrderId, new OrderCanceled(_time.GetUtcNow()));
                break;
            }
            if (outcome is CancelOutcome.NotFound or CancelOutcome.Rejected)
            {
                // Already filled or canceled: the venue's own view of the order says which.
                EngineLog.CancelUnconfirmed(_logger, order.ClientOrderId, outcome.ToString());
                break;
            }
            _metrics.ApiError();
            await Task.Delay(options.PollInterval, _time, ct);
        }

        // Final counts after the cancel: a fill can race it. Poll until the venue says the order is done.
        for (var attempt = 0; attempt < 20 && order.MayBeLiveOnVenue; attempt++)
        {
            await RefreshAsync(venue, order, ct);
            if (!order.MayBeLiveOnVenue) break;
            await Task.Delay(options.PollInterval, _time, ct);
        }
        await RefreshAsync(venue, order, ct);
    }

    /// <summary>Reads the order and, when the venue claims fills we do not hold, its fills.</summary>
    internal async Task RefreshAsync(VenueConnection venue, Order order, CancellationToken ct)
    {
        if (order.VenueOrderId is not { } id) return;
        var report = await SafeReportAsync(venue, order, ct);
        if (report is null) return;
        if (report.Filled > order.Filled || order.HasUnseenFills)
        {
            try
            {
                foreach (var fill in await venue.Reports.GetFillsAsync(new OrderRef(order.Instrument, order.ClientOrderId, id), ct))
                    _tracker.ApplyVenueFill(fill);
            }
            catch (VenueException)
            {
                _metrics.ApiError();
            }
        }
    }

    private async Task<OrderStatusReport?> SafeReportAsync(VenueConnection venue, Order order, CancellationToken ct)
    {
        try
        {
            var report = await venue.Reports.GetOrderAsync(new OrderRef(order.Instrument, order.ClientOrderId, order.VenueOrderId), ct);
            _tracker.ApplyVenueReport(report, _time.GetUtcNow());
            _metrics.ApiSuccess();
            return report;
        }
        catch (VenueException e) when (e.Kind == VenueErrorKind.NotFound)
        {
            return null;
        }
        catch (VenueException)
        {
            _metrics.ApiError();
            return null;
        }
    }
}
