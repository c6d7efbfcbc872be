using System.Data;
using System.Globalization;
using Fillwise.Engine.Journal;
using Npgsql;

namespace Fillwise.Storage.Postgres;

public sealed partial class PostgresJournal
{
    /// <summary>A batch's commands may take this long before the batch fails (its appends then are not durable).</summary>
    private const int BatchTimeoutSeconds = 30;

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Op>(Math.Min(_options.MaxBatchSize, 1024));
        var idle = new CancellationTokenSource();
        try
        {
            while (true)
            {
                if (!reader.TryPeek(out _))
                {
                    // Nothing queued: wait, and prove the lease at every interval of quiet.
                    if (!idle.TryReset())
                    {
                        idle.Dispose();
                        idle = new CancellationTokenSource();
                    }
                    idle.CancelAfter(_options.LeaseCheckInterval);
                    bool more;
                    try
                    {
                        more = await reader.WaitToReadAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (idle.IsCancellationRequested)
                    {
                        await CheckLeaseAsync().ConfigureAwait(false);
                        continue;
                    }
                    if (!more)
                        break;
                }
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var op))
                {
                    // A withdrawn append (its caller canceled while it queued) is skipped: never written.
                    if (!op.TryTake())
                        continue;
                    if (op is ExclusiveOp exclusive)
                    {
                        await CommitBatchAsync(batch).ConfigureAwait(false);
                        batch.Clear();
                        if (_lease.LostReason is { } reason)
                            exclusive.Fail(new WriterLeaseLostException(_lease.Holder, reason));
                        else
                            await exclusive.RunAsync(_writer).ConfigureAwait(false);
                        continue;
                    }
                    batch.Add(op);
                }
                await CommitBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        finally
        {
            idle.Dispose();
        }
    }

    /// <summary>Runs a batch in one transaction, one round trip; completes its appends only after the commit.</summary>
    private async Task CommitBatchAsync(List<Op> batch)
    {
        if (batch.Count == 0)
            return;
        if (_lease.LostReason is { } lost)
        {
            FailAll(batch, new WriterLeaseLostException(_lease.Holder, lost));
            return;
        }
        var recordedAt = JournalText.Time(_time.GetUtcNow());
        var committing = false;
        try
        {
            await using (var transaction = await _writer.BeginTransactionAsync().ConfigureAwait(false))
            {
                await using (var command = new NpgsqlBatch(_writer, transaction) { Timeout = BatchTimeoutSeconds })
                {
                    foreach (var op in batch)
                    {
                        foreach (var record in op.Records)
                            command.BatchCommands.Add(record.Command(recordedAt));
                    }
                    await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                    foreach (var op in batch)
                    {
                        foreach (var record in op.Records)
                        {
                            record.Read(await reader.ReadAsync().ConfigureAwait(false), reader);
                            await reader.NextResultAsync().ConfigureAwait(false);
                        }
                    }
                }
                committing = true;
                await transaction.CommitAsync().ConfigureAwait(false);
            }
            Committed(batch);
        }
        catch (PostgresException e) when (!committing && IsRecordRefusal(e) && !WriterBroken)
        {
            // A record broke a rule its statement does not answer for (a CHECK, a key): find which, keep the others.
            await CommitOneByOneAsync(batch, recordedAt).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await FailedBatchAsync(batch, e, committing).ConfigureAwait(false);
        }
    }

    /// <summary>The slow path after a refusal the batch could not answer: each append in its own savepoint.</summary>
    private async Task CommitOneByOneAsync(List<Op> batch, string recordedAt)
    {
        var committing = false;
        try
        {
            await using (var transaction = await _writer.BeginTransactionAsync().ConfigureAwait(false))
            {
                // A group's records each get their own savepoint too: a refused one undoes only itself.
                foreach (var record in batch.SelectMany(op => op.Records))
                {
                    await transaction.SaveAsync("append").ConfigureAwait(false);
                    try
                    {
                        await using var command = new NpgsqlBatch(_writer, transaction) { Timeout = BatchTimeoutSeconds };
                        command.BatchCommands.Add(record.Command(recordedAt));
                        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                        record.Read(await reader.ReadAsync().ConfigureAwait(false), reader);
                    }
                    catch (PostgresException e) when (IsRecordRefusal(e))
                    {
                        await transaction.RollbackAsync("append").ConfigureAwait(false);
                        record.Refuse(new JournalConstraintException($"the journal refused this record: {e.MessageText} ({e.ConstraintName ?? e.SqlState})", e));
                        continue;
                    }
                    await transaction.ReleaseAsync("append").ConfigureAwait(false);
                }
                committing = true;
                await transaction.CommitAsync().ConfigureAwait(false);
            }
            Committed(batch);
        }
        catch (Exception e)
        {
            await FailedBatchAsync(batch, e, committing).ConfigureAwait(false);
        }
    }

    private static bool IsRecordRefusal(PostgresException e) => e.SqlState.StartsWith("23", StringComparison.Ordinal);

    private bool WriterBroken => _writer.FullState.HasFlag(ConnectionState.Broken) || _writer.State != ConnectionState.Open;

