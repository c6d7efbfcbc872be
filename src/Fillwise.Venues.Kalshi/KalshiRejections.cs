using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Kalshi;

/// <summary>Kalshi's error codes in the engine's terms; the code and Kalshi's words travel beside the reason.</summary>
public static class KalshiRejections
{
    public static Rejection From(KalshiApiException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var code = e.Code ?? (e.HttpStatus is { } s ? $"http_{s}" : e.Kind.ToString());
        return new Rejection(Reason(e), code, e.Details is { Length: > 0 } d ? $"{e.Message} ({d})" : e.Message);
    }

    public static RejectionReason Reason(KalshiApiException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Kind == KalshiErrorKind.RateLimited) return RejectionReason.RateLimited;
        if (e.Kind == KalshiErrorKind.AuthenticationFailed) return RejectionReason.AuthenticationFailed;
        if (e.IsOrderAlreadyExists) return RejectionReason.DuplicateClientOrderId;
        if (e.IsNotFound) return RejectionReason.NotFound;
        if (e.HasCode(KalshiErrorCodes.InsufficientBalance)) return RejectionReason.InsufficientBalance;
        if (e.HasCode(KalshiErrorCodes.MarketInactive) || e.HasCode("market_closed") || e.HasCode("trading_is_paused") || e.HasCode("market_not_open"))
            return RejectionReason.MarketClosed;
        if (e.HasCode(KalshiErrorCodes.InvalidPrice)) return RejectionReason.InvalidPrice;
        var text = $"{e.Details} {e.Message}";
        if (text.Contains("post only", StringComparison.OrdinalIgnoreCase) || text.Contains("post_only", StringComparison.OrdinalIgnoreCase))
            return RejectionReason.PostOnlyWouldCross;
        if (text.Contains("reduce", StringComparison.OrdinalIgnoreCase)) return RejectionReason.ReduceOnlyWouldIncrease;
        if (text.Contains("count", StringComparison.OrdinalIgnoreCase)) return RejectionReason.InvalidQuantity;
        return RejectionReason.Other;
    }
}
