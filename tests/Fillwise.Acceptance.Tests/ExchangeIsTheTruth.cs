using Fillwise.App.Cli;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Risk;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Acceptance.Tests;

/// <summary>Seed 004 §2: the exchange is the truth; what happened behind the engine's back is reported, then adopted.</summary>
public sealed class ExchangeIsTheTruth
{
    [Fact]
    public async Task Trades_made_while_the_engine_was_down_are_reported_by_reconcile_with_exit_3_and_adopted_on_the_next_start()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 20);
        await using (var trader = await world.StartTraderAsync())
        {
            var entry = await trader.Engine.Entries.EnterAsync(OrdersThatKnowWhatFilled.Buy(10, "0.45"), CancellationToken.None);
            Assert.Equal(Quantity.Of(10), entry.Confirmation.Filled);
        }

        // While the engine is down, someone uses the same account: 5 more bought, a bid left resting.
        var hand = world.Connect(world.TraderAccount);
        await hand.Rest.CreateOrderAsync(new KalshiCreateOrder(AcceptanceWorld.Ticker, BookSide.Bid, Contracts.Of(5), ContractPrice.Parse("0.45"),
            VenueTimeInForce.ImmediateOrCancel, new ClientOrderId("by-hand-1")));
        await hand.Rest.CreateOrderAsync(new KalshiCreateOrder(AcceptanceWorld.Ticker, BookSide.Bid, Contracts.Of(3), ContractPrice.Parse("0.20"),
            VenueTimeInForce.GoodTillCanceled, new ClientOrderId("by-hand-2")));

        var keyFile = Path.Combine(world.DataDirectory, "trader.pem");
        await File.WriteAllTextAsync(keyFile, world.TraderAccount.PrivateKeyPem);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(["reconcile", "--venue-url", world.Exchange.RestBaseUrl, "--key-id", world.TraderAccount.ApiKeyId,
            "--private-key-file", keyFile, "--data", world.DataDirectory], output, error);
        var report = output.ToString();
        Assert.True(code == ExitCodes.Discrepancies, $"exit {code}\n{report}\n{error}");
        Assert.True(report.Contains("external_fill", StringComparison.Ordinal), report);
        Assert.Contains("external_fill", report, StringComparison.Ordinal);
        Assert.Contains("orphaned_order", report, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", report, StringComparison.Ordinal);
        Assert.Equal(1, (await world.TraderOnVenueAsync()).RestingOrders); // report only: the bid still rests

        await using var restarted = await world.StartTraderAsync();
        var pass = Assert.Single(restarted.Started.Reconciliation);
        Assert.Contains(pass.Discrepancies, d => d is { Kind: DiscrepancyKind.ExternalFill, Resolution: Resolution.Adopted });
        Assert.Contains(pass.Discrepancies, d => d is { Kind: DiscrepancyKind.OrphanedOrder, Resolution: Resolution.Canceled });
        Assert.Equal(TradingMode.Active, restarted.Engine.Trading.Status.Mode); // the report-only pass tripped nothing
        var venue = await world.TraderOnVenueAsync();
        Assert.Equal(0, venue.RestingOrders);
        Assert.Equal(venue.Positions.Single().Position, restarted.OpenLots.Sum(l => l.Quantity.Value));
        Assert.Contains(restarted.OpenLots, l => l.Strategy == "external" && l.Quantity == Quantity.Of(5));

        // The next pass finds nothing: the journal and the venue agree.
        var again = await restarted.Engine.Reconciler.ReconcileAsync("kalshi", "test", apply: true, CancellationToken.None);
        Assert.True(again.Clean, string.Join("; ", again.Discrepancies));
    }
}
