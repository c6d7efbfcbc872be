using System.Globalization;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Reconciliation;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Seed 003's venue: the engine opens and closes ZEC perpetual positions on the built-in Aster
/// venue through its neutral ports, over loopback sockets and the real Aster client, and ends in
/// agreement with the venue about every order, fill, position, realized PnL and fee.
/// </summary>
public sealed class TradingOnAster
{
    private static readonly TradingEngineOptions Options = AcceptanceWorld.Options with
    {
        Reconciliation = new ReconciliationOptions { QuietPeriod = TimeSpan.FromMilliseconds(200) },
    };

    private static EntryRequest Enter(PositionSide side, string quantity, string price, bool postOnly = false) =>
        new(AsterWorld.Zec, side, Quantity.Parse(quantity), Price.Parse(price), "acceptance", FillTimeout: TimeSpan.FromSeconds(3), PostOnly: postOnly);

    private static decimal Dec(System.Text.Json.JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_zec_long_filled_in_parts_and_a_short_are_opened_and_closed_and_the_engine_agrees_with_the_venue()
    {
        await using var world = await AsterWorld.StartAsync();
        await using var trader = await world.StartTraderAsync(Options);
        Assert.True(trader.Started.Reconciliation.Single().Clean);
        await world.LiquidityOrderAsync("sell", "514.50", "1.000");
        await world.LiquidityOrderAsync("sell", "514.60", "2.000");

        // A post-only entry that would take is refused as such: re-price, nothing held, nothing odd.
        var crossing = await trader.Engine.EnterAsync(Enter(PositionSide.Long, "2.332", "514.55", postOnly: true));
        Assert.Equal(ConfirmationOutcome.Rejected, crossing.Confirmation.Outcome);
        Assert.Equal(RejectionReason.PostOnlyWouldCross, crossing.Confirmation.Rejection!.Reason);
        Assert.Empty(trader.Engine.Snapshot().OpenLots);

        // Long 2.332 at 514.50: 1.000 taken at once, the rest rests as a bid; a seller hits 0.500 of it; the remainder is canceled at the timeout.
        var entering = trader.Engine.EnterAsync(Enter(PositionSide.Long, "2.332", "514.50"));
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.Snapshot().OpenOrders.Any(o => o.Filled == Quantity.Parse("1"))),
            "the entry took the 1.000 offered and rests for the rest");
        await world.LiquidityOrderAsync("sell", "514.40", "0.500", ioc: true);
        var entry = await entering;
        Assert.Equal(ConfirmationOutcome.Partial, entry.Confirmation.Outcome);
        Assert.Equal(Quantity.Parse("1.5"), entry.Confirmation.Filled);
        var lot = Assert.Single(trader.Engine.Snapshot().OpenLots);
        Assert.Equal((PositionSide.Long, Quantity.Parse("1.5"), Price.Parse("514.50")), (lot.Side, lot.Quantity, lot.AverageEntryPrice!.Value));
        var held = Assert.Single((await world.TraderOnVenueAsync()).GetProperty("positions").EnumerateArray());
        Assert.Equal(1.5m, Dec(held, "quantity"));
        Assert.True((await Reconcile(trader)).Clean);

        // Closed reduce-only into a bid at 514.30.
        await world.LiquidityOrderAsync("buy", "514.30", "2.000");
        var exit = await trader.Engine.ExitAsync(lot.Id, ExitReason.Manual, Price.Parse("514.30"));
        Assert.Equal(ConfirmationOutcome.Filled, exit.Confirmation!.Outcome);
        Assert.Empty(trader.Engine.Snapshot().OpenLots);

        // A short of 0.500 sold into the same bid, bought back at the 514.60 offer.
        var shortEntry = await trader.Engine.EnterAsync(Enter(PositionSide.Short, "0.500", "514.30"));
        Assert.Equal(ConfirmationOutcome.Filled, shortEntry.Confirmation.Outcome);
        var shortLot = Assert.Single(trader.Engine.Snapshot().OpenLots);
        Assert.Equal((PositionSide.Short, Quantity.Parse("0.5")), (shortLot.Side, shortLot.Quantity));
        var cover = await trader.Engine.ExitAsync(shortLot.Id, ExitReason.Manual, Price.Parse("514.60"));
        Assert.Equal(ConfirmationOutcome.Filled, cover.Confirmation!.Outcome);

