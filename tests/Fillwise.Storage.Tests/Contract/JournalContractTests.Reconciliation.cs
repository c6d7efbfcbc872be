using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Tests;

/// <summary>What reconciliation asks the journal: which trades it holds, and what it realized per instrument.</summary>
public abstract partial class JournalContractTests
{
    private static readonly InstrumentId Other = new("kalshi", "KXTEST-26JAN01-T50:no");

    [JournalFact]
    public async Task Known_trade_ids_are_exactly_those_the_fills_table_holds()
    {
        await using var journal = await OpenAsync();
        await journal.AppendIntentAsync(Journals.Intent("coid-1"));
        await journal.AppendFillAsync(Journals.Fill("trade-1"));
        await journal.AppendFillAsync(Journals.Fill("trade-2"));
        await journal.AppendFillAsync(Journals.Fill("ext-9", clientOrderId: null));

        var known = await journal.GetKnownTradeIdsAsync([new TradeId("trade-1"), new TradeId("trade-3"), new TradeId("ext-9"), new TradeId("TRADE-2")]);

        Assert.Equal(new HashSet<TradeId> { new("trade-1"), new("ext-9") }, known.ToHashSet());
        Assert.Empty(await journal.GetKnownTradeIdsAsync([]));
    }

    [JournalFact]
    public async Task Known_trade_ids_are_found_among_more_ids_than_one_query_binds()
    {
        await using var journal = await OpenAsync();
        await journal.AppendIntentAsync(Journals.Intent("coid-1"));
        foreach (var i in new[] { 0, 499, 500, 1234 })
            await journal.AppendFillAsync(Journals.Fill($"t-{i}"));

        var asked = Enumerable.Range(0, 1300).Select(i => new TradeId($"t-{i}")).ToList();
        var known = await journal.GetKnownTradeIdsAsync(asked);

        Assert.Equal(new[] { "t-0", "t-1234", "t-499", "t-500" }, known.Select(t => t.Value).Order(StringComparer.Ordinal));
    }

    [JournalFact]
    public async Task Realized_pnl_and_fees_per_instrument_are_summed_exactly_from_the_stored_text()
    {
        await using (var journal = await OpenAsync())
        {
            await journal.OpenPositionAsync(Position("a-1", Journals.Instrument));
            await journal.OpenPositionAsync(Position("a-2", Journals.Instrument));
            await journal.OpenPositionAsync(Position("b-1", Other));
            await journal.OpenPositionAsync(Position("c-1", new InstrumentId("aster", "ZECUSDT")));
            // Ten tenths: a floating-point sum says 0.9999999999999999.
            for (var i = 0; i < 5; i++)
            {
                await journal.AppendExitAsync(Exit("a-1", "0.1", "0.000001"));
                await journal.AppendExitAsync(Exit("a-2", "0.1", "0.000002"));
            }
            await journal.AppendExitAsync(Exit("b-1", "0.100000100001", "0.017472"));
            await journal.AppendExitAsync(Exit("b-1", "0.200000200002", "0.017473"));
            await journal.AppendExitAsync(Exit("b-1", "-0.300000300003", "0.000001"));
        }

        // After a reopen too: the sums come from the rows, not from anything kept in memory.
        await using var reopened = await OpenAsync();
        var realized = await reopened.GetRealizedByInstrumentAsync();

        Assert.Equal(2, realized.Count);
        Assert.Equal((Money.Parse("1.0"), Money.Parse("0.000015")), realized[Journals.Instrument]);
        Assert.Equal(0m, realized[Other].Gross.Dollars);
        Assert.Equal(Money.Parse("0.034946"), realized[Other].Fees);
        Assert.False(realized.ContainsKey(new InstrumentId("aster", "ZECUSDT")), "a position with no exit realized nothing");
    }

    [JournalFact]
    public async Task An_empty_journal_realized_nothing()
    {
        await using var journal = await OpenAsync();
        Assert.Empty(await journal.GetRealizedByInstrumentAsync());
    }

    private static JournalPosition Position(string id, InstrumentId instrument) =>
        new(new PositionId(id), instrument, PositionSide.Long, null, Quantity.Parse("10.00"), null, null, "whale-follower", "test", Journals.T0);
}
