using System.Text.Json.Nodes;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Server;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>An Aster error: HTTP status, Aster's (Binance's) numeric code and message, in its body shape {"code":-2010,"msg":"..."}.</summary>
internal sealed record AsterError(int Status, int Code, string Message)
{
    public IResult ToResult(int? retryAfterSeconds = null) => new AsterJsonResult(Status, new JsonObject { ["code"] = Code, ["msg"] = Message }, retryAfterSeconds);
}

/// <summary>The codes the built-in venue answers, with Aster's words (its Binance-derived list).</summary>
internal static class AsterErrors
{
    public static AsterError Unavailable() =>
        new(503, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.");

    public static AsterError TooManyRequests(string what) => new(429, -1003, $"Too many requests; {what}.");

    public static AsterError Internal() => new(500, -1000, "An unknown error occurred while processing the request.");

    public static AsterError BadNonce(string why) => new(400, -1021, $"Timestamp for this request is outside of the recvWindow: {why}.");

    public static AsterError BadSignature() => new(401, -1022, "Signature for this request is not valid.");

    public static AsterError Unauthorized() => new(401, -2015, "Invalid API-key, IP, or permissions for action.");

    public static AsterError Mandatory(string name) => new(400, -1102, $"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.");

    public static AsterError BadParameter(string name) => new(400, -1130, $"Data sent for parameter '{name}' is not valid.");

    public static AsterError IllegalCharacters(string name) => new(400, -1100, $"Illegal characters found in parameter '{name}'.");

    public static AsterError InvalidSymbol() => new(400, -1121, "Invalid symbol.");

    public static AsterError InvalidSide() => new(400, -1117, "Invalid side.");

    public static AsterError InvalidType(string type) => new(400, -1116, $"Invalid orderType: {type} is not supported here (LIMIT, MARKET).");

    public static AsterError InvalidTimeInForce() => new(400, -1115, "Invalid timeInForce.");

    public static AsterError Precision(string what) => new(400, -1111, $"Precision is over the maximum defined for this asset ({what}).");

    public static AsterError PriceBelowMin() => new(400, -4013, "Price less than min price.");

    public static AsterError PriceAboveMax() => new(400, -4002, "Price greater than max price.");

    public static AsterError PriceOffTick() => new(400, -4014, "Price not increased by tick size.");

    public static AsterError QuantityBelowMin() => new(400, -4004, "Quantity less than minimum quantity.");

    public static AsterError QuantityAboveMax() => new(400, -4005, "Quantity greater than maximum quantity.");

    public static AsterError QuantityOffStep() => new(400, -4023, "Quantity not increased by step size.");

    public static AsterError ClientOrderIdInvalid() => new(400, -4015, "Client order id is not valid.");

    public static AsterError DuplicateClientOrderId() => new(400, -4116, "ClientOrderId is duplicated.");

    public static AsterError MinNotional(string minimum) => new(400, -4164, $"Order's notional must be no smaller than {minimum} (unless you choose reduce only).");

    public static AsterError MarginInsufficient() => new(400, -2019, "Margin is insufficient.");

    public static AsterError ReduceOnlyRejected() => new(400, -2022, "ReduceOnly Order is rejected.");

    public static AsterError MaxOpenOrders() => new(400, -2025, "Reach max open order limit.");

    public static AsterError OrderDoesNotExist() => new(400, -2013, "Order does not exist.");

    public static AsterError UnknownOrder() => new(400, -2011, "Unknown order sent.");

    public static AsterError InvalidListenKey() => new(400, -1125, "This listenKey does not exist.");

    public static AsterError Rejected(string why) => new(400, -2010, why);

    /// <summary>The core's neutral refusal in Aster's words.</summary>
    public static AsterError From(PerpRejection rejection, Core.PerpMarketView? market) => rejection.Reason switch
    {
        RejectionReason.BelowMinimumNotional => MinNotional(market?.Definition.MinNotional.ToString(1) ?? "the minimum"),
        RejectionReason.BelowMinimumSize => QuantityBelowMin(),
        RejectionReason.InvalidQuantity => QuantityOffStep(),
        RejectionReason.InvalidPrice => PriceOffTick(),
        RejectionReason.InsufficientBalance => MarginInsufficient(),
        RejectionReason.ReduceOnlyWouldIncrease => ReduceOnlyRejected(),
        RejectionReason.DuplicateClientOrderId => DuplicateClientOrderId(),
        RejectionReason.NotFound => UnknownOrder(),
        RejectionReason.AuthenticationFailed => Unauthorized(),
        _ when rejection.Message.Contains("open orders per symbol", StringComparison.Ordinal) => MaxOpenOrders(),
        _ => Rejected(rejection.Message),
    };
}

/// <summary>A JSON answer written exactly as built; with Retry-After on 429 / 418.</summary>
internal sealed class AsterJsonResult(int status, JsonNode? body, int? retryAfterSeconds = null) : IResult
{
    // Aster writes quotes and apostrophes in its messages as they are ("Mandatory parameter 'symbol'...").
    private static readonly System.Text.Json.JsonWriterOptions Writer = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static byte[] Utf8(JsonNode? node)
    {
        if (node is null) return "{}"u8.ToArray();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, Writer)) node.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }

    public int StatusCode { get; } = status;

    public JsonNode? Body { get; } = body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } s) response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Utf8(Body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