        var closed = trader.Engine.Snapshot().ClosedLots;
        Assert.Equal(2, closed.Count);
        var gross = closed.SelectMany(l => l.Exits).Aggregate(Money.Zero, (s, e) => s + e.GrossPnl);
        var fees = closed.Aggregate(Money.Zero, (s, l) => s + l.FeesPaid);
        // 1.5 x (514.30 - 514.50) + 0.5 x (514.30 - 514.60)
        Assert.Equal(Money.Parse("-0.45"), gross);

        // The venue's truth: flat, the same price PnL and the same fees, nothing resting; the reconciler finds nothing.
        await Task.Delay(300);
        var report = await Reconcile(trader);
        Assert.True(report.Clean && report.Discrepancies.Count == 0, string.Join("; ", report.Discrepancies));
        var venue = await world.TraderOnVenueAsync();
        var position = Assert.Single(venue.GetProperty("positions").EnumerateArray());
        Assert.Equal((0m, gross.Dollars, fees.Dollars), (Dec(position, "quantity"), Dec(position, "realized_pnl"), Dec(position, "fees_paid")));
        Assert.Empty(venue.GetProperty("open_orders").EnumerateArray());
        Assert.Equal(Dec(venue, "balance"), (Money.Parse("10000") + gross - fees).Dollars);
        Assert.Empty(trader.Engine.Snapshot().Anomalies);
        Assert.Equal(0, trader.Engine.Snapshot().JournalFailures);
    }

    [Fact]
    public async Task A_resting_entry_survives_a_restart_and_a_fill_made_while_the_engine_was_down_is_booked_once()
    {
        await using var world = await AsterWorld.StartAsync();
        var patient = Options with { EntryConfirmation = Options.EntryConfirmation with { FillTimeout = TimeSpan.FromSeconds(60) } };
        await using (var first = await world.StartTraderAsync(patient))
        {
            _ = first.Engine.EnterAsync(Enter(PositionSide.Long, "1.000", "514.00") with { FillTimeout = null });
            await Eventually.TrueAsync(() => Task.FromResult(first.Engine.Snapshot().OpenOrders.Any(o => o.VenueOrderId is not null)), "the entry rests on the venue");
        }

        // While the engine is down, a seller hits 0.600 of the resting bid.
        await world.LiquidityOrderAsync("sell", "513.90", "0.600", ioc: true);

        await using var restarted = await world.StartTraderAsync(patient);
        var lot = Assert.Single(restarted.Engine.Snapshot().OpenLots);
        Assert.Equal((PositionSide.Long, Quantity.Parse("0.6"), Price.Parse("514.00")), (lot.Side, lot.Quantity, lot.AverageEntryPrice!.Value));
        Assert.True(restarted.Started.Reconciliation.Single().Clean, string.Join("; ", restarted.Started.Reconciliation.Single().Discrepancies));

        // The order is followed after the restart: the rest fills on the stream, once.
        await world.LiquidityOrderAsync("sell", "513.90", "0.400", ioc: true);
        await Eventually.TrueAsync(() => Task.FromResult(restarted.Engine.Snapshot().OpenLots.Single().Quantity == Quantity.Parse("1")), "the rest of the entry is booked");
        Assert.Empty(restarted.Engine.Snapshot().OpenOrders);
        var held = Assert.Single((await world.TraderOnVenueAsync()).GetProperty("positions").EnumerateArray());
        Assert.Equal(1m, Dec(held, "quantity"));
        await Task.Delay(300);
        var report = await Reconcile(restarted);
        Assert.True(report.Clean && report.Discrepancies.Count == 0, string.Join("; ", report.Discrepancies));
        Assert.Empty(restarted.Engine.Snapshot().Anomalies);
    }

    private static Task<ReconciliationReport> Reconcile(AsterTrader trader) =>
        trader.Engine.Reconciler.ReconcileAsync("aster", "test", apply: true, CancellationToken.None);
}
