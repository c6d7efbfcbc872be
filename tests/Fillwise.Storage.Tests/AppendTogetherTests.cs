using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Tests;

/// <summary>
/// A fill's order event, the fill and the position rows it moves go in one transaction: a kill between
/// them must never leave an order that knows a trade the fills table lacks (seen in the chaos story).
/// </summary>
public sealed class AppendTogetherTests
{
    [Fact]
    public async Task A_group_is_one_commit_and_every_record_of_it_is_read_back()
    {
        using var dir = new TempDataDirectory();
        await using var journal = await Journals.OpenAsync(dir);
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        var commits = journal.CommitCount;

        var refusals = await journal.AppendTogetherAsync(Group(intent, "trade-1").ToList());

        Assert.Empty(refusals);
        Assert.Equal(commits + 1, journal.CommitCount);
        Assert.Single(await journal.GetOrderEventsAsync(intent.ClientOrderId));
        Assert.Single(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
        var position = await journal.GetPositionAsync(new PositionId("coid-1"));
        Assert.NotNull(position);
        Assert.Single(await journal.GetOpenPositionFillsAsync());
    }

    [Fact]
    public async Task A_refused_record_is_returned_and_the_rest_of_the_group_is_still_written()
    {
        using var dir = new TempDataDirectory();
        await using var journal = await Journals.OpenAsync(dir);
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        var writes = Group(intent, "trade-1").Append(new JournalWrite.ClosePosition(new PositionId("no-such-position"), Journals.T0)).ToList();

        var refusals = await journal.AppendTogetherAsync(writes);

        var refusal = Assert.Single(refusals);
        Assert.IsType<JournalConstraintException>(refusal);
        Assert.Contains("no-such-position", refusal.Message, StringComparison.Ordinal);
        Assert.Single(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
    }

    [Fact]
    public async Task A_malformed_record_refuses_the_whole_group_before_anything_is_written()
    {
        using var dir = new TempDataDirectory();
        await using var journal = await Journals.OpenAsync(dir);
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        var writes = Group(intent, "trade-1").Append(new JournalWrite.EngineEvent(new JournalEngineEvent("anomaly", "{not json", Journals.T0))).ToList();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => journal.AppendTogetherAsync(writes));

        Assert.Empty(await journal.GetOrderEventsAsync(intent.ClientOrderId));
        Assert.Empty(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
    }

    private static IEnumerable<JournalWrite> Group(JournalIntent intent, string tradeId)
    {
        var fill = Journals.Fill(tradeId, intent.ClientOrderId.Value);
        yield return new JournalWrite.OrderEvent(new JournalOrderEvent(intent.ClientOrderId, fill.VenueOrderId, "filled", $$"""{"trade_id":"{{tradeId}}"}""", Journals.T0));
        yield return new JournalWrite.OpenPosition(new JournalPosition(new PositionId(intent.ClientOrderId.Value), intent.Instrument, PositionSide.Long, intent.ClientOrderId,
            intent.Quantity, null, null, intent.Strategy, intent.Reason, Journals.T0));
        yield return new JournalWrite.Fill(fill);
    }
}