    private void Committed(List<Op> batch)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _committedAppends, batch.Count);
        if (batch.Count > _largestBatch)
            Volatile.Write(ref _largestBatch, batch.Count);
        foreach (var op in batch)
            op.Complete();
    }

    private static void FailAll(List<Op> batch, Exception failure)
    {
        foreach (var op in batch)
            op.Fail(failure);
    }

    /// <summary>
    /// The batch failed. On a live connection the transaction rolled back: nothing is durable. On a
    /// dead one the lease is gone too; if it died during COMMIT the batch may have committed, so the
    /// journal asks the database (after making sure the old session is over) before answering.
    /// </summary>
    private async Task FailedBatchAsync(List<Op> batch, Exception error, bool duringCommit)
    {
        var message = Redact(error.Message);
        if (!WriterBroken)
        {
            FailAll(batch, new JournalWriteException($"the journal transaction failed and was rolled back; these {batch.Count} appends are NOT durable: {message}", error));
            return;
        }
        LoseLease($"the writer's connection to {Location} broke: {message}");
        if (!duringCommit || !batch.Any(op => op.Changed))
        {
            FailAll(batch, duringCommit
                ? new WriterLeaseLostException(_lease.Holder, _lease.LostReason!)
                : new JournalWriteException($"the connection broke before the commit; these {batch.Count} appends are NOT durable: {message}", error));
            return;
        }
        var probe = batch.Select(op => op.Written).FirstOrDefault(w => w is not null);
        bool? committed = probe is { } p ? await LearnWhetherCommittedAsync(p.Table, p.Seq).ConfigureAwait(false) : null;
        switch (committed)
        {
            case true:
                // The commit happened: these appends are durable, whatever became of the connection.
                Committed(batch);
                break;
            case false:
                FailAll(batch, new JournalWriteException($"the connection broke during the commit, which did not happen; these {batch.Count} appends are NOT durable: {message}", error));
                break;
            default:
                FailAll(batch, new JournalWriteException(
                    $"the connection broke during the commit and the database could not be asked whether it happened; these {batch.Count} appends MAY be durable: {message}",
                    error, outcomeUnknown: true));
                break;
        }
    }

    /// <summary>Ends the old session for certain (so its transaction's fate is sealed), then looks for a row it wrote.</summary>
    private async Task<bool?> LearnWhetherCommittedAsync(string table, long seq)
    {
        try
        {
            using var budget = new CancellationTokenSource(_options.LeaseCheckTimeout * 2);
            await using var connection = await _readers.OpenConnectionAsync(budget.Token).ConfigureAwait(false);
            await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1)", connection))
            {
                terminate.Parameters.Add(new NpgsqlParameter { Value = WriterBackendProcessId });
                await terminate.ExecuteScalarAsync(budget.Token).ConfigureAwait(false);
            }
            while (true)
            {
                await using var alive = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", connection);
                alive.Parameters.Add(new NpgsqlParameter { Value = WriterBackendProcessId });
                if ((long)(await alive.ExecuteScalarAsync(budget.Token).ConfigureAwait(false))! == 0)
                    break;
                await Task.Delay(20, budget.Token).ConfigureAwait(false);
            }
            await using var look = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table} WHERE seq = $1)", connection);
            look.Parameters.Add(new NpgsqlParameter { Value = seq });
            return (bool)(await look.ExecuteScalarAsync(budget.Token).ConfigureAwait(false))!;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Proves, on the writer's own session, that it still holds the account's advisory lock.</summary>
    private async Task CheckLeaseAsync()
    {
        if (_lease.LostReason is not null)
            return;
        try
        {
            await using var command = new NpgsqlCommand(LeaseHeldSql, _writer) { CommandTimeout = LeaseCheckSeconds };
            AddLeaseKey(command);
            if (await command.ExecuteScalarAsync().ConfigureAwait(false) is not true)
                LoseLease($"the writer's session on {Location} no longer holds the account's advisory lock");
        }
        catch (Exception e)
        {
            // Whatever stops the check from proving the lock, the lease cannot be trusted.
            LoseLease(WriterBroken
                ? $"the writer's connection to {Location} broke: {Redact(e.Message)}"
                : $"the lease check on {Location} went unanswered: {Redact(e.Message)}");
        }
    }

    private int LeaseCheckSeconds => Math.Max(1, (int)Math.Ceiling(_options.LeaseCheckTimeout.TotalSeconds));

    private const string LeaseHeldSql =
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() " +
        "AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1)";

    private void AddLeaseKey(NpgsqlCommand command) => AddLeaseKey(command, _leaseKey);

    private static void AddLeaseKey(NpgsqlCommand command, long key)
    {
        // pg_locks shows a bigint advisory key as its high and low 32 bits, unsigned.
        command.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)((ulong)key >> 32)) });
        command.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)((ulong)key & 0xFFFF_FFFF)) });
    }

    /// <summary>Marks the lease lost (once), closes the session that held it, and refuses everything queued.</summary>
    private void LoseLease(string reason)
    {
        if (!_lease.TryMarkLost(reason))
            return;
        try
        {
            // Nothing may be written through this session again, even if the network comes back.
            _writer.Close();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // Already dead.
        }
    }

    /// <summary>A clean close: forget who held the account, give the lock back.</summary>
    private async Task ReleaseLeaseAsync()
    {
        try
        {
            await using (var forget = new NpgsqlCommand("DELETE FROM fillwise.engines WHERE account = $1 AND backend_pid = pg_backend_pid()", _writer))
            {
                forget.CommandTimeout = LeaseCheckSeconds;
                forget.Parameters.Add(new NpgsqlParameter { Value = _options.Account });
                await forget.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _writer) { CommandTimeout = LeaseCheckSeconds };
            unlock.Parameters.Add(new NpgsqlParameter { Value = _leaseKey });
            await unlock.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Closing the session below releases the lock anyway.
        }
    }

    private string Redact(string message) => PostgresLocation.Redact(message, _options.ConnectionString);

    internal static string Now(TimeProvider time) => time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
