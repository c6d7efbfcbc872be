using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Benchmarks;

/// <summary>A journal that keeps nothing: the engine's own cost without the disk in the path.</summary>
internal sealed class NullJournal : IJournal
{
    private long _seq;

    public IWriterLease WriterLease { get; } = new WriterLease("null journal");

    public Task<long> AppendIntentAsync(JournalIntent intent, CancellationToken cancellationToken = default) => Next();
    public Task<long> AppendOrderEventAsync(JournalOrderEvent orderEvent, CancellationToken cancellationToken = default) => Next();
    public Task<FillAppendResult> AppendFillAsync(JournalFill fill, CancellationToken cancellationToken = default) =>
        Task.FromResult(new FillAppendResult(FillAppendOutcome.Appended, Interlocked.Increment(ref _seq), true));
    public Task<long> OpenPositionAsync(JournalPosition position, CancellationToken cancellationToken = default) => Next();
    public Task<long> AppendExitAsync(JournalExit exit, CancellationToken cancellationToken = default) => Next();
    public Task ClosePositionAsync(PositionId positionId, DateTimeOffset closedAt, CancellationToken cancellationToken = default) => Task.CompletedTask;
    public Task<long> SetMetadataAsync(MetadataOwner owner, string key, string valueJson, CancellationToken cancellationToken = default) => Next();
    public Task<long> AppendEngineEventAsync(JournalEngineEvent engineEvent, CancellationToken cancellationToken = default) => Next();
    public Task<IReadOnlyList<JournalException>> AppendTogetherAsync(IReadOnlyList<JournalWrite> writes, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JournalException>>([]);
    public Task<JournalEntry<JournalIntent>?> GetIntentAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) => Task.FromResult<JournalEntry<JournalIntent>?>(null);
    public Task<IReadOnlyList<JournalEntry<JournalIntent>>> GetUnresolvedIntentsAsync(CancellationToken cancellationToken = default) => Empty<JournalEntry<JournalIntent>>();
    public Task<IReadOnlyList<JournalEntry<JournalOrderEvent>>> GetOrderEventsAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) => Empty<JournalEntry<JournalOrderEvent>>();
    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByOrderAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) => Empty<JournalEntry<JournalFill>>();
    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByVenueOrderAsync(VenueOrderId venueOrderId, CancellationToken cancellationToken = default) => Empty<JournalEntry<JournalFill>>();
    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) => Empty<JournalEntry<JournalFill>>();
    public Task<JournalPositionState?> GetPositionAsync(PositionId positionId, CancellationToken cancellationToken = default) => Task.FromResult<JournalPositionState?>(null);
    public Task<IReadOnlyList<JournalPositionState>> GetOpenPositionsAsync(CancellationToken cancellationToken = default) => Empty<JournalPositionState>();
    public Task<IReadOnlyList<JournalLotFill>> GetOpenPositionFillsAsync(CancellationToken cancellationToken = default) => Empty<JournalLotFill>();
    public Task<IReadOnlySet<TradeId>> GetKnownTradeIdsAsync(IReadOnlyCollection<TradeId> tradeIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlySet<TradeId>>(new HashSet<TradeId>());
    public Task<IReadOnlyDictionary<Domain.Instruments.InstrumentId, (Money Gross, Money Fees)>> GetRealizedByInstrumentAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<Domain.Instruments.InstrumentId, (Money Gross, Money Fees)>>(new Dictionary<Domain.Instruments.InstrumentId, (Money, Money)>());
    public Task<IReadOnlyList<JournalOrderState>> GetUnfinishedOrdersAsync(CancellationToken cancellationToken = default) => Empty<JournalOrderState>();
    public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(MetadataOwner owner, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
    public Task<IReadOnlyList<JournalEntry<JournalEngineEvent>>> GetRecentEngineEventsAsync(int count, CancellationToken cancellationToken = default) => Empty<JournalEntry<JournalEngineEvent>>();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<long> Next() => Task.FromResult(Interlocked.Increment(ref _seq));

    private static Task<IReadOnlyList<T>> Empty<T>() => Task.FromResult<IReadOnlyList<T>>([]);
}
