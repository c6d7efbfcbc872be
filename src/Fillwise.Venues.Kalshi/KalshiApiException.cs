using System.Net;
using System.Text.Json;

namespace Fillwise.Venues.Kalshi;

/// <summary>Every failure of a Kalshi call is exactly one of these.</summary>
public enum KalshiErrorKind
{
    /// <summary>We do not know whether the venue acted: timeout, connection lost, 5xx, dropped or unparseable answer.</summary>
    Unknown,

    /// <summary>The venue refused the request (4xx with a code, or an error inside a 2xx body); nothing happened.</summary>
    Rejected,

    /// <summary>429: the venue did not act; try later.</summary>
    RateLimited,

    /// <summary>401/403: key, signature or clock problem.</summary>
    AuthenticationFailed,
}

/// <summary>
/// A Kalshi call failed. <see cref="Kind"/> tells the caller what it may assume; <see cref="Code"/> is
/// Kalshi's error code when it gave one. Messages never carry key material or signatures.
/// </summary>
public sealed class KalshiApiException : Exception
{
    public KalshiApiException(KalshiErrorKind kind, string message, int? httpStatus = null, string? code = null, string? details = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        HttpStatus = httpStatus;
        Code = code;
        Details = details;
    }

    public KalshiApiException() : this(KalshiErrorKind.Unknown, "Kalshi call failed") { }

    public KalshiApiException(string message) : this(KalshiErrorKind.Unknown, message) { }

    public KalshiApiException(string message, Exception inner) : this(KalshiErrorKind.Unknown, message, inner: inner) { }

    public KalshiErrorKind Kind { get; }

    public int? HttpStatus { get; }

    /// <summary>Kalshi's code, e.g. "insufficient_balance", "user_not_found:_&lt;uuid&gt;".</summary>
    public string? Code { get; }

    public string? Details { get; }

    /// <summary>Codes can carry a suffix ("user_not_found:_&lt;uuid&gt;"), so compare on the prefix, ignoring case.</summary>
    public bool HasCode(string code) => KalshiErrorCodes.Matches(Code, code);

    public bool IsNotFound => Kind == KalshiErrorKind.Rejected && (HttpStatus == 404 || HasCode(KalshiErrorCodes.NotFound));

    public bool IsOrderAlreadyExists => Kind == KalshiErrorKind.Rejected && HasCode(KalshiErrorCodes.OrderAlreadyExists);
}

public static class KalshiErrorCodes
{
    public const string InsufficientBalance = "insufficient_balance";
    public const string InvalidOrder = "invalid_order";
    public const string InvalidPrice = "invalid_price";
    public const string MarketInactive = "MARKET_INACTIVE";
    public const string OrderAlreadyExists = "order_already_exists";
    public const string NotFound = "not_found";
    public const string BadRequest = "bad_request";
    public const string DeprecatedV1OrderEndpoint = "deprecated_v1_order_endpoint";
    public const string AuthenticationError = "authentication_error";

    public static bool Matches(string? actual, string expected) =>
        actual is not null && actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Kalshi's error body, whichever of its shapes it came in.</summary>
public sealed record KalshiErrorBody(string? Code, string? Message, string? Details);

/// <summary>Reads Kalshi's error bodies and turns an HTTP answer into the error taxonomy.</summary>
public static class KalshiErrors
{
    private const int MaxQuotedBody = 300;

    /// <summary>
    /// Parses the shapes Kalshi uses: nested {"error":{"code","message","details"}}, flat
    /// {"code","message","details"}, {"msg":"..."}, and the 429 {"error":"too many requests"}.
    /// Null when the body is not JSON or carries no error.
    /// </summary>
    public static KalshiErrorBody? TryParse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return null;
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            return TryParse(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static KalshiErrorBody? TryParse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return null;
        if (root.TryGetProperty("error", out var error))
        {
            switch (error.ValueKind)
            {
                case JsonValueKind.Object:
                    return new KalshiErrorBody(Text(error, "code"), Text(error, "message") ?? Text(error, "msg"), Text(error, "details"));
                case JsonValueKind.String:
                    return new KalshiErrorBody(null, error.GetString(), null);
                case JsonValueKind.Null:
                    break; // "error": null is no error
                default:
                    return new KalshiErrorBody(null, error.GetRawText(), null);
            }
        }
        var code = Text(root, "code");
        var message = Text(root, "message") ?? Text(root, "msg");
        if (code is null && message is null) return null;
        return new KalshiErrorBody(code, message, Text(root, "details"));
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => v.GetRawText(),
        } : null;

    /// <summary>Classifies a non-2xx answer.</summary>
    public static KalshiApiException FromResponse(string method, string path, HttpStatusCode status, ReadOnlySpan<byte> body)
    {
        var code = (int)status;
        var parsed = TryParse(body);
        var kind = code switch
        {
            429 => KalshiErrorKind.RateLimited,
            401 or 403 => KalshiErrorKind.AuthenticationFailed,
            408 => KalshiErrorKind.Unknown,
            >= 400 and < 500 => KalshiErrorKind.Rejected,
            _ => KalshiErrorKind.Unknown, // 5xx and anything odd: the venue may have acted
        };
        var what = parsed is null
            ? Quote(body)
            : string.Join(" ", new[] { parsed.Code, parsed.Message, parsed.Details }.Where(s => !string.IsNullOrEmpty(s)));
        return new KalshiApiException(kind, $"{method} {path} failed: HTTP {code} ({kind}): {what}", code, parsed?.Code, parsed?.Details);
    }

    /// <summary>An "error" inside a 2xx body: Kalshi refused, although the status said OK.</summary>
    public static KalshiApiException FromSoftError(string method, string path, int status, KalshiErrorBody error) =>
        new(KalshiErrorKind.Rejected,
            $"{method} {path} answered HTTP {status} with an error: {error.Code} {error.Message} {error.Details}".TrimEnd(),
            status, error.Code, error.Details);

    internal static string Quote(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return "(empty body)";
        var text = System.Text.Encoding.UTF8.GetString(body.Length > MaxQuotedBody ? body[..MaxQuotedBody] : body);
        return body.Length > MaxQuotedBody ? text + "…" : text;
    }
}
