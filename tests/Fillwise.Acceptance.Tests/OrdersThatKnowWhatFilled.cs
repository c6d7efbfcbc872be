using System.Net;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Engine.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// The stories of seeds 000, 001 and 004 §1, each played by the engine against the built-in
/// exchange over loopback sockets, through the real Kalshi client.
/// </summary>
public sealed class OrdersThatKnowWhatFilled
{
    internal static EntryRequest Buy(decimal count, string price, string? stop = null) =>
        new(AcceptanceWorld.Outcome(), PositionSide.Long, Quantity.Of(count), Price.Parse(price), "acceptance",
            StopLoss: stop is null ? null : Price.Parse(stop), FillTimeout: TimeSpan.FromSeconds(3));

    [Fact]
    public async Task A_entry_that_fills_partially_creates_a_position_of_what_filled()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 50); // 50 YES offered at 0.45

        var entry = await trader.Engine.Entries.EnterAsync(Buy(100, "0.45"), CancellationToken.None);

        Assert.Equal(ConfirmationOutcome.Partial, entry.Confirmation.Outcome);
        Assert.Equal(Quantity.Of(50), entry.Confirmation.Filled);
        var position = Assert.Single(trader.OpenLots);
        Assert.Equal(Quantity.Of(50), position.Quantity);
        Assert.Equal(Quantity.Of(100), position.RequestedQuantity);
        // A person reads what happened (seed 001: "log partial fills clearly").
        Assert.Contains(trader.Log.Messages, l => l.StartsWith("entry filled 50 of 100 on kalshi:KXACCEPT-26-T1:yes, remainder canceled", StringComparison.Ordinal));
        var venue = await world.TraderOnVenueAsync();
        Assert.Equal(50m, Assert.Single(venue.Positions).Position);
        Assert.Equal(0, venue.RestingOrders);
    }

    [Fact]
    public async Task A_stop_loss_exit_that_fills_partially_keeps_the_rest_protected()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 50);
        var entry = await trader.Engine.Entries.EnterAsync(Buy(50, "0.45", stop: "0.40"), CancellationToken.None);
        Assert.Equal(ConfirmationOutcome.Filled, entry.Confirmation.Outcome);
        var id = entry.PositionId;
        // One snapshot: read open and closed apart, a lot closing in between would be in both.
        LotView Lot() => trader.Engine.Snapshot() is var s ? s.OpenLots.Concat(s.ClosedLots).Single(l => l.Id == id) : null!;

        // The best bid drops to 0.38 with 20 there: the stop fires and sells 20.
        await world.RestAsync(BookSide.Bid, "0.38", 20);
        await Eventually.TrueAsync(() => Task.FromResult(Lot() is { Closing: false, Exits.Count: 1 } l && l.Quantity == Quantity.Of(30)),
            "the stop-loss exit sold 20 and the rest is no longer closing");
        var first = Lot().Exits.Single();
        Assert.Equal(Quantity.Of(20), first.Quantity);
        Assert.Equal(Money.Parse("-1.40"), first.GrossPnl);
        Assert.Equal(ExitReason.StopLoss, first.Reason);
        Assert.Equal(0, (await world.TraderOnVenueAsync()).RestingOrders);
        // Logged when the exit's confirmation returns, a moment after the lot shows the fill.
        await Eventually.TrueAsync(() => Task.FromResult(trader.Log.Messages.Any(l => l.StartsWith("stop_loss exit of position ", StringComparison.Ordinal) && l.EndsWith("filled 20 of 50, 30 still protected", StringComparison.Ordinal))),
            "the partial exit is logged with what is still protected");

        // 30 more are bid: the remainder, still under the stop, is sold.
        await world.RestAsync(BookSide.Bid, "0.38", 30);
        await Eventually.TrueAsync(() => Task.FromResult(Lot().ClosedAt is not null), "the position closed");
        Assert.Equal(2, Lot().Exits.Count);

        var venue = await world.TraderOnVenueAsync();
        var venuePosition = venue.Positions.Single(p => p.Ticker == AcceptanceWorld.Ticker);
        Assert.Equal(0m, venuePosition.Position);
        Assert.Equal(venuePosition.RealizedPnl, Lot().Exits.Aggregate(Money.Zero, (sum, e) => sum + e.GrossPnl));
        Assert.Equal(venuePosition.FeesPaid, Lot().FeesPaid);
    }

    [Fact]
    public async Task A_lost_acknowledgement_is_resolved_with_exactly_one_order_on_the_venue()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        // Every create reaches the exchange and is carried out, but its answer never comes back.
        await using var trader = await world.StartTraderAsync(new LoseCreateAnswers());
        await world.RestAsync(BookSide.Ask, "0.45", 100);

        var entry = await trader.Engine.Entries.EnterAsync(Buy(10, "0.45"), CancellationToken.None);

        Assert.Equal(ConfirmationOutcome.Filled, entry.Confirmation.Outcome);
        Assert.Equal(Quantity.Of(10), trader.OpenLots.Single().Quantity);
        var venue = await world.TraderOnVenueAsync();
        Assert.Equal(10m, venue.Positions.Single().Position);
        var orders = await trader.Connection.Rest.GetOrdersAsync();
        Assert.Single(orders, o => o.ClientOrderId == entry.Confirmation.ClientOrderId);
        Assert.Single(orders);
    }

    [Fact]
    public async Task A_crash_between_journal_and_send_is_resolved_after_restart_without_a_duplicate()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 100);
        ClientOrderId? journaled = null;

        await using (var trader = await world.StartTraderAsync())
        {
            // The process dies right after the intent is durable and before the create is sent.
            trader.Engine.Confirmation.AfterIntentJournaled = intent =>
            {
                journaled = intent.ClientOrderId;
                throw new SimulatedCrashException();
            };
            await Assert.ThrowsAsync<SimulatedCrashException>(() => trader.Engine.Entries.EnterAsync(Buy(10, "0.45"), CancellationToken.None));
        }

        await using (var restarted = await world.StartTraderAsync())
        {
            var resolution = Assert.Single(restarted.Started.Restored);
            Assert.Equal(journaled, resolution.ClientOrderId);
            Assert.Contains("never reached the venue", resolution.Resolution, StringComparison.Ordinal);
            await restarted.Engine.Recorder.FlushAsync(CancellationToken.None);
            Assert.Empty(await restarted.Journal.GetUnresolvedIntentsAsync());
            Assert.Empty(await restarted.Journal.GetUnfinishedOrdersAsync());
            Assert.Empty(await restarted.Connection.Rest.GetOrdersAsync());
        }
    }

    [Fact]
    public async Task A_crash_after_the_create_is_resolved_after_restart_from_the_venue()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 100);

        // No stream on the engine that dies: nothing may learn of the order after the send.
        await using (var trader = await world.StartTraderAsync(new LoseCreateAnswers(crash: true), stream: false))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => trader.Engine.Entries.EnterAsync(Buy(10, "0.45"), CancellationToken.None));
        }

        await using (var restarted = await world.StartTraderAsync())
        {
            var resolution = Assert.Single(restarted.Started.Restored);
            Assert.Contains("found on the venue", resolution.Resolution, StringComparison.Ordinal);
            Assert.Equal(Quantity.Of(10), restarted.OpenLots.Single().Quantity);
            Assert.Single(await restarted.Connection.Rest.GetOrdersAsync());
        }
    }

    [Fact]
    public async Task Settlement_pays_out_and_closes_the_position()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await using var trader = await world.StartTraderAsync();
        await world.RestAsync(BookSide.Ask, "0.45", 10);
        var entry = await trader.Engine.Entries.EnterAsync(Buy(10, "0.45"), CancellationToken.None);
        var balanceBefore = (await world.TraderOnVenueAsync()).Balance;

        await world.Admin.SettleMarketAsync(AcceptanceWorld.Ticker, OutcomeSide.Yes);

        await Eventually.TrueAsync(() => Task.FromResult(trader.ClosedLots.Any(l => l.Id == entry.PositionId)), "the engine closed the settled position");
        var exit = trader.ClosedLots.Single(l => l.Id == entry.PositionId).Exits.Single();
        Assert.Equal(ExitKind.Settlement, exit.Kind);
        Assert.Equal(Money.Parse("5.50"), exit.GrossPnl); // 10 x (1.00 - 0.45)
        var after = await world.TraderOnVenueAsync();
        Assert.Equal(balanceBefore + Money.Parse("10.00"), after.Balance);
        // Matched with the venue's own settlement record.
        var record = Assert.Single(await trader.Connection.Rest.GetSettlementsAsync(AcceptanceWorld.Ticker));
        Assert.Equal(exit.Price * exit.Quantity, record.Revenue);
    }
}

/// <summary>The process "dies" here in a test.</summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException() : base("simulated crash") { }

    public SimulatedCrashException(string message) : base(message) { }

    public SimulatedCrashException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Sends every V2 create to the exchange, which carries it out, then loses the answer as a
/// closed connection would. With <c>crash</c>, the first lost answer also kills the "process".
/// </summary>
internal sealed class LoseCreateAnswers(bool crash = false) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/portfolio/events/orders", StringComparison.Ordinal))
        {
            response.Dispose();
            if (crash) throw new SimulatedCrashException("simulated crash after the create was sent");
            throw new HttpRequestException("connection closed before the answer (test)", null, HttpStatusCode.BadGateway);
        }
        return response;
    }
}
