using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Execution;
using Fillwise.Venues.Kalshi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.App.Control;

/// <summary>Everything the control API needs from the running engine.</summary>
public sealed record ControlContext(TradingEngine Engine, ControlToken Token, string Mode, string PrimaryVenue, TimeSpan EntryTimeout)
{
    public HealthThresholds Health { get; init; } = new();

    /// <summary>How often the dashboard's history samples the day's PnL and the quotes of what is held.</summary>
    public TimeSpan HistoryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The whale follower when it runs (GET /whales).</summary>
    public Engine.Strategies.WhaleFollower? Whales { get; init; }

    /// <summary>The funding-arb strategy when it runs (its position and decisions appear in GET /arb).</summary>
    public Engine.Arbitrage.FundingArbStrategy? FundingArb { get; init; }
}

/// <summary>When /health turns degraded, then unhealthy: API errors in a row (healthy again after a success).</summary>
public sealed record HealthThresholds(long DegradedAfterErrors = 3, long UnhealthyAfterErrors = 10);

/// <summary>
/// The engine's control API (CONTRACTS.md §3) under /api/v1. Every endpoint but /health needs the
/// bearer token; without it the answer is 401 and nothing changes. Bad requests get a 400 that
/// names the problem, before anything is journaled or sent. Orders run on the engine's lifetime:
/// a client that goes away stops waiting, the order is still followed and canceled at its timeout.
/// </summary>
public static partial class ControlApi
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <param name="history">The recent past for the dashboard (fills, alerts, PnL and quote samples); its endpoints answer 404 without it.</param>
    public static void MapControlApi(this IEndpointRouteBuilder app, ControlContext ctx, EngineHistory? history = null)
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

        api.MapGet("/health", () =>
        {
            var errors = ctx.Engine.Metrics.Snapshot().ConsecutiveApiErrors;
            var status = errors >= ctx.Health.UnhealthyAfterErrors ? "unhealthy" : errors >= ctx.Health.DegradedAfterErrors ? "degraded" : "healthy";
            return Results.Json(new JsonObject { ["status"] = status, ["consecutive_api_errors"] = errors });
        });

        api.MapGet("/state", () =>
            Results.Json(StateDocument.Build(ctx.Engine.Snapshot(), ctx.Mode, ctx.PrimaryVenue, ctx.Engine.KnownInstrument,
                id => ctx.Engine.Venues.For(id).MarketData.GetQuote(id), DryRun.IsOn(ctx.Engine))));

        api.MapGet("/reconciliation", () =>
        {
            var reports = ctx.Engine.Reconciler.LastReports;
            return Results.Json(new JsonObject
            {
                ["trading_state"] = Engine.Risk.TradingStatus.Wire(ctx.Engine.Trading.Status.Mode),
                ["reports"] = new JsonArray(reports.Select(r => (JsonNode?)r.ToJson()).ToArray()),
            });
        });

        api.MapPost("/reconciliation/allow", () =>
        {
            // A person has reviewed the orphans found at start and lets trading go on (seed 004).
            ctx.Engine.AllowOrphans();
            return Results.Json(new JsonObject { ["trading_state"] = Engine.Risk.TradingStatus.Wire(ctx.Engine.Trading.Status.Mode), ["reason"] = ctx.Engine.Trading.Status.Reason });
        });

        api.MapPost("/orders", async (HttpRequest request, CancellationToken ct) =>
        {
            var (order, problem) = await ReadOrderAsync(request, ctx, ct);
            if (order is null) return BadRequest(problem!);
            var result = await ctx.Engine.EnterAsync(order).WaitAsync(ct);
            return Results.Json(StateDocument.Outcome(result.Confirmation, result.PositionId, instrument: ctx.Engine.KnownInstrument(order.Instrument)));
        });

        api.MapPost("/positions/{id}/close", async (string id, CancellationToken ct) =>
        {
            var lots = Targets(ctx, id);
            if (lots is null) return BadRequest($"'{Printable(id)}' is neither a position id nor a market ticker");
            if (lots.Count == 0) return Results.Json(new JsonObject { ["error"] = "not_found", ["message"] = $"no open position '{Printable(id)}'" }, statusCode: 404);
            var answers = new JsonArray();
            foreach (var lot in lots) answers.Add(await CloseAsync(ctx, lot, ct));
            return Results.Json(answers.Count == 1 ? answers[0]!.DeepClone() : new JsonObject { ["exits"] = answers });
        });

        MapRisk(api, ctx);
        MapDashboard(api, ctx, history);
        MapWhales(api, ctx);
        MapArb(api, ctx);
    }

    /// <summary>The lots a close names: one position by its id, or every position on a market ticker; null when the id is not an identifier.</summary>
    private static IReadOnlyList<Engine.Portfolio.LotView>? Targets(ControlContext ctx, string id)
    {
        PositionId positionId;
        try
        {
            positionId = new PositionId(id);
        }
        catch (DomainException)
        {
            return null;
        }
        var open = ctx.Engine.Snapshot().OpenLots;
        var byId = open.Where(l => l.Id == positionId).ToList();
        if (byId.Count > 0) return byId;
        return open.Where(l => KalshiInstruments.TryParse(l.Instrument, out var ticker, out _) ? ticker.Value == id : ctx.Engine.KnownInstrument(l.Instrument)?.Market == id).ToList();
    }

    /// <summary>The same path as a stop-loss: a marketable limit at the best bid (long) or ask (short); with no price yet, the exit waits for one.</summary>
    private static async Task<JsonNode> CloseAsync(ControlContext ctx, Engine.Portfolio.LotView lot, CancellationToken ct)
    {
        var quote = ctx.Engine.Venues.For(lot.Instrument).MarketData.GetQuote(lot.Instrument);
        var price = lot.Side == PositionSide.Long ? quote?.BestBid : quote?.BestAsk;
        if (price is not { } limit || quote!.IsStale)
        {
            ctx.Engine.RequestExit(lot.Id, ExitReason.Manual);
            return new JsonObject { ["outcome"] = "pending", ["position_id"] = lot.Id.Value, ["error"] = "no live price to exit at yet; the exit is sent as soon as there is one" };
        }
        var exit = await ctx.Engine.ExitAsync(lot.Id, ExitReason.Manual, limit).WaitAsync(ct);
        return exit.Confirmation is { } c
            ? StateDocument.Outcome(c, lot.Id, instrument: ctx.Engine.KnownInstrument(lot.Instrument))
            : new JsonObject { ["outcome"] = "skipped", ["position_id"] = lot.Id.Value, ["error"] = exit.Skipped };
    }

    private static IResult BadRequest(string message) =>
        Results.Json(new JsonObject { ["error"] = "bad_request", ["message"] = message }, statusCode: 400);

    /// <summary>Echoes user text in an error only as printable characters, so a reply never carries control or direction marks.</summary>
    private static string Printable(string text) =>
        new(text.Take(80).Select(c => char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Surrogate ? '?' : c).ToArray());

    private static async Task<(EntryRequest? Request, string? Problem)> ReadOrderAsync(HttpRequest request, ControlContext ctx, CancellationToken ct)
    {
        var (body, bodyProblem) = await ReadBodyAsync(request, ct);
        if (body is not { } root) return (null, bodyProblem);
        // Any venue's instrument in its own terms (aster:ZECUSDT, buy or sell): the perp form.
        if (root.TryGetProperty("instrument", out _)) return await ReadInstrumentOrderAsync(root, ctx, ct);

        string? Str(string name, out string? problem) => BodyText(root, name, "a string such as \"0.4500\" or \"10.00\"", out problem);

        var tickerText = Str("ticker", out var p1);
        if (p1 is not null) return (null, p1);
        MarketTicker ticker;
        try
        {
            ticker = new MarketTicker(tickerText ?? throw new DomainException("'ticker' is required"));
        }
        catch (DomainException e)
        {
            return (null, $"'ticker' is required and must be a market ticker ({Printable(e.Message)})");
        }

        var sideText = Str("side", out p1);
        if (p1 is not null || !DirectionText.TryParseOutcomeSide(sideText, out var side)) return (null, p1 ?? "'side' must be \"yes\" or \"no\"");

        // This endpoint speaks Kalshi's contract (CONTRACTS.md §3): counts with 2 decimals, prices in (0, 1).
        var countText = Str("count", out p1);
        if (p1 is not null) return (null, p1);
        if (!Contracts.TryParse(countText, out var count, out var why)) return (null, $"'count': {why}");
        if (count.IsZero) return (null, "'count' must be more than zero");

        var priceText = Str("limit_price_dollars", out p1);
        if (p1 is not null) return (null, p1);
        if (!ContractPrice.TryParse(priceText, out var limit, out why)) return (null, $"'limit_price_dollars': {why}");

        Price? Optional(string name, out string? problem)
        {
            var text = Str(name, out problem);
            if (problem is not null || text is null) return null;
            if (ContractPrice.TryParse(text, out var price, out var e)) return Price.Of(price.Dollars);
            problem = $"'{name}': {e}";
            return null;
        }
        var stop = Optional("stop_loss_dollars", out p1);
        if (p1 is not null) return (null, p1);
        var take = Optional("take_profit_dollars", out p1);
        if (p1 is not null) return (null, p1);

        var timeout = FillTimeout(root, out p1);
        if (p1 is not null) return (null, p1);

        var instrument = KalshiInstruments.Outcome(ticker, side);
        p1 = await NotOpenAsync(ctx, instrument, $"market '{ticker}'", ct);
        if (p1 is not null) return (null, p1);

        return (new EntryRequest(instrument, PositionSide.Long, KalshiInstruments.Quantity(count), Price.Of(limit.Dollars), "manual", stop, take, "control api",
            ctx.Engine.Options.Acceptance, timeout), null);
    }
}
