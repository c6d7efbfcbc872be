using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Testing;

/// <summary>
/// The journal contract kept in memory, for engine tests that restart an engine without a disk.
/// Same rules as the SQLite journal where the engine relies on them: duplicate client order ids
/// refused, duplicate trade ids reported, events only for journaled intents, positions closed once.
/// </summary>
public sealed class InMemoryJournal : IJournal
{
    private readonly object _gate = new();
    private readonly List<JournalEntry<JournalIntent>> _intents = [];
    // Indexes beside the lists, so a bench or a long test with 100,000 orders is not quadratic.
    private readonly Dictionary<ClientOrderId, JournalEntry<JournalIntent>> _intentById = [];
    private readonly Dictionary<ClientOrderId, List<JournalEntry<JournalOrderEvent>>> _eventsByOrder = [];
    private readonly Dictionary<TradeId, JournalEntry<JournalFill>> _fillByTrade = [];
    private readonly Dictionary<PositionId, (long Seq, JournalPosition Position)> _positionById = [];
    private readonly Dictionary<MetadataOwner, Dictionary<string, string>> _metadataByOwner = [];
    private readonly List<JournalEntry<JournalOrderEvent>> _events = [];
    private readonly List<JournalEntry<JournalFill>> _fills = [];
    private readonly List<(long Seq, JournalPosition Position)> _positions = [];
    private readonly Dictionary<PositionId, DateTimeOffset> _closed = [];
    private readonly List<JournalEntry<JournalExit>> _exits = [];
    private readonly List<JournalEntry<JournalEngineEvent>> _engineEvents = [];
    private long _seq;
    private readonly WriterLease _lease = new("in-memory journal");

    /// <summary>Nothing else can open this journal: its lease is lost only when a test says so (<see cref="LoseWriterLease"/>).</summary>
    public IWriterLease WriterLease => _lease;

    /// <summary>As a PostgreSQL journal does when its session is gone (appends here still work: the engine must stop by itself).</summary>
    public void LoseWriterLease(string reason) => _lease.TryMarkLost(reason);

    /// <summary>Every order intent journaled so far, oldest first (a refused request must not add one).</summary>
    public IReadOnlyList<JournalIntent> Intents
    {
        get
        {
            lock (_gate) return [.. _intents.Select(e => e.Record)];
        }
    }

    private JournalEntry<T> Entry<T>(T record) => new(++_seq, DateTimeOffset.UnixEpoch, record);

