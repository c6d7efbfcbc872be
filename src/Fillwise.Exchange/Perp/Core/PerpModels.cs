using Fillwise.Domain.Orders;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Exchange.Perp.Core;

public enum PerpOrderType
{
    Limit,
    /// <summary>Takes up to a worst price of mark ± the venue's band; whatever is left expires.</summary>
    Market,
}

public enum PerpTimeInForce
{
    GoodTillCanceled,
    ImmediateOrCancel,
    FillOrKill,
}

public enum PerpOrderStatus
{
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    /// <summary>Ended by the venue: IOC / market remainder, FOK not fillable, post-only that would cross, reduce-only with nothing left to reduce.</summary>
    Expired,
}

/// <summary>Why an order ended without filling completely.</summary>
public enum PerpEndReason
{
    None,
    /// <summary>Canceled by its owner (or an admin).</summary>
    Canceled,
    /// <summary>IOC or market order: the rest could not fill at once.</summary>
    ImmediateRemainder,
    /// <summary>FOK: could not fill completely at once; nothing filled.</summary>
    FillOrKillUnfillable,
    /// <summary>Post-only that would have taken liquidity: nothing filled, nothing rested.</summary>
    PostOnlyWouldCross,
    /// <summary>Reduce-only with no position left to reduce.</summary>
    ReduceOnlyNothingToReduce,
    /// <summary>Own resting order met by its owner's taking order (self-trade prevention: the resting one goes).</summary>
    SelfTrade,
}

/// <summary>A market as the admin creates it (CONTRACTS.md §4).</summary>
/// <param name="FundingFromCreation">
/// Settle funding one interval after the market is created, and every interval from then on, instead
/// of at the venue's clock times (whole multiples of the interval since 1970, as Aster's 00:00 / 08:00 /
/// 16:00 UTC): for a sped-up demo, whose short interval has no clock time of its own, so that a run's
/// funding does not depend on the second it started.
/// </param>
public sealed record PerpMarketDefinition(
    string Symbol,
    string BaseAsset,
    string QuoteAsset,
    Price TickSize,
    Quantity StepSize,
    Quantity MinQuantity,
    Money MinNotional,
    Price MarkPrice,
    FundingRate FundingRate,
    TimeSpan FundingInterval,
    Price? MinPrice = null,
    Price? MaxPrice = null,
    Quantity? MaxQuantity = null,
    bool FundingFromCreation = false);

/// <summary>An order as the core takes it; the wire layer has checked the shape, the core checks the rules.</summary>
public sealed record PerpOrderRequest(
    string Symbol,
    OrderSide Side,
    PerpOrderType Type,
    Quantity Quantity,
    Price? Price,
    PerpTimeInForce TimeInForce = PerpTimeInForce.GoodTillCanceled,
    bool PostOnly = false,
    bool ReduceOnly = false,
    string? ClientOrderId = null);

/// <summary>Why the core refused a request: nothing changed.</summary>
public sealed record PerpRejection(RejectionReason Reason, string Message);

/// <summary>The venue's view of an order at one moment.</summary>
public sealed record PerpOrderView(
    long OrderId,
    string ClientOrderId,
    long AccountId,
    string Symbol,
    OrderSide Side,
    PerpOrderType Type,
    PerpTimeInForce TimeInForce,
    bool PostOnly,
    bool ReduceOnly,
    Price? Price,
    Quantity OriginalQuantity,
    Quantity ExecutedQuantity,
    decimal CumulativeQuote,
    PerpOrderStatus Status,
    PerpEndReason EndReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public Quantity RemainingQuantity => OriginalQuantity - ExecutedQuantity;

    /// <summary>Average fill price, unrounded; zero before the first fill.</summary>
    public decimal AveragePrice => ExecutedQuantity.IsZero ? 0m : CumulativeQuote / ExecutedQuantity.Value;

    public bool IsOpen => Status is PerpOrderStatus.New or PerpOrderStatus.PartiallyFilled;
}

/// <summary>One side of one execution, as the account that made it sees it.</summary>
public sealed record PerpFillView(
    long TradeId,
    long OrderId,
    string ClientOrderId,
    long AccountId,
    string Symbol,
    OrderSide Side,
    Price Price,
    Quantity Quantity,
    Money Fee,
    bool IsMaker,
    Money RealizedPnl,
    DateTimeOffset Time)
{
    public decimal QuoteQuantity => Price.Value * Quantity.Value;
}

/// <summary>An account's position in one market, as the venue holds it.</summary>
public sealed record PerpPositionView(
    string Symbol,
    decimal Quantity,
    decimal EntryPrice,
    Money RealizedPnl,
    Money FeesPaid,
    Money FundingPaid,
    Price MarkPrice,
    Money UnrealizedPnl,
    DateTimeOffset UpdatedAt)
{
    public decimal Notional => Quantity * MarkPrice.Value;
}

/// <summary>A funding settlement as the venue booked it for one account.</summary>
public sealed record PerpFundingView(long IncomeId, long AccountId, string Symbol, Money Amount, FundingRate Rate, Price Mark, decimal PositionQuantity, DateTimeOffset Time);

/// <summary>An account: wallet balance (deposits + realized − fees − funding), margin figures, positions.</summary>
public sealed record PerpAccountView(
    long AccountId,
    Money WalletBalance,
    Money UnrealizedPnl,
    Money PositionMargin,
    Money OpenOrderMargin,
    IReadOnlyList<PerpPositionView> Positions)
{
    public Money Equity => WalletBalance + UnrealizedPnl;

    /// <summary>What new opening orders may still use: equity − margins (may be negative).</summary>
    public Money AvailableBalance => Equity - PositionMargin - OpenOrderMargin;
}

public sealed record PerpBookLevel(Price Price, Quantity Quantity);

/// <summary>A depth snapshot with the book's update id at that moment (Binance's lastUpdateId).</summary>
public sealed record PerpBookView(string Symbol, long LastUpdateId, IReadOnlyList<PerpBookLevel> Bids, IReadOnlyList<PerpBookLevel> Asks, DateTimeOffset Time);

/// <summary>A market as the venue describes it.</summary>
public sealed record PerpMarketView(
    PerpMarketDefinition Definition,
    Instrument Instrument,
    Price MarkPrice,
    FundingRate FundingRate,
    TimeSpan FundingInterval,
    DateTimeOffset NextFundingTime,
    Price? LastPrice);

/// <summary>The outcome of a place: the order as it stands after matching (with its fills), or why it was refused.</summary>
public sealed record PerpPlaceResult(PerpOrderView? Order, IReadOnlyList<PerpFillView> Fills, PerpRejection? Rejection)
{
    public bool IsRejected => Rejection is not null;
}
