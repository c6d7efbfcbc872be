using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Reconciliation;
using Fillwise.Venues.Lighter;
using static Fillwise.Acceptance.Tests.LighterWorld;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Seed 003's other venue: the engine opens and closes ZEC perpetual positions on the built-in
/// Lighter-like venue through its neutral ports, over loopback sockets and the real Lighter client
/// (sendTx acceptance waited into execution, account channels), and ends in agreement with the
/// venue about every order, fill, position, realized PnL, fee and funding payment.
/// </summary>
public sealed class TradingOnLighter
{
    private static readonly TradingEngineOptions Options = AcceptanceWorld.Options with
    {
        Reconciliation = new ReconciliationOptions { QuietPeriod = TimeSpan.FromMilliseconds(200) },
    };

    private static EntryRequest Enter(PositionSide side, string quantity, string price, bool postOnly = false) =>
        new(Zec, side, Quantity.Parse(quantity), Price.Parse(price), "acceptance", FillTimeout: TimeSpan.FromSeconds(3), PostOnly: postOnly);

    private static Task<ReconciliationReport> Reconcile(PerpTrader<LighterConnection> trader) =>
        trader.Engine.Reconciler.ReconcileAsync("lighter", "test", apply: true, CancellationToken.None);

    [Fact]
    public async Task A_zec_long_filled_in_parts_is_closed_reduce_only_dust_and_crossing_post_only_are_refused_as_lighter_refuses_them_and_the_engine_agrees_with_the_venue()
    {
        await using var world = await LighterWorld.StartAsync();
        await using var trader = await world.StartTraderAsync(Options);
        Assert.True(trader.Started.Reconciliation.Single().Clean);
        await world.LiquidityOrderAsync("sell", "514.500", "1.000");
        await world.LiquidityOrderAsync("sell", "514.600", "2.000");

        // A post-only entry that would take ends canceled-post-only: refused as a re-price, nothing held, nothing odd.
        var crossing = await trader.Engine.EnterAsync(Enter(PositionSide.Long, "2.332", "514.550", postOnly: true));
        Assert.Equal(ConfirmationOutcome.Rejected, crossing.Confirmation.Outcome);
        Assert.Equal((RejectionReason.PostOnlyWouldCross, "canceled-post-only"), (crossing.Confirmation.Rejection!.Reason, crossing.Confirmation.Rejection.VenueCode));
        Assert.Empty(trader.Engine.Snapshot().OpenLots);

        // Long 2.332 at 514.500: 1.000 taken at once, the rest rests as a bid; a seller hits 0.500 of it; the remainder is canceled at the timeout.
        var entering = trader.Engine.EnterAsync(Enter(PositionSide.Long, "2.332", "514.500"));
        await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.Snapshot().OpenOrders.Any(o => o.Filled == Quantity.Parse("1"))),
            "the entry took the 1.000 offered and rests for the rest");
        await world.LiquidityOrderAsync("sell", "514.400", "0.500", ioc: true);
        var entry = await entering;
        Assert.Equal(ConfirmationOutcome.Partial, entry.Confirmation.Outcome);
        Assert.Equal(Quantity.Parse("1.5"), entry.Confirmation.Filled);
        var lot = Assert.Single(trader.Engine.Snapshot().OpenLots);
        Assert.Equal((PositionSide.Long, Quantity.Parse("1.5"), Price.Parse("514.500")), (lot.Side, lot.Quantity, lot.AverageEntryPrice!.Value));
        var held = Assert.Single((await world.TraderOnVenueAsync()).GetProperty("positions").EnumerateArray());
        Assert.Equal(1.5m, Dec(held, "quantity"));
        Assert.True((await Reconcile(trader)).Clean);

        // The venue raises its minimum to 0.1 ZEC after the engine read 0.05: a 0.060 order passes the
        // engine's gate, Lighter refuses it 21706, the engine says so in its own terms and learns the
        // new minimum (the next one is stopped before it is sent).
        await world.Admin.UpdateMarketAsync(Symbol, new JsonObject { ["min_quantity"] = "0.1" });
        var dust = await trader.Engine.EnterAsync(Enter(PositionSide.Long, "0.060", "514.400"));
        Assert.Equal(ConfirmationOutcome.Rejected, dust.Confirmation.Outcome);
        Assert.Equal((RejectionReason.BelowMinimumSize, "21706"), (dust.Confirmation.Rejection!.Reason, dust.Confirmation.Rejection.VenueCode));
        var again = await trader.Engine.EnterAsync(Enter(PositionSide.Long, "0.060", "514.400"));
        Assert.Equal(ConfirmationOutcome.Denied, again.Confirmation.Outcome);
        Assert.Contains("minimum 0.1", again.Confirmation.Error, StringComparison.Ordinal);

        // Closed reduce-only into a bid at 514.300.
        await world.LiquidityOrderAsync("buy", "514.300", "2.000");
        var exit = await trader.Engine.ExitAsync(lot.Id, ExitReason.Manual, Price.Parse("514.300"));
        Assert.Equal(ConfirmationOutcome.Filled, exit.Confirmation!.Outcome);
        Assert.Empty(trader.Engine.Snapshot().OpenLots);
        var (finished, _) = await trader.Connection.Client.Orders.GetInactiveOrdersAsync(Zec, 100, null, CancellationToken.None);
        Assert.Contains(finished, o => o.ReduceOnly && o.Side == OrderSide.Sell && o.Filled == Quantity.Parse("1.5") && o.Status == "filled");

        // A short of 0.500 sold into the same bid, bought back at the 514.600 offer.
        var shortEntry = await trader.Engine.EnterAsync(Enter(PositionSide.Short, "0.500", "514.300"));
        Assert.Equal(ConfirmationOutcome.Filled, shortEntry.Confirmation.Outcome);
        var shortLot = Assert.Single(trader.Engine.Snapshot().OpenLots);
        var cover = await trader.Engine.ExitAsync(shortLot.Id, ExitReason.Manual, Price.Parse("514.600"));
        Assert.Equal(ConfirmationOutcome.Filled, cover.Confirmation!.Outcome);

        var closed = trader.Engine.Snapshot().ClosedLots;
        Assert.Equal(2, closed.Count);
        var gross = closed.SelectMany(l => l.Exits).Aggregate(Money.Zero, (s, e) => s + e.GrossPnl);
        var fees = closed.Aggregate(Money.Zero, (s, l) => s + l.FeesPaid);
        // 1.5 x (514.300 - 514.500) + 0.5 x (514.300 - 514.600)
        Assert.Equal(Money.Parse("-0.45"), gross);
        Assert.True(fees > Money.Zero, "Premium fees were charged");

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
}
