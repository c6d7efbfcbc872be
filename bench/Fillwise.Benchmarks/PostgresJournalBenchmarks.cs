using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Storage.Postgres;
using Npgsql;

namespace Fillwise.Benchmarks;

/// <summary>
/// Durable intents per second through the PostgreSQL journal, to read beside
/// <see cref="JournalBenchmarks"/> (SQLite's, and the disk's raw fsync rate). The server is the one
/// FILLWISE_BENCH_POSTGRES (or FILLWISE_TEST_POSTGRES) names: start a local one with
/// <c>eval "$(.ci/postgres.sh start)"</c> so both journals sync to the same disk. One writer pays
/// a round trip and a WAL flush per intent; 64 writers share each batch's flush.
/// </summary>
[Config(typeof(JournalBenchmarks.OpsPerSecondConfig))]
public class PostgresJournalBenchmarks
{
    private const int Writers = 64;
    private const int IntentsPerInvoke = Writers * 160;
    private const int SoloIntentsPerInvoke = 200;

    private PostgresJournal _journal = null!;
    private string _connectionString = string.Empty;
    private string _account = string.Empty;
    private long _nextId;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _connectionString = Environment.GetEnvironmentVariable("FILLWISE_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("FILLWISE_TEST_POSTGRES")
            ?? throw new InvalidOperationException("set FILLWISE_BENCH_POSTGRES (or FILLWISE_TEST_POSTGRES) to a PostgreSQL connection string: eval \"$(.ci/postgres.sh start)\"");
        _account = "bench:" + Guid.NewGuid().ToString("N");
        _journal = await PostgresJournal.OpenAsync(new PostgresJournalOptions(_connectionString, _account));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _journal.DisposeAsync();
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA {_journal.Schema} CASCADE; DELETE FROM fillwise.journals WHERE schema_name = '{_journal.Schema}'", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>64 writers, each awaiting the commit of its own intent before appending the next.</summary>
    [Benchmark(OperationsPerInvoke = IntentsPerInvoke)]
    public async Task DurableIntents_Postgres_GroupCommit_64Writers()
    {
        var writers = new Task[Writers];
        for (var w = 0; w < Writers; w++)
            writers[w] = Task.Run(async () =>
            {
                for (var i = 0; i < IntentsPerInvoke / Writers; i++)
                    await _journal.AppendIntentAsync(NextIntent());
            });
        await Task.WhenAll(writers);
    }

    /// <summary>One writer, each intent awaited before the next: one round trip and one WAL flush per intent.</summary>
    [Benchmark(OperationsPerInvoke = SoloIntentsPerInvoke)]
    public async Task DurableIntents_Postgres_OneWriter()
    {
        for (var i = 0; i < SoloIntentsPerInvoke; i++)
            await _journal.AppendIntentAsync(NextIntent());
    }

    private JournalIntent NextIntent() => new(
        new ClientOrderId($"bench-{Interlocked.Increment(ref _nextId)}"),
        new Domain.Instruments.InstrumentId("kalshi", "KXBENCH-26JAN01-T50:yes"),
        OrderSide.Buy,
        Quantity.Parse("10.00"),
        Price.Parse("0.4500"),
        OrderPurpose.Entry,
        "bench",
        "benchmark",
        """{"signal":0.5}""",
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
