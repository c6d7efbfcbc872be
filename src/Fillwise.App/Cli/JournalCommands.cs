using System.CommandLine;
using System.Text;
using Fillwise.App.Configuration;
using Fillwise.Engine.Journal;
using Fillwise.Storage;
using Fillwise.Storage.Archive;
using Fillwise.Storage.Postgres;

namespace Fillwise.App.Cli;

/// <summary>
/// `fillwise journal ...`: backups and restores. export writes a journal as JSON lines (stdout, or
/// --output), from a running engine's journal too; import writes an archive into a journal (taking
/// its lock or lease, so no engine runs on it meanwhile), all or nothing; backup is SQLite's online
/// copy; list names the accounts a PostgreSQL database holds and who writes each.
/// </summary>
internal static class JournalCommands
{
    public static Command Build()
    {
        var cmd = new Command("journal", "Backups and restores of the journal: export / import (JSON lines, either database), backup (SQLite online copy), list (PostgreSQL).");
        cmd.Subcommands.Add(Export());
        cmd.Subcommands.Add(Import());
        cmd.Subcommands.Add(Backup());
        cmd.Subcommands.Add(List());
        return cmd;
    }

    private sealed record Where(Option<string?> Data, Option<string?> Connection, Option<string?> Account, Option<string?> Config);

    private static Where AddWhere(Command cmd)
    {
        var where = new Where(
            new Option<string?>("--data") { Description = "The SQLite journal's data folder (its journal.db)." },
            new Option<string?>("--connection") { Description = "A PostgreSQL connection string (Host=...); default: the setting Journal:ConnectionString. Prefer the setting or a .pgpass file: a command line is visible to other users." },
            new Option<string?>("--account") { Description = "Whose journal on PostgreSQL, as the engine names it at start (e.g. kalshi@api.host/KEY-ID); `journal list` shows them." },
            new Option<string?>("--config") { Description = "Settings file (default: appsettings.json in the working directory, when there is one)." });
        cmd.Options.Add(where.Data);
        cmd.Options.Add(where.Connection);
        cmd.Options.Add(where.Account);
        cmd.Options.Add(where.Config);
        return where;
    }

    /// <summary>The PostgreSQL connection string to use, validated as the setting is; null for SQLite; a usage problem otherwise.</summary>
    private static (string? ConnectionString, string? Problem) Resolve(ParseResult parse, Where where)
    {
        var data = parse.GetValue(where.Data);
        var given = parse.GetValue(where.Connection);
        if (data is not null && given is not null)
            return (null, "give either --data (SQLite) or --connection (PostgreSQL), not both");
        if (data is not null)
            return (null, null);
        FillwiseSettings settings;
        try
        {
            settings = FillwiseSettings.Load(parse.GetValue(where.Config), new Dictionary<string, string?> { ["Journal:ConnectionString"] = given });
        }
        catch (SettingsException e)
        {
            return (null, e.Message);
        }
        var connectionString = settings.Get("Journal:ConnectionString");
        return string.IsNullOrWhiteSpace(connectionString)
            ? (null, "say which journal: --data <folder> (SQLite) or --connection <Host=...> (PostgreSQL, or the setting Journal:ConnectionString)")
            : (connectionString, null);
    }

