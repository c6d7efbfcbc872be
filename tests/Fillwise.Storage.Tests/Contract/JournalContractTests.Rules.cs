using Fillwise.Engine.Journal;
using Fillwise.Domain.Values;

namespace Fillwise.Storage.Tests;

public abstract partial class JournalContractTests
{
    [JournalFact]
    public async Task Duplicate_trade_id_is_a_reported_no_op_never_a_second_row()
    {
        await using (var journal = await OpenAsync())
        {
            var fill = Journals.Fill("trade-7");
            var first = await journal.AppendFillAsync(fill);
            var again = await journal.AppendFillAsync(fill);
            var differs = await journal.AppendFillAsync(fill with { Quantity = Quantity.Parse("21.00") });

            Assert.Equal(FillAppendOutcome.Appended, first.Outcome);
            Assert.True(again.IsDuplicate);
            Assert.Equal(first.Sequence, again.Sequence);
            Assert.True(again.MatchesStored);
            Assert.True(differs.IsDuplicate);
            Assert.False(differs.MatchesStored);
            var stored = Assert.Single(await journal.GetFillsAsync(0, 100));
            Assert.Equal(fill, stored.Record);
        }
        await using var reopened = await OpenAsync();
        Assert.Single(await reopened.GetFillsAsync(0, 100));
    }

    [JournalFact]
    public async Task Duplicates_inside_one_group_commit_are_still_one_row()
    {
        await using var journal = await OpenAsync();
        var fill = Journals.Fill("trade-race");
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => journal.AppendFillAsync(fill)));
        Assert.Single(results, r => r.Outcome == FillAppendOutcome.Appended);
        Assert.Equal(49, results.Count(r => r.IsDuplicate && r.MatchesStored));
        Assert.Single(await journal.GetFillsAsync(0, 100));
    }

    [JournalFact]
    public async Task Duplicate_client_order_id_is_refused_clearly_and_the_first_intent_is_kept()
    {
        await using var journal = await OpenAsync();
        var original = Journals.Intent("coid-dup");
        await journal.AppendIntentAsync(original);

        var error = await Assert.ThrowsAsync<DuplicateClientOrderIdException>(
            () => journal.AppendIntentAsync(original with { LimitPrice = Price.Parse("0.9000") }));
        Assert.Equal("coid-dup", error.ClientOrderId);
        Assert.Contains("coid-dup", error.Message, StringComparison.Ordinal);
        Assert.Contains("already journaled", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, (await journal.GetIntentAsync(original.ClientOrderId))!.Record);
    }

    [JournalFact]
    public async Task A_refused_append_does_not_fail_the_others_in_its_batch()
    {
        await using var journal = await OpenAsync();
        await journal.AppendIntentAsync(Journals.Intent("taken"));
        var appends = Enumerable.Range(0, 200)
            .Select(i => journal.AppendIntentAsync(Journals.Intent(i % 10 == 0 ? "taken" : $"ok-{i}")))
            .ToList();
        foreach (var (append, i) in appends.Select((a, i) => (a, i)))
        {
            if (i % 10 == 0)
                await Assert.ThrowsAsync<DuplicateClientOrderIdException>(() => append);
            else
                Assert.True(await append > 0);
        }
        Assert.Equal(181, (await journal.GetUnresolvedIntentsAsync()).Count);
    }

    [JournalFact]
    public async Task Events_exits_and_closes_must_refer_to_journaled_records()
    {
        await using var journal = await OpenAsync();

        var orphanEvent = await Assert.ThrowsAsync<JournalConstraintException>(() => journal.AppendOrderEventAsync(
            new JournalOrderEvent(new ClientOrderId("never-intended"), null, "submitted", "{}", Journals.T0)));
        Assert.Contains("never-intended", orphanEvent.Message, StringComparison.Ordinal);

        var orphanExit = await Assert.ThrowsAsync<JournalConstraintException>(() => journal.AppendExitAsync(
            new JournalExit(new PositionId("ghost"), null, Quantity.Parse("1.00"), Price.Zero, Money.Zero, Money.Zero, Money.Zero, Journals.T0, Fillwise.Domain.Portfolio.ExitReason.Settlement)));
        Assert.Contains("ghost", orphanExit.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<JournalConstraintException>(() => journal.OpenPositionAsync(
            new JournalPosition(new PositionId("p"), new Fillwise.Domain.Instruments.InstrumentId("kalshi", "KXA:yes"), Fillwise.Domain.Portfolio.PositionSide.Long, new ClientOrderId("no-such-entry"), Quantity.Parse("1.00"), null, null, "manual", "", Journals.T0)));

        var unknownClose = await Assert.ThrowsAsync<JournalConstraintException>(() => journal.ClosePositionAsync(new PositionId("ghost"), Journals.T0));
        Assert.Contains("no position 'ghost'", unknownClose.Message, StringComparison.Ordinal);

        var position = new JournalPosition(new PositionId("p"), new Fillwise.Domain.Instruments.InstrumentId("kalshi", "KXA:yes"), Fillwise.Domain.Portfolio.PositionSide.Long, null, Quantity.Parse("1.00"), null, null, "manual", "", Journals.T0);
        await journal.OpenPositionAsync(position);
        await Assert.ThrowsAsync<JournalConstraintException>(() => journal.OpenPositionAsync(position));
        await journal.ClosePositionAsync(position.PositionId, Journals.T0);
        var twice = await Assert.ThrowsAsync<JournalConstraintException>(() => journal.ClosePositionAsync(position.PositionId, Journals.T0));
        Assert.Contains("already closed", twice.Message, StringComparison.Ordinal);

        // The journal still works after every refusal above.
        await journal.AppendIntentAsync(Journals.Intent("after"));
        Assert.NotNull(await journal.GetIntentAsync(new ClientOrderId("after")));
    }

    [JournalFact]
    public async Task Bad_input_is_refused_before_it_reaches_the_writer()
    {
        await using var journal = await OpenAsync();
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendIntentAsync(Journals.Intent("j") with { MetadataJson = "{not json" }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendIntentAsync(Journals.Intent("j") with { MetadataJson = "{} {}" }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendIntentAsync(Journals.Intent("j") with { MetadataJson = "" }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendIntentAsync(Journals.Intent("j") with { Quantity = Quantity.Zero }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendIntentAsync(Journals.Intent("j") with { Strategy = " " }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendIntentAsync(Journals.Intent("j") with { ClientOrderId = default }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendFillAsync(Journals.Fill("t") with { ClientOrderId = null, VenueOrderId = null }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendFillAsync(Journals.Fill("t") with { VenueOrderId = default(VenueOrderId) }); });
        Assert.Throws<ArgumentException>(() => { _ = journal.AppendEngineEventAsync(new JournalEngineEvent("alert", "nope", Journals.T0)); });
        Assert.Throws<ArgumentException>(() => { _ = journal.SetMetadataAsync(MetadataOwner.Intent(new ClientOrderId("j")), "k", "{'single':1}"); });
        Assert.Empty(await journal.GetUnresolvedIntentsAsync());
    }
}
