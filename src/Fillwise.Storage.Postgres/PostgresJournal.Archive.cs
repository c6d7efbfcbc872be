using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using Fillwise.Engine.Journal;
using Fillwise.Storage.Archive;
using Npgsql;
using NpgsqlTypes;

namespace Fillwise.Storage.Postgres;

/// <summary>One account's journal in a database, and the engine holding it (if any).</summary>
public sealed record PostgresJournalListing(string Account, string Schema, string CreatedAt, string? Holder);

public sealed partial class PostgresJournal
{
    /// <summary>
    /// Reads a whole account's journal for an archive from one snapshot, without taking its lease:
    /// the engine writing it may keep running. Refuses an account with no journal here, and a journal
    /// whose schema is not this build's.
    /// </summary>
    public static async IAsyncEnumerable<ArchiveEntry> ExportAsync(string connectionString, string account,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var options = new PostgresJournalOptions(connectionString, account);
        var where = DescribeLocation(options);
        if (PostgresLocation.Problem(connectionString) is { } problem)
            throw new JournalUnavailableException(where, "the connection string " + problem);
        await using var connection = new NpgsqlConnection(ReaderConnectionString(options));
        NpgsqlTransaction transaction;
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var version = await RefuseNewerJournalSchemaAsync(connection, options, where, cancellationToken).ConfigureAwait(false);
            if (version != PostgresMigrations.LatestJournalVersion)
                throw new JournalUnavailableException(where, version == 0
                    ? "there is no journal for this account in this database (fillwise journal list names the ones there are)"
                    : string.Create(CultureInfo.InvariantCulture, $"its schema version is {version}, this build reads {PostgresMigrations.LatestJournalVersion}: open it once with this build and try again"));
            transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            throw new JournalUnavailableException(where, Describe(e, connectionString), e);
        }
        await using (transaction)
        {
            await foreach (var entry in ArchiveTransfer.ReadAllAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
                yield return entry;
        }
    }

    /// <summary>
    /// Writes an archive's entries into this journal in one transaction: all of them, or (on any
    /// refusal or a damaged archive) none. A journal that already holds rows is refused unless
    /// <paramref name="intoNonEmpty"/>; into an empty journal every row keeps its sequence.
    /// </summary>
    public Task<ArchiveImportReport> ImportAsync(IEnumerable<ArchiveEntry> entries, bool intoNonEmpty, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return RunExclusiveAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var existing = await ArchiveTransfer.CountAsync(connection, transaction, ct).ConfigureAwait(false);
            if (existing > 0 && !intoNonEmpty)
                throw new JournalConstraintException($"the journal of {Location} already holds {existing} rows: import into an empty journal, or say that the archive is to be added to it; nothing was imported");
            var count = await ArchiveTransfer.WriteAllAsync(connection, transaction, entries, keepSequences: existing == 0,
                static (column, value) => value is long flag && JournalRows.IsFlag(column) ? flag != 0 : value, ct).ConfigureAwait(false);
            if (existing == 0)
            {
                // Rows came with their own sequences: the next append continues after the highest.
                foreach (var (table, _) in ArchiveTables.All)
                    await ExecuteAsync(connection, $"SELECT setval(pg_get_serial_sequence('{table}', 'seq'), max(seq)) FROM {table} HAVING max(seq) IS NOT NULL", ct).ConfigureAwait(false);
            }
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new ArchiveImportReport(count, SequencesKept: existing == 0);
        }, cancellationToken);
    }

    /// <summary>Every account with a journal in this database, and who holds each now.</summary>
    public static async Task<IReadOnlyList<PostgresJournalListing>> ListAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var where = PostgresLocation.Describe(connectionString);
        if (PostgresLocation.Problem(connectionString) is { } problem)
            throw new JournalUnavailableException(where, "the connection string " + problem);
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (await ScalarAsync(connection, "SELECT CASE WHEN to_regclass('fillwise.journals') IS NULL THEN 0 ELSE 1 END", cancellationToken).ConfigureAwait(false) != 1)
                return [];
            await using var command = new NpgsqlCommand(
                "SELECT j.account, j.schema_name, j.created_at, e.host, e.pid, e.acquired_at, " +
                "EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = e.backend_pid) AS live " +
                "FROM fillwise.journals j LEFT JOIN fillwise.engines e ON e.account = j.account ORDER BY j.account", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<PostgresJournalListing>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var holder = reader.IsDBNull(3) || !reader.GetBoolean(6) ? null
                    : string.Create(CultureInfo.InvariantCulture, $"engine pid {reader.GetInt32(4)} on host {reader.GetString(3)} since {reader.GetString(5)}");
                list.Add(new PostgresJournalListing(reader.GetString(0), reader.GetString(1), reader.GetString(2), holder));
            }
            return list;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            throw new JournalUnavailableException(where, Describe(e, connectionString), e);
        }
    }

    /// <summary>For tests: a raw value of the writer's own session (e.g. synchronous_commit), read in the writer's turn.</summary>
    internal Task<string> ShowWriterSettingAsync(string name) =>
        RunExclusiveAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT current_setting($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
            return (string)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, CancellationToken.None);
}
