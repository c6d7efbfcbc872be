using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Domain.Portfolio;
using Fillwise.Engine.Venues;

namespace Fillwise.Engine.Risk;

/// <summary>What the engine has at stake, as the pre-trade gate reads it: a consistent copy.</summary>
/// <param name="OpenOrders">Orders that may rest on a venue (entries, exits, hedges).</param>
/// <param name="OpenPositions">Open lots, plus entries in flight that have not opened one yet.</param>
/// <param name="ContractsByMarket">Per market (a binary market's two outcomes are one), units held plus units resting in entries.</param>
/// <param name="Outcomes">The instruments with an entry resting (for a binary market: its outcomes; a venue that nets the two holds only one side).</param>
public sealed record ExposureSnapshot(int OpenOrders, int OpenPositions, IReadOnlyDictionary<InstrumentId, Quantity> ContractsByMarket, IReadOnlySet<InstrumentId>? Outcomes = null)
{
    public static readonly ExposureSnapshot Empty = new(0, 0, new Dictionary<InstrumentId, Quantity>());

    /// <summary>Whether an entry on this instrument is resting.</summary>
    public bool Holds(InstrumentId outcome) => Outcomes?.Contains(outcome) == true;

    public Quantity ContractsIn(InstrumentId market) => ContractsByMarket.TryGetValue(market, out var q) ? q : Quantity.Zero;
}

/// <summary>
/// Keeps <see cref="ExposureSnapshot"/> current: rebuilt from the tracker and the lots after every
/// order event and lot change (off the order path), read by the gate without a lock. Entries the gate
/// has admitted but that are not tracked yet are held as reservations, so two entries racing through
/// the gate cannot both take the last position or the last contracts of a market.
/// </summary>
public sealed class ExposureBook
{
    private readonly OrderTracker _tracker;
    private readonly PortfolioBook _portfolio;
    private readonly VenueRegistry _venues;
    private readonly object _gate = new();
    private readonly object _rebuilding = new();
    private readonly Dictionary<ClientOrderId, (InstrumentId Market, InstrumentId Instrument, Quantity Quantity)> _reserved = [];
    // Units held per market, kept from lot changes: a rebuild then costs the live orders (a handful), not every open lot.
    private readonly Dictionary<PositionId, (InstrumentId Market, InstrumentId Instrument, Quantity Quantity)> _lots = [];
    private readonly Dictionary<InstrumentId, Quantity> _held = [];
    // Open lots per instrument, for the outcomes a market holds.
    private readonly Dictionary<InstrumentId, int> _outcomeLots = [];
    private volatile ExposureSnapshot _current = ExposureSnapshot.Empty;
    private int _dirty = 1;

    public ExposureBook(OrderTracker tracker, PortfolioBook portfolio, VenueRegistry venues)
    {
        _tracker = tracker;
        _portfolio = portfolio;
        _venues = venues;
        tracker.EventApplied += (_, _) => Invalidate();
        portfolio.LotChanged += lot =>
        {
            lock (_rebuilding) ApplyLot(lot);
            Invalidate();
        };
    }

    /// <summary>The latest copy (rebuilt first if something changed since).</summary>
    public ExposureSnapshot Current
    {
        get
        {
            if (Volatile.Read(ref _dirty) != 0) Rebuild();
            return _current;
        }
    }

    /// <summary>The market an instrument's units count in: a binary outcome and its complement share one.</summary>
    public InstrumentId MarketOf(InstrumentId instrument) =>
        Reconciliation.PositionGroup.KeyOf(instrument, _venues.KnownInstrument(instrument)?.Complement);

