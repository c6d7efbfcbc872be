using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Alerts;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Risk;

/// <summary>Seed 004's kill switch: each condition trips it, it halts and cancels, only a person resets it, and not while the cause holds.</summary>
public class KillSwitchTests
{
    private static readonly InstrumentId Yes = EngineHarness.Instrument;

    private sealed class Sink : IAlertSink
    {
        public List<Alert> Received { get; } = [];
        public string Name => "test";

        public Task SendAsync(Alert alert, CancellationToken cancellationToken)
        {
            lock (Received) Received.Add(alert);
            return Task.CompletedTask;
        }
    }

    private static async Task<(EngineHarness H, Sink Alerts)> Started(KillSwitchOptions options, InMemoryJournal? journal = null, ScriptedVenue? venue = null)
    {
        var sink = new Sink();
        var h = new EngineHarness(journal: journal, venue: venue, killSwitch: options, alertSinks: [sink]);
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        return (h, sink);
    }

    private static Task Check(EngineHarness h) => h.Run(async () =>
    {
        await h.Engine.KillSwitch.CheckAsync(CancellationToken.None);
        return true;
    });

    [Fact]
    public async Task A_daily_loss_from_a_falling_bid_halts_cancels_what_rests_and_alerts()
    {
        var (h, alerts) = await Started(KillSwitchOptions.Off with { DailyLossLimit = Money.Parse("5") });
        await using var _ = h;
        await ExitTests.Holding50(stop: "0.01", harness: h);
        var resting = h.Venue.ExternalResting(Yes, OrderSide.Buy, 3, 0.10m); // anything resting goes
        h.Venue.SetBid(Yes, 0.30m, 0.31m); // 50 bought at 0.45: 7.50 down, less entry fees

        await Check(h);

        var status = h.Engine.KillSwitch.Status();
        Assert.True(status.Tripped);
        Assert.Equal(KillCondition.DailyLoss, status.Condition);
        Assert.Contains("reached the limit of 5", status.Reason, StringComparison.Ordinal);
        Assert.Equal(TradingMode.Halted, h.Engine.Trading.Status.Mode);
        Assert.Equal(VenueOrderState.Canceled, resting.State);
        await h.Until(() => alerts.Received.Any(a => a.Kind == "kill_switch"), "the alert is sent");
        Assert.Equal(AlertSeverity.Critical, alerts.Received.First(a => a.Kind == "kill_switch").Severity);

        // Nothing new goes out; the reset is refused while the loss is still there.
        var calls = h.Venue.SubmitCalls;
        var entry = await h.Run(() => h.Entries.EnterAsync(PlaceAndConfirmTests.Buy(5), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Denied, entry.Confirmation.Outcome);
        Assert.Equal(calls, h.Venue.SubmitCalls);
        var refused = await h.Run(() => h.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None));
        Assert.False(refused.Reset);
        Assert.Contains("daily_loss_limit still holds", refused.Message, StringComparison.Ordinal);

        // The price comes back: a person may reset.
        h.Venue.SetBid(Yes, 0.46m, 0.47m);
        Assert.False((await h.Run(() => h.Engine.KillSwitch.ResetAsync("reset", CancellationToken.None))).Reset);
        Assert.True((await h.Run(() => h.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None))).Reset);
        Assert.Equal(TradingMode.Active, h.Engine.Trading.Status.Mode);
    }

    [Fact]
    public async Task Four_losing_positions_in_a_row_trip_it_and_a_reset_forgives_the_run()
    {
        var (h, _) = await Started(KillSwitchOptions.Off with { MaxConsecutiveLosses = 4 });
        await using var _h = h;
        for (var i = 0; i < 4; i++)
        {
            Assert.False(h.Engine.KillSwitch.IsTripped);
            var (_, lot) = await ExitTests.Holding50(harness: h);
            h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 50);
            await h.Run(() => h.Engine.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.40")));
            await Check(h);
        }
        Assert.Equal(KillCondition.ConsecutiveLosses, h.Engine.KillSwitch.Status().Condition);
        Assert.True((await h.Run(() => h.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None))).Reset);
        Assert.Equal(0, h.Engine.KillSwitch.Status().Day.LosingInARow);
    }

    [Fact]
    public async Task A_run_of_api_errors_trips_it_and_the_reset_waits_for_a_success()
    {
        var (h, _) = await Started(KillSwitchOptions.Off with { MaxConsecutiveApiErrors = 3 });
        await using var _h = h;
        for (var i = 0; i < 3; i++) h.Engine.Metrics.ApiError();
        await Check(h);
        Assert.Equal(KillCondition.ApiErrors, h.Engine.KillSwitch.Status().Condition);
        Assert.False((await h.Run(() => h.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None))).Reset);
        h.Engine.Metrics.ApiSuccess();
        Assert.True((await h.Run(() => h.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None))).Reset);
    }

    [Fact]
    public async Task Equity_below_the_days_peak_trips_it_and_a_reset_starts_the_peak_again()
    {
        var venue = new ScriptedVenue();
        var (h, _) = await Started(KillSwitchOptions.Off with { BalanceDropPercent = 10m }, venue: venue);
        await using var _h = h;
        await Check(h); // the day's peak: 1000
        venue.Balance = Money.Parse("850");
        await h.Run(async () =>
        {
            await h.Engine.Accounts.RefreshAsync(CancellationToken.None);
            return true;
        });
        await Check(h);
        var status = h.Engine.KillSwitch.Status();
        Assert.Equal(KillCondition.BalanceDrop, status.Condition);
        Assert.Contains("more than 10% below today's peak of 1000", status.Reason, StringComparison.Ordinal);
        Assert.True((await h.Run(() => h.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None))).Reset);
        Assert.Equal(Money.Parse("850"), h.Engine.KillSwitch.Status().Day.PeakEquity);
    }

    [Fact]
    public async Task Insufficient_funds_halts_with_that_reason()
    {
        var (h, _) = await Started(KillSwitchOptions.Off with { HaltOnInsufficientFunds = true });
        await using var _h = h;
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Reject, Reason: RejectionReason.InsufficientBalance, Code: "insufficient_balance");
        await h.Run(() => h.Entries.EnterAsync(PlaceAndConfirmTests.Buy(5), CancellationToken.None));
        await h.Until(() => h.Engine.KillSwitch.IsTripped, "the kill switch trips");
        Assert.Equal(KillCondition.InsufficientFunds, h.Engine.KillSwitch.Status().Condition);
        Assert.Contains("insufficient_funds", h.Engine.Trading.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_emergency_stop_flattens_when_configured_and_the_halt_survives_a_restart()
    {
        var journal = new InMemoryJournal();
        var venue = new ScriptedVenue();
        var (h, _) = await Started(KillSwitchOptions.Off with { FlattenOnKill = true }, journal, venue);
        await using (h)
        {
            var (_, lot) = await ExitTests.Holding50(stop: "0.01", harness: h);
            h.Venue.SetBid(Yes, 0.44m, 0.46m);
            h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 20); // the exit fills in parts
            await h.Run(async () =>
            {
                await h.Engine.KillSwitch.EmergencyStopAsync("a person pressed stop", CancellationToken.None);
                return true;
            });
            Assert.Equal(KillCondition.EmergencyStop, h.Engine.KillSwitch.Status().Condition);
            // The exit monitor sends the kill-switch exits; halted still lets exits through.
            for (var i = 0; i < 3 && h.OpenLots.Count > 0; i++)
                await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
            Assert.Empty(h.OpenLots);
            Assert.All(h.ClosedLots.Single().Exits, e => Assert.Equal(ExitReason.KillSwitch, e.Reason));
            await h.Engine.Recorder.FlushAsync(CancellationToken.None);
        }

        await using var again = new EngineHarness(journal, venue, killSwitch: KillSwitchOptions.Off);
        await again.Run(() => again.Engine.StartAsync(CancellationToken.None));
        Assert.True(again.Engine.KillSwitch.IsTripped);
        Assert.Equal(TradingMode.Halted, again.Engine.Trading.Status.Mode);
        Assert.True((await again.Run(() => again.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None))).Reset);
    }
}
