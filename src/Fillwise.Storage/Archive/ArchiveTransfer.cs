using System.Data.Common;
using System.Runtime.CompilerServices;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Archive;

/// <summary>
/// Export and import over any ADO.NET connection to a journal's tables: the same SQL serves SQLite
/// and PostgreSQL (both take @name parameters), so both databases read and write archives alike.
/// </summary>
internal static class ArchiveTransfer
{
    /// <summary>Every row of every table, parents first, each table in sequence order, all from one snapshot (the caller's transaction).</summary>
    public static async IAsyncEnumerable<ArchiveEntry> ReadAllAsync(DbConnection connection, DbTransaction? transaction,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var (table, columns) in ArchiveTables.All)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT seq, {string.Join(", ", columns)}, recorded_at FROM {table} ORDER BY seq;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var source = new DbRowSource(reader, table);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                yield return ArchiveTables.Read(table, new StoredRow(source));
        }
    }

    /// <summary>How many rows the journal holds, all tables together.</summary>
    public static async Task<long> CountAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT " + string.Join(" + ", ArchiveTables.All.Select(t => $"(SELECT count(*) FROM {t.Table})")) + ";";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Inserts every entry in the caller's transaction, in the archive's order. With
    /// <paramref name="keepSequences"/> each row keeps its sequence (an import into an empty journal
    /// is the original, number for number); otherwise rows get the next sequences, in the same order.
    /// <paramref name="bind"/> turns a column's value into what the database takes (PostgreSQL wants booleans for flags).
    /// A row the journal refuses stops the import; the caller's transaction is then never committed.
    /// </summary>
    public static async Task<long> WriteAllAsync(DbConnection connection, DbTransaction transaction, IEnumerable<ArchiveEntry> entries,
        bool keepSequences, Func<string, object?, object?> bind, CancellationToken cancellationToken)
    {
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        long count = 0;
        try
        {
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!commands.TryGetValue(entry.Table, out var command))
                {
                    command = Insert(connection, transaction, entry.Table, keepSequences);
                    commands.Add(entry.Table, command);
                }
                var columns = ArchiveTables.Columns(entry.Table);
                var values = ArchiveTables.Values(entry);
                var p = 0;
                if (keepSequences)
                    command.Parameters[p++].Value = entry.Sequence;
                for (var i = 0; i < columns.Length; i++)
                    command.Parameters[p++].Value = bind(columns[i], values[i]) ?? DBNull.Value;
                command.Parameters[p].Value = JournalText.Time(entry.RecordedAt);
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbException e)
                {
                    throw new JournalConstraintException(
                        $"the journal refused the archive's {entry.Table} row seq {entry.Sequence} ({e.Message}); nothing was imported", e);
                }
                count++;
            }
            return count;
        }
        finally
        {
            foreach (var command in commands.Values)
                await command.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static DbCommand Insert(DbConnection connection, DbTransaction transaction, string table, bool keepSequence)
    {
        var columns = new List<string>();
        if (keepSequence) columns.Add("seq");
        columns.AddRange(ArchiveTables.Columns(table));
        columns.Add("recorded_at");
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))});";
        for (var i = 0; i < columns.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
