using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Acceptance.Tests;

/// <summary>Seed 002 §2: the trader's state comes from the venue, with what changed between syncs.</summary>
public sealed class StateSyncStory
{
    [Fact]
    public async Task Syncs_balance_positions_orders_and_groups_and_reports_the_changes()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        var trader = world.Connect(world.TraderAccount);
        var sync = new KalshiStateSync(trader.Rest, TimeProvider.System);

        var (first, initial) = await sync.SyncAsync(CancellationToken.None);
        Assert.Equal(Money.Parse("1000.00"), first.Balance);
        Assert.Empty(first.Positions);
        Assert.Equal(Money.Parse("1000.00"), initial.BalanceChange);

        // A fill (10 YES at 0.45), a resting bid and an order group.
        await world.RestAsync(BookSide.Ask, "0.45", 10);
        await trader.Rest.CreateOrderAsync(new KalshiCreateOrder(AcceptanceWorld.Ticker, BookSide.Bid, Contracts.Of(10), ContractPrice.Parse("0.45"), VenueTimeInForce.ImmediateOrCancel, new ClientOrderId("sync-ioc")));
        var resting = await trader.Rest.CreateOrderAsync(new KalshiCreateOrder(AcceptanceWorld.Ticker, BookSide.Bid, Contracts.Of(5), ContractPrice.Parse("0.30"), VenueTimeInForce.GoodTillCanceled, new ClientOrderId("sync-gtc")));
        var group = await trader.Rest.CreateOrderGroupAsync(Contracts.Of(100));

        var (second, changes) = await sync.SyncAsync(CancellationToken.None);
        var position = Assert.Single(changes.Positions);
        Assert.Equal(ChangeKind.Added, position.Kind);
        Assert.Equal(Contracts.Of(10), position.After!.Contracts);
        var order = Assert.Single(changes.Orders);
        Assert.Equal((ChangeKind.Added, resting.OrderId), (order.Kind, order.OrderId));
        Assert.Equal(group, Assert.Single(changes.OrderGroups).OrderGroupId);
        Assert.True(changes.BalanceChange < Money.Zero); // paid 4.50 plus the fee; the resting bid holds collateral
        Assert.Equal(second.Balance, first.Balance + changes.BalanceChange);

        // Cancel the bid: the order disappears, and a sync with nothing new is empty.
        await trader.Rest.CancelOrderAsync(resting.OrderId, AcceptanceWorld.Ticker);
        var (_, third) = await sync.SyncAsync(CancellationToken.None);
        Assert.Equal(ChangeKind.Removed, Assert.Single(third.Orders).Kind);
        var (_, fourth) = await sync.SyncAsync(CancellationToken.None);
        Assert.True(fourth.IsEmpty);
    }
}
