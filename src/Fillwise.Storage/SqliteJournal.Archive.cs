using System.Globalization;
using System.Runtime.CompilerServices;
using Fillwise.Engine.Journal;
using Fillwise.Storage.Archive;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage;

public sealed partial class SqliteJournal
{
    /// <summary>
    /// Reads a whole journal for an archive, from one read snapshot, without taking its lock: an
    /// engine may keep running on it. Refuses a folder with no journal, and a journal whose schema is
    /// not this build's (open it with this build once to migrate an older one).
    /// </summary>
    public static async IAsyncEnumerable<ArchiveEntry> ExportAsync(string dataDirectory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var options = new SqliteJournalOptions(dataDirectory);
        var path = options.DatabasePath;
        await using var connection = await OpenExistingReadOnlyAsync(path, cancellationToken).ConfigureAwait(false);
        // Deferred: a read snapshot that a running writer does not disturb (WAL).
        await using var transaction = connection.BeginTransaction(deferred: true);
        await foreach (var entry in ArchiveTransfer.ReadAllAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
            yield return entry;
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
            await using var transaction = connection.BeginTransaction(deferred: false);
            var existing = await ArchiveTransfer.CountAsync(connection, transaction, ct).ConfigureAwait(false);
            if (existing > 0 && !intoNonEmpty)
                throw new JournalConstraintException($"the journal '{DatabasePath}' already holds {existing} rows: import into an empty journal, or say that the archive is to be added to it; nothing was imported");
            var count = await ArchiveTransfer.WriteAllAsync(connection, transaction, entries, keepSequences: existing == 0, static (_, v) => v, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new ArchiveImportReport(count, SequencesKept: existing == 0);
        }, cancellationToken);
    }

    /// <summary>
    /// An online copy of the journal through SQLite's backup API: consistent even while an engine
    /// writes (the copy is of one moment), written to a new file readable by its owner only, and
    /// checked after. Restore = stop the engine, put the copy in place as journal.db (with no
    /// journal.db-wal or -shm beside it), start.
    /// </summary>
    public static Task BackupAsync(string dataDirectory, string destinationFile, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationFile);
        var source = new SqliteJournalOptions(dataDirectory).DatabasePath;
        var destination = Path.GetFullPath(destinationFile);
        return Task.Run(async () =>
        {
            await using var from = await OpenExistingReadOnlyAsync(source, cancellationToken).ConfigureAwait(false);
            try
            {
                // CreateNew: a backup never overwrites anything, least of all another backup.
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                await new FileStream(destination, create).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new JournalUnavailableException(destination, $"cannot create the backup file: {e.Message}", e);
            }
            try
            {
                await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString()))
                {
                    await to.OpenAsync(cancellationToken).ConfigureAwait(false);
                    from.BackupDatabase(to);
                    // The copy stands alone: one file, no WAL beside it.
                    using var command = to.CreateCommand();
                    command.CommandText = "PRAGMA journal_mode = DELETE; PRAGMA quick_check;";
                    using var reader = command.ExecuteReader();
                    reader.NextResult();
                    var check = reader.Read() ? reader.GetString(0) : "no answer";
                    if (check != "ok")
                        throw new JournalCorruptException($"the backup '{destination}' failed its integrity check: {check}");
                }
            }
            catch
            {
                File.Delete(destination);
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>Opens an existing journal read-only, after checking it is a Fillwise journal of this build's schema.</summary>
    private static async Task<SqliteConnection> OpenExistingReadOnlyAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new JournalUnavailableException(path, "there is no journal there");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var version = InspectSchema(connection, path);
            if (version != JournalMigrations.LatestVersion)
                throw new JournalUnavailableException(path, string.Create(CultureInfo.InvariantCulture,
                    $"its schema version is {version}, this build reads {JournalMigrations.LatestVersion}: open it once with this build (which migrates it) and try again"));
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new JournalUnavailableException(path, Describe(e), e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
