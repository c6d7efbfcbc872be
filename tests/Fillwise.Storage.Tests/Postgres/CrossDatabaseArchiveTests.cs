using Fillwise.Storage.Archive;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

/// <summary>A journal moves between the databases through an archive and comes back the same.</summary>
[RequiresPostgres]
public sealed class CrossDatabaseArchiveTests : IAsyncLifetime
{
    private readonly SqlitePlace _sqlite = new();
    private readonly PostgresPlace _postgres = new();
    private readonly SqlitePlace _back = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        await _postgres.DisposeAsync();
        await _back.DisposeAsync();
    }

    [JournalFact]
    public async Task Sqlite_to_postgresql_and_back_keeps_every_record_and_every_sequence()
    {
        var clock = new ManualTimeProvider(Journals.T0);
        await using (var journal = await _sqlite.OpenAsync(clock))
            await RichJournal.WriteAsync(journal, clock);
        var original = await RichJournal.ReadAsync(_sqlite.ExportAsync());

        await using (var journal = await _postgres.OpenAsync())
            Assert.True((await ((IArchiveImport)journal).ImportAsync(original, intoNonEmpty: false)).SequencesKept);
        Assert.Equal(original, await RichJournal.ReadAsync(_postgres.ExportAsync()));

        await using (var journal = await _back.OpenAsync())
            await ((IArchiveImport)journal).ImportAsync(await RichJournal.ReadAsync(_postgres.ExportAsync()), intoNonEmpty: false);
        Assert.Equal(original, await RichJournal.ReadAsync(_back.ExportAsync()));
    }
}
