using System.Threading.Channels;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Npgsql;

namespace Fillwise.Storage.Postgres;

/// <summary>
/// The journal of one account in a PostgreSQL database that other engines (other accounts) share,
/// written with group commit by the one engine that holds the account's writer lease.
/// </summary>
/// <remarks>
/// One writer task owns one connection, which holds the account's session advisory lock: every
/// write goes through the session that holds the lock, so when the lock goes (connection dropped,
/// backend terminated) the writes go with it, and a stale writer cannot write. Appends queue with
/// their own completion; the writer sends everything queued as one batch in one transaction, commits
/// (synchronous_commit on: one WAL flush), and only then completes each append. Reads use a pool of
/// other connections and see every completed append. An idle writer checks its lock every
/// <see cref="PostgresJournalOptions.LeaseCheckInterval"/>; a lost lease fires
/// <see cref="IWriterLease.Lost"/> and refuses every append from then on.
/// </remarks>
public sealed partial class PostgresJournal : IJournal, IGroupCommitStatistics, Fillwise.Storage.Archive.IArchiveImport
{
    private readonly PostgresJournalOptions _options;
    private readonly TimeProvider _time;
    private readonly NpgsqlConnection _writer;
    private readonly NpgsqlDataSource _readers;
    private readonly WriterLease _lease;
    private readonly JournalReads _reads;
    private readonly long _leaseKey;
    private readonly Channel<Op> _queue;
    private readonly Task _writerLoop;
    private long _commits;
    private long _committedAppends;
    private int _largestBatch;
    private int _disposed;

    private PostgresJournal(PostgresJournalOptions options, NpgsqlConnection writer, NpgsqlDataSource readers, string holder)
    {
        _options = options;
        _time = options.Time;
        _writer = writer;
        _readers = readers;
        _leaseKey = PostgresJournalOptions.LeaseKeyFor(options.Account);
        WriterBackendProcessId = writer.ProcessID;
        Location = DescribeLocation(options);
        _lease = new WriterLease(holder);
        _reads = new JournalReads(OpenReaderAsync, BeginSnapshotAsync);
        _queue = Channel.CreateUnbounded<Op>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        _writerLoop = Task.Run(RunWriterAsync);
    }

    /// <summary>Server, database, account and schema, for messages: never a password.</summary>
    public string Location { get; }

    public string Account => _options.Account;

    /// <summary>The schema that holds this account's journal.</summary>
    public string Schema => _options.Schema;

    /// <summary>The server process of the writer's session (the one holding the lease): what an operator would terminate.</summary>
    public int WriterBackendProcessId { get; }

    public IWriterLease WriterLease => _lease;

    public long CommitCount => Interlocked.Read(ref _commits);

    public long CommittedAppendCount => Interlocked.Read(ref _committedAppends);

    public int LargestBatch => Volatile.Read(ref _largestBatch);

    internal static string DescribeLocation(PostgresJournalOptions options) =>
        $"{PostgresLocation.Describe(options.ConnectionString)} account '{options.Account}' (schema {options.Schema})";

    public Task<long> AppendIntentAsync(JournalIntent intent, CancellationToken cancellationToken = default)
    {
        AppendChecks.Intent(intent);
        return EnqueueAsync(new Op<long>(PostgresStatements.Intent, JournalRows.Intent(intent),
            (has, r) => PostgresStatements.ReadIntent(has, r, intent.ClientOrderId)), cancellationToken);
    }

    public Task<long> AppendOrderEventAsync(JournalOrderEvent orderEvent, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareOrderEvent(orderEvent), cancellationToken);

    private static Op<long> PrepareOrderEvent(JournalOrderEvent orderEvent)
    {
        AppendChecks.OrderEvent(orderEvent);
        return new Op<long>(PostgresStatements.OrderEvent, JournalRows.OrderEvent(orderEvent),
            (has, r) => PostgresStatements.ReadOrderEvent(has, r, orderEvent.ClientOrderId));
    }

    public Task<FillAppendResult> AppendFillAsync(JournalFill fill, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareFill(fill), cancellationToken);

    private static Op<FillAppendResult> PrepareFill(JournalFill fill)
    {
        AppendChecks.Fill(fill);
        return new Op<FillAppendResult>(PostgresStatements.Fill, JournalRows.Fill(fill),
            (has, r) => PostgresStatements.ReadFill(has, r, fill));
    }

