using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Venues;

namespace Fillwise.Engine.Risk;

/// <summary>What a sweep did across the venues, as `cleanup` and the kill switch report it; <paramref name="Venues"/> says it per venue, in the registry's order.</summary>
public sealed record SweepResult(int Canceled, int Errors, string Note, IReadOnlyList<VenueSweep> Venues);

/// <summary>What a sweep did on one venue: the orders it canceled and why any could not be (without the venue's name in front).</summary>
public sealed record VenueSweep(string Venue, int Canceled, IReadOnlyList<string> Errors);

/// <summary>
/// Cancels every resting order of the account on every venue: ours, and any other resting there
/// (cleanup means the account is left with nothing resting). Bulk where the venue can, else one by
/// one; the orders the engine tracks learn they are canceled. Failures are counted and named, never thrown.
/// </summary>
public sealed class RestingOrderSweep
{
    private readonly VenueRegistry _venues;
    private readonly OrderTracker? _tracker;
    private readonly TimeProvider _time;

    public RestingOrderSweep(VenueRegistry venues, OrderTracker? tracker, TimeProvider time)
    {
        _venues = venues;
        _tracker = tracker;
        _time = time;
    }

    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var venues = new List<VenueSweep>();
        foreach (var venue in _venues.All)
        {
            try
            {
                var (c, e) = venue.Execution is IBulkCancel bulk ? await BulkAsync(venue, bulk, ct) : await OneByOneAsync(venue, ct);
                venues.Add(new VenueSweep(venue.Name, c, e));
            }
            catch (VenueException e)
            {
                venues.Add(new VenueSweep(venue.Name, 0, [e.Message]));
            }
        }
        var canceled = venues.Sum(v => v.Canceled);
        var errors = venues.SelectMany(v => v.Errors.Select(e => $"{v.Venue}: {e}")).ToList();
        var note = errors.Count == 0
            ? canceled == 0 ? "nothing was resting" : "every resting order is canceled; positions are untouched and settle or exit as usual"
            : $"some orders could not be canceled: {string.Join("; ", errors.Take(5))}";
        return new SweepResult(canceled, errors.Count, note, venues);
    }

    private async Task<(int, IReadOnlyList<string>)> BulkAsync(VenueConnection venue, IBulkCancel bulk, CancellationToken ct)
    {
        var outcome = await bulk.CancelAllAsync(ct);
        // The tracked orders learn it from the venue's own view of each.
        if (_tracker is not null)
            foreach (var order in _tracker.LiveOrders.Where(o => o.Instrument.Venue == venue.Name && o.VenueOrderId is not null))
                await LearnAsync(venue, order, ct);
        return (outcome.Canceled, outcome.Errors);
    }

    private async Task<(int, IReadOnlyList<string>)> OneByOneAsync(VenueConnection venue, CancellationToken ct)
    {
        var open = await venue.Reports.GetOpenOrdersAsync(ct);
        var errors = new List<string>();
        var canceled = 0;
        // In parallel: with a hundred orders resting, the last cancel leaves in one round trip, not a hundred.
        var outcomes = await Task.WhenAll(open.Select(async o =>
        {
            var reference = new OrderRef(o.Instrument, o.ClientOrderId ?? new ClientOrderId("ext-" + o.OrderId.Value), o.OrderId);
            return (Order: o, Outcome: await venue.Execution.CancelAsync(reference, ct));
        }));
        foreach (var (o, outcome) in outcomes)
        {
            switch (outcome)
            {
                case CancelOutcome.Canceled:
                    canceled++;
                    if (_tracker?.Find(o.OrderId) is { MayBeLiveOnVenue: true } tracked) _tracker.Apply(tracked.ClientOrderId, new OrderCanceled(_time.GetUtcNow()));
                    break;
                case CancelOutcome.NotFound:
                    break;
                default:
                    errors.Add($"order {o.OrderId}: {outcome}");
                    break;
            }
        }
        return (canceled, errors);
    }

    private async Task LearnAsync(VenueConnection venue, Order order, CancellationToken ct)
    {
        try
        {
            _tracker!.ApplyVenueReport(await venue.Reports.GetOrderAsync(new OrderRef(order.Instrument, order.ClientOrderId, order.VenueOrderId), ct), _time.GetUtcNow());
        }
        catch (VenueException)
        {
            // The follower of the order reads it again; the next reconciliation pass too.
        }
    }
}