    public Task<long> AppendIntentAsync(JournalIntent intent, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_intentById.ContainsKey(intent.ClientOrderId)) throw new DuplicateClientOrderIdException(intent.ClientOrderId.Value);
            var e = Entry(intent);
            _intents.Add(e);
            _intentById[intent.ClientOrderId] = e;
            return Task.FromResult(e.Sequence);
        }
    }

    public Task<long> AppendOrderEventAsync(JournalOrderEvent orderEvent, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_intentById.ContainsKey(orderEvent.ClientOrderId))
                throw new JournalConstraintException($"no intent is journaled for client order id '{orderEvent.ClientOrderId}'");
            var e = Entry(orderEvent);
            _events.Add(e);
            if (!_eventsByOrder.TryGetValue(orderEvent.ClientOrderId, out var list)) _eventsByOrder[orderEvent.ClientOrderId] = list = [];
            list.Add(e);
            return Task.FromResult(e.Sequence);
        }
    }

    /// <summary>Every group appended together, in order (tests check what the engine writes as one).</summary>
    public List<IReadOnlyList<JournalWrite>> Groups { get; } = [];

    /// <summary>All under one lock: nothing else is appended between them.</summary>
    public Task<IReadOnlyList<JournalException>> AppendTogetherAsync(IReadOnlyList<JournalWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var refusals = new List<JournalException>();
        lock (_gate)
        {
            Groups.Add(writes.ToList());
            foreach (var write in writes)
            {
                // Every append here runs synchronously and throws its refusal at once.
                try
                {
                    write.ApplyAsync(this, cancellationToken).GetAwaiter().GetResult();
                }
                catch (JournalException refused)
                {
                    refusals.Add(refused);
                }
            }
        }
        return Task.FromResult<IReadOnlyList<JournalException>>(refusals);
    }

    public Task<FillAppendResult> AppendFillAsync(JournalFill fill, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_fillByTrade.TryGetValue(fill.TradeId, out var stored)) return Task.FromResult(new FillAppendResult(FillAppendOutcome.Duplicate, stored.Sequence, stored.Record == fill));
            var e = Entry(fill);
            _fills.Add(e);
            _fillByTrade[fill.TradeId] = e;
            return Task.FromResult(new FillAppendResult(FillAppendOutcome.Appended, e.Sequence, true));
        }
    }

    public Task<long> OpenPositionAsync(JournalPosition position, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_positionById.ContainsKey(position.PositionId)) throw new JournalConstraintException($"position '{position.PositionId}' is already journaled");
            _positions.Add((++_seq, position));
            _positionById[position.PositionId] = (_seq, position);
            return Task.FromResult(_seq);
        }
    }

    public Task<long> AppendExitAsync(JournalExit exit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_positionById.ContainsKey(exit.PositionId)) throw new JournalConstraintException($"no position '{exit.PositionId}' is journaled");
            var e = Entry(exit);
            _exits.Add(e);
            return Task.FromResult(e.Sequence);
        }
    }

    public Task ClosePositionAsync(PositionId positionId, DateTimeOffset closedAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_positionById.ContainsKey(positionId)) throw new JournalConstraintException($"no position '{positionId}' is journaled");
            if (!_closed.TryAdd(positionId, closedAt)) throw new JournalConstraintException($"position '{positionId}' is already closed");
            return Task.CompletedTask;
        }
    }

    public Task<long> SetMetadataAsync(MetadataOwner owner, string key, string valueJson, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_metadataByOwner.TryGetValue(owner, out var latest)) _metadataByOwner[owner] = latest = new(StringComparer.Ordinal);
            latest[key] = valueJson;
            return Task.FromResult(++_seq);
        }
    }

    public Task<long> AppendEngineEventAsync(JournalEngineEvent engineEvent, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var e = Entry(engineEvent);
            _engineEvents.Add(e);
            return Task.FromResult(e.Sequence);
        }
    }

    public Task<JournalEntry<JournalIntent>?> GetIntentAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_intentById.GetValueOrDefault(clientOrderId));
    }

    public Task<IReadOnlyList<JournalEntry<JournalIntent>>> GetUnresolvedIntentsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<JournalEntry<JournalIntent>>>(_intents
                .Where(i => !EventsOf(i.Record.ClientOrderId).Any(e => e.Record.ResolvesIntent)).ToList());
    }

    public Task<IReadOnlyList<JournalEntry<JournalOrderEvent>>> GetOrderEventsAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<JournalEntry<JournalOrderEvent>>>(EventsOf(clientOrderId).ToList());
    }

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByOrderAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<JournalEntry<JournalFill>>>(_fills.Where(f => f.Record.ClientOrderId == clientOrderId).ToList());
    }

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByVenueOrderAsync(VenueOrderId venueOrderId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<JournalEntry<JournalFill>>>(_fills.Where(f => f.Record.VenueOrderId == venueOrderId).ToList());
    }

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<JournalEntry<JournalFill>>>(_fills.Where(f => f.Sequence > afterSequence).Take(limit).ToList());
    }

    public Task<JournalPositionState?> GetPositionAsync(PositionId positionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_positionById.TryGetValue(positionId, out var p) ? State(p) : null);
        }
    }

    public Task<IReadOnlyList<JournalPositionState>> GetOpenPositionsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<JournalPositionState>>(_positions.Where(p => !_closed.ContainsKey(p.Position.PositionId)).Select(State).ToList());
    }

    public Task<IReadOnlyList<JournalLotFill>> GetOpenPositionFillsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var open = _positions.Where(p => !_closed.ContainsKey(p.Position.PositionId)).Select(p => p.Position.PositionId).ToHashSet();
            var result = new List<JournalLotFill>();
            foreach (var f in _fills)
            {
                var intent = f.Record.ClientOrderId is { } cid ? _intentById.GetValueOrDefault(cid)?.Record : null;
                if (intent?.PositionId is { } lot && open.Contains(lot)) result.Add(new JournalLotFill(lot, intent.Purpose, intent.Reason, f));
            }
            return Task.FromResult<IReadOnlyList<JournalLotFill>>(result);
        }
    }

    public Task<IReadOnlySet<TradeId>> GetKnownTradeIdsAsync(IReadOnlyCollection<TradeId> tradeIds, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlySet<TradeId>>(tradeIds.Where(_fillByTrade.ContainsKey).ToHashSet());
    }

    public Task<IReadOnlyDictionary<Fillwise.Domain.Instruments.InstrumentId, (Money Gross, Money Fees)>> GetRealizedByInstrumentAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var sums = new Dictionary<Fillwise.Domain.Instruments.InstrumentId, (Money Gross, Money Fees)>();
            foreach (var e in _exits)
            {
                var instrument = _positionById[e.Record.PositionId].Position.Instrument;
                var (g, f) = sums.GetValueOrDefault(instrument, (Money.Zero, Money.Zero));
                sums[instrument] = (g + e.Record.GrossPnl, f + e.Record.Fees);
            }
            return Task.FromResult<IReadOnlyDictionary<Fillwise.Domain.Instruments.InstrumentId, (Money Gross, Money Fees)>>(sums);
        }
    }

    public Task<IReadOnlyList<JournalOrderState>> GetUnfinishedOrdersAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<JournalOrderState>>(_intents
                .Where(i => !EventsOf(i.Record.ClientOrderId).Any(e => e.Record.FinishesOrder))
                .Select(i => new JournalOrderState(i, EventsOf(i.Record.ClientOrderId).ToList()))
                .ToList());
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(MetadataOwner owner, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var latest = _metadataByOwner.TryGetValue(owner, out var kept) ? new Dictionary<string, string>(kept, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
            return Task.FromResult<IReadOnlyDictionary<string, string>>(latest);
        }
    }

    public Task<IReadOnlyList<JournalEntry<JournalEngineEvent>>> GetRecentEngineEventsAsync(int count, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<JournalEntry<JournalEngineEvent>>>(_engineEvents.TakeLast(count).ToList());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private IEnumerable<JournalEntry<JournalOrderEvent>> EventsOf(ClientOrderId id) =>
        _eventsByOrder.TryGetValue(id, out var list) ? list : [];

    private JournalPositionState State((long Seq, JournalPosition Position) p) =>
        new(p.Seq, p.Position, _closed.TryGetValue(p.Position.PositionId, out var at) ? at : null,
            _exits.Where(e => e.Record.PositionId == p.Position.PositionId).ToList());
}
