using System.Threading.Channels;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage;

/// <summary>
/// The journal in one SQLite file, <c>&lt;data&gt;/journal.db</c>, written with group commit.
/// </summary>
/// <remarks>
/// One writer task owns the write connection. An append is queued with its own completion; the
/// writer takes everything queued (up to <see cref="SqliteJournalOptions.MaxBatchSize"/>) into one
/// transaction, commits it (one fsync of the WAL), and only then completes each append. So every
/// caller waits for the commit that holds its own record, and the cost of an fsync is shared by
/// all who queued while the previous one ran: throughput grows with concurrency. Reads use
/// separate read-only connections and see every completed append (WAL snapshot isolation).
/// </remarks>
public sealed partial class SqliteJournal : IJournal, IGroupCommitStatistics, Archive.IArchiveImport
{
    private readonly SqliteJournalOptions _options;
    private readonly TimeProvider _time;
    private readonly FileStream _lockFile;
    private readonly SqliteConnection _writer;
    private readonly WriterStatements _statements;
    private readonly Channel<WriteOp> _queue;
    private readonly Task _writerLoop;
    private readonly string _readConnectionString;
    private readonly WriterLease _lease;
    private readonly JournalReads _reads;
    private long _commits;
    private long _committedAppends;
    private int _largestBatch;
    private int _disposed;