    private static Command Export()
    {
        var cmd = new Command("export", "Write a journal as JSON lines (every record, in sequence order), to stdout or --output. Reads one snapshot; the engine may keep running.");
        var where = AddWhere(cmd);
        var outputFile = new Option<string?>("--output") { Description = "Write to this new file (mode 0600) instead of stdout." };
        cmd.Options.Add(outputFile);
        cmd.SetAction((parse, ct) => Run(parse, async (output, error) =>
        {
            var (connectionString, problem) = Resolve(parse, where);
            if (problem is not null) return await Usage(error, problem);
            IAsyncEnumerable<ArchiveEntry> entries;
            string source;
            if (connectionString is null)
            {
                entries = SqliteJournal.ExportAsync(parse.GetValue(where.Data)!, ct);
                source = "sqlite";
            }
            else
            {
                var account = parse.GetValue(where.Account) ?? await OnlyAccountAsync(connectionString, ct);
                if (account is null) return await Usage(error, "--account is required: this database holds several journals (fillwise journal list names them)");
                entries = PostgresJournal.ExportAsync(connectionString, account, ct);
                source = "postgresql";
            }
            long count;
            if (parse.GetValue(outputFile) is { } file)
            {
                var stream = new FileStream(file, PrivateNewFile());
                try
                {
                    await using (stream)
                        count = await JournalArchiveFormat.WriteAsync(entries, stream, source, ct);
                }
                catch
                {
                    // Half an archive is no backup: leave nothing that could be mistaken for one.
                    File.Delete(file);
                    throw;
                }
            }
            else
            {
                count = await JournalArchiveFormat.WriteAsync(entries, output, source, ct);
                await output.FlushAsync(ct);
            }
            await error.WriteLineAsync($"exported {count} records");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command Import()
    {
        var cmd = new Command("import", "Write a JSON-lines archive into a journal, all or nothing, from stdin or --input. Refuses a journal that already holds rows unless --into-non-empty. Stop the engine of that journal first.");
        var where = AddWhere(cmd);
        var inputFile = new Option<string?>("--input") { Description = "Read this file instead of stdin." };
        var intoNonEmpty = new Option<bool>("--into-non-empty") { Description = "Add the archive to a journal that already holds rows (new sequences, same order)." };
        cmd.Options.Add(inputFile);
        cmd.Options.Add(intoNonEmpty);
        cmd.SetAction((parse, ct) => Run(parse, async (output, error) =>
        {
            var (connectionString, problem) = Resolve(parse, where);
            if (problem is not null) return await Usage(error, problem);
            var account = parse.GetValue(where.Account);
            if (connectionString is not null && account is null) return await Usage(error, "--account is required: the journal of which account to write");
            using var input = parse.GetValue(inputFile) is { } file
                ? new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: true))
                : new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false, throwOnInvalidBytes: true));
            await using IJournal journal = connectionString is null
                ? await SqliteJournal.OpenAsync(new SqliteJournalOptions(parse.GetValue(where.Data)!), ct)
                : await PostgresJournal.OpenAsync(new PostgresJournalOptions(connectionString, account!), ct);
            var report = await ((IArchiveImport)journal).ImportAsync(JournalArchiveFormat.Read(input), parse.GetValue(intoNonEmpty), ct);
            await output.WriteLineAsync($"imported {report.Records} records{(report.SequencesKept ? ", every sequence kept" : ", after the rows already there")}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command Backup()
    {
        var cmd = new Command("backup", "SQLite's online backup: a consistent copy of <data>/journal.db into a new file, while the engine runs. Restore: stop the engine, put the copy in place as journal.db with no journal.db-wal or -shm beside it, start.");
        var data = new Option<string>("--data") { Description = "The data folder of the journal to copy.", Required = true };
        var to = new Option<string>("--to") { Description = "The new file to write (never overwritten; mode 0600).", Required = true };
        cmd.Options.Add(data);
        cmd.Options.Add(to);
        cmd.SetAction((parse, ct) => Run(parse, async (output, _) =>
        {
            await SqliteJournal.BackupAsync(parse.GetValue(data)!, parse.GetValue(to)!, ct);
            await output.WriteLineAsync($"backed up {new SqliteJournalOptions(parse.GetValue(data)!).DatabasePath} to {Path.GetFullPath(parse.GetValue(to)!)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "The accounts whose journals a PostgreSQL database holds, their schemas, and which engine writes each now.");
        var where = AddWhere(cmd);
        cmd.SetAction((parse, ct) => Run(parse, async (output, error) =>
        {
            var (connectionString, problem) = Resolve(parse, where);
            if (problem is not null || connectionString is null) return await Usage(error, problem ?? "list is for PostgreSQL: give --connection");
            foreach (var journal in await PostgresJournal.ListAsync(connectionString, ct))
                await output.WriteLineAsync($"{journal.Account}\t{journal.Schema}\tcreated {journal.CreatedAt}\t{journal.Holder ?? "no engine"}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static async Task<string?> OnlyAccountAsync(string connectionString, CancellationToken cancellationToken)
    {
        var journals = await PostgresJournal.ListAsync(connectionString, cancellationToken);
        return journals.Count == 1 ? journals[0].Account : null;
    }

    private static FileStreamOptions PrivateNewFile()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>Runs a journal command: a journal's refusal (or a file that cannot be read or written) is one clear line and exit 1.</summary>
    private static async Task<int> Run(ParseResult parse, Func<TextWriter, TextWriter, Task<int>> action)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await action(output, error);
        }
        catch (JournalException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Error;
        }
    }

    private static async Task<int> Usage(TextWriter error, string message)
    {
        await error.WriteLineAsync($"error: {message}");
        return ExitCodes.Usage;
    }
}
