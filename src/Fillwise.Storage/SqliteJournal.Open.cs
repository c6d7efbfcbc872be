using Fillwise.Engine.Journal;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage;

public sealed partial class SqliteJournal
{
    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");

    /// <summary>
    /// Opens (creating if needed) <c>&lt;data&gt;/journal.db</c>, refusing with
    /// <see cref="JournalUnavailableException"/> a file that is locked by another instance, not
    /// writable, corrupt, not a Fillwise journal, or from a newer build. A refused file is left as
    /// it was: every check that can fail runs before the first write.
    /// </summary>
    public static Task<SqliteJournal> OpenAsync(SqliteJournalOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        // Open does blocking file work (integrity check, migrations): keep it off the caller's thread.
        return Task.Run(() => Open(options, cancellationToken), cancellationToken);
    }

    private static SqliteJournal Open(SqliteJournalOptions options, CancellationToken cancellationToken)
    {
        var path = options.DatabasePath;
        var directory = Path.GetDirectoryName(path)!;
        try
        {
            // A new data folder is the owner's alone: it holds the journal (and, beside it, keys and tokens).
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException(path, $"cannot create the data directory '{directory}': {e.Message}", e);
        }

        RefuseReadOnlyMarks(path, directory);
        var lockFile = TakeLock(path, options.LockPath);
        SqliteConnection? connection = null;
        try
        {
            RefuseForeignFile(path);
            cancellationToken.ThrowIfCancellationRequested();
            connection = OpenWriterConnection(path, options, cancellationToken);
            foreach (var file in new[] { path, path + "-wal", path + "-shm", options.LockPath }) KeepPrivate(file);
            var journal = new SqliteJournal(options, path, lockFile, connection);
            return journal;
        }
        catch
        {
            connection?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The journal's files are readable by their owner only: nobody else on the machine reads our trades.</summary>
    private static void KeepPrivate(string file)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(file)) return;
        var mode = File.GetUnixFileMode(file);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & others) != 0) File.SetUnixFileMode(file, mode & ~others);
    }

    /// <summary>
    /// A file or directory with no write permission bit is one an operator marked read-only. We
    /// respect that even when running as root, whose writes the kernel would otherwise allow.
    /// </summary>
    private static void RefuseReadOnlyMarks(string path, string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            if (File.Exists(path) && new FileInfo(path).IsReadOnly)
                throw new JournalUnavailableException(path, "the journal file is read-only");
            return;
        }
        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        var dirMode = File.GetUnixFileMode(directory);
        if ((dirMode & anyWrite) == 0)
            throw new JournalUnavailableException(path,
                $"the data directory '{directory}' is read-only (mode {Octal(dirMode)}): the journal must create its lock, WAL and shared-memory files there");
        if (File.Exists(path))
        {
            var fileMode = File.GetUnixFileMode(path);
            if ((fileMode & anyWrite) == 0)
                throw new JournalUnavailableException(path, $"the journal file is read-only (mode {Octal(fileMode)})");
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    /// <summary>
    /// One engine per journal: an exclusive lock on a side file (flock on Unix), held until dispose.
    /// The kernel drops it if the process dies, so a crash never leaves a stale lock.
    /// </summary>
    private static FileStream TakeLock(string path, string lockPath)
    {
        // .NET can be told to skip flock entirely; then FileShare.None would silently let a second engine in.
        if ((AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
            || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true")
            throw new JournalUnavailableException(path, "file locking is disabled in this process (System.IO.DisableFileLocking), so a second engine could not be kept out");
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new JournalUnavailableException(path, $"cannot create or open the lock file '{lockPath}' (the data directory is not writable): {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new JournalUnavailableException(path, $"it is locked by another Fillwise instance (lock file '{lockPath}' is held): {e.Message}", e);
        }

        try
        {
            // For a person looking at the folder: who holds it. Nothing reads this back.
            var note = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName}\n"));
            stream.SetLength(0);
            stream.Write(note);
            stream.Flush();
        }
        catch (IOException e)
        {
            stream.Dispose();
            throw new JournalUnavailableException(path, $"cannot write the lock file '{lockPath}': {e.Message}", e);
        }
        return stream;
    }

    /// <summary>
    /// Refuses, before SQLite touches it, a non-empty file without SQLite's header (random bytes, a
    /// truncated copy) and a WAL left without its database: starting afresh there would bury data.
    /// </summary>
    private static void RefuseForeignFile(string path)
    {
        var info = new FileInfo(path);
        var wal = new FileInfo(path + "-wal");
        if ((!info.Exists || info.Length == 0) && wal.Exists && wal.Length > 0)
            throw new JournalUnavailableException(path,
                $"a WAL file '{wal.FullName}' ({wal.Length} bytes) exists without its database: restore the database or move the WAL away");
        if (!info.Exists || info.Length == 0)
            return;

        var header = new byte[SqliteHeader.Length];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException(path, $"cannot read the journal file: {e.Message}", e);
        }
        if (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader))
            throw new JournalUnavailableException(path,
                $"the file is not a SQLite database (corrupt or foreign: its first {read} bytes are not a SQLite header); it was left untouched");
    }

    private static SqliteConnection OpenWriterConnection(string path, SqliteJournalOptions options, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The writer connection is owned for the journal's lifetime; never hand it to a pool.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();

        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            // SQLite silently falls back to read-only when it cannot open for writing (permissions,
            // an immutable flag, a read-only mount): ask it, rather than fail on the first intent.
            if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
                throw new JournalUnavailableException(path, "the file cannot be opened for writing (permissions, immutable flag or read-only filesystem)");

            Execute(connection, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};");
            var version = InspectSchema(connection, path);
            if (options.VerifyIntegrityOnOpen && version > 0)
                VerifyIntegrity(connection, path);
            cancellationToken.ThrowIfCancellationRequested();

            // Every check that can refuse the file has run; from here on we write.
            // WAL: readers never block the writer and a commit is one sequential append to the log.
            var mode = Scalar(connection, "PRAGMA journal_mode = WAL;") as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new JournalUnavailableException(path, $"SQLite refused WAL mode (journal mode is '{mode}')");
            // FULL: each commit fsyncs the WAL before COMMIT returns. With NORMAL a WAL commit survives
            // a process crash but may be lost on power failure, and an intent the venue already has
            // but we forgot is exactly the double-placement this journal exists to prevent.
            Execute(connection, "PRAGMA synchronous = FULL;");
            Execute(connection, "PRAGMA foreign_keys = ON;");

            Migrate(connection, path, version, options.Time);
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new JournalUnavailableException(path, Describe(e), e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Reads (never writes) what the file is: 0 for a new empty database, else its schema version.</summary>
    private static int InspectSchema(SqliteConnection connection, string path)
    {
        var applicationId = Convert.ToInt64(Scalar(connection, "PRAGMA application_id;"), CultureInfo.InvariantCulture);
        var objects = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master;"), CultureInfo.InvariantCulture);
        if (objects == 0 && applicationId == 0)
            return 0;
        var hasVersionTable = Convert.ToInt64(
            Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version';"),
            CultureInfo.InvariantCulture) == 1;
        if (applicationId != JournalMigrations.ApplicationId || !hasVersionTable)
            throw new JournalUnavailableException(path,
                $"the file is a SQLite database but not a Fillwise journal (application id {applicationId}, schema_version table {(hasVersionTable ? "present" : "missing")})");

        var version = Convert.ToInt64(Scalar(connection, "SELECT coalesce(max(version), 0) FROM schema_version;"), CultureInfo.InvariantCulture);
        if (version > JournalMigrations.LatestVersion)
            throw new JournalUnavailableException(path,
                $"its schema version {version} is newer than this build knows ({JournalMigrations.LatestVersion}): run a newer Fillwise; nothing was changed");
        return (int)version;
    }

    private static void VerifyIntegrity(SqliteConnection connection, string path)
    {
        var problems = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA quick_check(5);";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                problems.Add(reader.GetString(0));
        }
        if (problems is not ["ok"])
            throw new JournalUnavailableException(path, $"the integrity check failed: {string.Join("; ", problems)}");
    }

    private static void Migrate(SqliteConnection connection, string path, int fromVersion, TimeProvider time)
    {
        if (fromVersion == JournalMigrations.LatestVersion)
        {
            // Nothing to migrate: still prove now that we can take the write lock, rather than at the first intent.
            Execute(connection, "BEGIN IMMEDIATE; ROLLBACK;");
            return;
        }
        for (var version = fromVersion + 1; version <= JournalMigrations.LatestVersion; version++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            try
            {
                Execute(connection, JournalMigrations.CreateVersionTable, transaction);
                Execute(connection, JournalMigrations.All[version - 1], transaction);
                Execute(connection, $"PRAGMA application_id = {JournalMigrations.ApplicationId};", transaction);
                using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, $at);";
                    insert.Parameters.AddWithValue("$version", version);
                    insert.Parameters.AddWithValue("$at", JournalText.Time(time.GetUtcNow()));
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            catch (SqliteException e)
            {
                throw new JournalUnavailableException(path, $"migration to schema version {version} failed: {Describe(e)}", e);
            }
        }
    }

    private static string Describe(SqliteException e) => e.SqliteErrorCode switch
    {
        5 or 6 => $"it is locked by another process (SQLite: {e.Message})",
        8 => $"the file cannot be written (SQLite: {e.Message})",
        11 or 26 => $"the file is corrupt or not a SQLite database (SQLite: {e.Message}); it was left untouched",
        14 => $"the file cannot be opened (SQLite: {e.Message})",
        _ => $"SQLite error {e.SqliteErrorCode}: {e.Message}",
    };

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
