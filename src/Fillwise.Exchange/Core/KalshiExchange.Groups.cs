using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

// Order groups: a rolling 15 s matched-contracts limit; going past it cancels and blocks the group's orders.
public sealed partial class KalshiExchange
{
    private string CreateOrderGroupCore(string userId, Contracts contractsLimit)
    {
        var group = new OrderGroup(Ids.GroupId(++_groupSequence), userId, Lots.Of(contractsLimit));
        _groups.Add(group.Id, group);
        if (_accounts.TryGetValue(userId, out var account)) account.Groups.Add(group);
        GroupEvent(group, OrderGroupEventKind.Created);
        return group.Id;
    }

    private void TriggerGroup(OrderGroup group)
    {
        group.IsTriggered = true;
        CancelGroupOrders(group);
        GroupEvent(group, OrderGroupEventKind.Triggered);
    }

    /// <summary>An order_group_updates event; the limit travels with created and limit_updated only, as Kalshi's.</summary>
    private void GroupEvent(OrderGroup group, OrderGroupEventKind kind) =>
        Events?.OnOrderGroupUpdate(new OrderGroupEvent(group.OwnerId, kind, group.Id,
            kind is OrderGroupEventKind.Created or OrderGroupEventKind.LimitUpdated ? Lots.ToContracts(group.LimitLots) : null, Time.GetUtcNow()));

    private void CancelGroupOrders(OrderGroup group)
    {
        // CancelResting removes each order from group.Resting.
        while (group.Resting.Count > 0) CancelResting(group.Resting[0]);
    }
}
