using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Funding;

public sealed record FundingOptions
{
    /// <summary>Longest the engine goes without reading each perp venue's funding payments and rates.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a settlement time, how long before reading it (a venue books it a moment later).</summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Each read reaches this far behind the last one; payment ids within it are remembered, so a late-posted payment is booked once.</summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the read position is saved when nothing was paid (a payment saves it at once).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>A perpetual's funding as its venue last stated it: rate per interval, the venue's own interval, the next settlement.</summary>
public sealed record FundingScheduleView(InstrumentId Instrument, decimal Rate, TimeSpan Interval, DateTimeOffset NextFundingTime, Price? MarkPrice, DateTimeOffset AsOf)
{
    /// <summary>The rate per hour, for comparing venues (payments are made at each venue's own interval).</summary>
    public decimal RatePerHour => Rate * 60m / (decimal)Interval.TotalMinutes;
}

/// <summary>Funding as the engine knows it: each followed instrument's schedule, what was paid per instrument, and what no lot of ours held.</summary>
public sealed record FundingSnapshot(
    IReadOnlyList<FundingScheduleView> Schedules,
    IReadOnlyDictionary<InstrumentId, Money> Paid,
    IReadOnlyDictionary<InstrumentId, Money> Unattributed);

/// <summary>What one read of a venue's funding payments found and booked.</summary>
public sealed record FundingSyncResult(string Venue, int Read, int Booked, Money Paid);

/// <summary>
/// Funding on the engine's perpetual positions. Per venue with <see cref="IFundingReports"/>: reads
/// the payments the venue booked since the last read (less an overlap), books each new one on the
/// lots that held the position when it settled (<see cref="PortfolioBook.BookFunding"/>), and keeps
/// in the journal, in the same transaction, the payment (an engine event "funding") and the venue's
/// funding state (read position, recent payment ids, totals per instrument, each open lot's total),
/// so a restart books nothing twice and shows what each lot paid. Also follows the rate, interval
/// and next settlement of every instrument an open lot holds, and reads again just after each
/// settlement. Funding is kept apart from realized PnL, as the venues report it.
/// </summary>
public sealed class FundingBook
{
    private readonly VenueRegistry _venues;
    private readonly PortfolioBook _portfolio;
    private readonly JournalRecorder _recorder;
    private readonly IJournal _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, FundingState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<InstrumentId, FundingScheduleView> _schedules = [];
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FundingBook(VenueRegistry venues, PortfolioBook portfolio, JournalRecorder recorder, IJournal journal, TimeProvider time, ILogger logger, FundingOptions options)
    {
        _venues = venues;
        _portfolio = portfolio;
        _recorder = recorder;
        _journal = journal;
        _time = time;
        _logger = logger;
        Options = options;
        // A lot opened on an instrument whose funding is not followed yet: read its schedule now, not at the next poll.
        portfolio.LotChanged += lot =>
        {
            if (!HasFunding(lot.Instrument.Venue)) return;
            bool known;
            lock (_gate) known = _schedules.ContainsKey(lot.Instrument);
            if (!known) _wake.TrySetResult();
        };
    }

    public FundingOptions Options { get; }

    /// <summary>Whether the venue pays funding (its reports implement <see cref="IFundingReports"/>).</summary>
    public bool HasFunding(string venue) => _venues.Has(venue) && _venues[venue].Reports is IFundingReports;

    private static MetadataOwner Owner(string venue) => MetadataOwner.Engine("funding-" + venue);

    /// <summary>Reads each perp venue's funding state from the journal and gives each open lot back what it paid (restart).</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        foreach (var venue in _venues.All.Where(v => v.Reports is IFundingReports))
        {
            var saved = await _journal.GetMetadataAsync(Owner(venue.Name), ct);
            var state = saved.TryGetValue(FundingState.Key, out var json) ? FundingState.FromJson(json) : new FundingState();
            lock (_gate) _states[venue.Name] = state;
            foreach (var (lot, paid) in state.Lots) _portfolio.RestoreFunding(lot, paid);
        }
    }

