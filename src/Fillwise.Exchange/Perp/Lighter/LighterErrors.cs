using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Server;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>A Lighter error: HTTP status and Lighter's body {"code":21706,"message":"..."}.</summary>
internal sealed record LighterError(int Status, int Code, string Message)
{
    public IResult ToResult(int? retryAfterSeconds = null) =>
        new LighterJsonResult(Status, new JsonObject { ["code"] = Code, ["message"] = Message }, retryAfterSeconds);
}

/// <summary>
/// The codes the built-in venue answers. Those marked (reference) are Lighter's own (perp-venues.md
/// §4, ccxt's lighter.ts); the rest are this venue's choice in Lighter's numbering and are listed as
/// such in the README.
/// </summary>
internal static class LighterErrors
{
    public const int InvalidParam = 20001;
    public const int InvalidAuth = 20013;
    public const int InvalidTxType = 21100;
    public const int InvalidTxInfo = 21101;
    public const int TxExpired = 21102;
    public const int InvalidSignature = 21103;
    /// <summary>(reference) The nonce is not the API key's next one: a clash, a replay or a gap.</summary>
    public const int InvalidNonce = 21104;
    public const int UnknownAccount = 21105;
    /// <summary>(reference) Too many transactions accepted and not executed yet.</summary>
    public const int TooManyPendingTxs = 21506;
    public const int InvalidMarket = 21700;
    /// <summary>(reference)</summary>
    public const int InvalidBaseAmount = 21701;
    /// <summary>(reference)</summary>
    public const int InvalidPrice = 21702;
    public const int InvalidOrderType = 21704;
    public const int InvalidTimeInForce = 21705;
    /// <summary>(reference) Below min_base_amount or min_quote_amount, or a badly scaled amount.</summary>
    public const int InvalidBaseOrQuoteAmount = 21706;
    public const int InvalidExpiry = 21711;
    /// <summary>(reference) Max active orders.</summary>
    public const int TooManyActiveOrders = 21717;
    /// <summary>(reference)</summary>
    public const int InvalidClientOrderIndex = 21727;
    /// <summary>(reference)</summary>
    public const int DuplicateClientOrderIndex = 21728;
    /// <summary>(reference) A reduce-only order would increase the position.</summary>
    public const int ReduceOnlyIncreases = 21732;
    /// <summary>(reference)</summary>
    public const int TooManyRequests = 23000;
    public const int Internal = 29500;
    public const int Unavailable = 29503;

    public static LighterError Param(string name, string why) => new(400, InvalidParam, $"invalid param: {name}: {why}");

    public static LighterError Auth(string why) => new(401, InvalidAuth, $"invalid auth: {why}");

    public static LighterError Tx(int code, string message) => new(400, code, message);

    public static LighterError RateLimited(int perMinute) => new(429, TooManyRequests, $"Too Many Requests! (over {perMinute.ToString(CultureInfo.InvariantCulture)} transactions a minute)");

    public static LighterError InjectedUnavailable() => new(503, Unavailable, "service unavailable: the transaction may or may not have been received");

    public static LighterError InjectedTooManyRequests() => new(429, TooManyRequests, "Too Many Requests! (injected fault)");

    public static LighterError InternalError() => new(500, Internal, "internal error");

    public static LighterError NotFound(string what) => new(404, InvalidParam, what);
}

/// <summary>A JSON answer, with Retry-After on 429.</summary>
internal sealed class LighterJsonResult(int status, JsonNode body, int? retryAfterSeconds = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } s) response.Headers.RetryAfter = s.ToString(CultureInfo.InvariantCulture);
        var bytes = KalshiWire.ToUtf8(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
