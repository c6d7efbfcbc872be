using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.App.Control;

/// <summary>What the dashboard reads beyond /state (recent fills and alerts, PnL and quote samples) and the dry-run switch of a live engine.</summary>
public static partial class ControlApi
{
    private static void MapDashboard(RouteGroupBuilder api, ControlContext ctx, EngineHistory? history)
    {
        IResult NoHistory() => Results.Json(new JsonObject { ["error"] = "not_found", ["message"] = "this host keeps no history" }, statusCode: 404);

        api.MapGet("/fills", (HttpRequest request) =>
        {
            if (history is null) return NoHistory();
            if (!Limit(request, EngineHistory.MaxFills, out var limit, out var problem)) return BadRequest(problem!);
            return Results.Json(new JsonObject { ["fills"] = history.Fills(limit) });
        });

        api.MapGet("/alerts", (HttpRequest request) =>
        {
            if (history is null) return NoHistory();
            if (!Limit(request, EngineHistory.MaxAlerts, out var limit, out var problem)) return BadRequest(problem!);
            return Results.Json(new JsonObject { ["alerts"] = history.Alerts(limit) });
        });

        api.MapGet("/history", (HttpRequest request) =>
        {
            if (history is null) return NoHistory();
            DateTimeOffset? since = null;
            if (request.Query.TryGetValue("since", out var text))
            {
                if (!DateTimeOffset.TryParse(text.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    return BadRequest($"'since' must be an RFC 3339 time such as 2026-01-30T14:23:45Z, not '{Printable(text.ToString())}'");
                since = t;
            }
            return Results.Json(history.Samples(since));
        });

        api.MapPost("/dry-run", async (HttpRequest request, CancellationToken ct) =>
        {
            var (wanted, confirm, problem) = await ReadDryRunAsync(request, ct);
            if (problem is not null) return BadRequest(problem);
            if (ctx.Mode != "live")
                return Results.Json(new JsonObject { ["error"] = "not_live", ["message"] = $"a dry run applies to live trading only; this engine runs in {ctx.Mode} mode" }, statusCode: 409);
            if (!wanted && confirm != DryRun.ConfirmWord) return BadRequest($"turning real trading on needs \"confirm\":\"{DryRun.ConfirmWord}\"");
            DryRun.Set(ctx.Engine, wanted);
            return Results.Json(new JsonObject
            {
                ["dry_run"] = DryRun.IsOn(ctx.Engine),
                ["trading_state"] = Engine.Risk.TradingStatus.Wire(ctx.Engine.Trading.Status.Mode),
                ["reason"] = ctx.Engine.Trading.Status.Reason,
            });
        });
    }

    /// <summary>{"dry_run":true|false,"confirm"?:"..."}; anything else is a problem named.</summary>
    private static async Task<(bool DryRun, string? Confirm, string? Problem)> ReadDryRunAsync(HttpRequest request, CancellationToken ct)
    {
        const string Shape = "the body must be {\"dry_run\":true} or {\"dry_run\":false,\"confirm\":\"" + DryRun.ConfirmWord + "\"}";
        var (body, problem) = await ReadBodyAsync(request, ct);
        if (body is not { } root) return (false, null, $"{Shape} ({problem})");
        if (!root.TryGetProperty("dry_run", out var flag) || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return (false, null, Shape);
        var confirm = BodyText(root, "confirm", "a string", out problem);
        return problem is null ? (flag.GetBoolean(), confirm, null) : (false, null, problem);
    }

    private static bool Limit(HttpRequest request, int max, out int limit, out string? problem)
    {
        limit = max;
        problem = null;
        if (!request.Query.TryGetValue("limit", out var text)) return true;
        if (int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is > 0 && limit <= max) return true;
        problem = $"'limit' must be a whole number from 1 to {max}, not '{Printable(text.ToString())}'";
        return false;
    }
}
