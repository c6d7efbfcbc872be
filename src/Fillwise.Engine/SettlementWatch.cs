using Fillwise.Domain.Instruments;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine;

/// <summary>
/// Asks the venue where the instruments of open lots are in their lives. A payout is booked only
/// once the venue has settled (paid) the instrument, at the venue's settlement price: 1 or 0, a
/// scalar value, or for a void the cost the venue refunds per unit. A result that is determined but
/// not paid is shown as "determined, awaiting payout" and may still be disputed or amended: an
/// amendment is logged and nothing is ever booked at the result it replaced.
/// </summary>
internal sealed class SettlementWatch
{
    private readonly VenueRegistry _venues;
    private readonly PortfolioBook _portfolio;
    private readonly EngineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<InstrumentId, InstrumentStatus> _statuses = [];

    public SettlementWatch(VenueRegistry venues, PortfolioBook portfolio, EngineMetrics metrics, ILogger logger)
    {
        _venues = venues;
        _portfolio = portfolio;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The last status read for each instrument with an open lot.</summary>
    public IReadOnlyDictionary<InstrumentId, InstrumentStatus> Statuses
    {
        get { lock (_statuses) return new Dictionary<InstrumentId, InstrumentStatus>(_statuses); }
    }

    /// <summary>
    /// Whether orders on <paramref name="instrument"/> can trade as far as the last status read says:
    /// false while the venue has it paused (Kalshi's inactive, a maintenance pause), not yet open, or
    /// past its close; true when it is open or was never read (the venue then answers for itself).
    /// </summary>
    public bool IsTrading(InstrumentId instrument)
    {
        lock (_statuses) return !_statuses.TryGetValue(instrument, out var status) || status.IsOpen;
    }

    public async Task CheckAsync(CancellationToken ct)
    {
        await RecheckClosedAsync(ct);
        foreach (var instrument in _portfolio.OpenLots.Select(p => p.Instrument).Distinct().ToList())
        {
            InstrumentStatus? status;
            try
            {
                status = await _venues.For(instrument).Instruments.GetStatusAsync(instrument, ct);
                _metrics.ApiSuccess();
            }
            catch (VenueException)
            {
                _metrics.ApiError();
                continue;
            }
            if (status is null) continue;
            InstrumentStatus? before;
            lock (_statuses)
            {
                _statuses.TryGetValue(instrument, out before);
                _statuses[instrument] = status;
            }
            if (status.Phase == InstrumentPhase.Paused && before?.Phase != InstrumentPhase.Paused)
            {
                EngineLog.Paused(_logger, instrument, status.VenueStatus);
            }
            else if (status.IsOpen && before?.Phase == InstrumentPhase.Paused)
            {
                EngineLog.Resumed(_logger, instrument);
            }
            if (status.Phase == InstrumentPhase.Settled && status.SettlementPrice is { } price)
            {
                _portfolio.Settle(instrument, price);
                lock (_statuses) _statuses.Remove(instrument);
            }
            else if (status.Phase == InstrumentPhase.Determined && before?.Phase != InstrumentPhase.Determined)
            {
                EngineLog.Determined(_logger, instrument, status.VenueStatus, status.PayoutText);
            }
            else if (status.Phase == InstrumentPhase.Determined && before?.PayoutText != status.PayoutText)
            {
                EngineLog.Amended(_logger, instrument, status.VenueStatus, before?.PayoutText, status.PayoutText);
            }
        }
    }

    /// <summary>
    /// An instrument the venue refused an order on as closed may only have been paused (Kalshi answers
    /// a paused market as inactive, and the weekly maintenance as paused): once the venue says it is
    /// open again, entries on it are no longer skipped.
    /// </summary>
    private async Task RecheckClosedAsync(CancellationToken ct)
    {
        foreach (var instrument in _venues.ClosedInstruments)
        {
            InstrumentStatus? status;
            try
            {
                status = await _venues.For(instrument).Instruments.GetStatusAsync(instrument, ct);
            }
            catch (VenueException)
            {
                continue;
            }
            if (status is not { IsOpen: true }) continue;
            _venues.MarkOpen(instrument);
            EngineLog.Resumed(_logger, instrument);
        }
    }
}
