using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

/// <summary>SQLite's online backup, and the restore the README describes.</summary>
public sealed class SqliteBackupTests
{
    [Fact]
    public async Task An_online_backup_taken_while_the_engine_writes_restores_to_a_working_journal()
    {
        using var live = new TempDataDirectory();
        using var restored = new TempDataDirectory();
        var clock = new ManualTimeProvider(Journals.T0);
        await using var journal = await Journals.OpenAsync(live, clock);
        await RichJournal.WriteAsync(journal, clock);
        var atBackup = await RichJournal.ReadAsync(SqliteJournal.ExportAsync(live.Path));

        var backup = Path.Combine(restored.Path, "backup.db");
        var writing = Task.WhenAll(Enumerable.Range(0, 300).Select(i => journal.AppendIntentAsync(Journals.Intent($"during-{i}"))));
        await SqliteJournal.BackupAsync(live.Path, backup);
        await writing;
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        Assert.False(File.Exists(backup + "-wal"));

        // Restore: the copy becomes journal.db of a data folder (no -wal or -shm beside it), and the engine opens it.
        File.Move(backup, restored.DatabasePath);
        var copy = await RichJournal.ReadAsync(SqliteJournal.ExportAsync(restored.Path));
        // The copy is one moment: everything before the backup, and of the appends racing it a prefix in order.
        Assert.Equal(atBackup, copy.Where(e => e is not Archive.ArchivedIntent { Intent.ClientOrderId.Value: var id } || !id.StartsWith("during-", StringComparison.Ordinal)));
        var during = copy.OfType<Archive.ArchivedIntent>().Where(i => i.Intent.ClientOrderId.Value.StartsWith("during-", StringComparison.Ordinal)).ToList();
        Assert.Equal(during.Select(i => i.Sequence).Order(), during.Select(i => i.Sequence));
        await using var reopened = await Journals.OpenAsync(restored);
        Assert.NotNull(await reopened.GetIntentAsync(new ClientOrderId("e-1")));
        await reopened.AppendIntentAsync(Journals.Intent("after-restore"));
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_file_and_needs_a_journal()
    {
        using var dir = new TempDataDirectory();
        var target = Path.Combine(dir.Path, "exists.db");
        await File.WriteAllTextAsync(target, "keep me");
        var none = await Assert.ThrowsAsync<JournalUnavailableException>(() => SqliteJournal.BackupAsync(dir.Path, Path.Combine(dir.Path, "b.db")));
        Assert.Contains("there is no journal there", none.Message, StringComparison.Ordinal);

        await (await Journals.OpenAsync(dir)).DisposeAsync();
        var exists = await Assert.ThrowsAsync<JournalUnavailableException>(() => SqliteJournal.BackupAsync(dir.Path, target));
        Assert.Contains("cannot create the backup file", exists.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(target));
    }
}