    private SqliteJournal(SqliteJournalOptions options, string path, FileStream lockFile, SqliteConnection writer)
    {
        _options = options;
        _time = options.Time;
        _lockFile = lockFile;
        _writer = writer;
        DatabasePath = path;
        _lease = new WriterLease(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName} since {options.Time.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'}, lock file {options.LockPath}"));
        _statements = new WriterStatements(writer);
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
        _reads = new JournalReads(OpenReaderAsync, BeginSnapshotAsync);
        _queue = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        _writerLoop = Task.Run(RunWriterAsync);
    }

    public string DatabasePath { get; }

    /// <summary>The data folder's file lock: the kernel holds it until this journal closes or the process dies, so it is never lost while open.</summary>
    public IWriterLease WriterLease => _lease;

    /// <summary>Transactions committed by the writer (one per group of appends).</summary>
    public long CommitCount => Interlocked.Read(ref _commits);

    /// <summary>Appends completed by those commits (successes and per-record refusals alike).</summary>
    public long CommittedAppendCount => Interlocked.Read(ref _committedAppends);

    /// <summary>The most appends any single commit has carried.</summary>
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    public Task<long> AppendIntentAsync(JournalIntent intent, CancellationToken cancellationToken = default)
    {
        AppendChecks.Intent(intent);
        return EnqueueAsync(new WriteOp<long>(JournalRows.Intent(intent), (s, row) => s.AppendIntent(row, intent.ClientOrderId)), cancellationToken);
    }

    public Task<long> AppendOrderEventAsync(JournalOrderEvent orderEvent, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareOrderEvent(orderEvent), cancellationToken);

    private static WriteOp<long> PrepareOrderEvent(JournalOrderEvent orderEvent)
    {
        AppendChecks.OrderEvent(orderEvent);
        return new WriteOp<long>(JournalRows.OrderEvent(orderEvent), (s, row) => s.AppendOrderEvent(row, orderEvent.ClientOrderId));
    }

    public Task<FillAppendResult> AppendFillAsync(JournalFill fill, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareFill(fill), cancellationToken);

    private static WriteOp<FillAppendResult> PrepareFill(JournalFill fill)
    {
        AppendChecks.Fill(fill);
        return new WriteOp<FillAppendResult>(JournalRows.Fill(fill), (s, row) => s.AppendFill(row, fill));
    }

    public Task<long> OpenPositionAsync(JournalPosition position, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PreparePosition(position), cancellationToken);

    private static WriteOp<long> PreparePosition(JournalPosition position)
    {
        AppendChecks.Position(position);
        return new WriteOp<long>(JournalRows.Position(position), (s, row) => s.OpenPosition(row, position));
    }

    public Task<long> AppendExitAsync(JournalExit exit, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareExit(exit), cancellationToken);

    private static WriteOp<long> PrepareExit(JournalExit exit)
    {
        AppendChecks.Exit(exit);
        return new WriteOp<long>(JournalRows.Exit(exit), (s, row) => s.AppendExit(row, exit.PositionId));
    }

    public Task ClosePositionAsync(PositionId positionId, DateTimeOffset closedAt, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareClose(positionId, closedAt), cancellationToken);

    private static WriteOp<bool> PrepareClose(PositionId positionId, DateTimeOffset closedAt)
    {
        AppendChecks.Close(positionId);
        return new WriteOp<bool>([JournalText.Time(closedAt)], (s, row) => s.ClosePosition(positionId, (string)row[0]!));
    }

    public Task<long> SetMetadataAsync(MetadataOwner owner, string key, string valueJson, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareMetadata(owner, key, valueJson), cancellationToken);

    private static WriteOp<long> PrepareMetadata(MetadataOwner owner, string key, string valueJson)
    {
        AppendChecks.Metadata(owner, key, valueJson);
        return new WriteOp<long>(JournalRows.Metadata(owner, key, valueJson), (s, row) => s.SetMetadata(row));
    }

    public Task<long> AppendEngineEventAsync(JournalEngineEvent engineEvent, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareEngineEvent(engineEvent), cancellationToken);

    private static WriteOp<long> PrepareEngineEvent(JournalEngineEvent engineEvent)
    {
        AppendChecks.EngineEvent(engineEvent);
        return new WriteOp<long>(JournalRows.EngineEvent(engineEvent), (s, row) => s.AppendEngineEvent(row));
    }

    public Task<IReadOnlyList<JournalException>> AppendTogetherAsync(IReadOnlyList<JournalWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        // Every record is checked before any is queued: a bad one refuses the group, nothing half-written.
        var parts = writes.Select(Prepare).ToList();
        return EnqueueAsync(new GroupOp(parts), cancellationToken);
    }

    private static WriteOp Prepare(JournalWrite write) => write switch
    {
        JournalWrite.OrderEvent e => PrepareOrderEvent(e.Record),
        JournalWrite.Fill f => PrepareFill(f.Record),
        JournalWrite.OpenPosition p => PreparePosition(p.Record),
        JournalWrite.Exit x => PrepareExit(x.Record),
        JournalWrite.ClosePosition c => PrepareClose(c.PositionId, c.ClosedAt),
        JournalWrite.EngineEvent v => PrepareEngineEvent(v.Record),
        JournalWrite.Metadata m => PrepareMetadata(m.Owner, m.Key, m.ValueJson),
        null => throw new ArgumentNullException(nameof(write)),
        _ => throw new ArgumentException($"unknown journal write {write.GetType().Name}", nameof(write)),
    };

    /// <summary>A setting as the writer's own connection sees it, read in the writer's turn.</summary>
    internal Task<string> ReadWriterPragmaAsync(string name) =>
        EnqueueAsync(new WriteOp<string>([], (s, _) => s.ReadPragma(name)), CancellationToken.None);

    private Task<T> EnqueueAsync<T>(ResultOp<T> op, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(op))
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteJournal), "the journal is closed and takes no more appends"));
        // The common case (no token) costs no async state machine: the caller awaits the commit directly.
        return cancellationToken.CanBeCanceled ? AwaitWithdrawableAsync(op, cancellationToken) : op.Task;
    }

    /// <summary>Runs <paramref name="work"/> on the write connection in the writer's turn, with no batch open around it.</summary>
    internal Task<T> RunExclusiveAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        var op = new ExclusiveOp<T>(work, cancellationToken);
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(op))
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteJournal), "the journal is closed and takes no more appends"));
        return op.Task;
    }

    private static async Task<T> AwaitWithdrawableAsync<T>(ResultOp<T> op, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(static state =>
        {
            var (pending, token) = ((ResultOp<T>, CancellationToken))state!;
            pending.TryWithdraw(token);
        }, (op, cancellationToken));
        return await op.Task.ConfigureAwait(false);
    }

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<WriteOp>(Math.Min(_options.MaxBatchSize, 1024));
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var op))
            {
                // A withdrawn append (its caller canceled while it queued) is skipped: never written.
                if (!op.TryTake())
                    continue;
                if (op is ExclusiveOp exclusive)
                {
                    // Work that needs the connection to itself (an import) runs between batches, in its own transaction.
                    if (batch.Count > 0)
                        CommitBatch(batch);
                    batch.Clear();
                    await exclusive.RunAsync(_writer).ConfigureAwait(false);
                    continue;
                }
                batch.Add(op);
            }
            if (batch.Count > 0)
                CommitBatch(batch);
            batch.Clear();
        }
    }

    /// <summary>Runs a batch in one transaction; completes its appends only after the commit.</summary>
    private void CommitBatch(List<WriteOp> batch)
    {
        try
        {
            var recordedAt = JournalText.Time(_time.GetUtcNow());
            using (var transaction = _writer.BeginTransaction(deferred: false))
            {
                _statements.Begin(transaction, recordedAt);
                foreach (var op in batch)
                {
                    op.Execute(_statements);
                    // A record-level refusal (duplicate id, unknown reference) undoes only its own
                    // statement. Anything that ended the transaction fails the whole batch below.
                    if (SQLitePCL.raw.sqlite3_get_autocommit(_writer.Handle) != 0)
                        throw new JournalWriteException("SQLite rolled the transaction back mid-batch");
                }
                transaction.Commit();
            }
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _committedAppends, batch.Count);
            if (batch.Count > _largestBatch)
                Volatile.Write(ref _largestBatch, batch.Count);
            foreach (var op in batch)
                op.Complete();
        }
        catch (Exception e)
        {
            var failure = e as JournalWriteException
                ?? new JournalWriteException($"the journal transaction failed and was rolled back; these {batch.Count} appends are NOT durable: {e.Message}", e);
            foreach (var op in batch)
                op.Fail(failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Everything already accepted is still written: complete the queue, let the writer drain it.
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        _statements.Dispose();
        // Close pooled readers first so the writer's close is the last one and can checkpoint the WAL.
        using (var pooled = new SqliteConnection(_readConnectionString))
            SqliteConnection.ClearPool(pooled);
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _lockFile.DisposeAsync().ConfigureAwait(false);
        _lease.Dispose();
    }

    /// <summary>One queued append: withdrawn by its caller, or taken by the writer, never both.</summary>
    private const int SqliteConstraintCode = 19;

    private abstract class WriteOp
    {
        private const int Queued = 0, Taken = 1, Withdrawn = 2;
        private int _state;

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        protected bool TryMarkWithdrawn() => Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued;

        /// <summary>Runs inside the batch transaction; a <see cref="JournalException"/> is this record's own refusal.</summary>
        public abstract void Execute(WriterStatements statements);

        public abstract void Complete();

        public abstract void Fail(Exception failure);

        public virtual JournalException? Refusal => null;
    }

    private abstract class ExclusiveOp : WriteOp
    {
        public abstract Task RunAsync(SqliteConnection connection);

        public override void Execute(WriterStatements statements) => throw new InvalidOperationException("exclusive work never runs inside a batch");

        public override void Complete() { }
    }

    private sealed class ExclusiveOp<T>(Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) : ExclusiveOp
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public override async Task RunAsync(SqliteConnection connection)
        {
            try
            {
                _completion.TrySetResult(await work(connection, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                _completion.TrySetException(e);
            }
        }

        public override void Fail(Exception failure) => _completion.TrySetException(failure);
    }

    /// <summary>An operation whose caller awaits a result (or its withdrawal).</summary>
    private abstract class ResultOp<T> : WriteOp
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public void TryWithdraw(CancellationToken token)
        {
            if (TryMarkWithdrawn())
                _completion.TrySetCanceled(token);
        }

        protected void SetResult(T result) => _completion.TrySetResult(result);

        protected void SetException(Exception e) => _completion.TrySetException(e);

        public override void Fail(Exception failure) => _completion.TrySetException(failure);
    }

    /// <summary>An append whose column values were formatted by its caller; the writer only binds them.</summary>
    private sealed class WriteOp<T>(object?[] row, Func<WriterStatements, object?[], T> apply) : ResultOp<T>
    {
        private T? _result;

        private JournalException? _refusal;

        /// <summary>This record's own refusal (duplicate id, unknown reference), if any, once executed.</summary>
        public override JournalException? Refusal => _refusal;

        public override void Execute(WriterStatements statements)
        {
            try
            {
                _result = apply(statements, row);
            }
            catch (JournalException refusal)
            {
                _refusal = refusal;
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraintCode)
            {
                // A constraint failure undoes only its own statement: refuse this record, keep the batch.
                _refusal = new JournalConstraintException($"the journal refused this record: {e.Message}", e);
            }
        }

        public override void Complete()
        {
            if (_refusal is not null)
                SetException(_refusal);
            else
                SetResult(_result!);
        }
    }

    /// <summary>Records appended together: always in the same transaction, so a crash keeps all or none.</summary>
    private sealed class GroupOp(IReadOnlyList<WriteOp> parts) : ResultOp<IReadOnlyList<JournalException>>
    {
        private readonly List<JournalException> _refusals = [];

        public override void Execute(WriterStatements statements)
        {
            _refusals.Clear();
            foreach (var part in parts)
            {
                part.Execute(statements);
                if (part.Refusal is { } refusal) _refusals.Add(refusal);
            }
        }

        public override void Complete() => SetResult(_refusals.ToList());
    }
}
