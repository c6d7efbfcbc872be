using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fillwise.App.Control;

/// <summary>The control API's risk side: emergency stop, kill-switch reset, cleanup, and the live event stream.</summary>
public static partial class ControlApi
{
    private static void MapRisk(RouteGroupBuilder api, ControlContext ctx)
    {
        api.MapPost("/emergency-stop", async (HttpRequest request) =>
        {
            var (body, problem) = await ReadOptionalBodyAsync(request);
            if (problem is not null) return BadRequest(problem);
            var reason = body?.GetValueOrDefault("reason") is { } r && !string.IsNullOrWhiteSpace(r) ? "manual: " + Printable(r) : "manual emergency stop";
            // On the engine's lifetime: a client that hangs up does not stop the sweep half-way.
            await ctx.Engine.KillSwitch.EmergencyStopAsync(reason, ctx.Engine.Lifetime);
            return Results.Json(KillSwitchAnswer(ctx));
        });

        api.MapPost("/kill-switch/reset", async (HttpRequest request) =>
        {
            var (body, problem) = await ReadOptionalBodyAsync(request);
            if (problem is not null) return BadRequest(problem);
            var confirm = body?.GetValueOrDefault("confirm");
            if (confirm != "RESET") return BadRequest("a reset needs the body {\"confirm\":\"RESET\"}");
            var result = await ctx.Engine.KillSwitch.ResetAsync(confirm, ctx.Engine.Lifetime);
            var answer = KillSwitchAnswer(ctx);
            answer["reset"] = result.Reset;
            answer["message"] = result.Message;
            return Results.Json(answer, statusCode: result.Reset ? 200 : 409);
        });

        api.MapPost("/cleanup", async () =>
        {
            var sweep = await ctx.Engine.Sweep.SweepAsync(ctx.Engine.Lifetime);
            return Results.Json(new JsonObject { ["canceled"] = sweep.Canceled, ["errors"] = sweep.Errors, ["note"] = sweep.Note });
        });

        api.MapGet("/events", (HttpContext http) => StreamEventsAsync(http, ctx));
    }

    private static JsonObject KillSwitchAnswer(ControlContext ctx)
    {
        var answer = StateDocument.KillSwitch(ctx.Engine.KillSwitch.Status());
        answer["trading_state"] = Engine.Risk.TradingStatus.Wire(ctx.Engine.Trading.Status.Mode);
        if (ctx.Engine.KillSwitch.LastSweep is { } sweep) answer["last_sweep"] = new JsonObject { ["canceled"] = sweep.Canceled, ["errors"] = sweep.Errors, ["note"] = sweep.Note };
        return answer;
    }

    /// <summary>An optional JSON object body (none is fine) read into its string fields; anything else is a problem named.</summary>
    private static async Task<(Dictionary<string, string>? Body, string? Problem)> ReadOptionalBodyAsync(HttpRequest request)
    {
        var (body, problem) = await ReadBodyAsync(request, request.HttpContext.RequestAborted, optional: true);
        if (body is not { } root) return (null, problem);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.String) fields[p.Name] = p.Value.GetString()!;
        return (fields, null);
    }

    /// <summary>
    /// Server-sent events (text/event-stream): one `event:` line with the kind and one `data:` line
    /// of JSON per change, a comment every 15 s to keep proxies open, until the client goes away.
    /// </summary>
    private static async Task StreamEventsAsync(HttpContext http, ControlContext ctx)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = ctx.Engine.Events.Subscribe();
        // Ends when the reader goes away or the host stops (a stop must not wait on an open dashboard).
        var stopping = http.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = ends.Token;
        await WriteEventAsync(http, "hello", new JsonObject { ["trading_state"] = Engine.Risk.TradingStatus.Wire(ctx.Engine.Trading.Status.Mode) }, ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    if (!await subscription.Reader.WaitToReadAsync(heartbeat.Token)) return;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    continue;
                }
                while (subscription.Reader.TryRead(out var e))
                {
                    var (kind, data) = EventDocument.Of(e, ctx);
                    await WriteEventAsync(http, kind, data, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The reader went away.
        }
    }

    private static async Task WriteEventAsync(HttpContext http, string kind, JsonNode data, CancellationToken ct)
    {
        var text = new StringBuilder().Append("event: ").Append(kind).Append('\n').Append("data: ").Append(data.ToJsonString()).Append("\n\n").ToString();
        await http.Response.WriteAsync(text, ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
