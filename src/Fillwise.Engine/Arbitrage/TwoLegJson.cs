using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Arbitrage;

/// <summary>
/// A two-leg operation in the shape of CONTRACTS.md §3 (the control API's answer, the event
/// stream's `arb` event and the journal's record are the same document): quantities and prices as
/// decimal strings in each venue's own precision, average prices to 6 places.
/// </summary>
public static class TwoLegJson
{
    public static JsonObject ToJson(TwoLegView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var legs = new JsonArray();
        foreach (var leg in view.Legs)
        {
            var orders = new JsonArray();
            foreach (var o in leg.Orders)
            {
                orders.Add(new JsonObject
                {
                    ["order_id"] = o.OrderId?.Value ?? o.ClientOrderId.Value,
                    ["client_order_id"] = o.ClientOrderId.Value,
                    ["phase"] = TwoLegText.Wire(o.Phase),
                    ["side"] = o.Side.ToWire(),
                    ["price"] = Fixed(o.Price.Value, leg.PriceDecimals),
                    ["quantity"] = Fixed(o.Quantity.Value, leg.QuantityDecimals),
                    ["filled"] = Fixed(o.Filled.Value, leg.QuantityDecimals),
                    ["status"] = Status(o.Status),
                    ["post_only"] = o.PostOnly,
                    ["reduce_only"] = o.ReduceOnly,
                });
            }
            legs.Add(new JsonObject
            {
                ["venue"] = leg.Venue,
                ["instrument"] = leg.Instrument.ToString(),
                ["side"] = leg.Side.ToWire(),
                ["target"] = Fixed(leg.Target.Value, leg.QuantityDecimals),
                ["filled"] = Fixed(leg.Filled.Value, leg.QuantityDecimals),
                ["avg_price"] = leg.AveragePrice is { } avg ? Money.Round(avg.Value).ToString(0) : null,
                ["fees"] = leg.Fees.ToString(0),
                ["maker_fees"] = leg.MakerFees.ToString(0),
                ["taker_fees"] = leg.TakerFees.ToString(0),
                ["orders"] = orders,
            });
        }
        return new JsonObject
        {
            ["id"] = view.Id,
            ["kind"] = TwoLegText.Wire(view.Kind),
            ["symbol"] = view.Symbol,
            ["reason"] = view.Reason,
            ["strategy"] = view.Strategy,
            ["outcome"] = TwoLegText.Wire(view.Outcome),
            ["legs"] = legs,
            ["phases"] = new JsonArray(view.Phases.Select(p => (JsonNode?)TwoLegText.Wire(p)).ToArray()),
            ["dust"] = new JsonArray(view.Dust.Select(d => (JsonNode?)new JsonObject
            {
                ["venue"] = d.Venue,
                ["quantity"] = d.Quantity.ToString(),
                ["why"] = d.Why,
            }).ToArray()),
            ["rolled_back"] = view.RolledBack,
            ["error"] = view.Error,
            ["notes"] = new JsonArray(view.Notes.Select(n => (JsonNode?)n).ToArray()),
            ["started_at"] = view.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            ["ended_at"] = view.EndedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["hedge_latency_ms"] = view.HedgeLatency is { } latency ? Math.Round((decimal)latency.TotalMilliseconds, 3) : null,
        };
    }

