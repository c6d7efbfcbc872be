using Fillwise.Testing;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Storage.Postgres;
using Npgsql;

namespace Fillwise.Storage.Tests;

/// <summary>What only the PostgreSQL journal does: its column types, its session, its refusals at open.</summary>
[RequiresPostgres]
public sealed class PostgresJournalTests : IAsyncLifetime
{
    private readonly PostgresPlace _place = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _place.DisposeAsync();

    internal static async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Require()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return await command.ExecuteScalarAsync();
    }

    [JournalFact]
    public async Task Decimals_and_times_are_exact_text_never_floating_point_and_flags_are_booleans()
    {
        await using (var journal = await _place.OpenAsync())
        {
            await journal.AppendIntentAsync(Journals.Intent("coid-1", price: "0.4500", count: "50.00"));
            await journal.AppendFillAsync(Journals.Fill("t-1", fee: "0.020000"));
        }
        var schema = PostgresJournalOptions.SchemaFor(_place.Account);
        var types = (string)(await ScalarAsync(
            "SELECT coalesce(string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name), '') FROM information_schema.columns " +
            "WHERE table_schema = $1 AND data_type NOT IN ('text', 'boolean', 'bigint', 'integer')", schema))!;
        Assert.Equal("", types);
        var stored = (string)(await ScalarAsync(
            $"SELECT i.limit_price || ' ' || i.quantity || ' ' || f.commission || ' ' || f.is_taker || ' ' || f.at FROM {schema}.order_intents i, {schema}.fills f"))!;
        Assert.Equal("0.45 50 0.020000 true 2026-03-01T14:30:02.0000000Z", stored);
        // The CHECKs keep anything else out, whoever writes.
        await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync($"UPDATE {schema}.fills SET quantity = '1e3'"));
    }

    [JournalFact]
    public async Task A_group_record_the_database_itself_refuses_is_returned_and_its_neighbours_still_commit_together()
    {
        await using var journal = await _place.OpenAsync();
        await journal.AppendIntentAsync(Journals.Intent("coid-1"));
        // A rule no statement answers for (the fast batch then fails): the slow path gives each record its own savepoint.
        var schema = PostgresJournalOptions.SchemaFor(_place.Account);
        await ScalarAsync($"ALTER TABLE {schema}.engine_events ADD CONSTRAINT not_boom CHECK (kind <> 'boom')");
        var writes = new List<JournalWrite>
        {
            new JournalWrite.Fill(Journals.Fill("t-1")),
            new JournalWrite.EngineEvent(new JournalEngineEvent("boom", "{}", Journals.T0)),
            new JournalWrite.Fill(Journals.Fill("t-2")),
            new JournalWrite.ClosePosition(new PositionId("nowhere"), Journals.T0),
        };

        var together = journal.AppendTogetherAsync(writes);
        var alone = journal.AppendEngineEventAsync(new JournalEngineEvent("fine", "{}", Journals.T0));
        var refusals = await together;
        await alone;

        Assert.Equal(2, refusals.Count);
        Assert.IsType<JournalConstraintException>(refusals[0]);
        Assert.Contains("not_boom", refusals[0].Message, StringComparison.Ordinal);
        Assert.Contains("nowhere", refusals[1].Message, StringComparison.Ordinal);
        Assert.Equal(["t-1", "t-2"], (await journal.GetFillsByOrderAsync(new ClientOrderId("coid-1"))).Select(f => f.Record.TradeId.Value));
        Assert.Equal("fine", Assert.Single(await journal.GetRecentEngineEventsAsync(10)).Record.Kind);
    }

    [JournalFact]
    public async Task The_writer_commits_synchronously_whatever_the_server_default()
    {
        await using var journal = (PostgresJournal)await _place.OpenAsync();
        Assert.Equal("on", await journal.ShowWriterSettingAsync("synchronous_commit"));
        Assert.Equal(journal.Schema, await journal.ShowWriterSettingAsync("search_path"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {journal.Schema}.schema_version"));
        Assert.Equal(_place.Account, await ScalarAsync("SELECT account FROM fillwise.journals WHERE schema_name = $1", journal.Schema));
    }

    [JournalFact]
    public async Task A_database_that_cannot_be_reached_is_refused_naming_server_and_database_but_never_the_password()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Require()) { Port = FreePort(), Password = "Sup3r-Secret-PW", Timeout = 3 };
        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() =>
            PostgresJournal.OpenAsync(new PostgresJournalOptions(builder.ConnectionString, "test:unreachable")));
        Assert.Contains($"{builder.Host}:{builder.Port}/{builder.Database}", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot connect", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3r-Secret-PW", error.ToString(), StringComparison.Ordinal);
    }

    [JournalFact]
    public async Task A_wrong_password_is_refused_as_a_login_failure_without_showing_it()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Require()) { Password = "Wr0ng-Secret-PW" };
        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() =>
            PostgresJournal.OpenAsync(new PostgresJournalOptions(builder.ConnectionString, "test:wrong-password")));
        Assert.Contains("refused the login", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ng-Secret-PW", error.ToString(), StringComparison.Ordinal);
    }

    [JournalFact]
    public async Task A_journal_schema_newer_than_this_build_is_refused_and_left_unchanged()
    {
        await using (var journal = await _place.OpenAsync())
            await journal.AppendIntentAsync(Journals.Intent("from-the-future"));
        var schema = PostgresJournalOptions.SchemaFor(_place.Account);
        var future = PostgresMigrations.LatestJournalVersion + 1;
        await ScalarAsync($"INSERT INTO {schema}.schema_version (version, applied_at) VALUES ({future}, '2027-01-01T00:00:00.0000000Z')");

        var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => _place.OpenAsync());
        Assert.Contains($"schema version {future} is newer than this build knows ({PostgresMigrations.LatestJournalVersion})", error.Message, StringComparison.Ordinal);
        Assert.Contains(_place.Account, error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {schema}.order_intents"));
        // Its lease was let go with the refusal: nothing holds the account.
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM fillwise.engines e JOIN pg_stat_activity a ON a.pid = e.backend_pid WHERE e.account = $1", _place.Account));
    }

    [JournalFact]
    public void A_connection_string_is_checked_and_described_without_its_password()
    {
        Assert.Null(PostgresLocation.Problem("Host=db.internal;Port=5433;Database=fw;Username=engine;Password=pw"));
        Assert.Contains("Host=", PostgresLocation.Problem("Database=fw;Username=engine"), StringComparison.Ordinal);
        Assert.NotNull(PostgresLocation.Problem("Host=db;Porrt=5432"));
        Assert.NotNull(PostgresLocation.Problem("Host=db;Port=abc"));
        Assert.Equal("postgresql://engine@db.internal:5433/fw", PostgresLocation.Describe("Host=db.internal;Port=5433;Database=fw;Username=engine;Password=pw"));
        Assert.Equal("password *** refused", PostgresLocation.Redact("password hunter2 refused", "Host=h;Password=hunter2"));
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
