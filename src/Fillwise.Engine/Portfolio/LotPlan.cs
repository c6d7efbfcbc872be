using System.Text.Json.Nodes;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Portfolio;

/// <summary>What the strategy meant by a lot: its side, its exits and why it was entered.</summary>
public sealed record LotPlan(
    string Strategy,
    PositionSide Side,
    Price? StopLoss,
    Price? TakeProfit,
    Quantity? RequestedQuantity,
    string? Reason = null)
{
    public static LotPlan Unplanned(PositionSide side, string why) => new("none", side, null, null, null, why);

    /// <summary>The plan as the journal keeps it inside the entry intent's metadata (restored before any fill).</summary>
    public JsonObject ToJson() => new()
    {
        ["strategy"] = Strategy,
        ["side"] = Side == PositionSide.Long ? "long" : "short",
        ["stop_loss"] = StopLoss?.ToString(),
        ["take_profit"] = TakeProfit?.ToString(),
        ["requested"] = RequestedQuantity?.ToString(),
        ["reason"] = Reason,
    };

    public static LotPlan? FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) return null;
        static Price? P(JsonNode? n) => n?.GetValue<string>() is { } s ? Price.Parse(s) : null;
        return new LotPlan(
            o["strategy"]?.GetValue<string>() ?? "none",
            o["side"]?.GetValue<string>() == "short" ? PositionSide.Short : PositionSide.Long,
            P(o["stop_loss"]), P(o["take_profit"]),
            o["requested"]?.GetValue<string>() is { } q ? Quantity.Parse(q) : null,
            o["reason"]?.GetValue<string>());
    }
}