    /// <summary>
    /// Checks <paramref name="admit"/> against the exposure plus what is reserved, and reserves the
    /// entry when it passes, all under one lock: the check and the reservation cannot be split by another entry.
    /// </summary>
    internal GateDecision Admit<TState>(OrderIntent intent, TState state, Func<TState, ExposureSnapshot, Reserved, GateDecision> admit)
    {
        var current = Current;
        var market = MarketOf(intent.Instrument);
        InstrumentId? otherOutcome = null;
        if (_venues.KnownInstrument(intent.Instrument)?.Complement is { } complement)
            lock (_rebuilding)
                if (_outcomeLots.ContainsKey(complement)) otherOutcome = complement;
        lock (_gate)
        {
            var reservedHere = Quantity.Zero;
            foreach (var r in _reserved.Values)
            {
                if (r.Market != market) continue;
                reservedHere += r.Quantity;
                if (r.Instrument != intent.Instrument) otherOutcome = r.Instrument;
            }
            var decision = admit(state, current, new Reserved(_reserved.Count, market, reservedHere, otherOutcome));
            if (decision.Allowed) _reserved[intent.ClientOrderId] = (market, intent.Instrument, intent.Quantity);
            return decision;
        }
    }

    /// <summary>Entries admitted but not tracked yet: how many, their units in the market being checked; and the market's other outcome when it is held or among them.</summary>
    internal readonly record struct Reserved(int Entries, InstrumentId Market, Quantity InMarket, InstrumentId? OtherOutcome = null);

    /// <summary>The entry is tracked now (or was never sent): the tracker counts it from here on.</summary>
    internal void Release(ClientOrderId id)
    {
        lock (_gate) _reserved.Remove(id);
    }

    private void Invalidate() => Volatile.Write(ref _dirty, 1);

    private void Rebuild()
    {
        lock (_rebuilding)
        {
            if (Volatile.Read(ref _dirty) == 0) return;
            RebuildLocked();
        }
    }

    private void RebuildLocked()
    {
        Volatile.Write(ref _dirty, 0);
        var live = _tracker.LiveOrders;
        var openLots = _portfolio.OpenCount;
        // Lots put in place without a change event (the journal rebuild at start) are counted once here.
        if (openLots != _lots.Count) Recount();
        var contracts = new Dictionary<InstrumentId, Quantity>(_held);
        var outcomes = new HashSet<InstrumentId>();
        var pendingEntries = 0;
        foreach (var order in live)
        {
            if (order.Purpose != OrderPurpose.Entry) continue;
            var market = MarketOf(order.Instrument);
            Add(contracts, market, order.Remaining);
            outcomes.Add(order.Instrument);
            if (_portfolio.LotOf(order.ClientOrderId) is not { } lot || _portfolio.Find(lot) is null) pendingEntries++;
        }
        _current = new ExposureSnapshot(live.Count, openLots + pendingEntries, contracts, outcomes);
        lock (_gate)
            foreach (var order in live)
                _reserved.Remove(order.ClientOrderId);
    }

    private static void Add(Dictionary<InstrumentId, Quantity> into, InstrumentId market, Quantity quantity) =>
        into[market] = (into.TryGetValue(market, out var q) ? q : Quantity.Zero) + quantity;

    private void ApplyLot(TrackedLot lot)
    {
        if (_lots.Remove(lot.Id, out var before))
        {
            var left = (_held.TryGetValue(before.Market, out var held) ? held : Quantity.Zero) - before.Quantity;
            if (left.IsZero) _held.Remove(before.Market);
            else _held[before.Market] = left;
            if (_outcomeLots.TryGetValue(before.Instrument, out var lots))
            {
                if (lots <= 1) _outcomeLots.Remove(before.Instrument);
                else _outcomeLots[before.Instrument] = lots - 1;
            }
        }
        if (lot.IsClosed) return;
        var market = MarketOf(lot.Instrument);
        _lots[lot.Id] = (market, lot.Instrument, lot.Quantity);
        Add(_held, market, lot.Quantity);
        _outcomeLots[lot.Instrument] = _outcomeLots.GetValueOrDefault(lot.Instrument) + 1;
    }

    private void Recount()
    {
        _lots.Clear();
        _held.Clear();
        _outcomeLots.Clear();
        foreach (var lot in _portfolio.OpenLots) ApplyLot(lot);
    }
}
