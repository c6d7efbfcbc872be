using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Engine.Strategies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.App.Control;

/// <summary>The whale queue: each big trade seen, and whether and why it was followed or skipped.</summary>
public static partial class ControlApi
{
    private static void MapWhales(RouteGroupBuilder api, ControlContext ctx)
    {
        api.MapGet("/whales", () =>
        {
            if (ctx.Whales is not { } follower)
                return Results.Json(new JsonObject { ["error"] = "the whale follower is not running (start with --strategy whale-follower; paper runs it)" }, statusCode: 404);
            var s = follower.Snapshot();
            return Results.Json(new JsonObject
            {
                ["seen"] = s.Seen,
                ["followed"] = s.Followed,
                ["skipped"] = s.Skipped,
                ["settings"] = new JsonObject
                {
                    ["min_notional_dollars"] = s.Options.MinNotional.ToString(),
                    ["max_age_s"] = (int)s.Options.MaxAge.TotalSeconds,
                    ["contracts_per_follow"] = s.Options.ContractsPerFollow.ToString(),
                    ["share_of_whale_percent"] = s.Options.ShareOfWhalePercent.ToString(CultureInfo.InvariantCulture),
                    ["price_offset_dollars"] = s.Options.PriceOffset.ToString(CultureInfo.InvariantCulture),
                    ["max_price_dollars"] = s.Options.MaxPrice.ToString(),
                },
                ["whales"] = new JsonArray(s.Recent.Select(d => (JsonNode?)WhaleJson(d)).ToArray()),
            });
        });
    }

    internal static JsonObject WhaleJson(WhaleDecision d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var w = d.Whale;
        return new JsonObject
        {
            ["id"] = w.Id,
            ["market"] = w.Market,
            ["instrument"] = w.Instrument.ToString(),
            ["side"] = w.Side,
            ["price_dollars"] = w.Price.ToString(),
            ["count"] = w.Quantity.ToString(),
            ["notional_dollars"] = w.Notional.ToString(),
            ["time"] = w.Time.ToString("O", CultureInfo.InvariantCulture),
            ["decision"] = WhaleDecision.Wire(d.Verdict),
            ["reason"] = d.Reason,
            ["decided_at"] = d.DecidedAt.ToString("O", CultureInfo.InvariantCulture),
            ["entry_price_dollars"] = d.EntryPrice?.ToString(),
            ["requested"] = d.Requested?.ToString(),
            ["filled"] = d.Filled?.ToString(),
            ["outcome"] = d.Outcome,
            ["position_id"] = d.Position?.Value,
        };
    }
}