    public Task<long> OpenPositionAsync(JournalPosition position, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PreparePosition(position), cancellationToken);

    private static Op<long> PreparePosition(JournalPosition position)
    {
        AppendChecks.Position(position);
        return new Op<long>(PostgresStatements.Position, JournalRows.Position(position),
            (has, r) => PostgresStatements.ReadPosition(has, r, position));
    }

    public Task<long> AppendExitAsync(JournalExit exit, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareExit(exit), cancellationToken);

    private static Op<long> PrepareExit(JournalExit exit)
    {
        AppendChecks.Exit(exit);
        return new Op<long>(PostgresStatements.Exit, JournalRows.Exit(exit),
            (has, r) => PostgresStatements.ReadExit(has, r, exit.PositionId));
    }

    public Task ClosePositionAsync(PositionId positionId, DateTimeOffset closedAt, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareClose(positionId, closedAt), cancellationToken);

    private static Op<bool> PrepareClose(PositionId positionId, DateTimeOffset closedAt)
    {
        AppendChecks.Close(positionId);
        return new Op<bool>(PostgresStatements.Close, [positionId.Value, JournalText.Time(closedAt)],
            (has, r) => PostgresStatements.ReadClose(has, r, positionId), changesWithoutSeq: true);
    }

    public Task<long> SetMetadataAsync(MetadataOwner owner, string key, string valueJson, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareMetadata(owner, key, valueJson), cancellationToken);

    private static Op<long> PrepareMetadata(MetadataOwner owner, string key, string valueJson)
    {
        AppendChecks.Metadata(owner, key, valueJson);
        return new Op<long>(PostgresStatements.Metadata, JournalRows.Metadata(owner, key, valueJson),
            (has, r) => PostgresStatements.ReadSeq(has, r, "metadata"));
    }

    public Task<long> AppendEngineEventAsync(JournalEngineEvent engineEvent, CancellationToken cancellationToken = default) =>
        EnqueueAsync(PrepareEngineEvent(engineEvent), cancellationToken);

    private static Op<long> PrepareEngineEvent(JournalEngineEvent engineEvent)
    {
        AppendChecks.EngineEvent(engineEvent);
        return new Op<long>(PostgresStatements.EngineEvent, JournalRows.EngineEvent(engineEvent),
            (has, r) => PostgresStatements.ReadSeq(has, r, "engine event"));
    }

    /// <summary>
    /// The records go into the same batch, so the same transaction: a crash keeps all or none. Each
    /// statement answers its own refusal without raising, so a refused record undoes nothing else;
    /// on the slow path each record has its own savepoint, as any append does.
    /// </summary>
    public Task<IReadOnlyList<JournalException>> AppendTogetherAsync(IReadOnlyList<JournalWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        // Every record is checked before any is queued: a bad one refuses the group, nothing half-written.
        var records = writes.Select(Prepare).ToList();
        return EnqueueAsync(new GroupOp(records), cancellationToken);
    }

    private static Op Prepare(JournalWrite write) => write switch
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

    private Task<T> EnqueueAsync<T>(ResultOp<T> op, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        // The fence: a writer that lost its lease takes nothing more.
        if (_lease.LostReason is { } reason)
            return Task.FromException<T>(new WriterLeaseLostException(_lease.Holder, reason));
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(op))
            return Task.FromException<T>(new ObjectDisposedException(nameof(PostgresJournal), "the journal is closed and takes no more appends"));
        return cancellationToken.CanBeCanceled ? AwaitWithdrawableAsync(op, cancellationToken) : op.Task;
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

