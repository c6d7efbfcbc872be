using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

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
    string? Error = null)
{
    public ClientOrderId ClientOrderId => Order.ClientOrderId;
    public VenueOrderId? OrderId => Order.VenueOrderId;
    public Contracts Requested => Order.Initial;
    public Contracts Filled => Order.Filled;
    public decimal? AverageFillPrice => Order.AverageFillPrice;
    public Money Fees => Order.Fees;

    /// <summary>Per contract, against the limit: positive is worse for us (paid more, received less).</summary>
    public decimal? Slippage => AverageFillPrice is { } avg
        ? (Order.Direction.Action == TradeAction.Buy ? avg - Order.LimitPrice.Dollars : Order.LimitPrice.Dollars - avg)
        : null;
}

/// <summary>
/// Place and confirm: the intent is tracked (and journaled by the caller's journal hook) before it
/// is sent; fills come from the venue's stream, with REST polling as the fallback; at the timeout
/// the remainder is canceled and the final counts are read after the cancel, because a fill can
/// race it. An unanswered create is resolved by asking the venue about the client order id (and
/// resent with the same id when the venue has never seen it), never reported as failed.
/// </summary>
public sealed class FillConfirmation
{
    private readonly IExecutionVenue _venue;
    private readonly OrderTracker _tracker;
    private readonly IIntentJournal _journal;
    private readonly TimeProvider _time;
    private readonly EngineMetrics _metrics;

    public FillConfirmation(IExecutionVenue venue, OrderTracker tracker, IIntentJournal journal, TimeProvider time, EngineMetrics metrics)
    {
        _venue = venue;
        _tracker = tracker;
        _journal = journal;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>Test hook: runs after the intent is durable and before it is sent (crash tests).</summary>
    public Action<OrderIntent>? AfterIntentJournaled { get; set; }

    public async Task<ConfirmationResult> PlaceAndConfirmAsync(OrderIntent intent, ConfirmationOptions options, CancellationToken cancellationToken, Action<Order>? onTracked = null)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(options);
        var order = intent.ToOrder();

        // Intent before action: durable first, then tracked (so early stream fills find it), then sent.
        await _journal.RecordIntentAsync(intent, cancellationToken);
        AfterIntentJournaled?.Invoke(intent);
        _tracker.Track(order);
        onTracked?.Invoke(order);
        var started = _time.GetTimestamp();
        _tracker.Apply(order.ClientOrderId, new OrderSubmitted(_time.GetUtcNow()));

        var placed = await SubmitUntilKnownAsync(intent, order, options, cancellationToken);
        if (placed is not null) return placed;

        await AwaitFillsAsync(order, options, cancellationToken);
        if (order.Remaining > Contracts.Zero && order.MayBeLiveOnVenue)
            await CancelRemainderAsync(order, options, cancellationToken);

        var outcome = order.Filled.IsZero ? ConfirmationOutcome.Unfilled
            : order.Filled == order.Initial ? ConfirmationOutcome.Filled
            : ConfirmationOutcome.Partial;
        if (!order.Filled.IsZero) _metrics.RecordFillLatency(_time.GetElapsedTime(started));
        return new ConfirmationResult(outcome, order);
    }

