using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Execution;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.App.Control;

/// <summary>Everything the control API needs from the running engine.</summary>
public sealed record ControlContext(TradingEngine Engine, ControlToken Token, string Mode);

/// <summary>
/// The engine's control API (CONTRACTS.md §3) under /api/v1. Every endpoint but /health needs the
/// bearer token; without it the answer is 401 and nothing changes. Bad requests get a 400 that
/// names the problem, before anything is journaled or sent.
/// </summary>
public static class ControlApi
{
    public const int MaxBodyBytes = 64 * 1024;

    public static void MapControlApi(this IEndpointRouteBuilder app, ControlContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var api = app.MapGroup("/api/v1");
        api.AddEndpointFilter(async (invocation, next) =>
        {
            var http = invocation.HttpContext;
            if (http.Request.Path.Value?.EndsWith("/health", StringComparison.Ordinal) == true) return await next(invocation);
            if (!ctx.Token.Accepts(http.Request.Headers.Authorization.ToString()))
                return Results.Json(new JsonObject { ["error"] = "unauthorized", ["message"] = "a valid 'Authorization: Bearer <control token>' header is required" }, statusCode: 401);
            return await next(invocation);
        });

        api.MapGet("/health", (CancellationToken ct) =>
        {
            var status = ctx.Engine.Metrics.Snapshot().ConsecutiveApiErrors switch { >= 10 => "unhealthy", >= 3 => "degraded", _ => "healthy" };
            return Results.Json(new JsonObject { ["status"] = status });
        });

        api.MapGet("/state", async (CancellationToken ct) =>
        {
            Money balance;
            try
            {
                balance = await ctx.Engine.Venue.GetBalanceAsync(ct);
            }
            catch (Domain.Venues.VenueException)
            {
                balance = Money.Zero;
            }
            return Results.Json(StateDocument.Build(ctx.Engine, ctx.Mode, balance));
        });

        api.MapPost("/orders", async (HttpRequest request, CancellationToken ct) =>
        {
            var (order, problem) = await ReadOrderAsync(request, ctx, ct);
            if (order is null) return BadRequest(problem!);
            var result = await ctx.Engine.Entries.EnterAsync(order, ct);
            return Results.Json(StateDocument.Outcome(result.Confirmation));
        });

        api.MapPost("/positions/{ticker}/close", async (string ticker, CancellationToken ct) =>
        {
            if (!TryTicker(ticker, out var t)) return BadRequest($"'{ticker}' is not a market ticker");
            var positions = ctx.Engine.Portfolio.FindByTicker(t);
            if (positions.Count == 0) return Results.Json(new JsonObject { ["error"] = "not_found", ["message"] = $"no open position on {ticker}" }, statusCode: 404);
            var answers = new JsonArray();
            foreach (var p in positions)
            {
                // The same path as a stop-loss: a marketable limit at the best bid for the held side.
                var limit = ctx.Engine.Quotes.BestBid(p.Ticker, p.Side) ?? ContractPrice.OneCent;
                var exit = await ctx.Engine.Exits.ExitAsync(p, ExitReason.Manual, limit, ct);
                answers.Add(exit.Confirmation is { } c
                    ? StateDocument.Outcome(c)
                    : new JsonObject { ["outcome"] = "skipped", ["error"] = exit.Skipped });
            }
            return Results.Json(answers.Count == 1 ? answers[0]!.DeepClone() : new JsonObject { ["exits"] = answers });
        });
    }

    private static IResult BadRequest(string message) =>
        Results.Json(new JsonObject { ["error"] = "bad_request", ["message"] = message }, statusCode: 400);

    private static bool TryTicker(string text, out MarketTicker ticker)
    {
        try
        {
            ticker = new MarketTicker(text);
            return true;
        }
        catch (Domain.DomainException)
        {
            ticker = default;
            return false;
        }
    }

    private static async Task<(EntryRequest? Request, string? Problem)> ReadOrderAsync(HttpRequest request, ControlContext ctx, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return (null, $"body is larger than {MaxBodyBytes} bytes");
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException e)
        {
            return (null, $"body is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "body must be a JSON object");

            string? Str(string name, out string? problem)
            {
                problem = null;
                if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.String) { problem = $"'{name}' must be a string such as \"0.4500\" or \"10.00\""; return null; }
                return v.GetString();
            }

            var tickerText = Str("ticker", out var p1);
            if (p1 is not null) return (null, p1);
            if (tickerText is null || !TryTicker(tickerText, out var ticker)) return (null, "'ticker' is required and must be a market ticker");

            var sideText = Str("side", out p1);
            if (p1 is not null || !DirectionText.TryParseOutcomeSide(sideText, out var side)) return (null, p1 ?? "'side' must be \"yes\" or \"no\"");

            var countText = Str("count", out p1);
            if (p1 is not null) return (null, p1);
            if (!Contracts.TryParse(countText, out var count, out var why)) return (null, why);
            if (count.IsZero) return (null, "'count' must be more than zero");

            var priceText = Str("limit_price_dollars", out p1);
            if (p1 is not null) return (null, p1);
            if (!ContractPrice.TryParse(priceText, out var limit, out why)) return (null, why);

            ContractPrice? Optional(string name, out string? problem)
            {
                var text = Str(name, out problem);
                if (problem is not null || text is null) return null;
                if (ContractPrice.TryParse(text, out var price, out var e)) return price;
                problem = $"'{name}': {e}";
                return null;
            }
            var stop = Optional("stop_loss_dollars", out p1);
            if (p1 is not null) return (null, p1);
            var take = Optional("take_profit_dollars", out p1);
            if (p1 is not null) return (null, p1);

            TimeSpan? timeout = null;
            if (root.TryGetProperty("fill_timeout_s", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind != JsonValueKind.Number || !t.TryGetDecimal(out var seconds) || seconds <= 0 || seconds > 3600)
                    return (null, "'fill_timeout_s' must be a number of seconds between 0 and 3600");
                timeout = TimeSpan.FromMilliseconds((long)(seconds * 1000m));
            }

            var market = await ctx.Engine.Catalog.GetMarketAsync(ticker, ct);
            if (market is null) return (null, $"market '{ticker}' is not known to the venue");
            if (!market.IsOpen) return (null, $"market '{ticker}' is {market.Status.ToString(CultureInfo.InvariantCulture)}, not open");

            return (new EntryRequest(ticker, side, count, limit, "manual", stop, take, "control api", ctx.Engine.Options.Acceptance, timeout), null);
        }
    }
}
