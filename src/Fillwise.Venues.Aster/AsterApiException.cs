using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>
/// An Aster request failed. <see cref="Kind"/> says whether anything may have happened:
/// <see cref="VenueErrorKind.Unknown"/> for timeouts, dropped connections, 5xx and 503 ("execution
/// status unknown"); <see cref="VenueErrorKind.Rejected"/> for Aster's own refusals, with its code
/// and the engine's <see cref="Reason"/>.
/// </summary>
public sealed class AsterApiException : Exception
{
    public AsterApiException(VenueErrorKind kind, int code, string message, int? httpStatus = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Code = code;
        HttpStatus = httpStatus;
        Reason = AsterErrorCodes.Reason(code, message, kind);
    }

    public AsterApiException() : this(VenueErrorKind.Unknown, 0, "aster error") { }

    public AsterApiException(string message) : this(VenueErrorKind.Unknown, 0, message) { }

    public AsterApiException(string message, Exception inner) : this(VenueErrorKind.Unknown, 0, message, null, inner) { }

    public VenueErrorKind Kind { get; }

    /// <summary>Aster's numeric code (-2010, -4164, ...); 0 when the venue gave none.</summary>
    public int Code { get; }

    public int? HttpStatus { get; }

    public RejectionReason Reason { get; }

    /// <summary>A 429 / 418 answer: how long the venue asked us to wait.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>Aster's codes (its Binance-derived list) in the engine's terms.</summary>
public static class AsterErrorCodes
{
    public const int Unknown = -1000;
    public const int Timeout = -1007;
    public const int TooManyRequests = -1003;
    public const int TooManyOrders = -1015;
    public const int NonceOutsideWindow = -1021;
    public const int InvalidSignature = -1022;
    public const int Precision = -1111;
    public const int NewOrderRejected = -2010;
    public const int CancelRejected = -2011;
    public const int NoSuchOrder = -2013;
    public const int Unauthorized = -2015;
    public const int MarginInsufficient = -2019;
    public const int ReduceOnlyRejected = -2022;
    public const int QuantityBelowMinimum = -4004;
    public const int PriceOffTick = -4014;
    public const int ClientOrderIdInvalid = -4015;
    public const int QuantityOffStep = -4023;
    public const int DuplicateClientOrderId = -4116;
    public const int MinNotional = -4164;
    /// <summary>Binance's post-only refusal; Aster answers a crossing GTX with status EXPIRED instead, both mean re-price.</summary>
    public const int PostOnlyRejected = -5022;

    public static RejectionReason Reason(int code, string message, VenueErrorKind kind = VenueErrorKind.Rejected)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (kind == VenueErrorKind.RateLimited) return RejectionReason.RateLimited;
        if (kind == VenueErrorKind.AuthenticationFailed) return RejectionReason.AuthenticationFailed;
        return code switch
        {
            MinNotional => RejectionReason.BelowMinimumNotional,
            QuantityBelowMinimum => RejectionReason.BelowMinimumSize,
            (-4005) or QuantityOffStep or (-4003) => RejectionReason.InvalidQuantity,
            Precision => message.Contains("quantity", StringComparison.OrdinalIgnoreCase) ? RejectionReason.InvalidQuantity : RejectionReason.InvalidPrice,
            PriceOffTick or (-4013) or (-4002) or (-4001) or (-4016) or (-4024) or (-5060) => RejectionReason.InvalidPrice,
            MarginInsufficient or (-2018) or (-2024) or (-4050) => RejectionReason.InsufficientBalance,
            ReduceOnlyRejected or (-4118) => RejectionReason.ReduceOnlyWouldIncrease,
            DuplicateClientOrderId => RejectionReason.DuplicateClientOrderId,
            CancelRejected or NoSuchOrder => RejectionReason.NotFound,
            PostOnlyRejected => RejectionReason.PostOnlyWouldCross,
            TooManyRequests or TooManyOrders or (-2025) => RejectionReason.RateLimited,
            InvalidSignature or Unauthorized or (-2014) or (-1002) or NonceOutsideWindow => RejectionReason.AuthenticationFailed,
            (-2016) or (-4022) or (-4141) => RejectionReason.MarketClosed,
            _ => RejectionReason.Other,
        };
    }
}
