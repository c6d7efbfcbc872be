using Fillwise.App.Configuration;
using Fillwise.Engine.Journal;
using Fillwise.Storage;
using Fillwise.Storage.Postgres;
using Fillwise.Venues.Kalshi;
using Microsoft.Extensions.Logging;

namespace Fillwise.App.Hosting;

/// <summary>
/// Opens the journal the settings choose: SQLite in the data folder (Journal:ConnectionString
/// empty), or PostgreSQL (a Host=... connection string), where the account's own schema holds its
/// rows and its writer lease keeps every other engine off the account. Either way the engine gets
/// an <see cref="IJournal"/> whose lease, if lost, is said loudly at once.
/// </summary>
public static class JournalFactory
{
    private static readonly EventId Opened = new(6000, "JournalOpened");
    private static readonly EventId LeaseLost = new(6001, "WriterLeaseLost");

    /// <summary>Whose journal it is on a shared database: the venue (where its API lives) and the API key that trades.</summary>
    public static string Account(KalshiEnvironment environment, string keyId)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        return $"kalshi@{environment.RestBase.Authority}/{keyId}";
    }

    public static async Task<IJournal> OpenAsync(FillwiseSettings settings, string dataDirectory, string account, TimeProvider time, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        IJournal journal;
        if (settings.Get("Journal:ConnectionString") is { } connectionString && !string.IsNullOrWhiteSpace(connectionString))
        {
            var postgres = await PostgresJournal.OpenAsync(new PostgresJournalOptions(connectionString, account) { Time = time }, cancellationToken).ConfigureAwait(false);
            log.LogInformation(Opened, "journal: PostgreSQL {Location}; writer lease held by {Holder}", postgres.Location, postgres.WriterLease.Holder);
            journal = postgres;
        }
        else
        {
            var sqlite = await SqliteJournal.OpenAsync(new SqliteJournalOptions(dataDirectory) { Time = time }, cancellationToken).ConfigureAwait(false);
            log.LogInformation(Opened, "journal: SQLite {Path}", sqlite.DatabasePath);
            journal = sqlite;
        }
        var lease = journal.WriterLease;
        // The engine halts trading on Lost by itself (its `journal` block); this line is for the operator, and the journal refuses every append anyway.
        lease.Lost.Register(() => log.LogCritical(LeaseLost,
            "WRITER LEASE LOST ({Holder}): {Reason}. Every journal append is refused from now on, so no order can be placed; another engine may hold the account. Stop this engine.",
            lease.Holder, lease.LostReason));
        return journal;
    }
}
