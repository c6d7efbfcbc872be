using System.Globalization;
using System.Net.Sockets;
using Fillwise.Engine.Journal;
using Npgsql;

namespace Fillwise.Storage.Postgres;

public sealed partial class PostgresJournal
{
    /// <summary>
    /// Connects, takes the account's writer lease, creates or migrates the shared and the account's
    /// schema, and starts the writer. Refuses with <see cref="JournalUnavailableException"/> (naming
    /// server, database and account, never the password, and writing nothing) when the database
    /// cannot be reached or logged into, when another engine holds the account (naming it), or when
    /// a schema is newer than this build.
    /// </summary>
    public static async Task<PostgresJournal> OpenAsync(PostgresJournalOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        var where = DescribeLocation(options);
        if (PostgresLocation.Problem(options.ConnectionString) is { } problem)
            throw new JournalUnavailableException(where, "the connection string " + problem);

        var writer = new NpgsqlConnection(WriterConnectionString(options));
        NpgsqlDataSource? readers = null;
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Every check that can refuse runs before the first write.
            await RefuseNewerSharedSchemaAsync(writer, where, cancellationToken).ConfigureAwait(false);
            if (!await TryTakeLeaseAsync(writer, options, cancellationToken).ConfigureAwait(false))
                throw new JournalUnavailableException(where,
                    $"another engine holds this account's writer lease: {await DescribeHolderAsync(writer, options, cancellationToken).ConfigureAwait(false)}; " +
                    "one engine writes an account at a time (stop it, or wait for its lease to end)");
            await RefuseNewerJournalSchemaAsync(writer, options, where, cancellationToken).ConfigureAwait(false);

            await MigrateSharedAsync(writer, options.Time, cancellationToken).ConfigureAwait(false);
            await MigrateJournalAsync(writer, options, where, cancellationToken).ConfigureAwait(false);
            var holder = await RegisterHolderAsync(writer, options, cancellationToken).ConfigureAwait(false);
            readers = NpgsqlDataSource.Create(ReaderConnectionString(options));
            return new PostgresJournal(options, writer, readers, holder);
        }
        catch (JournalException)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            if (readers is not null) await readers.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or IOException or InvalidOperationException)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            if (readers is not null) await readers.DisposeAsync().ConfigureAwait(false);
            throw new JournalUnavailableException(where, Describe(e, options.ConnectionString), e);
        }
    }

    /// <summary>Why the database refused or could not be reached, in words, without the password.</summary>
    internal static string Describe(Exception e, string connectionString)
    {
        var text = e switch
        {
            PostgresException { SqlState: "28P01" or "28000" } p => $"the database refused the login: {p.MessageText}",
            PostgresException { SqlState: "3D000" } p => $"the database does not exist: {p.MessageText}",
            PostgresException { SqlState: "42501" } p => $"the user lacks a privilege the journal needs (create schema and tables, or write them): {p.MessageText}",
            PostgresException p => $"PostgreSQL error {p.SqlState}: {p.MessageText}",
            NpgsqlException { InnerException: { } inner } n => $"cannot connect: {n.Message} ({inner.Message})",
            _ => $"cannot connect: {e.Message}",
        };
        return PostgresLocation.Redact(text, connectionString);
    }

    private static string WriterConnectionString(PostgresJournalOptions options) => new NpgsqlConnectionStringBuilder(options.ConnectionString)
    {
        // The writer's session holds the lease: it must never sit in a pool, alive and locked, after we let go.
        Pooling = false,
        SearchPath = options.Schema,
        ApplicationName = string.Create(CultureInfo.InvariantCulture, $"fillwise writer pid {Environment.ProcessId}"),
        TcpKeepAlive = true,
        // The same few statements all day: let Npgsql prepare them on the server once.
        MaxAutoPrepare = 32,
        AutoPrepareMinUsages = 2,
        Options = string.Create(CultureInfo.InvariantCulture,
            // Durability is the journal's promise, whatever the server's default: a commit returns after its WAL flush.
            // The keepalives let the server notice a vanished writer and end its session (and lock) in bounded time.
            $"-c synchronous_commit=on -c tcp_keepalives_idle={options.ServerKeepaliveSeconds} -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"),
    }.ConnectionString;

    private static string ReaderConnectionString(PostgresJournalOptions options) => new NpgsqlConnectionStringBuilder(options.ConnectionString)
    {
        Pooling = true,
        SearchPath = options.Schema,
        ApplicationName = string.Create(CultureInfo.InvariantCulture, $"fillwise reader pid {Environment.ProcessId}"),
        MaxAutoPrepare = 32,
    }.ConnectionString;

    private static async Task<bool> TryTakeLeaseAsync(NpgsqlConnection writer, PostgresJournalOptions options, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", writer);
        command.Parameters.Add(new NpgsqlParameter { Value = PostgresJournalOptions.LeaseKeyFor(options.Account) });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    /// <summary>Who holds the account: the engine's own note (host, pid, start) and the server's view of the session.</summary>
    private static async Task<string> DescribeHolderAsync(NpgsqlConnection connection, PostgresJournalOptions options, CancellationToken cancellationToken)
    {
        var key = PostgresJournalOptions.LeaseKeyFor(options.Account);
        var parts = new List<string>();
        await using (var session = new NpgsqlCommand(
            "SELECT l.pid, a.application_name, a.client_addr::text, a.backend_start FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1", connection))
        {
            AddLeaseKey(session, key);
            await using var reader = await session.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var app = reader.IsDBNull(1) ? null : reader.GetString(1);
                var from = reader.IsDBNull(2) ? "a local socket" : reader.GetString(2);
                parts.Add(string.Create(CultureInfo.InvariantCulture,
                    $"database session pid {reader.GetInt32(0)}{(app is null ? "" : $" ('{app}')")} from {from}"));
            }
        }
        await using (var note = new NpgsqlCommand(
            "SELECT host, pid, started_at, acquired_at FROM fillwise.engines WHERE account = $1 AND to_regclass('fillwise.engines') IS NOT NULL", connection))
        {
            note.Parameters.Add(new NpgsqlParameter { Value = options.Account });
            try
            {
                await using var reader = await note.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    parts.Insert(0, string.Create(CultureInfo.InvariantCulture,
                        $"engine pid {reader.GetInt32(1)} on host {reader.GetString(0)}, started {reader.GetString(2)}, holding since {reader.GetString(3)}"));
            }
            catch (PostgresException e) when (e.SqlState == "42P01")
            {
                // No engines table yet: the holder is still creating it.
            }
        }
        return parts.Count == 0 ? "an unknown session (it let go a moment ago: try again)" : string.Join(", ", parts);
    }

    private static async Task<long?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task RefuseNewerSharedSchemaAsync(NpgsqlConnection connection, string where, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(connection, "SELECT CASE WHEN to_regclass('fillwise.schema_version') IS NULL THEN 0 ELSE 1 END", cancellationToken).ConfigureAwait(false) != 1)
            return;
        var version = await ScalarAsync(connection, "SELECT coalesce(max(version), 0) FROM fillwise.schema_version", cancellationToken).ConfigureAwait(false) ?? 0;
        if (version > PostgresMigrations.LatestSharedVersion)
            throw new JournalUnavailableException(where, string.Create(CultureInfo.InvariantCulture,
                $"the shared schema 'fillwise' is at version {version}, newer than this build knows ({PostgresMigrations.LatestSharedVersion}): run a newer Fillwise; nothing was changed"));
    }

    /// <summary>The journal schema's version: 0 when it does not exist yet. Refuses a newer one, and a schema of that name that is not a journal.</summary>
    private static async Task<int> RefuseNewerJournalSchemaAsync(NpgsqlConnection connection, PostgresJournalOptions options, string where, CancellationToken cancellationToken)
    {
        var schema = options.Schema;
        if (await ScalarAsync(connection, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", cancellationToken, schema).ConfigureAwait(false) == 0)
            return 0;
        if (await ScalarAsync(connection, "SELECT CASE WHEN to_regclass($1) IS NULL THEN 0 ELSE 1 END", cancellationToken, schema + ".schema_version").ConfigureAwait(false) != 1)
        {
            var tables = await ScalarAsync(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", cancellationToken, schema).ConfigureAwait(false);
            if (tables > 0)
                throw new JournalUnavailableException(where, $"schema {schema} exists but is not a Fillwise journal (it has tables but no schema_version); it was left untouched");
            return 0;
        }
        var version = (int)(await ScalarAsync(connection, $"SELECT coalesce(max(version), 0) FROM {schema}.schema_version", cancellationToken).ConfigureAwait(false) ?? 0);
        if (version > PostgresMigrations.LatestJournalVersion)
            throw new JournalUnavailableException(where, string.Create(CultureInfo.InvariantCulture,
                $"its schema version {version} is newer than this build knows ({PostgresMigrations.LatestJournalVersion}): run a newer Fillwise; nothing was changed"));
        return version;
    }

    private static async Task MigrateSharedAsync(NpgsqlConnection connection, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Engines of other accounts may start at the same moment: one migrates, the others wait and find it done.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, PostgresMigrations.SharedMigrationLock).ConfigureAwait(false);
        await ExecuteAsync(connection, PostgresMigrations.CreateSharedVersionTable, cancellationToken).ConfigureAwait(false);
        var version = (int)(await ScalarAsync(connection, "SELECT coalesce(max(version), 0) FROM fillwise.schema_version", cancellationToken).ConfigureAwait(false) ?? 0);
        for (var v = version + 1; v <= PostgresMigrations.LatestSharedVersion; v++)
        {
            await ExecuteAsync(connection, PostgresMigrations.Shared[v - 1], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "INSERT INTO fillwise.schema_version (version, applied_at) VALUES ($1, $2)", cancellationToken,
                v, JournalText.Time(time.GetUtcNow())).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task MigrateJournalAsync(NpgsqlConnection connection, PostgresJournalOptions options, string where, CancellationToken cancellationToken)
    {
        var schema = options.Schema;
        var version = await RefuseNewerJournalSchemaAsync(connection, options, where, cancellationToken).ConfigureAwait(false);
        // Which account a schema belongs to is recorded once; a schema of another account is never taken over.
        await using (var registered = new NpgsqlCommand("SELECT account FROM fillwise.journals WHERE schema_name = $1", connection))
        {
            registered.Parameters.Add(new NpgsqlParameter { Value = schema });
            if (await registered.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string other && other != options.Account)
                throw new JournalUnavailableException(where, $"schema {schema} belongs to account '{other}'; it was left untouched");
        }
        for (var v = version + 1; v <= PostgresMigrations.LatestJournalVersion; v++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {schema}; SET LOCAL search_path TO {schema};", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, PostgresMigrations.CreateJournalVersionTable, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, PostgresMigrations.Journal[v - 1], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", cancellationToken,
                v, JournalText.Time(options.Time.GetUtcNow())).ConfigureAwait(false);
            await ExecuteAsync(connection, "INSERT INTO fillwise.journals (schema_name, account, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                cancellationToken, schema, options.Account, JournalText.Time(options.Time.GetUtcNow())).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes who holds the account (for the next engine that is refused) and returns the same words for our own lease.</summary>
    private static async Task<string> RegisterHolderAsync(NpgsqlConnection connection, PostgresJournalOptions options, CancellationToken cancellationToken)
    {
        var host = Environment.MachineName;
        var pid = Environment.ProcessId;
        var started = Now(TimeProvider.System, System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime());
        var now = Now(TimeProvider.System);
        await ExecuteAsync(connection,
            "INSERT INTO fillwise.engines (account, schema_name, host, pid, started_at, backend_pid, acquired_at) VALUES ($1, $2, $3, $4, $5, pg_backend_pid(), $6) " +
            "ON CONFLICT (account) DO UPDATE SET schema_name = excluded.schema_name, host = excluded.host, pid = excluded.pid, " +
            "started_at = excluded.started_at, backend_pid = excluded.backend_pid, acquired_at = excluded.acquired_at",
            cancellationToken, options.Account, options.Schema, host, pid, started, now).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"engine pid {pid} on host {host}, started {started}, holding {options.Account} since {now} (database session pid {connection.ProcessID})");
    }

    private static string Now(TimeProvider _, DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
