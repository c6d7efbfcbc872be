using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Restart;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Reconciliation;

/// <summary>
/// The exchange is the truth: one pass over one venue compares the engine's picture (tracked orders,
/// lots, the journal) with the venue's (open orders, fills since the last pass, positions, realized
/// PnL and fees, balance), classifies every difference, and, when it applies, mends it the way the
/// options say: unknown outcomes asked, missed fills booked, orders the venue has in another state
/// read or canceled, orphans adopted or canceled, ghosts and size differences corrected, settlements
/// booked. A second pass over an unchanged venue finds nothing. An instrument with an order in flight
/// is left for the next pass rather than judged mid-fill.
/// </summary>
public sealed class Reconciler
{
    private readonly VenueRegistry _venues;
    private readonly OrderTracker _tracker;
    private readonly PortfolioBook _portfolio;
    private readonly FillConfirmation _confirmation;
    private readonly JournalRecorder _recorder;
    private readonly IJournal _journal;
    private readonly JournalRebuild _rebuild;
    private readonly ReconciliationBooking _booking;
    private readonly Funding.FundingBook _funding;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Dictionary<string, ReconciliationReport> _last = new(StringComparer.Ordinal);

    internal Reconciler(VenueRegistry venues, OrderTracker tracker, PortfolioBook portfolio, FillConfirmation confirmation, JournalRecorder recorder,
        IJournal journal, JournalRebuild rebuild, Funding.FundingBook funding, TimeProvider time, ILogger logger, ReconciliationOptions options)
    {
        _funding = funding;
        _venues = venues;
        _tracker = tracker;
        _portfolio = portfolio;
        _confirmation = confirmation;
        _recorder = recorder;
        _journal = journal;
        _rebuild = rebuild;
        _booking = new ReconciliationBooking(tracker, portfolio, recorder, time);
        _time = time;
        _logger = logger;
        Options = options;
    }

    public ReconciliationOptions Options { get; }

    /// <summary>Raised after every pass.</summary>
    public event Action<ReconciliationReport>? Completed;

    /// <summary>The last report of each venue.</summary>
    public IReadOnlyList<ReconciliationReport> LastReports
    {
        get { lock (_last) return _last.Values.ToList(); }
    }

