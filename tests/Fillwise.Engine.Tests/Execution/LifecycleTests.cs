using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Execution;

/// <summary>
/// A market's life as the venue tells it (Kalshi: determined, disputed, amended, finalized; scalar
/// and void results; pauses): the engine books a payout only once the venue has paid, at what it
/// paid, and waits out a pause instead of sending exits the venue would refuse.
/// </summary>
public class LifecycleTests
{
    private static readonly InstrumentId Yes = EngineHarness.Instrument;

    private static InstrumentStatus Status(InstrumentPhase phase, string venueStatus, string? settles = null, string? determined = null, bool isVoid = false) =>
        new(Yes, phase, settles is null ? null : Price.Parse(settles), null, venueStatus)
        {
            DeterminedPrice = determined is null ? null : Price.Parse(determined),
            IsVoid = isVoid,
        };

    private static async Task<(EngineHarness H, ListLoggerProvider Log, PositionId Lot)> Holding50()
    {
        var log = new ListLoggerProvider();
        var (h, lot) = await ExitTests.Holding50(harness: new EngineHarness(loggers: log));
        return (h, log, lot);
    }

    [Fact]
    public async Task A_determined_result_is_shown_not_booked_an_amendment_is_logged_and_only_the_final_payout_is_booked()
    {
        var (h, log, lot) = await Holding50();
        await using var _ = h;

        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Determined, "determined", determined: "1");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Equal(lot, Assert.Single(h.OpenLots).Id);
        Assert.Equal(InstrumentPhase.Determined, h.Engine.Snapshot().InstrumentStatuses[Yes].Phase);
        Assert.Contains(log.Messages, m => m.Contains("determined (venue status determined, pays 1); payout awaited", StringComparison.Ordinal));

        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Determined, "disputed", determined: "1");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Determined, "amended", determined: "0");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Single(h.OpenLots);
        Assert.Contains(log.Messages, m => m.Contains("result amended before payout (venue status amended): pays 1 -> 0", StringComparison.Ordinal));

        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Settled, "finalized", settles: "0", determined: "0");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Empty(h.OpenLots);
        var exit = Assert.Single(Assert.Single(h.ClosedLots).Exits);
        Assert.Equal((ExitKind.Settlement, Price.Zero, Money.Parse("-22.50")), (exit.Kind, exit.Price, exit.GrossPnl)); // 50 x (0 - 0.45)
    }

    [Theory]
    [InlineData("0.35", "-5.00")] // a scalar: each YES pays 0.35
    [InlineData("0.45", "0.00")]  // a void: each unit refunded at what it cost
    public async Task A_scalar_or_void_payout_is_booked_at_what_the_venue_paid(string paid, string gross)
    {
        var (h, _, _) = await Holding50();
        await using var _h = h;
        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Settled, "finalized", settles: paid, isVoid: gross == "0.00");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        var exit = Assert.Single(Assert.Single(h.ClosedLots).Exits);
        Assert.Equal((Price.Parse(paid), Money.Parse(gross)), (exit.Price, exit.GrossPnl));
    }

    [Fact]
    public async Task A_void_the_venue_states_no_refund_for_is_never_booked_on_a_guess()
    {
        var (h, _, _) = await Holding50();
        await using var _h = h;
        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Settled, "finalized", isVoid: true);
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Single(h.OpenLots);
    }

    [Fact]
    public async Task A_paused_market_holds_its_exits_until_it_trades_again()
    {
        var (h, log, _) = await Holding50();
        await using var _h = h;
        h.Venue.SetBid(Yes, 0.38m); // below the 0.40 stop
        Assert.Single(h.Monitor.Evaluate());

        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Paused, "inactive");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Empty(h.Monitor.Evaluate());
        Assert.Contains(log.Messages, m => m.Contains("is not trading (venue status inactive)", StringComparison.Ordinal));

        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Open, "active");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Equal(ExitReason.StopLoss, Assert.Single(h.Monitor.Evaluate()).Reason);
        Assert.Contains(log.Messages, m => m.Contains("trades again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_market_refused_as_paused_takes_entries_again_once_the_venue_says_it_trades()
    {
        var log = new ListLoggerProvider();
        await using var h = new EngineHarness(loggers: log);
        Task<EntryResult> Enter() => h.Run(() => h.Entries.EnterAsync(new EntryRequest(Yes, PositionSide.Long, Quantity.Of(5), Price.Parse("0.40"), "test"), CancellationToken.None));
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Reject, Code: "trading_is_paused", Reason: RejectionReason.MarketClosed);
        Assert.Equal(ConfirmationOutcome.Rejected, (await Enter()).Confirmation.Outcome);
        // Skipped while the venue is known to refuse it, not sent to be refused again.
        Assert.Equal(ConfirmationOutcome.Denied, (await Enter()).Confirmation.Outcome);
        Assert.Equal(1, h.Venue.SubmitCalls);

        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Paused, "inactive");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        Assert.Equal(ConfirmationOutcome.Denied, (await Enter()).Confirmation.Outcome);

        h.Venue.Statuses[Yes] = Status(InstrumentPhase.Open, "active");
        await h.Engine.CheckSettlementsAsync(CancellationToken.None);
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 5);
        Assert.Equal(ConfirmationOutcome.Filled, (await Enter()).Confirmation.Outcome);
        Assert.Contains(log.Messages, m => m.Contains("trades again", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(PositionSide.Long, "0.455", "0.45")]  // a buy rounds down
    [InlineData(PositionSide.Short, "0.455", "0.46")] // a sell rounds up
    [InlineData(PositionSide.Long, "0.0461", "0.046")] // the fine band of a tapered grid
    public async Task An_off_grid_entry_price_is_snapped_to_the_grid_never_more_aggressive(PositionSide side, string asked, string sent)
    {
        var log = new ListLoggerProvider();
        await using var h = new EngineHarness(loggers: log);
        h.Venue.Rules = id => new Fillwise.Domain.Instruments.Instrument(id, Fillwise.Domain.Instruments.InstrumentKind.EventContract, "KX-TEST",
            [new(Price.Parse("0.001"), Price.Parse("0.1"), Price.Parse("0.001")), new(Price.Parse("0.1"), Price.Parse("0.9"), Price.Parse("0.01")),
             new(Price.Parse("0.9"), Price.Parse("0.999"), Price.Parse("0.001"))],
            Quantity.Of(1m), Quantity.Of(1m), Money.Zero, false, "yes");
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 5);
        var entry = await h.Run(() => h.Entries.EnterAsync(new EntryRequest(Yes, side, Quantity.Of(5), Price.Parse(asked), "test"), CancellationToken.None));

        Assert.Equal(5m, entry.Confirmation.Filled.Value);
        Assert.Equal(Price.Parse(sent), Assert.Single(h.Venue.Orders).LimitPrice);
        Assert.Contains(log.Messages, m => m.Contains($"entry price {Price.Parse(asked)} on {Yes} is off the venue's grid: sent at {Price.Parse(sent)}", StringComparison.Ordinal));
    }
}
