using System.Data.Common;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage;

public sealed partial class SqliteJournal
{
    /// <summary>Read-only pooled connections: each read sees every completed append (WAL snapshot isolation).</summary>
    private async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Deferred: a plain read snapshot. The default (BEGIN IMMEDIATE) would queue for the write lock.
    private static Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

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