    /// <summary>Reads back what <see cref="ToJson"/> wrote (the journal at a restart); throws <see cref="FormatException"/> on anything else.</summary>
    public static TwoLegView FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) throw new FormatException("a two-leg operation must be a JSON object");
        try
        {
            var legs = new List<TwoLegLegView>();
            foreach (var l in Array(o, "legs"))
            {
                var target = Text(l, "target");
                var orders = new List<TwoLegOrderView>();
                var priceDecimals = 0;
                foreach (var x in Array(l, "orders"))
                {
                    var price = Text(x, "price");
                    priceDecimals = Math.Max(priceDecimals, Decimals(price));
                    var client = new ClientOrderId(Text(x, "client_order_id"));
                    var orderId = Text(x, "order_id");
                    orders.Add(new TwoLegOrderView(client, orderId == client.Value ? null : new VenueOrderId(orderId),
                        TwoLegText.TryParse(Text(x, "phase"), out var phase) ? phase : throw new FormatException($"unknown phase '{Text(x, "phase")}'"),
                        Side(Text(x, "side")), Price.Parse(price), Quantity.Parse(Text(x, "quantity")), Quantity.Parse(Text(x, "filled")),
                        ParseStatus(Text(x, "status")), Flag(x, "post_only"), Flag(x, "reduce_only")));
                }
                legs.Add(new TwoLegLegView(Text(l, "venue"), InstrumentId.Parse(Text(l, "instrument")), Side(Text(l, "side")), Quantity.Parse(target),
                    Quantity.Parse(Text(l, "filled")), l?["avg_price"]?.GetValue<string>() is { } avg ? Price.Parse(avg) : null, Money.Parse(Text(l, "fees")), orders,
                    Decimals(target), priceDecimals, Money.Parse(Text(l, "maker_fees")), Money.Parse(Text(l, "taker_fees"))));
            }
            return new TwoLegView(Text(o, "id"), Text(o, "kind") == "open" ? TwoLegKind.Open : TwoLegKind.Close, Text(o, "symbol"), Text(o, "reason"),
                Text(o, "strategy"), Text(o, "outcome") switch { "success" => TwoLegOutcome.Success, "failed" => TwoLegOutcome.Failed, _ => TwoLegOutcome.Running },
                legs,
                Array(o, "phases").Select(p => TwoLegText.TryParse(p?.GetValue<string>(), out var phase) ? phase : throw new FormatException("unknown phase")).ToList(),
                Array(o, "dust").Select(d => new TwoLegDust(Text(d, "venue"), Quantity.Parse(Text(d, "quantity")), Text(d, "why"))).ToList(),
                o["rolled_back"]?.GetValue<bool>() ?? false, o["error"]?.GetValue<string>(),
                Array(o, "notes").Select(n => n?.GetValue<string>() ?? string.Empty).ToList(),
                DateTimeOffset.Parse(Text(o, "started_at"), CultureInfo.InvariantCulture),
                o["ended_at"]?.GetValue<string>() is { } ended ? DateTimeOffset.Parse(ended, CultureInfo.InvariantCulture) : null,
                o["hedge_latency_ms"] is JsonValue ms ? TimeSpan.FromMilliseconds((double)ms.GetValue<decimal>()) : null);
        }
        catch (Exception e) when (e is InvalidOperationException or Domain.DomainException or ArgumentException)
        {
            throw new FormatException($"a two-leg operation could not be read: {e.Message}", e);
        }
    }

    /// <summary>An order status in the API's words: "filled", "partially_filled", "pending_cancel"...</summary>
    public static string Status(OrderStatus status)
    {
        var name = status.ToString();
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private static OrderStatus ParseStatus(string text) =>
        Enum.GetValues<OrderStatus>().FirstOrDefault(s => Status(s) == text, OrderStatus.Initialized);

    private static OrderSide Side(string text) => text == "buy" ? OrderSide.Buy : text == "sell" ? OrderSide.Sell : throw new FormatException($"side '{text}'");

    private static string Fixed(decimal value, int decimals) =>
        FixedPoint.DecimalPlaces(value) <= decimals ? FixedPoint.FormatExact(value, decimals, "value") : FixedPoint.Format(value, FixedPoint.DecimalPlaces(value));

    private static int Decimals(string text) => text.IndexOf('.', StringComparison.Ordinal) is var i and >= 0 ? text.Length - i - 1 : 0;

    private static string Text(JsonNode? node, string name) =>
        node?[name]?.GetValue<string>() ?? throw new FormatException($"'{name}' is missing");

    private static bool Flag(JsonNode? node, string name) => node?[name]?.GetValue<bool>() ?? false;

    private static IEnumerable<JsonNode?> Array(JsonNode? node, string name) => node?[name] as JsonArray ?? [];
}
