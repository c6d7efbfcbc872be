namespace Fillwise.Domain.Venues;

/// <summary>
/// Why a venue (or an instrument's own rules) refused an order or a cancel, in the engine's terms.
/// Each adapter maps its venue's codes here (Kalshi's error codes, Aster's -2010 / -1111, Lighter's
/// 21706); the venue's own code and text travel beside it for people to read.
/// </summary>
public enum RejectionReason
{
    /// <summary>An order with this client order id exists already: the create reached the venue before.</summary>
    DuplicateClientOrderId,
    /// <summary>The venue does not know the order (finished, never existed, or out of its window).</summary>
    NotFound,
    /// <summary>A post-only order would have taken liquidity: re-price, it is not a failure of the venue.</summary>
    PostOnlyWouldCross,
    BelowMinimumSize,
    BelowMinimumNotional,
    InvalidPrice,
    InvalidQuantity,
    InsufficientBalance,
    /// <summary>The market does not trade now (closed, paused, settled, not yet open).</summary>
    MarketClosed,
    /// <summary>A reduce-only order would have increased the position.</summary>
    ReduceOnlyWouldIncrease,
    RateLimited,
    AuthenticationFailed,
    /// <summary>Anything else; the venue's text says what.</summary>
    Other,
}
