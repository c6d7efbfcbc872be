using Fillwise.Domain.Venues;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine;

/// <summary>
/// After a stream reconnect or gap, the venue may have filled orders while we were not listening:
/// every fill since the last moment the stream was whole, and every order we believe live, is read
/// over REST and applied (trade ids dedupe) before the venue's picture is trusted again. Until it
/// is, the exit monitor leaves that venue's lots alone. A failed read is retried.
/// </summary>
internal sealed class StreamResync
{
    private readonly VenueRegistry _venues;
    private readonly OrderTracker _tracker;
    private readonly FillConfirmation _confirmation;
    private readonly EngineMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _margin;
    private readonly TimeSpan _retry;

    public StreamResync(VenueRegistry venues, OrderTracker tracker, FillConfirmation confirmation, EngineMetrics metrics, TimeProvider time, ILogger logger,
        TimeSpan margin, TimeSpan retry)
    {
        _venues = venues;
        _tracker = tracker;
        _confirmation = confirmation;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _margin = margin;
        _retry = retry;
    }

    public async Task ResyncAsync(string venueName, DateTimeOffset since, CancellationToken ct)
    {
        var venue = _venues[venueName];
        _venues.MarkResyncing(venueName, true);
        EngineLog.ResyncStarted(_logger, venueName, since);
        try
        {
            while (true)
            {
                try
                {
                    var fills = await venue.Reports.GetFillsSinceAsync(since - _margin, ct);
                    var applied = 0;
                    foreach (var fill in fills)
                        if (_tracker.ApplyVenueFill(fill) is { IsApplied: true }) applied++;
                    var live = _tracker.LiveOrders.Where(o => o.Instrument.Venue == venueName).ToList();
                    foreach (var order in live) await _confirmation.RefreshAsync(venue, order, ct);
                    _metrics.ApiSuccess();
                    EngineLog.ResyncDone(_logger, venueName, live.Count, fills.Count, applied);
                    return;
                }
                catch (VenueException e)
                {
                    _metrics.ApiError();
                    EngineLog.ResyncFailed(_logger, venueName, e.Message);
                    await Task.Delay(_retry, _time, ct);
                }
            }
        }
        finally
        {
            _venues.MarkResyncing(venueName, false);
        }
    }
}
