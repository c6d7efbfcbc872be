using System.Collections.Frozen;

namespace Fillwise.Domain.Orders;

/// <summary>
/// The one table of legal order state changes. A (state, event) pair not listed is illegal: the
/// order refuses it and reports why. Fills may race cancels, so canceled / expired / pending-cancel
/// orders still accept fills; terminal states accept nothing.
/// </summary>
public static class OrderTransitions
{
    private static readonly FrozenDictionary<(OrderStatus From, OrderEventKind Event), OrderStatus[]> Table = Build();

    private static FrozenDictionary<(OrderStatus, OrderEventKind), OrderStatus[]> Build()
    {
        const OrderStatus init = OrderStatus.Initialized, sub = OrderStatus.Submitted, rest = OrderStatus.Resting,
            part = OrderStatus.PartiallyFilled, filled = OrderStatus.Filled, pend = OrderStatus.PendingCancel,
            canc = OrderStatus.Canceled, rej = OrderStatus.Rejected, exp = OrderStatus.Expired, denied = OrderStatus.Denied;

        var t = new Dictionary<(OrderStatus, OrderEventKind), OrderStatus[]>
        {
            [(init, OrderEventKind.Submit)] = [sub],
            [(init, OrderEventKind.Deny)] = [denied],

            // In flight: every venue answer is possible, and "we do not know" keeps it in flight.
            [(sub, OrderEventKind.OutcomeUnknown)] = [sub],
            [(sub, OrderEventKind.Accept)] = [rest],
            [(sub, OrderEventKind.Reject)] = [rej],
            [(sub, OrderEventKind.Fill)] = [part, filled],
            [(sub, OrderEventKind.Cancel)] = [canc],
            [(sub, OrderEventKind.Expire)] = [exp],
            [(sub, OrderEventKind.StatusReport)] = [rest, part, canc, exp],

            [(rest, OrderEventKind.Accept)] = [rest],
            [(rest, OrderEventKind.Fill)] = [part, filled],
            [(rest, OrderEventKind.CancelRequest)] = [pend],
            [(rest, OrderEventKind.Cancel)] = [canc],
            [(rest, OrderEventKind.Expire)] = [exp],
            [(rest, OrderEventKind.StatusReport)] = [rest, part, canc, exp],

            [(part, OrderEventKind.Fill)] = [part, filled],
            [(part, OrderEventKind.CancelRequest)] = [pend],
            [(part, OrderEventKind.Cancel)] = [canc],
            [(part, OrderEventKind.Expire)] = [exp],
            [(part, OrderEventKind.StatusReport)] = [part, canc, exp],

            // A fill can land between our cancel request and the venue's answer.
            [(pend, OrderEventKind.Fill)] = [pend, filled],
            [(pend, OrderEventKind.Cancel)] = [canc],
            [(pend, OrderEventKind.CancelReject)] = [rest, part],
            [(pend, OrderEventKind.Expire)] = [exp],
            [(pend, OrderEventKind.StatusReport)] = [pend, canc, exp],

            // A fill can arrive after the venue said canceled or expired: it happened before.
            [(canc, OrderEventKind.Fill)] = [canc, filled],
            [(canc, OrderEventKind.StatusReport)] = [canc],
            // The cancel's own answer after a report already said canceled: late, agreeing.
            [(canc, OrderEventKind.Cancel)] = [canc],
            [(exp, OrderEventKind.Fill)] = [exp, filled],
            [(exp, OrderEventKind.StatusReport)] = [exp],

            // Reconciliation asks about finished orders too; agreeing is not news.
            [(filled, OrderEventKind.StatusReport)] = [filled],

            // The create's answer after the stream already told us the order (and its fills, its
            // cancel): late, agreeing, nothing moves. A different venue id is still refused.
            [(part, OrderEventKind.Accept)] = [part],
            [(pend, OrderEventKind.Accept)] = [pend],
            [(canc, OrderEventKind.Accept)] = [canc],
            [(exp, OrderEventKind.Accept)] = [exp],
            [(filled, OrderEventKind.Accept)] = [filled],
        };
        return t.ToFrozenDictionary();
    }

    /// <summary>The states an event may lead to from <paramref name="from"/>; empty when illegal.</summary>
    public static IReadOnlyList<OrderStatus> Targets(OrderStatus from, OrderEventKind kind) =>
        Table.TryGetValue((from, kind), out var targets) ? targets : [];

    public static bool IsLegal(OrderStatus from, OrderEventKind kind) => Table.ContainsKey((from, kind));

    public static bool IsLegal(OrderStatus from, OrderEventKind kind, OrderStatus to) =>
        Table.TryGetValue((from, kind), out var targets) && Array.IndexOf(targets, to) >= 0;

    public static bool IsTerminal(OrderStatus status) =>
        status is OrderStatus.Filled or OrderStatus.Rejected or OrderStatus.Denied;

    /// <summary>Done on the venue: nothing more will rest, though a racing fill may still land.</summary>
    public static bool IsClosedOnVenue(OrderStatus status) =>
        IsTerminal(status) || status is OrderStatus.Canceled or OrderStatus.Expired;
}
