using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Reconciliation;
using Fillwise.Exchange.Perp.Server;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Seed 003's carry: a ZEC perpetual held on each built-in venue pays funding at that venue's own
/// interval; the engine books every payment on the position that held it, shows it in GET /state,
/// keeps it apart from realized PnL, and the reconciler finds the engine equal to the venue.
/// </summary>
public sealed class FundingOnPerpVenues
{
    private static readonly TradingEngineOptions Options = AcceptanceWorld.Options with
    {
        Reconciliation = new ReconciliationOptions { QuietPeriod = TimeSpan.FromMilliseconds(200) },
        Funding = new Engine.Funding.FundingOptions { PollInterval = TimeSpan.FromSeconds(1), SettleDelay = TimeSpan.FromMilliseconds(300) },
    };

    /// <summary>3.6 s: the venues settle funding while the story holds its position.</summary>
    private const decimal FundingHours = 0.001m;

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_long_held_on_lighter_pays_hourly_style_funding_the_engine_books_it_on_the_position_and_agrees_with_the_venue()
    {
        await using var world = await LighterWorld.StartAsync(fundingRate: "0.0001", fundingHours: FundingHours);
        await using var trader = await world.StartTraderAsync(Options);
        await HoldPayAndCloseAsync(trader.Engine, LighterWorld.Zec, world.Admin, world.TraderId, "514.500", "514.300",
            (side, price, quantity) => world.LiquidityOrderAsync(side, price, quantity));
    }

    [Fact]
    public async Task A_long_held_on_aster_pays_funding_the_engine_books_it_on_the_position_and_agrees_with_the_venue()
    {
        await using var world = await AsterWorld.StartAsync(fundingRate: "0.0001", fundingHours: FundingHours);
        await using var trader = await world.StartTraderAsync(Options);
        await HoldPayAndCloseAsync(trader.Engine, AsterWorld.Zec, world.Admin, world.TraderId, "514.50", "514.30",
            (side, price, quantity) => world.LiquidityOrderAsync(side, price, quantity));
    }

    private static async Task HoldPayAndCloseAsync(TradingEngine engine, InstrumentId zec, PerpAdminClient admin, long trader, string ask, string bid,
        Func<string, string, string, Task<JsonElement>> liquidity)
    {
        await liquidity("sell", ask, "1.000");
        var entry = await engine.EnterAsync(new EntryRequest(zec, PositionSide.Long, Quantity.Parse("1.000"), Price.Parse(ask), "acceptance", FillTimeout: TimeSpan.FromSeconds(3)));
        Assert.Equal(ConfirmationOutcome.Filled, entry.Confirmation.Outcome);

        // The venue settles every 3.6 s: a long pays 1 x 514 x 0.0001 = 0.0514 each time. Once it has
        // paid, the rate goes to 0 (what was due at the old rate settles first), so the totals stand still.
        await Eventually.TrueAsync(async () => Dec((await admin.GetAccountAsync(trader)).GetProperty("positions")[0], "funding_paid") > 0m,
            "the venue settled funding on the long", TimeSpan.FromSeconds(20));
        await admin.UpdateMarketAsync(zec.Symbol, new JsonObject { ["funding_rate"] = "0" });
        var venuePaid = Money.FromDollars(Dec((await admin.GetAccountAsync(trader)).GetProperty("positions")[0], "funding_paid"));
        Assert.Equal(0m, venuePaid.Dollars % 0.0514m);

        // The engine reads it on its own (just after each settlement): on the position, in its totals, and in GET /state.
        await Eventually.TrueAsync(() => Task.FromResult(engine.Snapshot().OpenLots.Single().FundingPaid == venuePaid),
            $"the engine booked the {venuePaid} the venue charged", TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => Task.FromResult(engine.Snapshot().Funding.Schedules.Any(s => s.Instrument == zec)), "the engine follows the held instrument's funding");
        var snapshot = engine.Snapshot();
        Assert.Equal(venuePaid, snapshot.Funding.Paid[zec]);
        Assert.Empty(snapshot.Funding.Unattributed);
        var schedule = snapshot.Funding.Schedules.Single(s => s.Instrument == zec);
        Assert.Equal(TimeSpan.FromSeconds(3.6), schedule.Interval);
        var state = StateDocument.Build(snapshot, "paper", zec.Venue, engine.KnownInstrument);
        var position = state["positions"]!.AsArray().Single()!;
        Assert.Equal(venuePaid.ToString(), position["funding_paid_dollars"]!.GetValue<string>());
        Assert.Equal(venuePaid.ToString(), state["funding"]!["paid"]![zec.ToString()]!.GetValue<string>());
        Assert.Equal(zec.ToString(), state["funding"]!["schedules"]![0]!["instrument"]!.GetValue<string>());
        Assert.True((await engine.Reconciler.ReconcileAsync(zec.Venue, "test", apply: true, CancellationToken.None)).Clean);

        // Closed: no more funding; realized PnL is price PnL, funding apart, and the venue's balance is what all three leave.
        await liquidity("buy", bid, "1.000");
        var lot = engine.Snapshot().OpenLots.Single();
        var exit = await engine.ExitAsync(lot.Id, ExitReason.Manual, Price.Parse(bid));
        Assert.Equal(ConfirmationOutcome.Filled, exit.Confirmation!.Outcome);
        var closed = Assert.Single(engine.Snapshot().ClosedLots);
        Assert.Equal((Money.Parse("-0.2"), venuePaid), (closed.Exits.Single().GrossPnl, closed.FundingPaid));
        await Task.Delay(300);
        var report = await engine.Reconciler.ReconcileAsync(zec.Venue, "test", apply: true, CancellationToken.None);
        Assert.True(report.Clean, string.Join("; ", report.Discrepancies));
        var venue = await admin.GetAccountAsync(trader);
        var held = venue.GetProperty("positions")[0];
        Assert.Equal((0m, venuePaid.Dollars), (Dec(held, "quantity"), Dec(held, "funding_paid")));
        Assert.Equal(Dec(venue, "balance"), (Money.Parse("10000") + closed.Exits.Single().GrossPnl - closed.FeesPaid - venuePaid).Dollars);
        Assert.Empty(engine.Snapshot().Anomalies);
    }
}
