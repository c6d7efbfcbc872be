using Fillwise.Engine.Journal;
using Fillwise.Domain.Values;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage.Tests;

/// <summary>
/// Runs only as root where chattr +i works on the temp filesystem: an immutable file is the one
/// thing root itself cannot write. Elsewhere (not root, no chattr, tmpfs/overlay without the flag)
/// it is skipped with a loud reason; the mode-bit cases still cover "read-only" there.
/// </summary>
public sealed class RootWithChattrFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> WhyNot = new(Probe);

    public RootWithChattrFactAttribute()
    {
        if (WhyNot.Value is { } reason)
            Skip = "SKIPPED LOUDLY: " + reason;
    }

    private static string? Probe()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root")
            return "needs root on Linux to make a file that even root cannot write";
        var probe = Path.Combine(Path.GetTempPath(), $"fillwise-chattr-probe-{Guid.NewGuid():N}");
        File.WriteAllText(probe, "probe");
        try
        {
            if (!Immutable.TrySet(probe, on: true))
                return "chattr +i is unavailable or unsupported on the temp filesystem";
            Immutable.TrySet(probe, on: false);
            return null;
        }
        finally
        {
            File.Delete(probe);
        }
    }
}

public sealed class OpenFailureTests
{
    [Fact]
    public async Task A_second_instance_on_the_same_journal_is_refused_and_the_first_keeps_working()
    {
        using var dir = new TempDataDirectory();
        await using var first = await Journals.OpenAsync(dir);
        await first.AppendIntentAsync(Journals.Intent("one"));
        var before = Journals.Hash(dir.DatabasePath);

        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Equal(dir.DatabasePath, error.Path);
        Assert.Contains(dir.DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("locked by another Fillwise instance", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Journals.Hash(dir.DatabasePath));

        await first.AppendIntentAsync(Journals.Intent("two"));
        Assert.Equal(2, (await first.GetUnresolvedIntentsAsync()).Count);
    }

    [Fact]
    public async Task A_journal_whose_lock_is_held_by_another_process_is_refused()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/flock"))
        {
            // No util-linux flock here: the same-process second instance above still covers the lock.
            return;
        }
        using var dir = new TempDataDirectory();
        await (await Journals.OpenAsync(dir)).DisposeAsync();
        var lockPath = Path.Combine(dir.Path, SqliteJournalOptions.LockFileName);
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/flock", [lockPath, "sleep", "30"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            JournalUnavailableException? refused = null;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (refused is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    // Until the other process has its lock, we may still get in: step out and try again.
                    await (await Journals.OpenAsync(dir)).DisposeAsync();
                    await Task.Delay(50);
                }
                catch (JournalUnavailableException e)
                {
                    refused = e;
                }
            }
            Assert.NotNull(refused);
            Assert.Contains("locked by another Fillwise instance", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_lock_is_released_on_dispose()
    {
        using var dir = new TempDataDirectory();
        await (await Journals.OpenAsync(dir)).DisposeAsync();
        await using var again = await Journals.OpenAsync(dir);
        Assert.Empty(await again.GetUnresolvedIntentsAsync());
    }

    [Fact]
    public async Task A_corrupt_file_is_refused_and_left_byte_for_byte_unchanged()
    {
        using var dir = new TempDataDirectory();
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(dir.DatabasePath, garbage);

        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Contains(dir.DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(dir.DatabasePath));
        Assert.False(File.Exists(dir.DatabasePath + "-wal"));
        Assert.False(File.Exists(dir.DatabasePath + "-shm"));
    }

    [Fact]
    public async Task A_journal_with_damaged_pages_is_refused_by_the_integrity_check_and_left_unchanged()
    {
        using var dir = new TempDataDirectory();
        await using (var journal = await Journals.OpenAsync(dir))
        {
            await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => journal.AppendIntentAsync(Journals.Intent($"i-{i}"))));
        }
        Assert.False(File.Exists(dir.DatabasePath + "-wal"), "a clean close checkpoints and removes the WAL");
        // Keep SQLite's header and page 1 (the schema) intact; scribble over later pages.
        var bytes = await File.ReadAllBytesAsync(dir.DatabasePath);
        var noise = new byte[bytes.Length - 8192];
        new Random(11).NextBytes(noise);
        noise.CopyTo(bytes, 8192);
        await File.WriteAllBytesAsync(dir.DatabasePath, bytes);

        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Contains(dir.DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(dir.DatabasePath));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_read_only_journal_file_is_refused_and_left_unchanged()
    {
        using var dir = new TempDataDirectory();
        await using (var journal = await Journals.OpenAsync(dir))
            await journal.AppendIntentAsync(Journals.Intent("kept"));
        var before = Journals.Hash(dir.DatabasePath);
        File.SetUnixFileMode(dir.DatabasePath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Contains("read-only (mode 0444)", error.Message, StringComparison.Ordinal);
        Assert.Contains(dir.DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Journals.Hash(dir.DatabasePath));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_read_only_data_directory_is_refused_before_anything_is_created()
    {
        using var dir = new TempDataDirectory();
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Contains("data directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [RootWithChattrFact]
    public async Task An_immutable_journal_file_that_even_root_cannot_write_is_refused_and_left_unchanged()
    {
        using var dir = new TempDataDirectory();
        await using (var journal = await Journals.OpenAsync(dir))
            await journal.AppendIntentAsync(Journals.Intent("kept"));
        var before = Journals.Hash(dir.DatabasePath);
        Assert.True(Immutable.TrySet(dir.DatabasePath, on: true), "chattr +i failed (filesystem without immutable flags?)");
        try
        {
            // Mode bits stay 0644: only SQLite's own read-only fallback can tell.
            var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
            Assert.Contains("cannot be opened for writing", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, Journals.Hash(dir.DatabasePath));
        }
        finally
        {
            Immutable.TrySet(dir.DatabasePath, on: false);
        }
    }

    [Fact]
    public async Task A_foreign_sqlite_database_is_not_taken_over()
    {
        using var dir = new TempDataDirectory();
        using (var connection = new SqliteConnection($"Data Source={dir.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');";
            command.ExecuteNonQuery();
        }
        var before = Journals.Hash(dir.DatabasePath);
        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Contains("not a Fillwise journal", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Journals.Hash(dir.DatabasePath));
    }

    [Fact]
    public async Task A_wal_without_its_database_is_not_buried_under_a_new_journal()
    {
        using var dir = new TempDataDirectory();
        await File.WriteAllBytesAsync(dir.DatabasePath + "-wal", [1, 2, 3, 4]);
        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Contains("WAL file", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.DatabasePath));
    }
}

public sealed class MigrationTests
{
    [Fact]
    public async Task A_fresh_journal_gets_the_latest_schema_version_in_wal_mode()
    {
        using var dir = new TempDataDirectory();
        await (await Journals.OpenAsync(dir)).DisposeAsync();

        using var connection = new SqliteConnection($"Data Source={dir.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.Equal((long)JournalMigrations.LatestVersion, Scalar(connection, "SELECT max(version) FROM schema_version;"));
        Assert.Equal((long)JournalMigrations.LatestVersion, Scalar(connection, "SELECT count(*) FROM schema_version;"));
        Assert.Equal((long)JournalMigrations.ApplicationId, Scalar(connection, "PRAGMA application_id;"));
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        foreach (var table in new[] { "order_intents", "order_events", "fills", "positions", "position_exits", "strategy_metadata", "engine_events" })
            Assert.Equal(1L, Scalar(connection, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}';"));
    }

    [Fact]
    public async Task The_writer_connection_runs_wal_with_full_sync_and_foreign_keys()
    {
        using var dir = new TempDataDirectory();
        await using var journal = await Journals.OpenAsync(dir);
        Assert.Equal("wal", await journal.ReadWriterPragmaAsync("journal_mode"));
        Assert.Equal("2", await journal.ReadWriterPragmaAsync("synchronous")); // FULL
        Assert.Equal("1", await journal.ReadWriterPragmaAsync("foreign_keys"));
    }

    [Fact]
    public async Task Reopening_a_current_journal_applies_nothing_again()
    {
        using var dir = new TempDataDirectory();
        await (await Journals.OpenAsync(dir)).DisposeAsync();
        await (await Journals.OpenAsync(dir)).DisposeAsync();
        using var connection = new SqliteConnection($"Data Source={dir.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Assert.Equal((long)JournalMigrations.LatestVersion, Scalar(connection, "SELECT count(*) FROM schema_version;"));
    }

    [Fact]
    public async Task A_journal_from_a_newer_build_is_refused_and_left_unchanged()
    {
        using var dir = new TempDataDirectory();
        await using (var journal = await Journals.OpenAsync(dir))
            await journal.AppendIntentAsync(Journals.Intent("from-the-future"));
        var future = JournalMigrations.LatestVersion + 1;
        using (var connection = new SqliteConnection($"Data Source={dir.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO schema_version (version, applied_at) VALUES ({future}, '2027-01-01T00:00:00.0000000Z');";
            command.ExecuteNonQuery();
        }
        var before = Journals.Hash(dir.DatabasePath);

        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => Journals.OpenAsync(dir));
        Assert.Contains($"schema version {future} is newer than this build knows ({JournalMigrations.LatestVersion})", error.Message, StringComparison.Ordinal);
        Assert.Contains(dir.DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Journals.Hash(dir.DatabasePath));
    }

    [Fact]
    public void Migrations_are_ordered_strings_with_no_gaps()
    {
        Assert.NotEmpty(JournalMigrations.All);
        Assert.All(JournalMigrations.All, sql => Assert.False(string.IsNullOrWhiteSpace(sql)));
        Assert.Equal(JournalMigrations.All.Count, JournalMigrations.LatestVersion);
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