    /// <summary>Runs <paramref name="work"/> on the writer's connection in its turn, with no batch open around it.</summary>
    internal Task<T> RunExclusiveAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_lease.LostReason is { } reason)
            return Task.FromException<T>(new WriterLeaseLostException(_lease.Holder, reason));
        var op = new ExclusiveOp<T>(work, cancellationToken);
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(op))
            return Task.FromException<T>(new ObjectDisposedException(nameof(PostgresJournal), "the journal is closed"));
        return op.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Everything already accepted is still written: complete the queue, let the writer drain it.
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        if (_lease.LostReason is null)
            await ReleaseLeaseAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _readers.DisposeAsync().ConfigureAwait(false);
        _lease.Dispose();
    }

    /// <summary>One queued append: withdrawn by its caller, or taken by the writer, never both.</summary>
    private abstract class Op
    {
        private const int Queued = 0, Taken = 1, Withdrawn = 2;
        private int _state;
        private Op[]? _records;

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        protected bool TryMarkWithdrawn() => Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued;

        public abstract NpgsqlBatchCommand Command(string recordedAt);

        /// <summary>Reads this append's one-row answer; a <see cref="JournalException"/> there is this record's own refusal.</summary>
        public abstract void Read(bool hasRow, NpgsqlDataReader reader);

        /// <summary>A row this append wrote, by table and seq: proof, after a lost commit answer, of whether the commit happened.</summary>
        public abstract (string Table, long Seq)? Written { get; }

        /// <summary>Whether this append changed anything (an insert, or a close).</summary>
        public abstract bool Changed { get; }

        public abstract void Refuse(JournalException refusal);

        /// <summary>This record's own refusal (duplicate id, unknown reference), if any, once read.</summary>
        public virtual JournalException? Refusal => null;

        /// <summary>The single appends this operation runs as, each one statement: itself, or a group's records.</summary>
        public virtual IReadOnlyList<Op> Records => _records ??= [this];

        public abstract void Complete();

        public abstract void Fail(Exception failure);
    }

    /// <summary>An operation whose caller awaits a result (or its withdrawal).</summary>
    private abstract class ResultOp<T> : Op
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

    private sealed class Op<T>(PostgresStatement statement, object?[] values, Func<bool, NpgsqlDataReader, (T Result, long? Seq)> read,
        bool changesWithoutSeq = false) : ResultOp<T>
    {
        private T? _result;
        private long? _seq;
        private JournalException? _refusal;

        public override NpgsqlBatchCommand Command(string recordedAt) => statement.Command(values, recordedAt);

        public override void Read(bool hasRow, NpgsqlDataReader reader)
        {
            _refusal = null;
            _seq = null;
            try
            {
                (_result, _seq) = read(hasRow, reader);
            }
            catch (JournalException refusal)
            {
                _refusal = refusal;
            }
        }

        public override (string Table, long Seq)? Written => _seq is { } seq ? (statement.Table, seq) : null;

        public override bool Changed => _refusal is null && (_seq is not null || changesWithoutSeq);

        public override JournalException? Refusal => _refusal;

        public override void Refuse(JournalException refusal)
        {
            _seq = null;
            _refusal = refusal;
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
    private sealed class GroupOp(IReadOnlyList<Op> records) : ResultOp<IReadOnlyList<JournalException>>
    {
        public override IReadOnlyList<Op> Records => records;

        public override NpgsqlBatchCommand Command(string recordedAt) => throw new InvalidOperationException("a group runs as its records");

        public override void Read(bool hasRow, NpgsqlDataReader reader) => throw new InvalidOperationException("a group runs as its records");

        public override void Refuse(JournalException refusal) => throw new InvalidOperationException("a group runs as its records");

        public override (string Table, long Seq)? Written => records.Select(r => r.Written).FirstOrDefault(w => w is not null);

        public override bool Changed => records.Any(r => r.Changed);

        // The refusals as the committed transaction left them (the slow path reads every record again).
        public override void Complete() => SetResult(records.Select(r => r.Refusal).OfType<JournalException>().ToList());
    }

    private abstract class ExclusiveOp : Op
    {
        public abstract Task RunAsync(NpgsqlConnection connection);

        public override NpgsqlBatchCommand Command(string recordedAt) => throw new InvalidOperationException("exclusive work never runs inside a batch");

        public override void Read(bool hasRow, NpgsqlDataReader reader) => throw new InvalidOperationException("exclusive work never runs inside a batch");

        public override (string Table, long Seq)? Written => null;

        public override bool Changed => false;

        public override void Refuse(JournalException refusal) => Fail(refusal);

        public override void Complete() { }
    }

    private sealed class ExclusiveOp<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) : ExclusiveOp
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public override async Task RunAsync(NpgsqlConnection connection)
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
}
