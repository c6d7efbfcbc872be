using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// A Lighter request failed. <see cref="Kind"/> says whether anything may have happened:
/// <see cref="VenueErrorKind.Unknown"/> for timeouts, dropped connections and 5xx;
/// <see cref="VenueErrorKind.Rejected"/> for Lighter's own refusals, with its code and the engine's
/// <see cref="Reason"/>.
/// </summary>
public sealed class LighterApiException : Exception
{
    public LighterApiException(VenueErrorKind kind, int code, string message, int? httpStatus = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Code = code;
        HttpStatus = httpStatus;
        Reason = LighterErrorCodes.Reason(code, kind);
    }

    public LighterApiException() : this(VenueErrorKind.Unknown, 0, "lighter error") { }

    public LighterApiException(string message) : this(VenueErrorKind.Unknown, 0, message) { }

    public LighterApiException(string message, Exception inner) : this(VenueErrorKind.Unknown, 0, message, null, inner) { }

    public VenueErrorKind Kind { get; }

    /// <summary>Lighter's numeric code (21706, 21104, ...); 0 when the venue gave none.</summary>
    public int Code { get; }

    public int? HttpStatus { get; }

    public RejectionReason Reason { get; }

    /// <summary>A 429 answer: how long the venue asked us to wait.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>Lighter's codes (its status list, perp-venues.md §4) in the engine's terms.</summary>
public static class LighterErrorCodes
{
    public const int InvalidParam = 20001;
    public const int InvalidAuth = 20013;
    public const int InvalidSignature = 21103;
    /// <summary>The nonce is not the API key's next: a clash with another sender, a replay, or a transaction that landed already.</summary>
    public const int InvalidNonce = 21104;
    public const int UnknownAccount = 21105;
    public const int TooManyPendingTxs = 21506;
    public const int InvalidBaseAmount = 21701;
    public const int InvalidPrice = 21702;
    /// <summary>Below min_base_amount / min_quote_amount (or a badly scaled amount).</summary>
    public const int InvalidBaseOrQuoteAmount = 21706;
    public const int TooManyActiveOrders = 21717;
    public const int TooManyActiveOrdersAccount = 21718;
    public const int InvalidClientOrderIndex = 21727;
    public const int DuplicateClientOrderIndex = 21728;
    public const int ReduceOnlyIncreases = 21732;
    public const int FatFinger = 21733;
    public const int PriceTooFarFromMark = 21734;
    public const int MarginNotAllowed = 21739;
    public const int TooManyRequests = 23000;

    public static RejectionReason Reason(int code, VenueErrorKind kind = VenueErrorKind.Rejected)
    {
        if (kind == VenueErrorKind.RateLimited) return RejectionReason.RateLimited;
        if (kind == VenueErrorKind.AuthenticationFailed) return RejectionReason.AuthenticationFailed;
        return code switch
        {
            // 21706 is also what a badly scaled amount gets; the client scales by supported_size_decimals.
            InvalidBaseOrQuoteAmount => RejectionReason.BelowMinimumSize,
            InvalidBaseAmount => RejectionReason.InvalidQuantity,
            InvalidPrice or FatFinger or PriceTooFarFromMark => RejectionReason.InvalidPrice,
            MarginNotAllowed => RejectionReason.InsufficientBalance,
            ReduceOnlyIncreases => RejectionReason.ReduceOnlyWouldIncrease,
            DuplicateClientOrderIndex => RejectionReason.DuplicateClientOrderId,
            TooManyRequests or TooManyPendingTxs or TooManyActiveOrders or TooManyActiveOrdersAccount => RejectionReason.RateLimited,
            InvalidSignature or InvalidAuth or UnknownAccount or InvalidNonce => RejectionReason.AuthenticationFailed,
            _ => RejectionReason.Other,
        };
    }

    /// <summary>An order's terminal status, when it ended with nothing filled, as the refusal it amounts to (null: not a refusal).</summary>
    public static RejectionReason? StatusReason(string status) => status switch
    {
        "canceled-post-only" => RejectionReason.PostOnlyWouldCross,
        "canceled-reduce-only" => RejectionReason.ReduceOnlyWouldIncrease,
        "canceled-margin-not-allowed" or "canceled-invalid-balance" => RejectionReason.InsufficientBalance,
        "canceled-position-not-allowed" => RejectionReason.Other,
        _ => null,
    };
}
