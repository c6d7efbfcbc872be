using Fillwise.Domain.Values;

namespace Fillwise.Engine.Journal;

/// <summary>
/// The engine's memory (principle 1): what the venue cannot tell us after a restart. Every append
/// completes only once its record is durable, so "intent before action" means: await
/// <see cref="AppendIntentAsync"/>, then send. Appends are serialized in one writer; reads see
/// every append that has completed.
/// </summary>
/// <remarks>
/// Cancellation: a token that fires before the journal has taken the append into a transaction
/// withdraws it (nothing is written, <see cref="OperationCanceledException"/> is thrown). Once
/// taken, the append runs to its commit and its result is returned regardless of the token, so a
/// canceled append is never "maybe written".
/// One writer per account: an open journal holds its <see cref="WriterLease"/>; a second engine
/// on the same journal is refused at open, naming the holder; after the lease is lost every
/// append fails with <see cref="WriterLeaseLostException"/>.
/// </remarks>
public interface IJournal : IAsyncDisposable
{
    /// <summary>This engine's exclusive right to write the journal; its <see cref="IWriterLease.Lost"/> fires if another engine may have taken it.</summary>
    IWriterLease WriterLease { get; }

    /// <summary>
    /// Records an order intent. A client order id already journaled is refused with
    /// <see cref="DuplicateClientOrderIdException"/>: a retry reuses the stored intent.
    /// </summary>
    /// <returns>The intent's sequence number.</returns>
    Task<long> AppendIntentAsync(JournalIntent intent, CancellationToken cancellationToken = default);

    /// <summary>Appends an event to one of our orders; the intent must already be journaled.</summary>
    Task<long> AppendOrderEventAsync(JournalOrderEvent orderEvent, CancellationToken cancellationToken = default);

    /// <summary>Records a fill. A trade id already recorded is a no-op reported as a duplicate, never an error.</summary>
    Task<FillAppendResult> AppendFillAsync(JournalFill fill, CancellationToken cancellationToken = default);

    /// <summary>Records a new position; its id must be new.</summary>
    Task<long> OpenPositionAsync(JournalPosition position, CancellationToken cancellationToken = default);

    /// <summary>Records a (partial) exit of an existing position.</summary>
    Task<long> AppendExitAsync(JournalExit exit, CancellationToken cancellationToken = default);

    /// <summary>Marks an open position closed; closing an unknown or already closed position is refused.</summary>
    Task ClosePositionAsync(PositionId positionId, DateTimeOffset closedAt, CancellationToken cancellationToken = default);

    /// <summary>Sets one strategy metadata value (a JSON document); the latest value for a key wins, earlier ones are kept.</summary>
    Task<long> SetMetadataAsync(MetadataOwner owner, string key, string valueJson, CancellationToken cancellationToken = default);

    /// <summary>Records a kill-switch event, reconciliation report, alert, anomaly...</summary>
    Task<long> AppendEngineEventAsync(JournalEngineEvent engineEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several records in one transaction: after a crash either all of them are in the journal
    /// or none is. Each record keeps its own rules (a duplicate trade id is a no-op, an unknown
    /// position is refused); the refusals are returned, in order, and do not undo the others.
    /// </summary>
    Task<IReadOnlyList<JournalException>> AppendTogetherAsync(IReadOnlyList<JournalWrite> writes, CancellationToken cancellationToken = default);

    Task<JournalEntry<JournalIntent>?> GetIntentAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default);

    /// <summary>Intents with no event that resolves them, oldest first: the orders whose outcome the engine must still learn.</summary>
    Task<IReadOnlyList<JournalEntry<JournalIntent>>> GetUnresolvedIntentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every event of one order, in append order.</summary>
    Task<IReadOnlyList<JournalEntry<JournalOrderEvent>>> GetOrderEventsAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default);

    /// <summary>Fills recorded under our client order id, in append order.</summary>
    Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByOrderAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default);

    /// <summary>Fills recorded under the venue's order id, in append order.</summary>
    Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByVenueOrderAsync(VenueOrderId venueOrderId, CancellationToken cancellationToken = default);

    /// <summary>All fills after <paramref name="afterSequence"/>, in append order, at most <paramref name="limit"/>: page through with the last sequence.</summary>
    Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsAsync(long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>One position (open or closed) with its exits, or null.</summary>
    Task<JournalPositionState?> GetPositionAsync(PositionId positionId, CancellationToken cancellationToken = default);

    /// <summary>Every position not yet closed, oldest first, each with its exits.</summary>
    Task<IReadOnlyList<JournalPositionState>> GetOpenPositionsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Every fill of every order that works on a position not yet closed (its intent names the
    /// position), in append order, with that position's id: what a restart replays to rebuild lots.
    /// </summary>
    Task<IReadOnlyList<JournalLotFill>> GetOpenPositionFillsAsync(CancellationToken cancellationToken = default);

    /// <summary>Which of these trade ids the journal already holds (reconciliation tells a missed fill from a known one).</summary>
    Task<IReadOnlySet<TradeId>> GetKnownTradeIdsAsync(IReadOnlyCollection<TradeId> tradeIds, CancellationToken cancellationToken = default);

    /// <summary>Realized PnL (gross, before fees) and fees booked per instrument over every position ever journaled.</summary>
    Task<IReadOnlyDictionary<Domain.Instruments.InstrumentId, (Money Gross, Money Fees)>> GetRealizedByInstrumentAsync(CancellationToken cancellationToken = default);

    /// <summary>Every order with no finishing event, oldest first, with all its events: what a restart follows to the end.</summary>
    Task<IReadOnlyList<JournalOrderState>> GetUnfinishedOrdersAsync(CancellationToken cancellationToken = default);

    /// <summary>The latest value of each metadata key of <paramref name="owner"/>.</summary>
    Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(MetadataOwner owner, CancellationToken cancellationToken = default);

    /// <summary>The last <paramref name="count"/> engine events, oldest first.</summary>
    Task<IReadOnlyList<JournalEntry<JournalEngineEvent>>> GetRecentEngineEventsAsync(int count, CancellationToken cancellationToken = default);
}
