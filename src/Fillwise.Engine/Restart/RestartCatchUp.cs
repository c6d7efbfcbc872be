using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Restart;

public sealed record RestoredOrder(ClientOrderId ClientOrderId, string Resolution);

/// <summary>
/// After the journal rebuild, asks the venue about every order that may still be live: an order
/// with a venue id is read with its fills; one without is looked up by its client order id (found:
/// followed; never there: closed as not sent, never resent blindly, the decision behind it is stale;
/// unknown: kept tracked for reconciliation). What is still live afterwards is followed to its end
/// (its remainder canceled at its original deadline, so a long outage cancels it at once).
/// </summary>
internal sealed class RestartCatchUp
{
    private readonly VenueRegistry _venues;
    private readonly OrderTracker _tracker;
    private readonly FillConfirmation _confirmation;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RestartCatchUp(VenueRegistry venues, OrderTracker tracker, FillConfirmation confirmation, TimeProvider time, ILogger logger)
    {
        _venues = venues;
        _tracker = tracker;
        _confirmation = confirmation;
        _time = time;
        _logger = logger;
    }

    public async Task<IReadOnlyList<RestoredOrder>> CatchUpAsync(IReadOnlyList<Order> orders, CancellationToken cancellationToken)
    {
        var results = new List<RestoredOrder>(orders.Count);
        foreach (var order in orders)
        {
            var resolution = await CatchUpAsync(order, cancellationToken);
            EngineLog.RestoredOrder(_logger, order.ClientOrderId, resolution);
            results.Add(new RestoredOrder(order.ClientOrderId, resolution));
        }
        return results;
    }

    private async Task<string> CatchUpAsync(Order order, CancellationToken ct)
    {
        if (!_venues.Has(order.Instrument.Venue)) return $"kept: venue {order.Instrument.Venue} is not configured in this run";
        var venue = _venues.For(order.Instrument);
        // A crash between the intent and its submit event: it may or may not have been sent.
        if (order.Status == OrderStatus.Initialized) _tracker.Apply(order.ClientOrderId, new OrderSubmitted(_time.GetUtcNow()));

        if (order.VenueOrderId is null)
        {
            var outcome = await venue.Reports.ResolveAsync(order.Instrument, order.ClientOrderId, ct);
            switch (outcome)
            {
                case ResolveOutcome.Found found:
                    _tracker.ApplyVenueReport(found.Order, _time.GetUtcNow());
                    break;
                case ResolveOutcome.NotFound:
                    _tracker.Apply(order.ClientOrderId, new OrderRejected(RejectionReason.NotFound, "not_sent", "never reached the venue; not resent after restart", _time.GetUtcNow()));
                    return "never reached the venue; closed as not sent";
                default:
                    return $"still unknown: {((ResolveOutcome.Unknown)outcome).Reason}; tracked until reconciliation resolves it";
            }
        }
        await _confirmation.RefreshAsync(venue, order, ct);
        return order.MayBeLiveOnVenue
            ? $"live on the venue as {order.VenueOrderId} ({order.Filled} of {order.Initial} filled); followed to its end"
            : $"found on the venue as {order.VenueOrderId}: {order.Status}, {order.Filled} of {order.Initial} filled";
    }
}
