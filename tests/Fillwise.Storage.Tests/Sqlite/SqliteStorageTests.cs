using Fillwise.Domain.Values;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage.Tests;

/// <summary>What only the SQLite journal does: its files and their bytes.</summary>
public sealed class SqliteStorageTests
{
    [Fact]
    public async Task Decimals_are_stored_as_exact_text_never_as_reals()
    {
        using var dir = new TempDataDirectory();
        await using (var journal = await Journals.OpenAsync(dir))
        {
            await journal.AppendIntentAsync(Journals.Intent("coid-1", price: "0.4500", count: "50.00"));
            await journal.AppendFillAsync(Journals.Fill("t-1", fee: "0.020000"));
        }
        using var connection = new SqliteConnection($"Data Source={dir.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT typeof(i.limit_price), i.limit_price, typeof(i.quantity), i.quantity, typeof(f.commission), f.commission
            FROM order_intents i, fills f;
            """;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        // Prices and quantities in their shortest exact form (any instrument's precision), money with at least 6 places.
        Assert.Equal(["text", "0.45", "text", "50", "text", "0.020000"], Enumerable.Range(0, 6).Select(reader.GetString));
    }

    [Fact]
    public async Task A_completed_append_is_already_in_the_files_without_any_dispose()
    {
        // A crash is simulated by copying the files while the journal is still open: whatever a
        // reopen of the copy finds is what a restart after a kill -9 at that moment would find.
        using var dir = new TempDataDirectory();
        using var copy = new TempDataDirectory();
        await using var journal = await Journals.OpenAsync(dir);
        await journal.AppendIntentAsync(Journals.Intent("before-crash"));
        await journal.AppendFillAsync(Journals.Fill("t-crash", "before-crash"));

        foreach (var suffix in new[] { "", "-wal" })
        {
            var source = dir.DatabasePath + suffix;
            if (File.Exists(source))
            {
                // Read with sharing: the live journal keeps its handles.
                await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                await using var output = File.Create(copy.DatabasePath + suffix);
                await input.CopyToAsync(output);
            }
        }

        await using var recovered = await Journals.OpenAsync(copy);
        Assert.Equal("before-crash", Assert.Single(await recovered.GetUnresolvedIntentsAsync()).Record.ClientOrderId.Value);
        Assert.Single(await recovered.GetFillsByOrderAsync(new ClientOrderId("before-crash")));
    }
}
