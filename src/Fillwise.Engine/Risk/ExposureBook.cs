using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;

namespace Fillwise.Engine.Risk;

/// <summary>What the engine has at stake, as the pre-trade gate reads it: a consistent copy.</summary>
/// <param name="OpenOrders">Orders that may rest on a venue (entries, exits, hedges).</param>
/// <param name="OpenPositions">Open lots, plus entries in flight that have not opened one yet.</param>
/// <param name="ContractsByMarket">Per market (a binary market's two outcomes are one), units held plus units resting in entries.</param>
public sealed record ExposureSnapshot(int OpenOrders, int OpenPositions, IReadOnlyDictionary<InstrumentId, Quantity> ContractsByMarket)
{
    public static readonly ExposureSnapshot Empty = new(0, 0, new Dictionary<InstrumentId, Quantity>());

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
    private readonly Dictionary<ClientOrderId, (InstrumentId Market, Quantity Quantity)> _reserved = [];
    private volatile ExposureSnapshot _current = ExposureSnapshot.Empty;
    private int _dirty = 1;

    public ExposureBook(OrderTracker tracker, PortfolioBook portfolio, VenueRegistry venues)
    {
        _tracker = tracker;
        _portfolio = portfolio;
        _venues = venues;
        tracker.EventApplied += (_, _) => Invalidate();
        portfolio.LotChanged += _ => Invalidate();
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
        lock (_gate)
        {
            var reservedHere = Quantity.Zero;
            foreach (var r in _reserved.Values)
                if (r.Market == market) reservedHere += r.Quantity;
            var decision = admit(state, current, new Reserved(_reserved.Count, market, reservedHere));
            if (decision.Allowed) _reserved[intent.ClientOrderId] = (market, intent.Quantity);
            return decision;
        }
    }

    /// <summary>Entries admitted but not tracked yet: how many, and their units in the market being checked.</summary>
    internal readonly record struct Reserved(int Entries, InstrumentId Market, Quantity InMarket);

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
        var lots = _portfolio.OpenLots;
        var contracts = new Dictionary<InstrumentId, Quantity>();
        foreach (var lot in lots) Add(contracts, MarketOf(lot.Instrument), lot.Quantity);
        var pendingEntries = 0;
        foreach (var order in live)
        {
            if (order.Purpose != OrderPurpose.Entry) continue;
            Add(contracts, MarketOf(order.Instrument), order.Remaining);
            if (_portfolio.LotOf(order.ClientOrderId) is not { } lot || _portfolio.Find(lot) is null) pendingEntries++;
        }
        _current = new ExposureSnapshot(live.Count, lots.Count + pendingEntries, contracts);
        lock (_gate)
            foreach (var order in live)
                _reserved.Remove(order.ClientOrderId);
    }

    private static void Add(Dictionary<InstrumentId, Quantity> into, InstrumentId market, Quantity quantity) =>
        into[market] = (into.TryGetValue(market, out var q) ? q : Quantity.Zero) + quantity;
}
