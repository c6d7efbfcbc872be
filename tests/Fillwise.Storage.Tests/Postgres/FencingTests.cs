using Fillwise.Engine.Journal;
using Fillwise.Storage.Postgres;
using Fillwise.Domain.Values;
using Npgsql;

namespace Fillwise.Storage.Tests;

/// <summary>One writer per account, many accounts on one database.</summary>
[RequiresPostgres]
public sealed class FencingTests : IAsyncLifetime
{
    private readonly PostgresPlace _alice = new();
    private readonly PostgresPlace _bob = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
    }

    private static async Task TerminateAsync(int backendPid) =>
        Assert.Equal(true, await PostgresJournalTests.ScalarAsync("SELECT pg_terminate_backend($1)", backendPid));

    private static async Task WaitForLossAsync(IJournal journal)
    {
        var lost = new TaskCompletionSource();
        using var registration = journal.WriterLease.Lost.Register(() => lost.TrySetResult());
        // The idle writer checks every 100 ms here; seconds of slack for a loaded machine.
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [JournalFact]
    public async Task Two_engines_on_two_accounts_journal_at_once_on_one_database_and_neither_sees_the_other()
    {
        await using var alice = await _alice.OpenAsync();
        await using var bob = await _bob.OpenAsync();
        // The same client order ids in both: each account's journal is its own.
        var writes = Enumerable.Range(0, 200).SelectMany(i => new Task[]
        {
            alice.AppendIntentAsync(Journals.Intent($"c-{i}")),
            bob.AppendIntentAsync(Journals.Intent($"c-{i}", price: "0.5500")),
            i % 2 == 0 ? bob.AppendIntentAsync(Journals.Intent($"bob-only-{i}")) : Task.CompletedTask,
        });
        await Task.WhenAll(writes);

        var aliceIntents = await alice.GetUnresolvedIntentsAsync();
        var bobIntents = await bob.GetUnresolvedIntentsAsync();
        Assert.Equal(200, aliceIntents.Count);
        Assert.Equal(300, bobIntents.Count);
        Assert.All(aliceIntents, i => Assert.Equal("0.45", i.Record.LimitPrice.ToString()));
        Assert.Null(await alice.GetIntentAsync(new ClientOrderId("bob-only-0")));
        Assert.Null(alice.WriterLease.LostReason);
        Assert.Null(bob.WriterLease.LostReason);
    }

    [JournalFact]
    public async Task A_third_engine_on_a_held_account_is_refused_with_the_holder_named_and_the_holder_keeps_writing()
    {
        await using var holder = (PostgresJournal)await _alice.OpenAsync();
        await using var other = await _bob.OpenAsync();

        var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => _alice.OpenAsync());
        Assert.Contains("another engine holds this account's writer lease", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"engine pid {Environment.ProcessId} on host {Environment.MachineName}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"database session pid {holder.WriterBackendProcessId}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_alice.Account, refused.Message, StringComparison.Ordinal);

        await holder.AppendIntentAsync(Journals.Intent("still-mine"));
        Assert.NotNull(await holder.GetIntentAsync(new ClientOrderId("still-mine")));
        Assert.Null(holder.WriterLease.LostReason);
    }

    [JournalFact]
    public async Task Killing_the_holders_session_loses_its_lease_fences_it_for_good_and_lets_the_next_engine_take_over()
    {
        var first = (PostgresJournal)await _alice.OpenAsync();
        await using (first)
        {
            await first.AppendIntentAsync(Journals.Intent("before-the-kill"));
            await TerminateAsync(first.WriterBackendProcessId);
            await WaitForLossAsync(first);
            Assert.Contains("broke", first.WriterLease.LostReason, StringComparison.Ordinal);

            // A stale writer never writes again, even with the database up.
            var fenced = await Assert.ThrowsAsync<WriterLeaseLostException>(() => first.AppendIntentAsync(Journals.Intent("stale")));
            Assert.Contains("must stop trading", fenced.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<WriterLeaseLostException>(() => first.AppendEngineEventAsync(new JournalEngineEvent("alert", "{}", Journals.T0)));

            // The account is free: the next engine takes it over and finds what the first wrote.
            await using var second = await _alice.OpenAsync();
            Assert.NotNull(await second.GetIntentAsync(new ClientOrderId("before-the-kill")));
            await second.AppendIntentAsync(Journals.Intent("after-takeover"));
            await Assert.ThrowsAsync<WriterLeaseLostException>(() => first.AppendIntentAsync(Journals.Intent("stale-again")));
            Assert.Null(await second.GetIntentAsync(new ClientOrderId("stale")));
            Assert.Null(await second.GetIntentAsync(new ClientOrderId("stale-again")));
            Assert.Null(second.WriterLease.LostReason);
        }
    }

    [JournalFact]
    public async Task A_holder_that_vanishes_without_letting_go_frees_the_account_when_its_session_ends()
    {
        // Another process's engine, as the database sees it: a session holding the account's lock.
        var key = PostgresJournalOptions.LeaseKeyFor(_alice.Account);
        var crashed = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_alice.ConnectionString) { Pooling = false, ApplicationName = "fillwise writer pid 99999" }.ConnectionString);
        await crashed.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", crashed))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = key });
            await take.ExecuteNonQueryAsync();
        }
        var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => _alice.OpenAsync());
        Assert.Contains($"database session pid {crashed.ProcessID} ('fillwise writer pid 99999')", refused.Message, StringComparison.Ordinal);

        // The process dies without a word: its session ends, and the lock with it.
        await crashed.DisposeAsync();
        await using var next = await OpenWhenFreeAsync(_alice);
        await next.AppendIntentAsync(Journals.Intent("mine-now"));
    }

    [JournalFact]
    public async Task Appends_in_flight_when_the_session_dies_are_either_durable_or_refused_never_silently_lost()
    {
        var journal = (PostgresJournal)await _alice.OpenAsync();
        await using (journal)
        {
            var appends = new List<(string Id, Task<long> Append)>();
            for (var i = 0; i < 2000; i++)
            {
                appends.Add(($"f-{i}", journal.AppendIntentAsync(Journals.Intent($"f-{i}"))));
                if (i == 300)
                    _ = TerminateAsync(journal.WriterBackendProcessId);
                if (i % 100 == 0)
                    await Task.Yield();
            }
            await WaitForLossAsync(journal);
            await using var next = await OpenWhenFreeAsync(_alice);
            var refusedCount = 0;
            foreach (var (id, append) in appends)
            {
                var stored = await next.GetIntentAsync(new ClientOrderId(id));
                try
                {
                    var seq = await append;
                    Assert.NotNull(stored);
                    Assert.Equal(seq, stored.Sequence);
                }
                catch (JournalWriteException e) when (e.OutcomeUnknown)
                {
                    // Said as such: may or may not be there.
                }
                catch (JournalException e) when (e is JournalWriteException or WriterLeaseLostException)
                {
                    Assert.Null(stored);
                    refusedCount++;
                }
            }
            Assert.True(refusedCount > 0, "the kill came after every append had committed");
        }
    }

    private static async Task<IJournal> OpenWhenFreeAsync(PostgresPlace place)
    {
        // The server ends a dead session a moment after its socket closes.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await place.OpenAsync();
            }
            catch (JournalUnavailableException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }
    }
}
