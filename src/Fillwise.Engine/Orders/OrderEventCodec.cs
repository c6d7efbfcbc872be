using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;

namespace Fillwise.Engine.Orders;

/// <summary>
/// How order events are written to the journal and read back: each payload carries what the event
/// needs to be applied again, so a restart rebuilds an order by replaying its events through the
/// order aggregate (the same transition table), not by trusting a saved status.
/// </summary>
internal static class OrderEventCodec
{
    public const string NotSent = "NotSent";

    public static JournalOrderEvent Encode(Order order, OrderEvent e)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(e);
        var payload = e switch
        {
            OrderFilled f => new JsonObject
            {
                ["trade_id"] = f.TradeId.Value,
                ["quantity"] = f.Quantity.ToString(),
                ["price"] = f.Price.ToString(),
                ["commission"] = f.Commission.ToString(),
                ["is_taker"] = f.IsTaker,
            },
            OrderRejected r => new JsonObject { ["why"] = r.Why.ToString(), ["code"] = r.Code, ["reason"] = r.Reason },
            OrderOutcomeUnknown u => new JsonObject { ["reason"] = u.Reason },
            OrderDenied d => new JsonObject { ["reason"] = d.Reason },
            OrderCancelRejected c => new JsonObject { ["reason"] = c.Reason },
            OrderStatusReported s => new JsonObject { ["state"] = s.State.ToString(), ["filled"] = s.Filled.ToString() },
            _ => new JsonObject(),
        };
        var venueOrderId = e switch
        {
            OrderAccepted a => a.VenueOrderId,
            OrderStatusReported s => s.VenueOrderId,
            _ => order.VenueOrderId,
        };
        return new JournalOrderEvent(order.ClientOrderId, venueOrderId, e.Kind.ToString(), payload.ToJsonString(), e.Time,
            ResolvesIntent: Resolves(e), FinishesOrder: order.IsClosedOnVenue);
    }

    /// <summary>The venue answered: the intent's outcome is known (not for our own submit, cancel request, or "unknown").</summary>
    public static bool Resolves(OrderEvent e) => e.Kind is not (OrderEventKind.Submit or OrderEventKind.OutcomeUnknown or OrderEventKind.CancelRequest);

    /// <summary>The event as it was applied; throws <see cref="JournalCorruptException"/> when the journal holds something else.</summary>
    public static OrderEvent Decode(JournalOrderEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        JsonObject p;
        try
        {
            p = JsonNode.Parse(stored.PayloadJson) as JsonObject ?? throw Corrupt(stored, "payload is not an object");
        }
        catch (JsonException e)
        {
            throw Corrupt(stored, e.Message);
        }
        var at = stored.At;
        try
        {
            return stored.Kind switch
            {
                nameof(OrderEventKind.Submit) => new OrderSubmitted(at),
                nameof(OrderEventKind.Deny) => new OrderDenied(Text(p, "reason"), at),
                nameof(OrderEventKind.OutcomeUnknown) => new OrderOutcomeUnknown(Text(p, "reason"), at),
                nameof(OrderEventKind.Accept) => new OrderAccepted(stored.VenueOrderId ?? throw Corrupt(stored, "acceptance without a venue order id"), at),
                nameof(OrderEventKind.Reject) => new OrderRejected(Enum.Parse<RejectionReason>(Text(p, "why")), Text(p, "code"), Text(p, "reason"), at),
                nameof(OrderEventKind.Fill) => new OrderFilled(new TradeId(Text(p, "trade_id")), Quantity.Parse(Text(p, "quantity")), Price.Parse(Text(p, "price")),
                    Money.Parse(Text(p, "commission")), p["is_taker"]?.GetValue<bool>() ?? false, at),
                nameof(OrderEventKind.CancelRequest) => new OrderCancelRequested(at),
                nameof(OrderEventKind.Cancel) => new OrderCanceled(at),
                nameof(OrderEventKind.CancelReject) => new OrderCancelRejected(Text(p, "reason"), at),
                nameof(OrderEventKind.Expire) => new OrderExpired(at),
                nameof(OrderEventKind.StatusReport) => new OrderStatusReported(stored.VenueOrderId ?? throw Corrupt(stored, "status report without a venue order id"),
                    Enum.Parse<VenueOrderState>(Text(p, "state")), Quantity.Parse(Text(p, "filled")), at),
                _ => throw Corrupt(stored, $"unknown event kind '{stored.Kind}'"),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or Domain.DomainException)
        {
            throw Corrupt(stored, e.Message);
        }
    }

    private static string Text(JsonObject o, string name) =>
        o[name]?.GetValue<string>() ?? throw new FormatException($"'{name}' is missing");

    private static JournalCorruptException Corrupt(JournalOrderEvent e, string why) =>
        new($"journal event {e.Kind} of order {e.ClientOrderId}: {why}");
}
