using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Risk;

/// <summary>The one gate (issue 11): every limit of CONTRACTS.md §1 denies with a reason a person reads, before anything is journaled or sent.</summary>
public class PreTradeGateTests
{
    private static readonly InstrumentId Yes = EngineHarness.Instrument;
    private static readonly InstrumentId No = ScriptedVenue.Complement(Yes)!.Value;

    private static async Task<EngineHarness> Started(RiskLimits risk)
    {
        var h = new EngineHarness(risk: risk);
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        return h;
    }

    private static EntryRequest Buy(decimal count, string price = "0.45", InstrumentId? instrument = null) =>
        PlaceAndConfirmTests.Buy(count, price) with { Instrument = instrument ?? Yes };

    private static Task<EntryResult> Enter(EngineHarness h, EntryRequest request) => h.Run(() => h.Entries.EnterAsync(request, CancellationToken.None));

    [Fact]
    public async Task An_entry_past_the_position_limit_is_denied_and_nothing_is_journaled_or_sent()
    {
        await using var h = await Started(new RiskLimits { MaxPositions = 1 });
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 5);
        Assert.Equal(ConfirmationOutcome.Filled, (await Enter(h, Buy(5))).Confirmation.Outcome);
        var calls = h.Venue.SubmitCalls;
        var intents = (await h.Journal.GetUnresolvedIntentsAsync()).Count;

        var second = await Enter(h, Buy(5));

