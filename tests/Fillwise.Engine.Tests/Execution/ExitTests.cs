using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Execution;

public class ExitTests
{
    private static async Task<EngineHarness> Holding50(string stop = "0.40", string? takeProfit = null)
    {
        var h = new EngineHarness();
        h.Venue.OnSubmit = (i, _) => i.Purpose == OrderPurpose.Entry ? new SubmitScript(SubmitKind.Accept, FillNow: 50) : SubmitScript.Accept;
        await h.Run(() => h.Entries.EnterAsync(new EntryRequest(EngineHarness.Ticker, OutcomeSide.Yes, Contracts.Of(50), ContractPrice.Parse("0.45"), "test",
            StopLoss: ContractPrice.Parse(stop), TakeProfit: takeProfit is null ? null : ContractPrice.Parse(takeProfit)), CancellationToken.None));
        return h;
    }

    [Fact]
    public async Task Seed_000_a_half_filled_stop_loss_exit_leaves_the_rest_protected()
    {
        using var h = await Holding50();
        // The best bid drops to 0.38 with 20 there: the exit sells 20.
        h.Quotes.Bids[(EngineHarness.Ticker, OutcomeSide.Yes)] = ContractPrice.Parse("0.38");
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 20);
        var first = await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));

        var exit = Assert.Single(first);
        Assert.Equal(ConfirmationOutcome.Partial, exit.Confirmation!.Outcome);
        var position = Assert.Single(h.Portfolio.OpenPositions);
        Assert.Equal(Contracts.Of(30), position.Contracts);
        Assert.False(position.Closing);
        var booked = Assert.Single(position.Position.Exits);
        Assert.Equal(Contracts.Of(20), booked.Count);
        Assert.Equal(Money.Parse("-1.40"), booked.GrossPnl);
        Assert.Equal("stop_loss", position.LastExitReason);

        // Still below the stop: the remainder is retried, and now 30 are bid.
        h.Venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 30);
        var second = await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, Assert.Single(second).Confirmation!.Outcome);
        Assert.Empty(h.Portfolio.OpenPositions);
        var closed = Assert.Single(h.Portfolio.ClosedPositions);
        Assert.Equal(2, closed.Position.Exits.Count);
        Assert.Equal(Money.Parse("-3.50"), closed.Position.GrossRealizedPnl); // 20 x -0.07 + 30 x -0.07
        var m = h.Metrics.Snapshot();
        Assert.Equal((2, 1, 1), (m.ExitOrdersPlaced, m.ExitOrdersFullFilled, m.ExitOrdersPartialFilled));
    }

    [Fact]
    public async Task No_bid_means_no_trigger()
    {
        using var h = await Holding50();
        Assert.Empty(h.Monitor.Evaluate());
    }

    [Fact]
    public async Task Bid_above_the_stop_does_not_trigger_and_take_profit_does()
    {
        using var h = await Holding50(takeProfit: "0.60");
        h.Quotes.Bids[(EngineHarness.Ticker, OutcomeSide.Yes)] = ContractPrice.Parse("0.50");
        Assert.Empty(h.Monitor.Evaluate());
        h.Quotes.Bids[(EngineHarness.Ticker, OutcomeSide.Yes)] = ContractPrice.Parse("0.61");
        var trigger = Assert.Single(h.Monitor.Evaluate());
        Assert.Equal(ExitReason.TakeProfit, trigger.Reason);
        Assert.Equal(ContractPrice.Parse("0.61"), trigger.Limit);
    }

    [Fact]
    public async Task An_exit_order_is_the_only_thing_that_makes_a_position_closing()
    {
        using var h = await Holding50();
        var position = h.Portfolio.OpenPositions.Single();
        Assert.False(position.Closing);
        h.Venue.OnSubmit = (_, _) => SubmitScript.Accept; // rests, never fills
        var exiting = h.Run(() => h.Exits.ExitAsync(position, ExitReason.Manual, ContractPrice.Parse("0.50"), CancellationToken.None));
        await Task.Delay(20);
        Assert.True(position.Closing);
        // A second exit while one is live is refused, not doubled.
        var second = await h.Exits.ExitAsync(position, ExitReason.Manual, ContractPrice.Parse("0.50"), CancellationToken.None);
        Assert.NotNull(second.Skipped);
        var result = await exiting;
        Assert.Equal(ConfirmationOutcome.Unfilled, result.Confirmation!.Outcome);
        Assert.False(position.Closing);
        Assert.Equal(Contracts.Of(50), position.Contracts);
        Assert.Single(h.Venue.Orders, o => o.ClientOrderId == result.Confirmation.ClientOrderId);
    }

    [Fact]
    public async Task Settlement_closes_the_position_at_a_dollar()
    {
        using var h = await Holding50();
        var settled = h.Portfolio.Settle(EngineHarness.Ticker, OutcomeSide.Yes);
        var p = Assert.Single(settled);
        Assert.True(p.IsClosed);
        Assert.Equal(Money.Parse("27.50"), p.Position.GrossRealizedPnl); // 50 x (1 - 0.45)
        Assert.Empty(h.Portfolio.OpenPositions);
    }
}