    /// <summary>Funding booked on <paramref name="instrument"/> over the journal's life (lots and unattributed); null when none ever was.</summary>
    public Money? PaidOn(InstrumentId instrument)
    {
        lock (_gate) return _states.TryGetValue(instrument.Venue, out var s) && s.Paid.TryGetValue(instrument, out var paid) ? paid : null;
    }

    public FundingSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new FundingSnapshot([.. _schedules.Values.OrderBy(s => s.Instrument.ToString(), StringComparer.Ordinal)],
                _states.Values.SelectMany(s => s.Paid).ToDictionary(kv => kv.Key, kv => kv.Value),
                _states.Values.SelectMany(s => s.Unattributed).Where(kv => kv.Value != Money.Zero).ToDictionary(kv => kv.Key, kv => kv.Value));
        }
    }

    /// <summary>Reads the venue's funding payments since the last read and books the new ones (journaled with the read position, all together).</summary>
    public async Task<FundingSyncResult> SyncAsync(string venueName, CancellationToken ct)
    {
        if (_venues[venueName].Reports is not IFundingReports reports) return new FundingSyncResult(venueName, 0, 0, Money.Zero);
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var (read, fresh, started) = await ReadNewAsync(venueName, reports, ct);
            var state = StateOf(venueName);
            var paid = Money.Zero;
            // Booked and journaled as one unit: the payments, the lots they moved and the state that says they are booked.
            using (_recorder.BeginUnit())
            {
                foreach (var payment in fresh)
                {
                    paid += payment.Paid;
                    Book(venueName, state, payment);
                }
                lock (_gate)
                {
                    state.CheckedUntil = started;
                    foreach (var old in state.Recent.Where(r => r.Value < started - Options.Overlap).Select(r => r.Key).ToList()) state.Recent.Remove(old);
                }
                if (fresh.Count > 0 || state.SavedAt is not { } saved || started - saved >= Options.CheckpointInterval)
                {
                    state.SavedAt = started;
                    var lots = _portfolio.OpenFunding(venueName);
                    string json;
                    lock (_gate) json = state.ToJson(lots);
                    _recorder.RecordMetadata(Owner(venueName), FundingState.Key, json);
                }
            }
            return new FundingSyncResult(venueName, read, fresh.Count, paid);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>What the venue booked since the last read and the engine has not (per instrument), without booking it: the `reconcile` command changes nothing.</summary>
    public async Task<IReadOnlyDictionary<InstrumentId, Money>> PendingAsync(string venueName, CancellationToken ct)
    {
        if (_venues[venueName].Reports is not IFundingReports reports) return new Dictionary<InstrumentId, Money>();
        var (_, fresh, _) = await ReadNewAsync(venueName, reports, ct);
        return fresh.GroupBy(p => p.Instrument).ToDictionary(g => g.Key, g => g.Aggregate(Money.Zero, (s, p) => s + p.Paid));
    }

    /// <summary>Reads the rate, interval and next settlement of every instrument an open lot of the venue holds.</summary>
    public async Task RefreshSchedulesAsync(string venueName, CancellationToken ct)
    {
        var venue = _venues[venueName];
        if (venue.Reports is not IFundingReports) return;
        foreach (var instrument in _portfolio.OpenLots.Where(l => l.Instrument.Venue == venueName).Select(l => l.Instrument).Distinct())
        {
            var info = await venue.MarketData.GetFundingAsync(instrument, ct);
            var view = new FundingScheduleView(instrument, info.Rate, info.Interval, info.NextFundingTime, info.MarkPrice, _time.GetUtcNow());
            lock (_gate) _schedules[instrument] = view;
        }
    }

    /// <summary>
    /// Until stopped: each perp venue's schedules and payments read, then a wait until just after the
    /// next settlement of a held instrument, at most <see cref="FundingOptions.PollInterval"/>, cut
    /// short when a lot opens on an instrument not followed yet.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            foreach (var venue in _venues.All.Where(v => v.Reports is IFundingReports))
            {
                try
                {
                    await RefreshSchedulesAsync(venue.Name, ct);
                    await SyncAsync(venue.Name, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // Whatever one read hit (a venue error, an answer that does not parse), the loop goes on: the next read tries again.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    EngineLog.FundingReadFailed(_logger, venue.Name, e.Message, StateOf(venue.Name).CheckedUntil ?? _time.GetUtcNow());
                }
            }
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(ct);
            await Task.WhenAny(Task.Delay(NextWait(), _time, sleep.Token), _wake.Task);
            await sleep.CancelAsync();
        }
    }

    private TimeSpan NextWait()
    {
        var now = _time.GetUtcNow();
        var wait = Options.PollInterval;
        var held = _portfolio.OpenLots.Select(l => l.Instrument).ToHashSet();
        lock (_gate)
        {
            foreach (var s in _schedules.Values.Where(s => held.Contains(s.Instrument)))
            {
                var due = s.NextFundingTime + Options.SettleDelay - now;
                if (due > TimeSpan.Zero && due < wait) wait = due;
            }
        }
        return wait;
    }

    private async Task<(int Read, List<FundingPaymentReport> Fresh, DateTimeOffset Started)> ReadNewAsync(string venueName, IFundingReports reports, CancellationToken ct)
    {
        var state = StateOf(venueName);
        var started = _time.GetUtcNow();
        DateTimeOffset? checkedUntil;
        HashSet<string> recent;
        lock (_gate)
        {
            checkedUntil = state.CheckedUntil;
            recent = [.. state.Recent.Keys];
        }
        // Never read before: from the oldest open lot of this venue (its funding is ours to book), else from now.
        var oldestLot = _portfolio.OpenLots.Where(l => l.Instrument.Venue == venueName).Select(l => (DateTimeOffset?)l.Lot.OpenedAt).Min();
        var since = (checkedUntil ?? oldestLot ?? started) - Options.Overlap;
        var payments = await reports.GetFundingPaymentsAsync(since, ct);
        var fresh = payments.Where(p => p.Time >= since && !recent.Contains(p.PaymentId))
            .DistinctBy(p => p.PaymentId).OrderBy(p => p.Time).ThenBy(p => p.PaymentId, StringComparer.Ordinal).ToList();
        return (payments.Count, fresh, started);
    }

    private void Book(string venueName, FundingState state, FundingPaymentReport payment)
    {
        // The instrument's total first, then the lots: a reader that sees a lot's funding sees the total that holds it.
        lock (_gate)
        {
            state.Recent[payment.PaymentId] = payment.Time;
            state.Paid[payment.Instrument] = state.Paid.GetValueOrDefault(payment.Instrument) + payment.Paid;
        }
        var split = _portfolio.BookFunding(payment);
        if (split.Unattributed != Money.Zero)
            lock (_gate) state.Unattributed[payment.Instrument] = state.Unattributed.GetValueOrDefault(payment.Instrument) + split.Unattributed;
        _recorder.RecordEngineEvent("funding", FundingState.EventJson(venueName, payment, split), payment.Time);
        EngineLog.FundingBooked(_logger, payment.Instrument, payment.PaymentId, payment.Time, payment.Paid, split.Shares.Count);
        if (split.Unattributed != Money.Zero)
            EngineLog.FundingUnattributed(_logger, payment.Instrument, payment.PaymentId, split.Unattributed, payment.Paid, payment.Time);
    }

    private FundingState StateOf(string venue)
    {
        lock (_gate)
        {
            if (!_states.TryGetValue(venue, out var state)) _states[venue] = state = new FundingState();
            return state;
        }
    }
}
