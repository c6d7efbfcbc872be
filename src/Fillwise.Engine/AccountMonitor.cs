using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine;

/// <summary>
/// A venue's cash as last read: the value and when, or nothing when it was never read. When the
/// venue cannot be reached the last value stays, flagged stale, with the error: never a made-up 0.
/// </summary>
public sealed record AccountView(string Venue, Money? Balance, string? Currency, DateTimeOffset? AsOf, bool Stale, string? Error);

/// <summary>Reads each venue's balance on a timer and keeps the last known value for readers.</summary>
public sealed class AccountMonitor
{
    private readonly VenueRegistry _venues;
    private readonly EngineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<string, AccountView> _views = new(StringComparer.Ordinal);

    public AccountMonitor(VenueRegistry venues, EngineMetrics metrics, ILogger logger)
    {
        _venues = venues;
        _metrics = metrics;
        _logger = logger;
        foreach (var v in venues.All) _views[v.Name] = new AccountView(v.Name, null, null, null, Stale: true, "not read yet");
    }

    public IReadOnlyList<AccountView> Views
    {
        get { lock (_views) return _views.Values.ToList(); }
    }

    public AccountView? For(string venue)
    {
        lock (_views) return _views.GetValueOrDefault(venue);
    }

    private long _started;
    private long _completedThrough;

    /// <summary>Numbers given to refreshes as they start; a reading that started after a moment is after it.</summary>
    public long RefreshesStarted => Interlocked.Read(ref _started);

    /// <summary>The highest refresh number that has finished (its balances are in <see cref="Views"/>).</summary>
    public long RefreshesCompletedThrough => Interlocked.Read(ref _completedThrough);

    public async Task RefreshAsync(CancellationToken ct)
    {
        var number = Interlocked.Increment(ref _started);
        try
        {
            await ReadAllAsync(ct);
        }
        finally
        {
            long seen;
            while ((seen = Interlocked.Read(ref _completedThrough)) < number && Interlocked.CompareExchange(ref _completedThrough, number, seen) != seen)
            {
            }
        }
    }

    private async Task ReadAllAsync(CancellationToken ct)
    {
        foreach (var venue in _venues.All)
        {
            try
            {
                var report = await venue.Reports.GetAccountAsync(ct);
                _metrics.ApiSuccess();
                lock (_views) _views[venue.Name] = new AccountView(venue.Name, report.Balance, report.Currency, report.AsOf, Stale: false, null);
            }
            catch (VenueException e)
            {
                _metrics.ApiError();
                AccountView stale;
                lock (_views) stale = _views[venue.Name] = _views[venue.Name] with { Stale = true, Error = e.Message };
                EngineLog.BalanceStale(_logger, venue.Name, e.Message, stale.AsOf);
            }
        }
    }
}
