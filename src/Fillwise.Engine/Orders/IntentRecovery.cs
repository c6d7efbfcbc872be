using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Storage;

namespace Fillwise.Engine.Orders;

public sealed record RecoveredIntent(ClientOrderId ClientOrderId, string Resolution);

/// <summary>
/// At start, before trading: every journaled intent whose outcome was never learned (a crash
/// between journal and send, or an unanswered create) is looked up at the venue by its client
/// order id. Found: it is tracked again with its fills, so positions come back from the venue's
/// facts. Not found: it never left; it is closed as not sent (never resent blindly: the decision
/// behind it is stale). Unknown: it stays unresolved for the next pass.
/// </summary>
public sealed class IntentRecovery
{
    private readonly IJournal _journal;
    private readonly IExecutionVenue _venue;
    private readonly OrderTracker _tracker;
    private readonly TimeProvider _time;

    public IntentRecovery(IJournal journal, IExecutionVenue venue, OrderTracker tracker, TimeProvider time)
    {
        _journal = journal;
        _venue = venue;
        _tracker = tracker;
        _time = time;
    }

    public async Task<IReadOnlyList<RecoveredIntent>> RecoverAsync(CancellationToken cancellationToken)
    {
        var results = new List<RecoveredIntent>();
        foreach (var entry in await _journal.GetUnresolvedIntentsAsync(cancellationToken))
        {
            var intent = entry.Record;
            var outcome = await _venue.ResolveAsync(intent.Ticker, intent.ClientOrderId, cancellationToken);
            switch (outcome)
            {
                case ResolveOutcome.Found found:
                    var order = new Order(intent.ClientOrderId, intent.Ticker, new OrderDirection(intent.Action, intent.Side), intent.Count, intent.LimitPrice,
                        intent.Purpose, intent.CreatedAt);
                    if (_tracker.Find(intent.ClientOrderId) is null) _tracker.Track(order);
                    _tracker.Apply(intent.ClientOrderId, new OrderSubmitted(intent.CreatedAt));
                    _tracker.ApplyVenueReport(found.Order, _time.GetUtcNow());
                    foreach (var fill in await _venue.GetFillsAsync(found.Order.OrderId, cancellationToken)) _tracker.ApplyVenueFill(fill);
                    results.Add(new RecoveredIntent(intent.ClientOrderId, $"found on the venue as {found.Order.OrderId} ({found.Order.Status}, {found.Order.FillCount} filled)"));
                    break;
                case ResolveOutcome.NotFound:
                    await _journal.AppendOrderEventAsync(new JournalOrderEvent(intent.ClientOrderId, null, "NotSent",
                        """{"reason":"not on the venue after restart"}""", _time.GetUtcNow(), ResolvesIntent: true), cancellationToken);
                    results.Add(new RecoveredIntent(intent.ClientOrderId, "never reached the venue; closed as not sent"));
                    break;
                case ResolveOutcome.Unknown unknown:
                    results.Add(new RecoveredIntent(intent.ClientOrderId, $"still unknown: {unknown.Reason}"));
                    break;
            }
        }
        return results;
    }

}
