using Fillwise.App.Cli;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Storage;
using Fillwise.Storage.Postgres;
using Fillwise.Testing;
using Npgsql;

namespace Fillwise.App.Tests.Cli;

/// <summary>`fillwise journal`: export, import, backup and list, as an operator runs them.</summary>
public sealed class JournalCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-journal-cli-" + Guid.NewGuid().ToString("N"));

    public JournalCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JournalIntent Intent(string id) => new(new ClientOrderId(id), new Domain.Instruments.InstrumentId("kalshi", "KXCLI-1:yes"),
        Domain.Orders.OrderSide.Buy, Quantity.Parse("5.00"), Price.Parse("0.4100"), Domain.Orders.OrderPurpose.Entry, "manual", "cli test", "{}",
        new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    private async Task<string> SqliteJournalWithAsync(string name, params string[] ids)
    {
        var data = Path.Combine(_dir, name);
        await using var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(data));
        foreach (var id in ids) await journal.AppendIntentAsync(Intent(id));
        return data;
    }

    [Fact]
    public async Task Export_to_stdout_then_import_into_an_empty_folder_restores_the_journal()
    {
        var data = await SqliteJournalWithAsync("live", "a-1", "a-2");
        var (code, jsonl, err) = await Run("journal", "export", "--data", data);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("exported 2 records", err, StringComparison.Ordinal);
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("""{"format":"fillwise-journal","version":1""", lines[0], StringComparison.Ordinal);
        Assert.Equal("""{"type":"end","records":2}""", lines[^1]);

        var file = Path.Combine(_dir, "journal.jsonl");
        await File.WriteAllTextAsync(file, jsonl);
        var restored = Path.Combine(_dir, "restored");
        (code, var output, err) = await Run("journal", "import", "--data", restored, "--input", file);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("imported 2 records, every sequence kept", output, StringComparison.Ordinal);
        (_, var again, _) = await Run("journal", "export", "--data", restored);
        Assert.Equal(jsonl, again);

        // A second import into the now non-empty journal is refused unless told, and changes nothing.
        (code, _, err) = await Run("journal", "import", "--data", restored, "--input", file);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("already holds 2 rows", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_copies_a_running_journal_and_export_to_a_file_never_overwrites()
    {
        var data = Path.Combine(_dir, "running");
        await using (var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(data)))
        {
            await journal.AppendIntentAsync(Intent("b-1"));
            var copy = Path.Combine(_dir, "copy.db");
            var (code, output, _) = await Run("journal", "backup", "--data", data, "--to", copy);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("backed up", output, StringComparison.Ordinal);
            (code, _, var err) = await Run("journal", "backup", "--data", data, "--to", copy);
            Assert.Equal(ExitCodes.Error, code);
            Assert.Contains("cannot create the backup file", err, StringComparison.Ordinal);

            var file = Path.Combine(_dir, "out.jsonl");
            Assert.Equal(ExitCodes.Ok, (await Run("journal", "export", "--data", data, "--output", file)).Code);
            Assert.Equal(ExitCodes.Error, (await Run("journal", "export", "--data", data, "--output", file)).Code);
        }
    }

    [Fact]
    public async Task Wrong_uses_say_what_is_wrong()
    {
        var (code, _, err) = await Run("journal", "export");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--data", err, StringComparison.Ordinal);
        (code, _, err) = await Run("journal", "export", "--data", _dir, "--connection", "Host=db");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("not both", err, StringComparison.Ordinal);
        (code, _, err) = await Run("journal", "export", "--connection", "Host=db;Password=Hunter2-Secret;Prot=1");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.DoesNotContain("Hunter2-Secret", err, StringComparison.Ordinal);
        (code, _, err) = await Run("journal", "export", "--data", Path.Combine(_dir, "nothing-here"));
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("there is no journal there", err, StringComparison.Ordinal);
        var garbage = Path.Combine(_dir, "garbage.jsonl");
        await File.WriteAllTextAsync(garbage, "{\"format\":\"something-else\"}\n");
        (code, _, err) = await Run("journal", "import", "--data", Path.Combine(_dir, "target"), "--input", garbage);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("not a Fillwise journal archive", err, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_sqlite_journal_moves_to_postgresql_and_back_through_the_command_line()
    {
        var cs = PostgresTestDatabase.Require();
        var account = "cli-test:" + Guid.NewGuid().ToString("N");
        try
        {
            var data = await SqliteJournalWithAsync("from", "p-1", "p-2", "p-3");
            var file = Path.Combine(_dir, "move.jsonl");
            Assert.Equal(ExitCodes.Ok, (await Run("journal", "export", "--data", data, "--output", file)).Code);

            var (code, output, err) = await Run("journal", "import", "--connection", cs, "--account", account, "--input", file);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("imported 3 records", output, StringComparison.Ordinal);
            (code, output, _) = await Run("journal", "list", "--connection", cs);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains(account + "\t" + PostgresJournalOptions.SchemaFor(account), output, StringComparison.Ordinal);

            (code, var fromPostgres, err) = await Run("journal", "export", "--connection", cs, "--account", account);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Equal(
                (await File.ReadAllTextAsync(file)).Replace("\"source\":\"sqlite\"", "\"source\":\"postgresql\"", StringComparison.Ordinal),
                fromPostgres);
            Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(cs).Password!, err + output, StringComparison.Ordinal);
        }
        finally
        {
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand(
                $"DROP SCHEMA IF EXISTS {PostgresJournalOptions.SchemaFor(account)} CASCADE; DELETE FROM fillwise.journals WHERE account = '{account}'; DELETE FROM fillwise.engines WHERE account = '{account}';",
                connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
