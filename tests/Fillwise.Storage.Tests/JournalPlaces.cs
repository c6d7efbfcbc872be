using Fillwise.Engine.Journal;
using Fillwise.Storage.Archive;
using Fillwise.Storage.Postgres;
using Fillwise.Testing;
using Npgsql;

namespace Fillwise.Storage.Tests;

/// <summary>Where one test's journal lives: opened (and reopened) there, exported from there, removed afterwards.</summary>
public abstract class JournalPlace : IAsyncDisposable
{
    public abstract string Database { get; }

    public abstract Task<IJournal> OpenAsync(TimeProvider? time = null);

    /// <summary>The whole journal as an archive, read without its lease.</summary>
    public abstract IAsyncEnumerable<ArchiveEntry> ExportAsync();

    public abstract ValueTask DisposeAsync();
}

public sealed class SqlitePlace : JournalPlace
{
    public TempDataDirectory Directory { get; } = new();

    public override string Database => "sqlite";

    public override async Task<IJournal> OpenAsync(TimeProvider? time = null) => await Journals.OpenAsync(Directory, time);

    public override IAsyncEnumerable<ArchiveEntry> ExportAsync() => SqliteJournal.ExportAsync(Directory.Path);

    public override ValueTask DisposeAsync()
    {
        Directory.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A fresh account (so a fresh schema) in the test database; its schema and registry rows are dropped afterwards.</summary>
public sealed class PostgresPlace(string? account = null) : JournalPlace
{
    public string ConnectionString { get; } = PostgresTestDatabase.Require();

    public string Account { get; } = account ?? "test:" + Guid.NewGuid().ToString("N");

    public override string Database => "postgresql";

    public PostgresJournalOptions Options(TimeProvider? time = null) =>
        new(ConnectionString, Account) { Time = time ?? new ManualTimeProvider(Journals.T0), LeaseCheckInterval = TimeSpan.FromMilliseconds(100), LeaseCheckTimeout = TimeSpan.FromSeconds(2) };

    public override async Task<IJournal> OpenAsync(TimeProvider? time = null) => await PostgresJournal.OpenAsync(Options(time));

    public override IAsyncEnumerable<ArchiveEntry> ExportAsync() => PostgresJournal.ExportAsync(ConnectionString, Account);

    public override async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"DROP SCHEMA IF EXISTS {PostgresJournalOptions.SchemaFor(Account)} CASCADE; " +
            "DO $$ BEGIN IF to_regclass('fillwise.journals') IS NOT NULL THEN " +
            $"DELETE FROM fillwise.journals WHERE account = '{Account}'; DELETE FROM fillwise.engines WHERE account = '{Account}'; END IF; END $$;", connection);
        await command.ExecuteNonQueryAsync();
    }
}
