using System.Text;
using Fillwise.Engine.Journal;
using Fillwise.Storage.Archive;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

public abstract partial class JournalContractTests
{
    /// <summary>Writes the rich journal here and returns its export.</summary>
    protected async Task<List<ArchiveEntry>> WriteRichJournalAsync(JournalPlace place)
    {
        var clock = new ManualTimeProvider(Journals.T0);
        await using (var journal = await place.OpenAsync(clock))
            await RichJournal.WriteAsync(journal, clock);
        return await RichJournal.ReadAsync(place.ExportAsync());
    }

    /// <summary>Entries through the JSON-lines text and back, as a restore from a file would read them.</summary>
    protected static async Task<List<ArchiveEntry>> ThroughTextAsync(List<ArchiveEntry> entries, string source)
    {
        using var buffer = new MemoryStream();
        Assert.Equal(entries.Count, await JournalArchiveFormat.WriteAsync(entries.ToAsyncEnumerable(), buffer, source));
        using var reader = new StreamReader(new MemoryStream(buffer.ToArray()), Encoding.UTF8);
        return JournalArchiveFormat.Read(reader).ToList();
    }

    protected static async Task<ArchiveImportReport> ImportAsync(JournalPlace place, IEnumerable<ArchiveEntry> entries, bool intoNonEmpty = false)
    {
        await using var journal = await place.OpenAsync();
        return await ((IArchiveImport)journal).ImportAsync(entries, intoNonEmpty);
    }

    [JournalFact]
    public async Task An_export_imported_into_an_empty_journal_is_the_original_record_for_record_and_sequence_for_sequence()
    {
        var original = await WriteRichJournalAsync(Place);
        Assert.Equal(7, original.Select(e => e.Table).Distinct().Count());

        var copy = NewPlace();
        var report = await ImportAsync(copy, await ThroughTextAsync(original, Place.Database));
        Assert.Equal(new ArchiveImportReport(original.Count, SequencesKept: true), report);
        Assert.Equal(original, await RichJournal.ReadAsync(copy.ExportAsync()));

        // The copy is a working journal: the next append follows the imported sequences; reads see the import.
        await using var journal = await copy.OpenAsync();
        var next = await journal.AppendIntentAsync(Journals.Intent("after-restore"));
        Assert.True(next > original.OfType<ArchivedIntent>().Max(i => i.Sequence));
        Assert.Single(await journal.GetOpenPositionsAsync());
        await Assert.ThrowsAsync<DuplicateClientOrderIdException>(() => journal.AppendIntentAsync(Journals.Intent("e-1")));
    }

    [JournalFact]
    public async Task Import_refuses_a_journal_that_holds_rows_unless_told_and_then_appends_in_the_same_order()
    {
        var original = await WriteRichJournalAsync(Place);
        var target = NewPlace();
        await using (var journal = await target.OpenAsync())
            await journal.AppendIntentAsync(Journals.Intent("already-here"));

        var refused = await Assert.ThrowsAsync<JournalConstraintException>(() => ImportAsync(target, original));
        Assert.Contains("already holds 1 rows", refused.Message, StringComparison.Ordinal);
        Assert.Single(await RichJournal.ReadAsync(target.ExportAsync()));

        var report = await ImportAsync(target, original, intoNonEmpty: true);
        Assert.False(report.SequencesKept);
        var after = await RichJournal.ReadAsync(target.ExportAsync());
        Assert.Equal(original.Count + 1, after.Count);
        // Same records, same order within each table, same recorded times; new sequences after the one already there.
        var imported = after.Where(e => e is not ArchivedIntent { Intent.ClientOrderId.Value: "already-here" }).ToList();
        Assert.Equal(original.Select(Content), imported.Select(Content));
        foreach (var table in imported.GroupBy(e => e.Table))
            Assert.True(table.Select(e => e.Sequence).SequenceEqual(table.Select(e => e.Sequence).Order()), $"{table.Key} out of order");
    }

    [JournalFact]
    public async Task A_damaged_or_conflicting_archive_imports_nothing()
    {
        var original = await WriteRichJournalAsync(Place);
        using var buffer = new MemoryStream();
        await JournalArchiveFormat.WriteAsync(original.ToAsyncEnumerable(), buffer, Place.Database);
        var lines = Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Cut before the end line: the last records are missing, so none are taken.
        var truncated = string.Join('\n', lines.Take(lines.Length - 3));
        var empty = NewPlace();
        var cut = await Assert.ThrowsAsync<JournalCorruptException>(() => ImportAsync(empty, JournalArchiveFormat.Read(new StringReader(truncated))));
        Assert.Contains("truncated", cut.Message, StringComparison.Ordinal);
        Assert.Empty(await RichJournal.ReadAsync(empty.ExportAsync()));

        // A value the Domain refuses, named by its line.
        var bad = string.Join('\n', lines.Select(l => l.Replace("\"quantity\":\"50\"", "\"quantity\":\"5e1\"", StringComparison.Ordinal)));
        var refused = await Assert.ThrowsAsync<JournalCorruptException>(() => ImportAsync(empty, JournalArchiveFormat.Read(new StringReader(bad))));
        Assert.Contains("archive line 2 (intent), column quantity", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await RichJournal.ReadAsync(empty.ExportAsync()));

        // Rows the journal refuses half-way (ids already there): the new row before them is rolled back too.
        var fresh = new ArchivedIntent(1, Journals.T0, Journals.Intent("fresh-1"));
        var conflict = await Assert.ThrowsAsync<JournalConstraintException>(() => ImportAsync(Place, original.Prepend(fresh), intoNonEmpty: true));
        Assert.Contains("nothing was imported", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(original, await RichJournal.ReadAsync(Place.ExportAsync()));
    }

    /// <summary>An entry without its sequence: what must survive any import.</summary>
    private static object Content(ArchiveEntry entry) => entry switch
    {
        ArchivedIntent i => (i.RecordedAt, i.Intent),
        ArchivedOrderEvent e => (e.RecordedAt, e.Event),
        ArchivedFill f => (f.RecordedAt, f.Fill),
        ArchivedPosition p => (p.RecordedAt, p.Position, p.ClosedAt),
        ArchivedExit x => (x.RecordedAt, x.Exit),
        ArchivedMetadata m => (m.RecordedAt, m.Owner, m.Key, m.ValueJson),
        ArchivedEngineEvent e => (e.RecordedAt, e.Event),
        _ => throw new ArgumentException(entry.GetType().Name),
    };
}
