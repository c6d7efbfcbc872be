using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Engine.Arbitrage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.App.Control;

/// <summary>
/// Two-leg funding-arbitrage operations (CONTRACTS.md §3): POST /arb/open, POST /arb/close, GET
/// /arb and GET /arb/{id}. A request is checked against the venues before anything runs (a bad one
/// is a 400 naming what is wrong, one on a symbol with an operation running a 409; nothing
/// changes); a good one runs on the engine's lifetime and is answered when it ends, as the
/// operation document. A client that hangs up stops waiting, never the operation.
/// </summary>
public static partial class ControlApi
{
    private static void MapArb(RouteGroupBuilder api, ControlContext ctx)
    {
        api.MapGet("/arb", () =>
        {
            var answer = new JsonObject
            {
                ["operations"] = new JsonArray(ctx.Engine.ArbBook.All.Select(v => (JsonNode?)TwoLegJson.ToJson(v)).ToArray()),
            };
            if (ctx.FundingArb is { } strategy)
            {
                answer["strategy"] = new JsonObject
                {
                    ["name"] = FundingArbStrategy.Strategy,
                    ["symbol"] = strategy.Options.Symbol,
                    ["venues"] = new JsonArray(strategy.Options.Venues.Select(v => (JsonNode?)v).ToArray()),
                    ["position"] = strategy.Position is { } p ? new JsonObject
                    {
                        ["long_venue"] = p.LongVenue,
                        ["short_venue"] = p.ShortVenue,
                        ["entry_spread_per_hour"] = p.EntrySpreadPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["opened_at"] = p.OpenedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                        ["operation"] = p.OperationId,
                    } : null,
                    ["decisions"] = new JsonArray(strategy.Decisions.Select(d => (JsonNode?)FundingArbStrategy.ToJson(d)).ToArray()),
                };
            }
            return Results.Json(answer);
        });

        api.MapGet("/arb/{id}", (string id) => ctx.Engine.ArbBook.Find(id) is { } view
            ? Results.Json(TwoLegJson.ToJson(view))
            : Results.Json(new JsonObject { ["error"] = "not_found", ["message"] = $"no two-leg operation '{Printable(id)}'" }, statusCode: 404));

        api.MapPost("/arb/open", async (HttpRequest request, CancellationToken ct) =>
        {
            var (root, problem) = await ReadBodyAsync(request, ct);
            if (root is not { } body) return BadRequest(problem!);
            var (open, why) = ReadOpen(body);
            if (open is null) return BadRequest(why!);
            return await RunAsync(ctx, await ctx.Engine.Arbitrage.PlanOpenAsync(open, ct), ct);
        });

        api.MapPost("/arb/close", async (HttpRequest request, CancellationToken ct) =>
        {
            var (root, problem) = await ReadBodyAsync(request, ct);
            if (root is not { } body) return BadRequest(problem!);
            var (close, why) = ReadClose(body);
            if (close is null) return BadRequest(why!);
            return await RunAsync(ctx, await ctx.Engine.Arbitrage.PlanCloseAsync(close, ct), ct);
        });
    }

    private static async Task<IResult> RunAsync(ControlContext ctx, TwoLegPlanning planning, CancellationToken ct)
    {
        if (planning.Plan is not { } plan)
        {
            return planning.Busy
                ? Results.Json(new JsonObject { ["error"] = "conflict", ["message"] = planning.Problem }, statusCode: 409)
                : BadRequest(planning.Problem!);
        }
        var view = await ctx.Engine.RunArbAsync(plan).WaitAsync(ct);
        return Results.Json(TwoLegJson.ToJson(view));
    }

    /// <summary>{"symbol","long_venue","short_venue","quantity","reason"?}</summary>
    private static (ArbOpenRequest? Request, string? Problem) ReadOpen(JsonElement root)
    {
        var symbol = Symbol(root, out var p);
        if (p is not null) return (null, p);
        var longVenue = Required(root, "long_venue", "a venue name such as \"aster\"", out p);
        if (p is not null) return (null, p);
        var shortVenue = Required(root, "short_venue", "a venue name such as \"lighter\"", out p);
        if (p is not null) return (null, p);
        var quantityText = Required(root, "quantity", "a decimal string such as \"2.332\"", out p);
        if (p is not null) return (null, p);
        if (!Quantity.TryParse(quantityText, out var quantity, out var why)) return (null, $"'quantity': {Printable(why)}");
        if (quantity.IsZero) return (null, "'quantity' must be more than zero");
        var reason = BodyText(root, "reason", "a string", out p) ?? "manual";
        if (p is not null) return (null, p);
        return (new ArbOpenRequest(symbol!, longVenue!, shortVenue!, quantity, Printable(reason), "manual"), null);
    }

    /// <summary>{"symbol","venues":[a,b],"reason"}</summary>
    private static (ArbCloseRequest? Request, string? Problem) ReadClose(JsonElement root)
    {
        var symbol = Symbol(root, out var p);
        if (p is not null) return (null, p);
        if (!root.TryGetProperty("venues", out var venues) || venues.ValueKind != JsonValueKind.Array || venues.GetArrayLength() != 2
            || venues.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            return (null, "'venues' must be an array of two venue names, such as [\"aster\",\"lighter\"]");
        var names = new List<string>();
        foreach (var v in venues.EnumerateArray())
        {
            string? name;
            try
            {
                name = v.GetString();
            }
            catch (InvalidOperationException)
            {
                return (null, "'venues' holds text that is not valid (invalid UTF-8 or a lone surrogate)");
            }
            if (string.IsNullOrWhiteSpace(name) || !IsPlainName(name)) return (null, $"'venues': '{Printable(name ?? "")}' is not a venue name");
            names.Add(name);
        }
        var reason = Required(root, "reason", $"one of {string.Join(", ", TwoLegText.CloseReasons)}", out p);
        if (p is not null) return (null, p);
        if (!TwoLegText.CloseReasons.Contains(reason!)) return (null, $"'reason' must be one of {string.Join(", ", TwoLegText.CloseReasons)}");
        return (new ArbCloseRequest(symbol!, names, reason!, "manual"), null);
    }

    private static string? Symbol(JsonElement root, out string? problem)
    {
        var symbol = Required(root, "symbol", "the base asset, such as \"ZEC\"", out problem);
        if (problem is null && !IsPlainName(symbol!)) problem = $"'symbol' must be a base asset such as \"ZEC\" (letters and digits), not '{Printable(symbol!)}'";
        return symbol;
    }

    private static bool IsPlainName(string text) => text.Length is > 0 and <= 32 && text.All(char.IsAsciiLetterOrDigit);

    private static string? Required(JsonElement root, string name, string expected, out string? problem)
    {
        var text = BodyText(root, name, expected, out problem);
        if (problem is null && string.IsNullOrWhiteSpace(text)) problem = $"'{name}' is required: {expected}";
        return text;
    }
}
