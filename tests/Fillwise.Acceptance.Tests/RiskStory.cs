using System.Text.Json.Nodes;
using Fillwise.App.Alerts;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Risk;
using Fillwise.Exchange.Server;
using Fillwise.Testing;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Seed 004 §3: when something goes wrong, trading stops at once and a person knows. Each kill-switch
/// condition fired against the built-in exchange over loopback: nothing new is sent after the halt,
/// what rests is canceled on the venue, a reset is refused while the cause holds.
/// </summary>
public sealed class RiskStory
{
    private static TradingEngineOptions With(KillSwitchOptions killSwitch) => AcceptanceWorld.Options with
    {
        KillSwitch = killSwitch with { CheckInterval = TimeSpan.FromMilliseconds(200) },
    };

    private static Task<AdminAccountStateView> Venue(AcceptanceWorld world) => AdminAccountStateView.ReadAsync(world);

    /// <summary>After a halt: an entry is denied by the gate and nothing reaches the venue.</summary>
    private static async Task AssertNothingNewIsSent(AcceptanceWorld world, Trader trader)
    {
        var before = await Venue(world);
        var denied = await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(1, "0.45"), CancellationToken.None);
        Assert.Equal(ConfirmationOutcome.Denied, denied.Confirmation.Outcome);
        Assert.Contains("halted", denied.Confirmation.Error, StringComparison.OrdinalIgnoreCase);
        var after = await Venue(world);
        Assert.Equal(before.RestingOrders, after.RestingOrders);
        Assert.Equal(before.Held, after.Held);
    }

    [Fact]
    public async Task An_emergency_stop_cancels_what_rests_flattens_through_partial_fills_alerts_and_stays_halted_across_a_restart()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var hook = new WebhookCatcher();
        using var http = new HttpClient();
        var options = With(KillSwitchOptions.Off with { FlattenOnKill = true });
        var trader = await world.StartTraderAsync(options: options, alerts: [new DiscordWebhookSink(http, hook.Url)]);
        try
        {
            // 30 of 100 fill at once; the other 70 rest on the venue while the entry waits.
            await world.RestAsync(BookSide.Ask, "0.45", 30);
            var entry = trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(100, "0.45") with { FillTimeout = TimeSpan.FromSeconds(30) }, CancellationToken.None);
            await Eventually.TrueAsync(async () => trader.OpenLots.Sum(l => l.Quantity.Value) == 30m && (await world.TraderOnVenueAsync()).RestingOrders == 1,
                "30 filled and the rest is resting");
            await world.RestAsync(BookSide.Bid, "0.40", 10); // only 10 can be sold at first

            await trader.Engine.KillSwitch.EmergencyStopAsync("operator saw a runaway", CancellationToken.None);

            // The entry ends with what filled; its remainder is canceled on the venue.
            var ended = await entry;
            Assert.Equal(ConfirmationOutcome.Partial, ended.Confirmation.Outcome);
            Assert.Equal(Quantity.Of(30), ended.Confirmation.Filled);
            Assert.Equal(TradingMode.Halted, trader.Engine.Trading.Status.Mode);
            // Flattening: 10 sold at once, the rest when buyers come.
            await Eventually.TrueAsync(() => Task.FromResult(trader.OpenLots.Sum(l => l.Quantity.Value) == 20m), "10 of 30 sold");
            await world.RestAsync(BookSide.Bid, "0.40", 20);
            await Eventually.TrueAsync(() => Task.FromResult(trader.OpenLots.Count == 0), "the position is flat");
            var lot = Assert.Single(trader.ClosedLots);
            Assert.All(lot.Exits, e => Assert.Equal(ExitReason.KillSwitch, e.Reason));
            Assert.Equal(30m, lot.Exits.Sum(e => e.Quantity.Value));
            var venue = await world.TraderOnVenueAsync();
            Assert.Equal(0m, venue.Positions.Single(p => p.Ticker == AcceptanceWorld.Ticker).Position);
            Assert.Equal(0, venue.RestingOrders);
            await AssertNothingNewIsSent(world, trader);

            // A person is told, in Discord's shape, and the webhook's secret is nowhere in it.
            await Eventually.TrueAsync(() => Task.FromResult(hook.Bodies.Any(b => Title(b)?.StartsWith("KILL SWITCH ACTIVATED", StringComparison.Ordinal) == true)), "the alert arrived");
            var alert = hook.Bodies.First(b => Title(b)?.StartsWith("KILL SWITCH ACTIVATED", StringComparison.Ordinal) == true);
            Assert.NotNull(alert["content"]);
            var embed = alert["embeds"]![0]!;
            Assert.NotNull(embed["color"]);
            Assert.Contains(embed["fields"]!.AsArray(), f => (string?)f!["name"] == "Reason" && ((string?)f["value"])!.Contains("operator saw a runaway", StringComparison.Ordinal));
            Assert.All(hook.Bodies, b => Assert.DoesNotContain("secret-webhook-token", b.ToJsonString(), StringComparison.Ordinal));
        }
        finally
        {
            await trader.DisposeAsync();
        }

        // A restart keeps it halted until a person resets it.
        await using var again = await world.StartTraderAsync(options: options);
        Assert.True(again.Engine.KillSwitch.Status().Tripped);
        Assert.Equal(KillCondition.EmergencyStop, again.Engine.KillSwitch.Status().Condition);
        Assert.Equal(TradingMode.Halted, again.Engine.Trading.Status.Mode);
        await AssertNothingNewIsSent(world, again);
        Assert.False((await again.Engine.KillSwitch.ResetAsync("yes", CancellationToken.None)).Reset);
        Assert.True((await again.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None)).Reset);
        Assert.Equal(TradingMode.Active, again.Engine.Trading.Status.Mode);
    }

    [Fact]
    public async Task A_daily_loss_on_a_falling_bid_halts_within_the_check_interval_and_the_reset_waits_for_the_price()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync(options: With(KillSwitchOptions.Off with { DailyLossLimit = Money.Parse("5") }));
        await world.RestAsync(BookSide.Ask, "0.45", 50);
        Assert.Equal(ConfirmationOutcome.Filled, (await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(50, "0.45"), CancellationToken.None)).Confirmation.Outcome);
        await world.Connect(world.TraderAccount).Rest.CreateOrderAsync(new Fillwise.Venues.Kalshi.KalshiCreateOrder(AcceptanceWorld.Ticker, BookSide.Bid,
            Contracts.Of(1), ContractPrice.Parse("0.05"), VenueTimeInForce.GoodTillCanceled, new ClientOrderId("resting-before-the-loss")));

        await world.RestAsync(BookSide.Bid, "0.30", 1); // 50 marked at 0.30: 7.50 down

        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.KillSwitch.IsTripped), "the kill switch tripped on its timer", TimeSpan.FromSeconds(5));
        var status = trader.Engine.KillSwitch.Status();
        Assert.Equal(KillCondition.DailyLoss, status.Condition);
        Assert.Contains("reached the limit of 5", status.Reason, StringComparison.Ordinal);
        // Every resting order of the account, ours or not, is canceled right after the halt.
        await Eventually.TrueAsync(async () => (await world.TraderOnVenueAsync()).RestingOrders == 0, "nothing rests on the venue");
        await AssertNothingNewIsSent(world, trader);

        var refused = await trader.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None);
        Assert.False(refused.Reset);
        Assert.Contains("daily_loss_limit still holds", refused.Message, StringComparison.Ordinal);

        await world.RestAsync(BookSide.Bid, "0.46", 1);
        await Eventually.TrueAsync(async () => (await trader.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None)).Reset, "the reset is accepted once the loss is gone");
    }

    [Fact]
    public async Task Losing_positions_in_a_row_halt_it()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync(options: With(KillSwitchOptions.Off with { MaxConsecutiveLosses = 2 }));
        for (var i = 0; i < 2; i++)
        {
            Assert.False(trader.Engine.KillSwitch.IsTripped);
            await world.RestAsync(BookSide.Ask, "0.45", 10);
            var entry = await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(10, "0.45"), CancellationToken.None);
            await world.RestAsync(BookSide.Bid, "0.40", 10);
            var exit = await trader.Engine.ExitAsync(entry.PositionId, ExitReason.Manual, Price.Parse("0.40"));
            Assert.Equal(Quantity.Of(10), exit.Confirmation!.Filled);
        }
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.KillSwitch.IsTripped), "two losses in a row trip it", TimeSpan.FromSeconds(5));
        Assert.Equal(KillCondition.ConsecutiveLosses, trader.Engine.KillSwitch.Status().Condition);
        await AssertNothingNewIsSent(world, trader);
    }

    [Fact]
    public async Task A_run_of_api_errors_halts_it_and_the_reset_waits_for_the_venue_to_answer_again()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        var options = With(KillSwitchOptions.Off with { MaxConsecutiveApiErrors = 3 }) with { AccountRefreshInterval = TimeSpan.FromMilliseconds(100) };
        await using var trader = await world.StartTraderAsync(options: options);

        await world.Admin.SetFaultsAsync(new FaultSettings(Http5xxRate: 1));
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.KillSwitch.IsTripped), "API errors trip it", TimeSpan.FromSeconds(20));
        Assert.Equal(KillCondition.ApiErrors, trader.Engine.KillSwitch.Status().Condition);
        Assert.Contains("API errors in a row", (await trader.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None)).Message, StringComparison.Ordinal);

        await world.Admin.SetFaultsAsync(FaultSettings.None);
        await Eventually.TrueAsync(async () => (await trader.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None)).Reset, "the reset is accepted after a success", TimeSpan.FromSeconds(20));
        Assert.Equal(TradingMode.Active, trader.Engine.Trading.Status.Mode);
    }

    [Fact]
    public async Task An_order_nobody_here_placed_that_reconciliation_may_not_adopt_halts_it_until_it_is_gone()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        var options = With(KillSwitchOptions.Off with { HaltOnOrphans = true }) with
        {
            Reconciliation = AcceptanceWorld.Options.Reconciliation with { OrphanedOrders = OrphanPolicy.Alert, QuietPeriod = TimeSpan.Zero },
        };
        await using var trader = await world.StartTraderAsync(options: options);
        var other = world.Connect(world.TraderAccount); // another program on the same account
        await other.Rest.CreateOrderAsync(new Fillwise.Venues.Kalshi.KalshiCreateOrder(AcceptanceWorld.Ticker, BookSide.Bid,
            Contracts.Of(5), ContractPrice.Parse("0.10"), VenueTimeInForce.GoodTillCanceled, new ClientOrderId("someone-elses-order")));

        var report = await trader.Engine.Reconciler.ReconcileAsync("kalshi", "periodic", apply: true, CancellationToken.None);
        Assert.Contains(report.Discrepancies, d => d.Kind == DiscrepancyKind.OrphanedOrder && d.Blocking);
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.KillSwitch.IsTripped), "the orphan trips it");
        Assert.Equal(KillCondition.Orphans, trader.Engine.KillSwitch.Status().Condition);
        await AssertNothingNewIsSent(world, trader);

        // The sweep canceled it on the venue; the next pass finds nothing, and a person may reset.
        await Eventually.TrueAsync(async () => (await world.TraderOnVenueAsync()).RestingOrders == 0, "the stray order is canceled");
        Assert.False((await trader.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None)).Reset);
        Assert.False((await trader.Engine.Reconciler.ReconcileAsync("kalshi", "periodic", apply: true, CancellationToken.None)).HasBlocking);
        Assert.True((await trader.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None)).Reset);
    }

    [Fact]
    public async Task Equity_falling_below_the_days_peak_halts_it()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync(options: With(KillSwitchOptions.Off with { BalanceDropPercent = 2m }) with
        {
            AccountRefreshInterval = TimeSpan.FromMilliseconds(100),
        });
        await world.RestAsync(BookSide.Ask, "0.45", 100);
        await world.RestAsync(BookSide.Bid, "0.30", 1);
        // A resting bid holds 40 of the balance on the venue: money set aside, not lost.
        var resting = await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(100, "0.40") with { FillTimeout = TimeSpan.FromSeconds(1.5) }, CancellationToken.None);
        Assert.Equal(ConfirmationOutcome.Unfilled, resting.Confirmation.Outcome);
        Assert.False(trader.Engine.KillSwitch.IsTripped);
        await world.RestAsync(BookSide.Bid, "0.44", 1);
        await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(100, "0.45"), CancellationToken.None);
        Assert.False(trader.Engine.KillSwitch.IsTripped);

        await world.Liquidity.Rest.CancelAllOrdersAsync(); // the 0.44 bid goes
        await world.RestAsync(BookSide.Bid, "0.05", 1); // 100 marked at 0.05: about 40 down on 1000
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.KillSwitch.IsTripped), "the drop trips it", TimeSpan.FromSeconds(5),
            () => $"{trader.Engine.KillSwitch.Status()}; quote {trader.Engine.Venues.For(AcceptanceWorld.Outcome()).MarketData.GetQuote(AcceptanceWorld.Outcome())}");
        var status = trader.Engine.KillSwitch.Status();
        Assert.Equal(KillCondition.BalanceDrop, status.Condition);
        Assert.Contains("below today's peak", status.Reason, StringComparison.Ordinal);
        await AssertNothingNewIsSent(world, trader);
    }

    private static string? Title(JsonNode body) => (string?)body["embeds"]?[0]?["title"];
}

/// <summary>What the venue says the trader's account holds, for before/after comparisons.</summary>
internal sealed record AdminAccountStateView(int RestingOrders, decimal Held)
{
    public static async Task<AdminAccountStateView> ReadAsync(AcceptanceWorld world)
    {
        var state = await world.TraderOnVenueAsync();
        return new AdminAccountStateView(state.RestingOrders, state.Positions.Sum(p => Math.Abs(p.Position)));
    }
}