        Assert.Equal(ConfirmationOutcome.Denied, second.Confirmation.Outcome);
        Assert.Contains("1 position(s) open: the limit is 1", second.Confirmation.Error, StringComparison.Ordinal);
        Assert.Equal(calls, h.Venue.SubmitCalls);
        Assert.Null(await h.Journal.GetIntentAsync(second.Confirmation.ClientOrderId));
        Assert.Equal(intents, (await h.Journal.GetUnresolvedIntentsAsync()).Count);
    }

    [Fact]
    public async Task Contracts_held_and_resting_in_a_market_are_limited_together()
    {
        await using var h = await Started(new RiskLimits { MaxContractsPerMarket = Quantity.Of(30) });
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 20);
        await Enter(h, Buy(20));

        var denied = await Enter(h, Buy(11, "0.50"));
        var allowed = await Enter(h, Buy(10, "0.50"));

        Assert.Equal(ConfirmationOutcome.Denied, denied.Confirmation.Outcome);
        Assert.Contains("31 contracts held and resting", denied.Confirmation.Error, StringComparison.Ordinal);
        Assert.NotEqual(ConfirmationOutcome.Denied, allowed.Confirmation.Outcome);
    }

    [Fact]
    public async Task An_entry_on_the_other_outcome_of_a_market_held_or_being_bought_is_denied_because_the_venue_nets_the_two()
    {
        await using var h = await Started(new RiskLimits());
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 5);
        Assert.Equal(ConfirmationOutcome.Filled, (await Enter(h, Buy(5))).Confirmation.Outcome);
        var calls = h.Venue.SubmitCalls;

        var held = await Enter(h, Buy(5, "0.50", No));

        Assert.Equal(ConfirmationOutcome.Denied, held.Confirmation.Outcome);
        Assert.Contains($"{Yes} is held or being bought in this market", held.Confirmation.Error, StringComparison.Ordinal);
        Assert.Equal(calls, h.Venue.SubmitCalls);
        Assert.Null(await h.Journal.GetIntentAsync(held.Confirmation.ClientOrderId));

        // Flat again: the other outcome may be bought; and while its entry rests, this one may not.
        var lot = Assert.Single(h.Engine.Portfolio.OpenLots);
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 5);
        await h.Run(() => h.Engine.ExitAsync(lot.Id, ExitReason.Manual, Price.Of(0.40m)));
        await h.Until(() => h.Engine.Portfolio.OpenLots.Count == 0, "the YES lot is closed");
        h.Venue.OnSubmit = (_, _) => SubmitScript.Accept; // rests
        var resting = h.Engine.EnterAsync(Buy(5, "0.50", No) with { FillTimeout = TimeSpan.FromSeconds(30) });
        await h.Until(() => h.Tracker.LiveOrders.Count == 1, "the NO entry rests");
        var whileResting = await Enter(h, Buy(5));
        Assert.Contains($"{No} is held or being bought in this market", whileResting.Confirmation.Error, StringComparison.Ordinal);
        _ = resting;
    }

    [Fact]
    public async Task Open_orders_are_limited_and_an_order_costing_more_than_its_share_of_the_balance_is_denied()
    {
        await using var h = await Started(new RiskLimits { MaxOpenOrders = 1, MaxOrderCostPercentOfBalance = 5m });
        // 1000 balance: 5% is 50; 120 at 0.45 is 54.
        var tooDear = await Enter(h, Buy(120));
        Assert.Contains("more than 5% of the 1000", tooDear.Confirmation.Error, StringComparison.Ordinal);

        h.Venue.OnSubmit = (_, _) => SubmitScript.Accept; // rests
        var resting = h.Engine.EnterAsync(Buy(10) with { FillTimeout = TimeSpan.FromSeconds(30) });
        await h.Until(() => h.Tracker.LiveOrders.Count == 1, "the first entry rests");
        var second = await Enter(h, Buy(10));
        Assert.Contains("1 order(s) open: the limit is 1", second.Confirmation.Error, StringComparison.Ordinal);
        _ = resting;
    }

    [Fact]
    public async Task A_buy_far_above_the_best_ask_is_a_typo_and_one_tick_above_is_a_trade()
    {
        await using var h = await Started(new RiskLimits { MaxPriceDeviationPercent = 10m });
        h.Venue.SetBid(Yes, 0.40m, 0.42m);

        var typo = await Enter(h, Buy(5, "0.60"));
        var tick = await Enter(h, Buy(5, "0.43"));

        Assert.Contains("more than 10% above the best ask 0.42", typo.Confirmation.Error, StringComparison.Ordinal);
        Assert.NotEqual(ConfirmationOutcome.Denied, tick.Confirmation.Outcome);
    }

    [Fact]
    public async Task An_unknown_balance_denies_entries_but_never_exits()
    {
        var venue = new ScriptedVenue { AccountError = "down" };
        await using var h = new EngineHarness(venue: venue, risk: new RiskLimits());
        var denied = await Enter(h, Buy(5));
        Assert.Contains("balance on scripted is not known yet", denied.Confirmation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_market_the_venue_called_closed_is_skipped_after_the_first_refusal()
    {
        await using var h = await Started(new RiskLimits());
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Reject, Reason: RejectionReason.MarketClosed, Code: "market_closed");
        var refused = await Enter(h, Buy(5));
        var calls = h.Venue.SubmitCalls;

        var skipped = await Enter(h, Buy(5, "0.45", No));

        Assert.Equal(ConfirmationOutcome.Rejected, refused.Confirmation.Outcome);
        Assert.Equal(ConfirmationOutcome.Denied, skipped.Confirmation.Outcome);
        Assert.Contains("is closed", skipped.Confirmation.Error, StringComparison.Ordinal);
        Assert.Equal(calls, h.Venue.SubmitCalls);
    }

    [Fact]
    public async Task Two_entries_racing_for_the_last_position_cannot_both_get_through()
    {
        await using var h = await Started(new RiskLimits { MaxPositions = 1 });
        h.Venue.OnSubmit = (_, _) => SubmitScript.Accept;
        var instrument = h.Venue.Rules(Yes)!;
        var a = new OrderIntent(new ClientOrderId("race-a"), Yes, OrderSide.Buy, Quantity.Of(1), Price.Parse("0.45"), OrderPurpose.Entry, "test", DateTimeOffset.UnixEpoch);
        var b = a with { ClientOrderId = new ClientOrderId("race-b") };

        var first = h.Engine.Gate.Admit(a, instrument);
        var second = h.Engine.Gate.Admit(b, instrument);
        h.Engine.Gate.Release(a.ClientOrderId);
        var third = h.Engine.Gate.Admit(b, instrument);

        Assert.True(first.Allowed);
        Assert.False(second.Allowed);
        Assert.True(third.Allowed);
    }
}
