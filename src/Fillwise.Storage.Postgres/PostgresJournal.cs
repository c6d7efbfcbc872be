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

    public Task<long> AppendOrderEventAsync(JournalOrderEvent orderEvent, CancellationToken cancellationToken = default)
    {
        AppendChecks.OrderEvent(orderEvent);
        return EnqueueAsync(new Op<long>(PostgresStatements.OrderEvent, JournalRows.OrderEvent(orderEvent),
            (has, r) => PostgresStatements.ReadOrderEvent(has, r, orderEvent.ClientOrderId)), cancellationToken);
    }

    public Task<FillAppendResult> AppendFillAsync(JournalFill fill, CancellationToken cancellationToken = default)
    {
        AppendChecks.Fill(fill);
        return EnqueueAsync(new Op<FillAppendResult>(PostgresStatements.Fill, JournalRows.Fill(fill),
            (has, r) => PostgresStatements.ReadFill(has, r, fill)), cancellationToken);
    }

    public Task<long> OpenPositionAsync(JournalPosition position, CancellationToken cancellationToken = default)
    {
        AppendChecks.Position(position);
        return EnqueueAsync(new Op<long>(PostgresStatements.Position, JournalRows.Position(position),
            (has, r) => PostgresStatements.ReadPosition(has, r, position)), cancellationToken);
    }

    public Task<long> AppendExitAsync(JournalExit exit, CancellationToken cancellationToken = default)
    {
        AppendChecks.Exit(exit);
        return EnqueueAsync(new Op<long>(PostgresStatements.Exit, JournalRows.Exit(exit),
            (has, r) => PostgresStatements.ReadExit(has, r, exit.PositionId)), cancellationToken);
    }

    public Task ClosePositionAsync(PositionId positionId, DateTimeOffset closedAt, CancellationToken cancellationToken = default)
    {
        AppendChecks.Close(positionId);
        return EnqueueAsync(new Op<bool>(PostgresStatements.Close, [positionId.Value, JournalText.Time(closedAt)],
            (has, r) => PostgresStatements.ReadClose(has, r, positionId), changesWithoutSeq: true), cancellationToken);
    }

    public Task<long> SetMetadataAsync(MetadataOwner owner, string key, string valueJson, CancellationToken cancellationToken = default)
    {
        AppendChecks.Metadata(owner, key, valueJson);
        return EnqueueAsync(new Op<long>(PostgresStatements.Metadata, JournalRows.Metadata(owner, key, valueJson),
            (has, r) => PostgresStatements.ReadSeq(has, r, "metadata")), cancellationToken);
    }

    public Task<long> AppendEngineEventAsync(JournalEngineEvent engineEvent, CancellationToken cancellationToken = default)
    {
        AppendChecks.EngineEvent(engineEvent);
        return EnqueueAsync(new Op<long>(PostgresStatements.EngineEvent, JournalRows.EngineEvent(engineEvent),
            (has, r) => PostgresStatements.ReadSeq(has, r, "engine event")), cancellationToken);
    }

    private Task<T> EnqueueAsync<T>(Op<T> op, CancellationToken cancellationToken)
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

    private static async Task<T> AwaitWithdrawableAsync<T>(Op<T> op, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(static state =>
        {
            var (pending, token) = ((Op<T>, CancellationToken))state!;
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

        public abstract void Complete();

        public abstract void Fail(Exception failure);
    }

    private sealed class Op<T>(PostgresStatement statement, object?[] values, Func<bool, NpgsqlDataReader, (T Result, long? Seq)> read,
        bool changesWithoutSeq = false) : Op
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private long? _seq;
        private JournalException? _refusal;

        public Task<T> Task => _completion.Task;

        public void TryWithdraw(CancellationToken token)
        {
            if (TryMarkWithdrawn())
                _completion.TrySetCanceled(token);
        }

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

        public override void Refuse(JournalException refusal)
        {
            _seq = null;
            _refusal = refusal;
        }

        public override void Complete()
        {
            if (_refusal is not null)
                _completion.TrySetException(_refusal);
            else
                _completion.TrySetResult(_result!);
        }

        public override void Fail(Exception failure) => _completion.TrySetException(failure);
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
