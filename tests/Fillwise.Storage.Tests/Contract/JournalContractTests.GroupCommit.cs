using Fillwise.Engine.Journal;
using Fillwise.Domain.Values;

namespace Fillwise.Storage.Tests;

public abstract partial class JournalContractTests
{
    [JournalFact]
    public async Task A_thousand_concurrent_appends_are_durable_each_after_its_own_commit_in_fewer_transactions()
    {
        const int writers = 1000;
        await using (var journal = await OpenAsync())
        {
            var commitsBefore = Stats(journal).CommitCount;
            using var start = new SemaphoreSlim(0);
            var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
            {
                await start.WaitAsync();
                var id = new ClientOrderId($"c-{i}");
                var seq = await journal.AppendIntentAsync(Journals.Intent(id.Value));
                // Completion means committed: a separate read connection must already see it.
                var seen = await journal.GetIntentAsync(id);
                Assert.NotNull(seen);
                Assert.Equal(seq, seen.Sequence);
            })).ToList();
            start.Release(writers);
            await Task.WhenAll(tasks);

            var commits = Stats(journal).CommitCount - commitsBefore;
            Assert.Equal(writers, Stats(journal).CommittedAppendCount);
            Assert.True(commits < writers, $"expected group commit to use fewer than {writers} transactions, used {commits}");
            Assert.True(Stats(journal).LargestBatch > 1, $"largest batch was {Stats(journal).LargestBatch}");
        }

        await using var reopened = await OpenAsync();
        var all = await reopened.GetUnresolvedIntentsAsync();
        Assert.Equal(writers, all.Count);
        Assert.Equal(writers, all.Select(e => e.Record.ClientOrderId).Distinct().Count());
        Assert.Equal(writers, all.Select(e => e.Sequence).Distinct().Count());
    }

    [JournalFact]
    public async Task Appends_queued_together_share_one_commit()
    {
        await using var journal = await OpenAsync();
        // Queued from one thread without awaiting: the writer takes them in very few batches.
        var appends = Enumerable.Range(0, 500).Select(i => journal.AppendIntentAsync(Journals.Intent($"b-{i}"))).ToList();
        await Task.WhenAll(appends);
        Assert.True(Stats(journal).CommitCount < 100, $"500 queued appends took {Stats(journal).CommitCount} commits");
        Assert.True(Stats(journal).LargestBatch >= 5);
    }

    [JournalFact]
    public async Task An_append_canceled_before_it_is_taken_is_never_written()
    {
        await using var journal = await OpenAsync();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => journal.AppendIntentAsync(Journals.Intent("withdrawn"), canceled.Token));
        await journal.AppendIntentAsync(Journals.Intent("kept"), CancellationToken.None);
        Assert.Null(await journal.GetIntentAsync(new ClientOrderId("withdrawn")));
        Assert.NotNull(await journal.GetIntentAsync(new ClientOrderId("kept")));
    }

    [JournalFact]
    public async Task Cancellation_never_leaves_an_append_in_doubt()
    {
        // Whatever moment the token fires, the caller either got an OperationCanceledException and
        // the intent is absent, or got its sequence and the intent is present.
        await using var journal = await OpenAsync();
        var outcomes = new List<(string Id, Task<long> Append)>();
        var sources = new List<CancellationTokenSource>();
        for (var i = 0; i < 300; i++)
        {
            var cts = new CancellationTokenSource();
            sources.Add(cts);
            outcomes.Add(($"x-{i}", journal.AppendIntentAsync(Journals.Intent($"x-{i}"), cts.Token)));
            if (i % 2 == 0)
                await cts.CancelAsync();
        }
        foreach (var (id, append) in outcomes)
        {
            bool written;
            try
            {
                await append;
                written = true;
            }
            catch (OperationCanceledException)
            {
                written = false;
            }
            Assert.Equal(written, await journal.GetIntentAsync(new ClientOrderId(id)) is not null);
        }
        foreach (var cts in sources)
            cts.Dispose();
    }

    [JournalFact]
    public async Task Snapshot_reads_run_beside_a_busy_writer()
    {
        await using var journal = await OpenAsync();
        await journal.OpenPositionAsync(new JournalPosition(new PositionId("p"), new Fillwise.Domain.Instruments.InstrumentId("kalshi", "KXA:yes"), Fillwise.Domain.Portfolio.PositionSide.Long, null,
            Quantity.Parse("5.00"), null, null, "manual", "", Journals.T0));
        var writes = Enumerable.Range(0, 1500).Select(i => journal.AppendIntentAsync(Journals.Intent($"w-{i}"))).ToList();
        var reads = Enumerable.Range(0, 40).Select(_ => journal.GetOpenPositionsAsync()).ToList();
        foreach (var read in reads)
            Assert.Single(await read);
        await Task.WhenAll(writes);
    }
}
