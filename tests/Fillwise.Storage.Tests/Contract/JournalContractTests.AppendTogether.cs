using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Tests;

/// <summary>
/// A fill's order event, the fill and the position rows it moves go in one transaction: a kill between
/// them must never leave an order that knows a trade the fills table lacks (seen in the chaos story).
/// </summary>
public abstract partial class JournalContractTests
{
    [JournalFact]
    public async Task A_group_is_one_commit_and_every_record_of_it_is_read_back()
    {
        await using var journal = await OpenAsync();
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        var commits = Stats(journal).CommitCount;

        var refusals = await journal.AppendTogetherAsync(Group(intent, "trade-1").ToList());

        Assert.Empty(refusals);
        Assert.Equal(commits + 1, Stats(journal).CommitCount);
        Assert.Single(await journal.GetOrderEventsAsync(intent.ClientOrderId));
        Assert.Single(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
        Assert.NotNull(await journal.GetPositionAsync(new PositionId("coid-1")));
        Assert.Single(await journal.GetOpenPositionFillsAsync());
    }

    [JournalFact]
    public async Task A_group_is_all_there_after_a_reopen()
    {
        var intent = Journals.Intent("coid-1");
        await using (var journal = await OpenAsync())
        {
            await journal.AppendIntentAsync(intent);
            var writes = Group(intent, "trade-1")
                .Append(new JournalWrite.Metadata(MetadataOwner.Position(new PositionId("coid-1")), "plan", """{"stop":"0.3000"}"""))
                .Append(new JournalWrite.EngineEvent(new JournalEngineEvent("fill_booked", """{"trade_id":"trade-1"}""", Journals.T0)))
                .ToList();
            Assert.Empty(await journal.AppendTogetherAsync(writes));
        }

        await using var reopened = await OpenAsync();
        Assert.Single(await reopened.GetOrderEventsAsync(intent.ClientOrderId));
        Assert.Single(await reopened.GetFillsByOrderAsync(intent.ClientOrderId));
        Assert.NotNull(await reopened.GetPositionAsync(new PositionId("coid-1")));
        Assert.Equal("""{"stop":"0.3000"}""", (await reopened.GetMetadataAsync(MetadataOwner.Position(new PositionId("coid-1"))))["plan"]);
        Assert.Equal("fill_booked", Assert.Single(await reopened.GetRecentEngineEventsAsync(10)).Record.Kind);
    }

    [JournalFact]
    public async Task A_refused_record_is_returned_and_the_rest_of_the_group_is_still_written()
    {
        await using var journal = await OpenAsync();
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        var writes = Group(intent, "trade-1").Append(new JournalWrite.ClosePosition(new PositionId("no-such-position"), Journals.T0)).ToList();

        var refusals = await journal.AppendTogetherAsync(writes);

        var refusal = Assert.Single(refusals);
        Assert.IsType<JournalConstraintException>(refusal);
        Assert.Contains("no-such-position", refusal.Message, StringComparison.Ordinal);
        Assert.Single(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
        Assert.Single(await journal.GetOrderEventsAsync(intent.ClientOrderId));
        Assert.NotNull(await journal.GetPositionAsync(new PositionId("coid-1")));
    }

    [JournalFact]
    public async Task Refusals_come_back_in_the_order_of_their_records_and_undo_nothing_between_them()
    {
        await using var journal = await OpenAsync();
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        var writes = new List<JournalWrite>
        {
            new JournalWrite.Exit(Exit("ghost-1", "1.00", "0.000000")),
            new JournalWrite.Fill(Journals.Fill("trade-1", intent.ClientOrderId.Value)),
            new JournalWrite.OrderEvent(new JournalOrderEvent(new ClientOrderId("never-intended"), null, "accepted", "{}", Journals.T0)),
            new JournalWrite.Fill(Journals.Fill("trade-2", intent.ClientOrderId.Value)),
            new JournalWrite.ClosePosition(new PositionId("ghost-2"), Journals.T0),
        };

        var refusals = await journal.AppendTogetherAsync(writes);

        Assert.Equal(3, refusals.Count);
        Assert.Contains("ghost-1", refusals[0].Message, StringComparison.Ordinal);
        Assert.Contains("never-intended", refusals[1].Message, StringComparison.Ordinal);
        Assert.Contains("ghost-2", refusals[2].Message, StringComparison.Ordinal);
        Assert.Equal(["trade-1", "trade-2"], (await journal.GetFillsByOrderAsync(intent.ClientOrderId)).Select(f => f.Record.TradeId.Value));
    }

    [JournalFact]
    public async Task A_trade_id_already_journaled_is_a_no_op_inside_a_group_not_a_refusal()
    {
        await using var journal = await OpenAsync();
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        await journal.AppendFillAsync(Journals.Fill("trade-1", intent.ClientOrderId.Value));

        var refusals = await journal.AppendTogetherAsync(Group(intent, "trade-1").ToList());

        Assert.Empty(refusals);
        Assert.Single(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
        Assert.Single(await journal.GetOrderEventsAsync(intent.ClientOrderId));
    }

    [JournalFact]
    public async Task A_malformed_record_refuses_the_whole_group_before_anything_is_written()
    {
        await using var journal = await OpenAsync();
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        var badJson = Group(intent, "trade-1").Append(new JournalWrite.EngineEvent(new JournalEngineEvent("anomaly", "{not json", Journals.T0))).ToList();
        var unsetId = Group(intent, "trade-2").Append(new JournalWrite.Fill(Journals.Fill("trade-3", intent.ClientOrderId.Value) with { TradeId = default })).ToList();
        var commits = Stats(journal).CommitCount;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => journal.AppendTogetherAsync(badJson));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => journal.AppendTogetherAsync(unsetId));

        Assert.Equal(commits, Stats(journal).CommitCount);
        Assert.Empty(await journal.GetOrderEventsAsync(intent.ClientOrderId));
        Assert.Empty(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
        Assert.Null(await journal.GetPositionAsync(new PositionId("coid-1")));
    }

    [JournalFact]
    public async Task A_group_withdrawn_before_it_is_taken_is_never_written()
    {
        await using var journal = await OpenAsync();
        var intent = Journals.Intent("coid-1");
        await journal.AppendIntentAsync(intent);
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => journal.AppendTogetherAsync(Group(intent, "trade-1").ToList(), canceled.Token));

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

    private static JournalExit Exit(string positionId, string gross, string fees) =>
        new(new PositionId(positionId), null, Quantity.Parse("1.00"), Price.Parse("1"), Money.Parse(gross), Money.Parse(fees),
            Money.Parse(gross) - Money.Parse(fees), Journals.T0.AddMinutes(5), ExitReason.Settlement);
}
