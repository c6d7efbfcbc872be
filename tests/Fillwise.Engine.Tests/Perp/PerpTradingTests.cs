using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Perp;

/// <summary>The engine on a perpetual: lots long and short from fills, exits, post-only refusals, reconciliation of signed positions.</summary>
public class PerpTradingTests
{
    private static readonly InstrumentId Zec = ScriptedVenue.Perpetual();

    private static async Task<EngineHarness> Started()
    {
        var h = new EngineHarness();
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        return h;
    }

    private static Task<ReconciliationReport> Pass(EngineHarness h) =>
        h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "test", apply: true, CancellationToken.None));

    private static EntryRequest Enter(PositionSide side, string quantity, string price, bool postOnly = false, string? stop = null) =>
        new(Zec, side, Quantity.Parse(quantity), Price.Parse(price), "test", StopLoss: stop is null ? null : Price.Parse(stop),
            FillTimeout: TimeSpan.FromSeconds(3), PostOnly: postOnly);

    [Fact]
    public async Task A_partly_filled_long_is_held_for_what_filled_closed_reduce_only_and_agrees_with_the_venue()
    {
        await using var h = await Started();
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 1.23m);
        var entry = await h.Run(() => h.Entries.EnterAsync(Enter(PositionSide.Long, "2.983", "503.66"), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Partial, entry.Confirmation.Outcome);
        var lot = Assert.Single(h.OpenLots);
        Assert.Equal((PositionSide.Long, Quantity.Parse("1.23"), Price.Parse("503.66")), (lot.Side, lot.Quantity, lot.AverageEntryPrice!.Value));
        Assert.True((await Pass(h)).Clean);

        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value, FillPrice: 516.75m);
        var exit = await h.Run(() => h.Engine.ExitAsync(lot.Id, ExitReason.Manual, Price.Parse("516.75")));
        Assert.Equal(ConfirmationOutcome.Filled, exit.Confirmation!.Outcome);
        var sent = h.Venue.Orders.Last();
        Assert.Equal((OrderSide.Sell, Quantity.Parse("1.23")), (sent.Side, sent.Initial));
        var closed = Assert.Single(h.ClosedLots);
        // 1.23 x (516.75 - 503.66) = 16.1007, less the entry's and the exit's commission.
        Assert.Equal(Money.Parse("16.1007"), closed.Exits.Single().GrossPnl);
        Assert.Equal(Money.Parse("16.0807"), closed.RealizedPnl);
        Assert.True((await Pass(h)).Clean);
        Assert.True((await Pass(h)).Clean);
    }

    [Fact]
    public async Task A_short_is_entered_with_a_sell_stopped_out_at_the_ask_with_a_buy_and_never_taken_for_a_settlement()
    {
        await using var h = await Started();
        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        var entry = await h.Run(() => h.Entries.EnterAsync(Enter(PositionSide.Short, "2.332", "495.79", stop: "500.00"), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, entry.Confirmation.Outcome);
        Assert.Equal(OrderSide.Sell, h.Venue.Orders.Single().Side);
        var position = Assert.Single(await h.Venue.GetPositionsAsync(CancellationToken.None));
        Assert.Equal((PositionSide.Short, Quantity.Parse("2.332")), (position.Side, position.Quantity));
        Assert.True((await Pass(h)).Clean);

        // A perpetual that stops trading is closed, never settled: nothing is booked as a payout.
        h.Venue.Statuses[Zec] = new InstrumentStatus(Zec, InstrumentPhase.Closed, null, null, "SETTLING");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Single(h.OpenLots);
        h.Venue.Statuses.Remove(Zec);

        // The ask rises through the stop: the short buys back at the ask, reduce-only.
        h.Venue.SetBid(Zec, 500.90m, 501.00m);
        var exits = await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, Assert.Single(exits).Confirmation!.Outcome);
        var buy = h.Venue.Orders.Last();
        Assert.Equal((OrderSide.Buy, Price.Parse("501.00")), (buy.Side, buy.LimitPrice));
        var closed = Assert.Single(h.ClosedLots);
        var booked = closed.Exits.Single();
        // 2.332 x (495.79 - 501.00) = -12.14972
        Assert.Equal((ExitReason.StopLoss, Money.Parse("-12.14972")), (booked.Reason, booked.GrossPnl));
        Assert.All(await h.Venue.GetPositionsAsync(CancellationToken.None), x => Assert.True(x.Quantity.IsZero));
        Assert.True((await Pass(h)).Clean);
    }

    [Theory]
    [InlineData("expired, then the answer")]
    [InlineData("the answer, then expired")]
    [InlineData("new, the answer, then expired")]
    public async Task A_crossing_post_only_entry_is_a_typed_refusal_whether_the_stream_or_the_answer_comes_first(string order)
    {
        await using var h = await Started();
        OrderStatusReport? expired = null;
        h.Venue.OnSubmit = (i, _) => i.PostOnly ? new SubmitScript(SubmitKind.ExpirePostOnly) : SubmitScript.Accept;
        h.Venue.OrderExpired = report =>
        {
            if (order.StartsWith("expired", StringComparison.Ordinal)) h.Engine.OnExecutionEvent(new ExecutionEvent.OrderReported(report));
            else expired = report;
            // Some venues say NEW before EXPIRED: the order rests, for an instant, before the refusal arrives.
            if (order.StartsWith("new", StringComparison.Ordinal)) h.Engine.OnExecutionEvent(new ExecutionEvent.OrderReported(report with { State = VenueOrderState.Open }));
        };

        var entry = await h.Run(() => h.Entries.EnterAsync(Enter(PositionSide.Long, "2.332", "514.49", postOnly: true), CancellationToken.None));
        if (expired is not null) h.Engine.OnExecutionEvent(new ExecutionEvent.OrderReported(expired));

        Assert.Equal(ConfirmationOutcome.Rejected, entry.Confirmation.Outcome);
        Assert.Equal((RejectionReason.PostOnlyWouldCross, "EXPIRED"), (entry.Confirmation.Rejection!.Reason, entry.Confirmation.Rejection.VenueCode));
        Assert.True(h.Venue.SubmitCalls == 1, "a refusal is not resent");
        Assert.Empty(h.OpenLots);
        Assert.Empty(h.Tracker.LiveOrders);
        Assert.Empty(entry.Confirmation.Order.Refusals);
        Assert.Empty(h.Engine.Anomalies.Recent);
        Assert.True((await Pass(h)).Clean);
    }

    [Fact]
    public async Task A_short_the_venue_holds_beyond_the_engines_lots_is_adopted_short_and_a_short_it_no_longer_holds_is_written_down()
    {
        await using var h = await Started();
        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        await h.Run(() => h.Entries.EnterAsync(Enter(PositionSide.Short, "2.000", "500.00"), CancellationToken.None));

        // 0.5 more short than the engine's lot, at the venue's price, with no fill the engine can see.
        h.Venue.Adjustments[Zec] = -0.5m;
        var report = await Pass(h);
        var d = Assert.Single(report.Discrepancies);
        Assert.Equal((DiscrepancyKind.OrphanedPosition, Resolution.Adopted), (d.Kind, d.Resolution));
        Assert.Contains(h.OpenLots, l => l is { Side: PositionSide.Short, Strategy: "external" } && l.Quantity == Quantity.Parse("0.5"));
        Assert.Equal(2.5m, h.OpenLots.Sum(l => l.Quantity.Value));

        // Then 1.0 of the short is gone on the venue: the newest short lot is written down first.
        h.Venue.Adjustments[Zec] = 0.5m;
        report = await Pass(h);
        d = Assert.Single(report.Discrepancies);
        Assert.Equal((DiscrepancyKind.SizeMismatch, Resolution.CorrectedLocally), (d.Kind, d.Resolution));
        Assert.Equal(1.5m, h.OpenLots.Sum(l => l.Quantity.Value));
        Assert.All(h.OpenLots, l => Assert.Equal(PositionSide.Short, l.Side));
        Assert.True((await Pass(h)).Clean);
    }
}
