using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

// Order groups: a rolling 15 s matched-contracts limit that cancels and blocks the group's orders.
public sealed partial class KalshiExchange
{
    private string CreateOrderGroupCore(string userId, Contracts contractsLimit)
    {
        var group = new OrderGroup(Ids.GroupId(++_groupSequence), userId, Lots.Of(contractsLimit));
        _groups.Add(group.Id, group);
        if (_accounts.TryGetValue(userId, out var account)) account.Groups.Add(group);
        return group.Id;
    }

    private void TriggerGroup(OrderGroup group)
    {
        group.IsTriggered = true;
        CancelGroupOrders(group);
    }

    private void CancelGroupOrders(OrderGroup group)
    {
        // CancelResting removes each order from group.Resting.
        while (group.Resting.Count > 0) CancelResting(group.Resting[0]);
    }
}
