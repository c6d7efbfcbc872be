using System.Security.Cryptography;
using System.Text;

namespace Fillwise.Storage.Postgres;

/// <summary>
/// Where a PostgreSQL journal lives and whose it is. Many engines share one database; each
/// account's journal is its own schema (named from the account), written by one engine at a time.
/// </summary>
public sealed record PostgresJournalOptions
{
    public PostgresJournalOptions(string connectionString, string account)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        if (account.Any(char.IsControl))
            throw new ArgumentException("the account identity must not hold control characters", nameof(account));
        ConnectionString = connectionString;
        Account = account;
    }

    /// <summary>An Npgsql connection string (Host=...;Database=...). Its password is never shown anywhere.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The account this journal belongs to, e.g. "kalshi@external-api.kalshi.com/KEY-ID": its rows,
    /// its schema and its writer lease are this account's alone.
    /// </summary>
    public string Account { get; }

    /// <summary>The clock that stamps recorded_at on every row.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The most appends one group-commit transaction takes.</summary>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>How often an idle writer proves it still holds its lease (a busy writer proves it with every commit).</summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a lease check or a commit may go unanswered before the lease is called lost. The
    /// server drops a silent writer's session (and so its lock) only after its TCP keepalives fail,
    /// about <see cref="ServerKeepaliveSeconds"/>: well after this, so a writer cut off from the
    /// database stops before another engine can take its account over.
    /// </summary>
    public TimeSpan LeaseCheckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Seconds of silence after which the server probes the writer's connection (tcp_keepalives_idle); it gives up after 3 more probes 5 s apart.</summary>
    public int ServerKeepaliveSeconds { get; init; } = 15;

    /// <summary>The schema holding this account's journal: "fw_" and 24 hex digits of the account's SHA-256.</summary>
    public string Schema => SchemaFor(Account);

    public static string SchemaFor(string account) =>
        "fw_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account)))[..24];

    /// <summary>The advisory lock key of the account's writer lease: 64 bits of SHA-256, so two accounts never share one.</summary>
    public static long LeaseKeyFor(string account) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("fillwise writer lease\n" + account)), 0);
}