    /// <summary>Returns a final result when the order never made it (rejected, unknown); null once the venue has it.</summary>
    private async Task<ConfirmationResult?> SubmitUntilKnownAsync(OrderIntent intent, Order order, ConfirmationOptions options, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await _venue.SubmitAsync(intent, ct);
            switch (outcome)
            {
                case SubmitOutcome.Accepted accepted:
                    if (order.VenueOrderId is null)
                        _tracker.Apply(order.ClientOrderId, new OrderAccepted(accepted.OrderId, _time.GetUtcNow()));
                    return null;

                case SubmitOutcome.Rejected { Code: var code } when code.StartsWith("order_already_exists", StringComparison.Ordinal):
                    // A retry found its own earlier create: the order exists; learn it by asking.
                    break;

                case SubmitOutcome.Rejected rejected:
                    _tracker.Apply(order.ClientOrderId, new OrderRejected(rejected.Code, rejected.Message, _time.GetUtcNow()));
                    _metrics.ApiError();
                    return new ConfirmationResult(ConfirmationOutcome.Rejected, order, $"{rejected.Code}: {rejected.Message}");

                case SubmitOutcome.Unknown unknown:
                    _tracker.Apply(order.ClientOrderId, new OrderOutcomeUnknown(unknown.Reason, _time.GetUtcNow()));
                    _metrics.ApiError();
                    break;
            }

            var resolved = await ResolveAsync(order, options, ct);
            switch (resolved)
            {
                case ResolveOutcome.Found:
                    return null;
                case ResolveOutcome.NotFound when attempt < options.MaxSubmitAttempts:
                    continue; // never reached the venue: resend with the same client order id
                default:
                    return new ConfirmationResult(ConfirmationOutcome.Unknown, order,
                        $"the venue could not confirm order {order.ClientOrderId} after {attempt} attempt(s); it stays tracked until reconciliation resolves it");
            }
        }
    }

    private async Task<ResolveOutcome> ResolveAsync(Order order, ConfirmationOptions options, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + options.ResolveTimeout;
        while (true)
        {
            // The stream may already have told us.
            if (order.VenueOrderId is { } known) return new ResolveOutcome.Found(await SafeReportAsync(known, order, ct) ?? Placeholder(order, known));

            var outcome = await _venue.ResolveAsync(order.Ticker, order.ClientOrderId, ct);
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

    private static VenueOrderReport Placeholder(Order order, VenueOrderId id) =>
        new(id, order.ClientOrderId, order.Ticker, order.Direction.BookSide, order.Direction.ToYesPrice(order.LimitPrice),
            VenueOrderStatus.Resting, order.Initial, order.Filled, order.Remaining, null);

    private async Task AwaitFillsAsync(Order order, ConfirmationOptions options, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + options.FillTimeout;
        while (order.MayBeLiveOnVenue && order.Remaining > Contracts.Zero)
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
            if (first == tick) await RefreshAsync(order, ct);
        }
        // Closed on the venue (IOC remainder, expiry): the last fills may still be in flight.
        if (!order.MayBeLiveOnVenue) await RefreshAsync(order, ct);
    }

    private async Task CancelRemainderAsync(Order order, ConfirmationOptions options, CancellationToken ct)
    {
        if (order.VenueOrderId is not { } id) return;
        if (order.Status != OrderStatus.PendingCancel)
            _tracker.Apply(order.ClientOrderId, new OrderCancelRequested(_time.GetUtcNow()));

        for (var attempt = 0; attempt < 10; attempt++)
        {
            var outcome = await _venue.CancelAsync(id, order.Ticker, ct);
            if (outcome is CancelOutcome.Canceled)
            {
                _tracker.Apply(order.ClientOrderId, new OrderCanceled(_time.GetUtcNow()));
                break;
            }
            if (outcome is CancelOutcome.NotFound or CancelOutcome.Rejected)
            {
                // Already filled or canceled: the venue's own view of the order says which.
                break;
            }
            _metrics.ApiError();
            await Task.Delay(options.PollInterval, _time, ct);
        }

        // Final counts after the cancel: a fill can race it. Poll until the venue says the order is done.
        for (var attempt = 0; attempt < 20 && order.MayBeLiveOnVenue; attempt++)
        {
            await RefreshAsync(order, ct);
            if (!order.MayBeLiveOnVenue) break;
            await Task.Delay(options.PollInterval, _time, ct);
        }
        await RefreshAsync(order, ct);
    }

    /// <summary>Reads the order and, when the venue claims fills we do not hold, its fills.</summary>
    private async Task RefreshAsync(Order order, CancellationToken ct)
    {
        if (order.VenueOrderId is not { } id) return;
        var report = await SafeReportAsync(id, order, ct);
        if (report is null) return;
        if (report.FillCount > order.Filled || order.HasUnseenFills)
        {
            try
            {
                foreach (var fill in await _venue.GetFillsAsync(id, ct)) _tracker.ApplyVenueFill(fill);
            }
            catch (VenueException)
            {
                _metrics.ApiError();
            }
        }
    }

    private async Task<VenueOrderReport?> SafeReportAsync(VenueOrderId id, Order order, CancellationToken ct)
    {
        try
        {
            var report = await _venue.GetOrderAsync(id, ct);
            _tracker.ApplyVenueReport(report, _time.GetUtcNow());
            _metrics.ApiSuccess();
            return report;
        }
        catch (VenueException e) when (e.Kind == VenueErrorKind.Rejected && e.Code.StartsWith("not_found", StringComparison.Ordinal))
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
