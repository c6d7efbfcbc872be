using System.Data;
using System.Data.Common;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Postgres;

public sealed partial class PostgresJournal
{
    /// <summary>Pooled connections other than the writer's; reads still work after the lease is lost.</summary>
    private async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return await _readers.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    // One snapshot for reads that span tables.
    private static async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((Npgsql.NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

    public Task<JournalEntry<JournalIntent>?> GetIntentAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) =>
        _reads.GetIntentAsync(clientOrderId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalIntent>>> GetUnresolvedIntentsAsync(CancellationToken cancellationToken = default) =>
        _reads.GetUnresolvedIntentsAsync(cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalOrderEvent>>> GetOrderEventsAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) =>
        _reads.GetOrderEventsAsync(clientOrderId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByOrderAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) =>
        _reads.GetFillsByOrderAsync(clientOrderId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByVenueOrderAsync(VenueOrderId venueOrderId, CancellationToken cancellationToken = default) =>
        _reads.GetFillsByVenueOrderAsync(venueOrderId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        _reads.GetFillsAsync(afterSequence, limit, cancellationToken);

    public Task<JournalPositionState?> GetPositionAsync(PositionId positionId, CancellationToken cancellationToken = default) =>
        _reads.GetPositionAsync(positionId, cancellationToken);

    public Task<IReadOnlyList<JournalPositionState>> GetOpenPositionsAsync(CancellationToken cancellationToken = default) =>
        _reads.GetOpenPositionsAsync(cancellationToken);

    public Task<IReadOnlyList<JournalLotFill>> GetOpenPositionFillsAsync(CancellationToken cancellationToken = default) =>
        _reads.GetOpenPositionFillsAsync(cancellationToken);

    public Task<IReadOnlyList<JournalOrderState>> GetUnfinishedOrdersAsync(CancellationToken cancellationToken = default) =>
        _reads.GetUnfinishedOrdersAsync(cancellationToken);

    public Task<IReadOnlySet<TradeId>> GetKnownTradeIdsAsync(IReadOnlyCollection<TradeId> tradeIds, CancellationToken cancellationToken = default) =>
        _reads.GetKnownTradeIdsAsync(tradeIds, cancellationToken);

    public Task<IReadOnlyDictionary<Fillwise.Domain.Instruments.InstrumentId, (Money Gross, Money Fees)>> GetRealizedByInstrumentAsync(CancellationToken cancellationToken = default) =>
        _reads.GetRealizedByInstrumentAsync(cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(MetadataOwner owner, CancellationToken cancellationToken = default) =>
        _reads.GetMetadataAsync(owner, cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalEngineEvent>>> GetRecentEngineEventsAsync(int count, CancellationToken cancellationToken = default) =>
        _reads.GetRecentEngineEventsAsync(count, cancellationToken);
}
