using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Server;

/// <summary>A JSON answer with a status code, written exactly as built (no naming policy in between).</summary>
internal sealed class KalshiJsonResult(int statusCode, JsonNode? body) : IResult
{
    public int StatusCode { get; } = statusCode;

    public JsonNode? Body { get; } = body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        var bytes = KalshiWire.ToUtf8(Body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}

/// <summary>Kalshi's three error shapes, plus the 429 body.</summary>
internal static class KalshiErrors
{
    /// <summary>The usual nested shape: {"error":{"code","message","details"?}}.</summary>
    public static KalshiJsonResult Nested(int status, string code, string message, string? details = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (details is not null) error["details"] = details;
        return new KalshiJsonResult(status, new JsonObject { ["error"] = error });
    }

    /// <summary>The flat shape Kalshi answers when the JSON body cannot be decoded.</summary>
    public static KalshiJsonResult Flat(string details) =>
        new(400, new JsonObject { ["code"] = "bad_request", ["message"] = "bad request", ["details"] = details });

    public static KalshiJsonResult TooManyRequests() => new(429, new JsonObject { ["error"] = "too many requests" });

    public static KalshiJsonResult BadRequest(string details) => Nested(400, "bad_request", "bad request", details);

    /// <summary>A required field is absent: Kalshi's missing_parameters, naming it.</summary>
    public static KalshiJsonResult MissingParameters(string details) => Nested(400, "missing_parameters", "missing parameters", details);

    /// <summary>A well-formed field whose value no order may have (a side, a count, a time in force): Kalshi's invalid_order.</summary>
    public static KalshiJsonResult InvalidOrder(string details) => Nested(400, "invalid_order", "invalid order", details);

    public static KalshiJsonResult NotFound(string what) => Nested(404, "not_found", "not found", what);

    public static KalshiJsonResult Internal() => Nested(500, "internal_server_error", "internal server error");

    public static KalshiJsonResult ServiceUnavailable() => Nested(503, "service_unavailable", "service unavailable");

    public static KalshiJsonResult From(Core.ExchangeError error) => Nested(error.HttpStatus, error.Code, error.Message, error.Details);

    /// <summary>Query validation failures answer {"msg":...} at Kalshi.</summary>
    public static KalshiJsonResult ParameterValidation(string details) =>
        new(400, new JsonObject { ["msg"] = "Parameter validation failed: " + details });
}