    /// <summary>
    /// One pass. With <paramref name="apply"/> false nothing is changed anywhere (the `reconcile`
    /// command's report); with true, differences are mended as the options say and the pass is journaled.
    /// </summary>
    public async Task<ReconciliationReport> ReconcileAsync(string venueName, string trigger, bool apply, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var report = await PassAsync(venueName, trigger, apply, ct);
            lock (_last) _last[venueName] = report;
            if (report.Clean) EngineLog.ReconciledClean(_logger, venueName, trigger, report.VenueOrders, report.VenueFills, report.VenuePositions, (long)report.Elapsed.TotalMilliseconds);
            else
            {
                EngineLog.ReconciledWithDiscrepancies(_logger, venueName, trigger, report.Discrepancies.Count,
                    string.Join(", ", report.Discrepancies.GroupBy(d => d.Kind).Select(g => $"{g.Count()} {Discrepancy.Wire(g.Key)}")));
                foreach (var d in report.Discrepancies)
                    EngineLog.Discrepancy(_logger, venueName, Discrepancy.Wire(d.Kind), d.Instrument?.ToString() ?? "-", d.Detail, Discrepancy.Wire(d.Resolution));
            }
            if (apply) _recorder.RecordEngineEvent("reconciliation", report.ToJson(), report.Started);
            Completed?.Invoke(report);
            return report;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<ReconciliationReport> PassAsync(string venueName, string trigger, bool apply, CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        var clock = _time.GetTimestamp();
        var venue = _venues[venueName];
        var found = new List<Discrepancy>();
        var state = MetadataOwner.Engine("reconciliation-" + venueName);
        await _recorder.FlushAsync(ct);
        var saved = await _journal.GetMetadataAsync(state, ct);
        DateTimeOffset? checkpoint = saved.TryGetValue("fills_checked_until", out var c) && JsonNode.Parse(c)?.GetValue<string>() is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        var pass = (saved.TryGetValue("passes", out var p) && long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0) + 1;
        var synthetic = 0;
        string NextId() => ReconciliationBooking.SyntheticId(venueName, pass, synthetic++);

        var open = await venue.Reports.GetOpenOrdersAsync(ct);
        var positions = await venue.Reports.GetPositionsAsync(ct);
        // Without a checkpoint (the first pass ever), fills are read from the oldest open lot on: a
        // fill that explains a size difference must be booked, never written down and then booked again.
        var oldestLot = _portfolio.OpenLots.Where(l => l.Instrument.Venue == venueName).Select(l => (DateTimeOffset?)l.Lot.OpenedAt).Min();
        IReadOnlyList<FillReport> fills = (checkpoint ?? oldestLot) is { } since ? await venue.Reports.GetFillsSinceAsync(since - Options.FillOverlap, ct) : [];
        Money? balance = null;
        try
        {
            balance = (await venue.Reports.GetAccountAsync(ct)).Balance;
        }
        catch (VenueException)
        {
            // The balance is reported when it can be read; nothing is decided on it here.
        }

        await CheckUnknownOutcomesAsync(venue, apply, found, ct);
        await CheckOrdersAsync(venue, open, started, apply, found, ct);
        await CheckFillsAsync(venue, fills, apply, found, ct);
        await CheckPositionsAsync(venue, positions, trigger, apply, found, NextId, ct);
        // Funding the venue booked is read first (booked when applying, only counted otherwise), so a
        // payment the engine has not read yet is never taken for a difference.
        IReadOnlyDictionary<InstrumentId, Money>? pendingFunding = null;
        if (_funding.HasFunding(venueName))
        {
            try
            {
                if (apply) await _funding.SyncAsync(venueName, ct);
                pendingFunding = apply ? new Dictionary<InstrumentId, Money>() : await _funding.PendingAsync(venueName, ct);
            }
            catch (VenueException)
            {
                // Funding is compared when it could be read; the next pass reads it.
            }
        }
        await CheckPnlAsync(venue, positions, pendingFunding, found, ct);

        if (apply)
        {
            // Fills up to the start of this pass are checked; the next pass reads on from here (with an overlap).
            var until = JsonValue.Create(started.ToString("O", CultureInfo.InvariantCulture)).ToJsonString();
            _recorder.Enqueue((j, token) => j.SetMetadataAsync(state, "fills_checked_until", until, token));
            _recorder.Enqueue((j, token) => j.SetMetadataAsync(state, "passes", pass.ToString(CultureInfo.InvariantCulture), token));
        }
        return new ReconciliationReport(venueName, trigger, apply, started, _time.GetElapsedTime(clock), open.Count, fills.Count, positions.Count(x => !x.Quantity.IsZero),
            balance, found);
    }

    private async Task CheckUnknownOutcomesAsync(VenueConnection venue, bool apply, List<Discrepancy> found, CancellationToken ct)
    {
        foreach (var order in _tracker.LiveOrders.Where(o => o.Instrument.Venue == venue.Name && o.IsOutcomeUnknown && o.VenueOrderId is null))
        {
            if (!apply)
            {
                found.Add(new(DiscrepancyKind.UnknownOutcome, order.Instrument, $"order {order.ClientOrderId}: outcome not known", Resolution.AlertOnly));
                continue;
            }
            var outcome = await venue.Reports.ResolveAsync(order.Instrument, order.ClientOrderId, ct);
            switch (outcome)
            {
                case ResolveOutcome.Found f:
                    _tracker.ApplyVenueReport(f.Order, _time.GetUtcNow());
                    await _confirmation.RefreshAsync(venue, order, ct);
                    found.Add(new(DiscrepancyKind.UnknownOutcome, order.Instrument, $"order {order.ClientOrderId}: found on the venue as {f.Order.OrderId}", Resolution.Resolved));
                    break;
                case ResolveOutcome.NotFound:
                    _tracker.Apply(order.ClientOrderId, new OrderRejected(RejectionReason.NotFound, "not_sent", "never reached the venue (reconciliation)", _time.GetUtcNow()));
                    found.Add(new(DiscrepancyKind.UnknownOutcome, order.Instrument, $"order {order.ClientOrderId}: never reached the venue", Resolution.Resolved));
                    break;
                default:
                    found.Add(new(DiscrepancyKind.UnknownOutcome, order.Instrument, $"order {order.ClientOrderId}: the venue still cannot say", Resolution.Failed));
                    break;
            }
        }
    }

    private async Task CheckOrdersAsync(VenueConnection venue, IReadOnlyList<OrderStatusReport> open, DateTimeOffset started, bool apply, List<Discrepancy> found,
        CancellationToken ct)
    {
        var openIds = open.Select(o => o.OrderId).ToHashSet();
        foreach (var o in open)
        {
            var tracked = _tracker.Find(o.OrderId) ?? (o.ClientOrderId is { } cid ? _tracker.Find(cid) : null);
            if (tracked is { MayBeLiveOnVenue: true }) continue;
            // Finished while this pass ran (its follower canceled it after the list was read): no news.
            if (tracked is not null && tracked.LastUpdate >= started) continue;
            var ours = tracked is not null || (o.ClientOrderId is { } id && await _journal.GetIntentAsync(id, ct) is not null);
            var detail = ours
                ? $"our order {o.ClientOrderId} ({o.OrderId}) rests on the venue ({o.Side.ToWire()} {o.Remaining} at {o.LimitPrice}) but the engine had finished with it"
                : $"venue order {o.OrderId} ({o.Side.ToWire()} {o.Remaining} at {o.LimitPrice}) is not this engine's";
            var policy = ours ? OrphanPolicy.Cancel : Options.OrphanedOrders;
            if (!apply || policy == OrphanPolicy.Alert)
            {
                found.Add(new(ours ? DiscrepancyKind.OrderStateMismatch : DiscrepancyKind.OrphanedOrder, o.Instrument, detail, Resolution.AlertOnly));
                continue;
            }
            if (policy == OrphanPolicy.Adopt)
            {
                // Followed as external: its fills, when they come, are booked into an adopted lot.
                found.Add(new(DiscrepancyKind.OrphanedOrder, o.Instrument, detail + "; left resting and followed", Resolution.Adopted));
                continue;
            }
            var outcome = await venue.Execution.CancelAsync(new OrderRef(o.Instrument, o.ClientOrderId ?? new ClientOrderId("ext-" + o.OrderId.Value), o.OrderId), ct);
            found.Add(new(ours ? DiscrepancyKind.OrderStateMismatch : DiscrepancyKind.OrphanedOrder, o.Instrument, detail,
                outcome is CancelOutcome.Canceled or CancelOutcome.NotFound ? Resolution.Canceled : Resolution.Failed));
        }

        // Orders the engine believes live that the venue does not list as open: read them to their end.
        foreach (var order in _tracker.LiveOrders.Where(o => o.Instrument.Venue == venue.Name && o.VenueOrderId is { } v && !openIds.Contains(v)))
        {
            // Sent or accepted after the venue's list was read: not yet on it.
            if (order.CreatedAt >= started || order.LastUpdate >= started) continue;
            if (!apply)
            {
                found.Add(new(DiscrepancyKind.OrderStateMismatch, order.Instrument, $"order {order.ClientOrderId} is {order.Status} here but not open on the venue", Resolution.AlertOnly));
                continue;
            }
            var before = order.Status;
            await _confirmation.RefreshAsync(venue, order, ct);
            if (order.Status != before)
                found.Add(new(DiscrepancyKind.OrderStateMismatch, order.Instrument, $"order {order.ClientOrderId} was {before} here; the venue says {order.Status}", Resolution.Resolved));
        }
    }

    private async Task CheckFillsAsync(VenueConnection venue, IReadOnlyList<FillReport> fills, bool apply, List<Discrepancy> found, CancellationToken ct)
    {
        // Known = applied to one of our (or adopted) orders, here or in the journal; an orphan is not known.
        var unseen = fills.Where(f => !_tracker.KnowsTrade(f.TradeId)).ToList();
        if (unseen.Count == 0) return;
        var journaled = await _journal.GetKnownTradeIdsAsync(unseen.Select(f => f.TradeId).ToList(), ct);
        // Known from now on: the next pass does not ask the journal about them again.
        foreach (var id in journaled) _tracker.KnowTrade(id);
        foreach (var fill in unseen.Where(f => !journaled.Contains(f.TradeId)).OrderBy(f => f.Time))
        {
            var ours = _tracker.Find(fill.OrderId) ?? (fill.ClientOrderId is { } cid ? _tracker.Find(cid) : null);
            // A finished order of ours is in the journal, found by the fill's client id or an earlier fill of its venue order.
            var own = ours?.ClientOrderId ?? await OrphanFillTriage.OwnOrderAsync(_journal, fill, ct);
            if (ours is null && own is { } id && apply) ours = await _rebuild.RetrackAsync(id, ct);
            var what = $"fill {fill.TradeId}: {fill.Side.ToWire()} {fill.Quantity} at {fill.Price} (venue order {fill.OrderId})";
            if (ours is not null || own is not null)
            {
                var resolution = !apply ? Resolution.AlertOnly
                    : ours is null ? Resolution.Failed
                    : _tracker.ApplyVenueFill(fill) switch
                    {
                        { IsApplied: true } => Resolution.BookedFill,
                        { Outcome: OrderEventOutcome.Duplicate } => Resolution.Resolved,
                        _ => Resolution.Failed, // refused (logged as an anomaly by the tracker's listeners)
                    };
                found.Add(new(DiscrepancyKind.MissedFill, fill.Instrument, what, resolution));
                continue;
            }
            if (!apply || Options.ExternalFills != OrphanPolicy.Adopt)
            {
                found.Add(new(DiscrepancyKind.ExternalFill, fill.Instrument, what + ", not this engine's order", Resolution.AlertOnly));
                continue;
            }
            OrderStatusReport? report = null;
            try
            {
                report = await venue.Reports.GetOrderAsync(new OrderRef(fill.Instrument, fill.ClientOrderId ?? new ClientOrderId("ext-" + fill.OrderId.Value), fill.OrderId), ct);
            }
            catch (VenueException)
            {
                // Its size is then what its fills show.
            }
            await _booking.AdoptExternalFillAsync(fill, report, ct);
            found.Add(new(DiscrepancyKind.ExternalFill, fill.Instrument, what + ", not this engine's order", Resolution.Adopted));
        }
    }

    private async Task CheckPositionsAsync(VenueConnection venue, IReadOnlyList<PositionReport> positions, string trigger, bool apply, List<Discrepancy> found,
        Func<string> nextId, CancellationToken ct)
    {
        var lots = _portfolio.OpenLots.Where(l => l.Instrument.Venue == venue.Name).ToList();
        // Each lot and each venue position is counted once into its group: a pass stays linear in the book's size.
        // Sized for both outcomes of every held market: no rehashing on a large book.
        var groupOf = new Dictionary<InstrumentId, PositionGroup>(2 * Math.Max(lots.Count, positions.Count));
        var groups = new List<PositionGroup>(Math.Max(lots.Count, positions.Count));
        async ValueTask<PositionGroup> GroupOfAsync(InstrumentId id)
        {
            if (groupOf.TryGetValue(id, out var known)) return known;
            var instrument = _venues.KnownInstrument(id) ?? await _venues.GetInstrumentAsync(id, ct);
            var key = PositionGroup.KeyOf(id, instrument?.Complement);
            if (!groupOf.TryGetValue(key, out var group))
            {
                group = new PositionGroup(key, instrument?.Complement is { } comp && comp == key ? id : instrument?.Complement);
                groups.Add(group);
                foreach (var member in group.Members) groupOf[member] = group;
            }
            return groupOf[id] = group;
        }
        foreach (var lot in lots) (await GroupOfAsync(lot.Instrument)).Count(lot);
        foreach (var x in positions)
            if (!x.Quantity.IsZero) (await GroupOfAsync(x.Instrument)).Count(x);
        IReadOnlySet<InstrumentId>? busyInstruments = null;
        foreach (var group in groups)
        {
            var local = group.HeldHere;
            var venueNet = group.HeldOnVenue;
            if (local == venueNet) continue;
            busyInstruments ??= _tracker.BusyInstruments(_time.GetUtcNow() - Options.QuietPeriod);
            var busy = group.Members.Any(busyInstruments.Contains);
            var detail = $"engine holds {group.Text(local)}, the venue {group.Text(venueNet)}";
            if (busy && trigger != "start")
            {
                found.Add(new(DiscrepancyKind.SizeMismatch, group.Primary, detail + " while orders are in flight", Resolution.Deferred));
                continue;
            }
            var status = await group.SettledStatusAsync(_venues, ct);
            if (status is not null && local != 0m)
            {
                found.Add(await BookMissedSettlementAsync(group, lots, status, detail, apply, ct));
                continue;
            }
            var kind = venueNet == 0m ? DiscrepancyKind.GhostPosition : local == 0m ? DiscrepancyKind.OrphanedPosition
                : Math.Abs(venueNet) > Math.Abs(local) && Math.Sign(venueNet) == Math.Sign(local) ? DiscrepancyKind.OrphanedPosition
                : DiscrepancyKind.SizeMismatch;
            if (!apply)
            {
                found.Add(new(kind, group.Primary, detail, Resolution.AlertOnly));
                continue;
            }
            var resolution = await MendAsync(group, lots, positions, venueNet - local, kind, detail, nextId, ct);
            found.Add(new(kind, group.Primary, detail, resolution));
        }
    }

    /// <summary>
    /// The venue paid out an instrument the engine still holds (the engine was away, or missed it):
    /// each held member closes at the venue's own settlement price for it (1 or 0, a scalar value, a
    /// void's refund per unit). A member whose payout the venue does not state is left for a person,
    /// never closed at a guess.
    /// </summary>
    private async Task<Discrepancy> BookMissedSettlementAsync(PositionGroup group, List<TrackedLot> lots, InstrumentStatus status, string detail, bool apply, CancellationToken ct)
    {
        var prices = new Dictionary<InstrumentId, Price>();
        foreach (var id in group.Members)
        {
            if ((await _venues.For(id).Instruments.GetStatusAsync(id, ct))?.SettlementPrice is { } price) prices[id] = price;
        }
        var held = lots.Where(l => group.Contains(l.Instrument)).Select(l => l.Instrument).Distinct().ToList();
        var what = $"{detail}: the venue settled it ({status.VenueStatus}, pays {status.PayoutText ?? "?"})";
        if (!held.All(prices.ContainsKey))
            return new(DiscrepancyKind.SettlementMissed, group.Primary, what + " but states no payout for what the engine holds", Resolution.AlertOnly);
        if (apply) foreach (var id in held) _portfolio.Settle(id, prices[id]);
        return new(DiscrepancyKind.SettlementMissed, group.Primary, what, apply ? Resolution.CorrectedLocally : Resolution.AlertOnly);
    }

    /// <summary>
    /// Brings the engine's net in a group to the venue's: first what the venue no longer holds is
    /// written down (newest lots first), then what it holds beyond is adopted at its own average price.
    /// </summary>
    private async Task<Resolution> MendAsync(PositionGroup group, List<TrackedLot> lots, IReadOnlyList<PositionReport> positions, decimal delta,
        DiscrepancyKind kind, string detail, Func<string> nextId, CancellationToken ct)
    {
        var wanted = Math.Abs(delta);
        var direction = Math.Sign(delta);
        // Lots whose contribution points the other way are written down first.
        if (Options.CorrectGhosts)
        {
            foreach (var lot in lots.Where(l => group.Contains(l.Instrument) && group.SignOf(l) == -direction && !l.Closing).OrderByDescending(l => l.Lot.OpenedAt))
            {
                if (wanted == 0m) break;
                var take = Math.Min(wanted, lot.Quantity.Value);
                await _booking.WriteDownAsync(nextId(), lot, Quantity.Of(take), $"reconciliation: {detail}", ct);
                wanted -= take;
            }
        }
        if (wanted == 0m) return Resolution.CorrectedLocally;
        if (direction * Math.Sign(group.HeldOnVenue) <= 0 && !Options.CorrectGhosts) return Resolution.AlertOnly;
        // What remains is held on the venue beyond our lots: adopt it on the instrument the venue reports.
        var held = positions.FirstOrDefault(x => group.Contains(x.Instrument) && !x.Quantity.IsZero && group.SignOf(x) == direction);
        if (held is null || Options.OrphanedPositions != OrphanPolicy.Adopt) return wanted == Math.Abs(delta) ? Resolution.AlertOnly : Resolution.CorrectedLocally;
        if (held.AverageEntryPrice is not { } price) return Resolution.AlertOnly; // no price to adopt at: never a made-up one
        await _booking.AdoptPositionAsync(nextId(), held.Instrument, held.Side, Quantity.Of(wanted), price,
            $"adopted by reconciliation: the venue holds {held.Quantity} {held.Instrument} that no order of this engine explains", ct);
        return Resolution.Adopted;
    }

    private async Task CheckPnlAsync(VenueConnection venue, IReadOnlyList<PositionReport> positions, IReadOnlyDictionary<InstrumentId, Money>? pendingFunding,
        List<Discrepancy> found, CancellationToken ct)
    {
        var reported = positions.Where(x => x.RealizedPnl is not null || x.FundingPaid is not null).ToList();
        if (reported.Count == 0) return;
        await _recorder.FlushAsync(ct);
        var ours = await _journal.GetRealizedByInstrumentAsync(ct);
        // Read once for the pass: which instruments are mid-fill, which hold lots and their entry fees, which the venue holds.
        var busy = _tracker.BusyInstruments(_time.GetUtcNow() - Options.QuietPeriod);
        var openEntryFees = new Dictionary<InstrumentId, Money>();
        foreach (var lot in _portfolio.OpenLots) openEntryFees[lot.Instrument] = openEntryFees.GetValueOrDefault(lot.Instrument) + lot.Lot.OpenEntryFees;
        var heldOnVenue = positions.Where(p => !p.Quantity.IsZero).Select(p => p.Instrument).ToHashSet();
        foreach (var x in reported)
        {
            var instrument = await _venues.GetInstrumentAsync(x.Instrument, ct);
            var members = instrument?.Complement is { } comp ? new[] { x.Instrument, comp } : [x.Instrument];
            if (!members.Any(ours.ContainsKey)) continue; // never traded here by this engine
            // Mid-fill, the two sides are judged at different moments: the next pass looks again.
            if (members.Any(busy.Contains)) continue;
            // Realized PnL only agrees once flat: the venue matches exits to entries its own way
            // (first in, first out or average cost), the engine to the lot each exit closed. The
            // venue's figures must cover the same history as the journal (Kalshi's: one market's
            // life, all adopted); a perp venue whose sums span the account's whole life on a symbol
            // reports none (the Aster adapter), or every account that traded before would differ.
            var flat = !members.Any(heldOnVenue.Contains) && !members.Any(openEntryFees.ContainsKey);
            var gross = members.Aggregate(Money.Zero, (s, m) => s + ours.GetValueOrDefault(m).Gross);
            if (flat && x.RealizedPnl is { } venueRealized && Abs(gross - venueRealized) > Options.PnlTolerance)
                found.Add(new(DiscrepancyKind.PnlMismatch, x.Instrument, $"realized PnL {gross} here, {x.RealizedPnl} on the venue", Resolution.AlertOnly));
            // Funding is apart from realized PnL on both sides; once flat no more accrues, so the
            // totals must agree (what the venue booked and the engine had not read yet counted in).
            if (flat && x.FundingPaid is { } venueFunding && pendingFunding is not null)
            {
                var funding = (_funding.PaidOn(x.Instrument) ?? Money.Zero) + pendingFunding.GetValueOrDefault(x.Instrument);
                if (Abs(funding - venueFunding) > Options.PnlTolerance)
                    found.Add(new(DiscrepancyKind.PnlMismatch, x.Instrument, $"funding paid {funding} here, {venueFunding} on the venue", Resolution.AlertOnly));
            }
            if (x.RealizedPnl is null || x.FeesPaid is not { } venueFees) continue;
            // Fees paid so far: those booked with exits, plus the entry fees of units still held.
            var fees = members.Aggregate(Money.Zero, (s, m) => s + ours.GetValueOrDefault(m).Fees)
                + members.Aggregate(Money.Zero, (s, m) => s + openEntryFees.GetValueOrDefault(m));
            if (Abs(fees - venueFees) > Options.PnlTolerance)
                found.Add(new(DiscrepancyKind.PnlMismatch, x.Instrument, $"fees {fees} here, {venueFees} on the venue", Resolution.AlertOnly));
        }
    }

    private static Money Abs(Money m) => m.IsNegative ? -m : m;
}
