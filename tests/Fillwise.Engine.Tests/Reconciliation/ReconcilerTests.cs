using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Tests.Execution;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Reconciliation;

public class ReconcilerTests
{
    private static readonly InstrumentId Yes = EngineHarness.Instrument;
    private static readonly InstrumentId No = ScriptedVenue.Complement(Yes)!.Value;

    private static Task<ReconciliationReport> Pass(EngineHarness h, bool apply = true) =>
        h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "test", apply, CancellationToken.None));

    private static async Task<EngineHarness> Started(ReconciliationOptions? options = null)
    {
        var h = new EngineHarness(reconciliation: options ?? new ReconciliationOptions { QuietPeriod = TimeSpan.Zero });
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        return h;
    }

    [Fact]
    public async Task An_engine_that_agrees_with_the_venue_finds_nothing_and_a_second_pass_finds_nothing_either()
    {
        var (h, _) = await ExitTests.Holding50(harness: await Started());
        await using var _h = h;
        Assert.True((await Pass(h)).Clean);
        Assert.True((await Pass(h)).Clean);
    }

    [Fact]
    public async Task An_orphaned_order_on_the_venue_is_canceled_by_default()
    {
        await using var h = await Started();
        var orphan = h.Venue.ExternalResting(Yes, OrderSide.Buy, 10, 0.30m);
        var report = await Pass(h);
        var d = Assert.Single(report.Discrepancies);
        Assert.Equal((DiscrepancyKind.OrphanedOrder, Resolution.Canceled), (d.Kind, d.Resolution));
        Assert.Equal(VenueOrderState.Canceled, orphan.State);
        Assert.True((await Pass(h)).Clean);
    }

    [Fact]
    public async Task A_fill_made_behind_the_engines_back_is_adopted_as_an_external_position_once()
    {
        await using var h = await Started();
        await Pass(h); // the checkpoint: fills from here on are checked one by one
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Venue.ExternalTrade(Yes, OrderSide.Buy, 7, 0.42m);

        var report = await Pass(h);
        var d = Assert.Single(report.Discrepancies);
        Assert.Equal((DiscrepancyKind.ExternalFill, Resolution.Adopted), (d.Kind, d.Resolution));
        var lot = Assert.Single(h.OpenLots);
        Assert.Equal((Quantity.Of(7), Price.Parse("0.42"), "external"), (lot.Quantity, lot.AverageEntryPrice!.Value, lot.Strategy));
        Assert.True((await Pass(h)).Clean);
        Assert.Single(h.OpenLots);
    }

    [Fact]
    public async Task A_fill_the_engine_missed_of_its_own_order_is_booked_into_its_position()
    {
        var (h, lot) = await ExitTests.Holding50(harness: await Started());
        await using var _h = h;
        await Pass(h);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        // An exit rests; it fills on the venue and no stream, no poll tells the engine.
        h.Venue.OnSubmit = (_, _) => SubmitScript.Accept;
        _ = h.Engine.ExitAsync(lot, ExitReason.Manual, Price.Parse("0.44"));
        while (!h.Venue.Orders.Any(o => o.Side == OrderSide.Sell)) await Task.Delay(2);
        h.Venue.Fill(h.Venue.Orders.Single(o => o.Side == OrderSide.Sell), 20);

        var report = await h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "test", true, CancellationToken.None);
        Assert.Contains(report.Discrepancies, d => d.Kind is DiscrepancyKind.MissedFill or DiscrepancyKind.OrderStateMismatch);
        Assert.Equal(Quantity.Of(30), h.OpenLots.Single().Quantity);
        Assert.Equal(Quantity.Of(20), h.OpenLots.Single().Exits.Single().Quantity);
    }

    [Fact]
    public async Task A_ghost_is_written_down_at_its_own_price_and_an_unexplained_venue_position_adopted_at_the_venues()
    {
        var (h, _) = await ExitTests.Holding50(harness: await Started());
        await using var _h = h;
        h.Venue.Vanish(Yes, 20);
        var report = await Pass(h);
        var d = Assert.Single(report.Discrepancies);
        Assert.Equal((DiscrepancyKind.SizeMismatch, Resolution.CorrectedLocally), (d.Kind, d.Resolution));
        var lot = Assert.Single(h.OpenLots);
        Assert.Equal(Quantity.Of(30), lot.Quantity);
        var writeDown = lot.Exits.Single();
        Assert.Equal((ExitReason.Reconciliation, Money.Zero), (writeDown.Reason, writeDown.GrossPnl));
        Assert.True((await Pass(h)).Clean);
    }

    [Fact]
    public async Task A_venue_position_no_fill_explains_is_adopted_at_the_venues_average_price()
    {
        // Bought before the engine ever asked (no checkpoint yet): only the position tells.
        var h = new EngineHarness();
        await using var _h = h;
        h.Venue.ExternalTrade(No, OrderSide.Buy, 12, 0.35m);
        var started = await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        var d = Assert.Single(Assert.Single(started.Reconciliation).Discrepancies);
        Assert.Equal((DiscrepancyKind.OrphanedPosition, Resolution.Adopted), (d.Kind, d.Resolution));
        var lot = Assert.Single(h.OpenLots);
        Assert.Equal((No, Quantity.Of(12), Price.Parse("0.35")), (lot.Instrument, lot.Quantity, lot.AverageEntryPrice!.Value));
        Assert.Equal(TradingMode.Active, h.Engine.Trading.Status.Mode);
    }

    [Fact]
    public async Task Orphans_found_at_start_under_the_alert_policy_block_trading_until_a_person_allows_it()
    {
        var options = new ReconciliationOptions { QuietPeriod = TimeSpan.Zero, OrphanedOrders = OrphanPolicy.Alert, OrphanedPositions = OrphanPolicy.Alert };
        var h = new EngineHarness(reconciliation: options);
        await using var _h = h;
        h.Venue.ExternalResting(Yes, OrderSide.Buy, 10, 0.30m);
        var started = await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        Assert.True(Assert.Single(started.Reconciliation).HasBlocking);
        Assert.Equal(TradingMode.Halted, h.Engine.Trading.Status.Mode);
        var denied = await h.Run(() => h.Entries.EnterAsync(PlaceAndConfirmTests.Buy(5), CancellationToken.None));
        Assert.Equal(Fillwise.Engine.Orders.ConfirmationOutcome.Denied, denied.Confirmation.Outcome);
        Assert.Contains("orphans found at start", denied.Confirmation.Error, StringComparison.Ordinal);

        h.Engine.AllowOrphans();
        Assert.Equal(TradingMode.Active, h.Engine.Trading.Status.Mode);
    }

    [Fact]
    public async Task A_report_only_pass_changes_nothing()
    {
        var (h, _) = await ExitTests.Holding50(harness: await Started());
        await using var _h = h;
        var orphan = h.Venue.ExternalResting(Yes, OrderSide.Buy, 10, 0.30m);
        h.Venue.Vanish(Yes, 50);
        var report = await Pass(h, apply: false);
        Assert.Equal(2, report.Discrepancies.Count);
        Assert.All(report.Discrepancies, d => Assert.Equal(Resolution.AlertOnly, d.Resolution));
        Assert.Equal(VenueOrderState.Open, orphan.State);
        Assert.Equal(Quantity.Of(50), h.OpenLots.Single().Quantity);
    }

    [Fact]
    public async Task Nothing_trades_while_the_start_pass_runs()
    {
        var h = new EngineHarness();
        await using var _h = h;
        Assert.Equal(TradingMode.Active, h.Engine.Trading.Status.Mode);
        var start = h.Engine.StartAsync(CancellationToken.None);
        // The start blocks trading before anything else, and lifts the block only at the end.
        Assert.True(h.Engine.Trading.IsBlocked("start") || start.IsCompleted);
        await h.Run(() => start);
        Assert.False(h.Engine.Trading.IsBlocked("start"));
    }
}
