using Fillwise.Domain.Fees;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Exchange.Core;

// The built-in exchange's own model, independent of the wire: the HTTP/WebSocket layer maps these
// to Kalshi's JSON shapes. Prices are always yes-leg prices; NO book levels are kept as NO bids
// (no-leg price = 1 - yes price), as Kalshi's order book shows them.

public enum SelfTradePrevention
{
    /// <summary>The incoming (taker) order stops at the cross; the resting order is untouched.</summary>
    TakerAtCross,
    /// <summary>The resting (maker) order of the same user is canceled and matching continues.</summary>
    Maker,
}

/// <summary>
/// Kalshi's market statuses, in lifecycle order: initialized (before open_time), active, inactive
/// (paused, and back), closed (past close_time, result not known), determined (result known, not
/// paid; may be disputed or amended), finalized (paid out). The wire words are the lower-case names.
/// </summary>
public enum MarketStatus
{
    Initialized,
    Active,
    Inactive,
    Closed,
    Determined,
    Disputed,
    Amended,
    Finalized,
}

/// <summary>Kalshi's market_type: a binary market settles yes or no, a scalar one at a value per YES contract.</summary>
public enum MarketType
{
    Binary,
    Scalar,
}

/// <param name="SettlementTimer">
/// Kalshi's settlement_timer_seconds: a determined (or amended) market finalizes by itself this long
/// after its last determination; zero waits for an explicit finalize (the admin API's step).
/// </param>
/// <param name="FractionalTrading">Kalshi's fractional_trading_enabled: counts may have cents of a contract; otherwise whole contracts only.</param>
public sealed record MarketDefinition(
    MarketTicker Ticker,
    string EventTicker,
    string Title,
    DateTimeOffset OpenTime,
    DateTimeOffset CloseTime,
    KalshiFeeType FeeType = KalshiFeeType.Quadratic,
    decimal FeeMultiplier = 1m,
    PriceLevelStructure? PriceLevels = null,
    MarketType Type = MarketType.Binary,
    TimeSpan SettlementTimer = default,
    bool FractionalTrading = false)
{
    /// <summary>The price grid (linear_cent unless another structure was given).</summary>
    public PriceLevelStructure Grid => PriceLevels ?? PriceLevelStructure.LinearCent;
}

public sealed record MarketView(
    MarketDefinition Definition,
    MarketStatus Status,
    MarketResult? Result,
    DateTimeOffset CloseTime,
    DateTimeOffset? DeterminedTime,
    DateTimeOffset? SettledTime,
    ContractPrice? YesBid,
    ContractPrice? YesAsk,
    Contracts YesBidSize,
    Contracts YesAskSize,
    ContractPrice? LastPrice,
    Contracts Volume,
    Contracts OpenInterest,
    Contracts LastTradeSize,
    Money DollarVolume);

/// <summary>A V2 create: side bid = buy YES / sell NO, ask = sell YES / buy NO, at a yes-leg price.</summary>
public sealed record OrderRequest(
    MarketTicker Ticker,
    BookSide Side,
    Contracts Count,
    ContractPrice YesPrice,
    VenueTimeInForce TimeInForce,
    SelfTradePrevention SelfTradePrevention,
    string? ClientOrderId = null,
    bool PostOnly = false,
    bool ReduceOnly = false,
    DateTimeOffset? ExpirationTime = null,
    string? OrderGroupId = null,
    bool CancelOrderOnPause = false);

public sealed record OrderView(
    string OrderId,
    string UserId,
    string? ClientOrderId,
    MarketTicker Ticker,
    BookSide Side,
    ContractPrice YesPrice,
    Contracts InitialCount,
    Contracts FillCount,
    Contracts RemainingCount,
    VenueOrderStatus Status,
    VenueTimeInForce TimeInForce,
    SelfTradePrevention SelfTradePrevention,
    bool PostOnly,
    bool ReduceOnly,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdateTime,
    DateTimeOffset? ExpirationTime,
    string? OrderGroupId,
    Money TakerFillCost,
    Money MakerFillCost,
    Money TakerFees,
    Money MakerFees,
    bool CancelOrderOnPause = false);

/// <summary>One side of one execution, as its owner sees it (Kalshi's fill).</summary>
public sealed record FillView(
    string TradeId,
    string OrderId,
    string? ClientOrderId,
    string UserId,
    MarketTicker Ticker,
    BookSide Side,
    ContractPrice YesPrice,
    Contracts Count,
    bool IsTaker,
    Money Fee,
    decimal PostPosition,
    DateTimeOffset Time);

/// <summary>A public trade print (Kalshi's trade channel and /markets/trades).</summary>
public sealed record TradeView(
    string TradeId,
    MarketTicker Ticker,
    ContractPrice YesPrice,
    Contracts Count,
    BookSide TakerSide,
    DateTimeOffset Time);

/// <summary>A market position: Position is signed, + YES held, - NO held.</summary>
public sealed record PositionView(
    MarketTicker Ticker,
    decimal Position,
    Money MarketExposure,
    Money TotalTraded,
    Money RealizedPnl,
    Money FeesPaid,
    int RestingOrdersCount,
    DateTimeOffset LastUpdated,
    Contracts Volume);

/// <summary>One account's payout of one finalized market (Kalshi's settlement record); FeeCost is every fee it paid in that market.</summary>
public sealed record SettlementView(
    MarketTicker Ticker,
    string EventTicker,
    MarketResult Result,
    Contracts YesCount,
    Contracts NoCount,
    Money YesTotalCost,
    Money NoTotalCost,
    Money Revenue,
    Money FeeCost,
    DateTimeOffset SettledTime);

public sealed record OrderGroupView(string OrderGroupId, Contracts ContractsLimit, bool IsTriggered, IReadOnlyList<string> OrderIds);

public sealed record AccountView(
    string UserId,
    Money Balance,
    Money HeldCollateral,
    IReadOnlyList<PositionView> Positions,
    int RestingOrders);

/// <summary>One book level: price on the level's own leg (YES bids in yes price, NO bids in no price).</summary>
public readonly record struct BookLevel(ContractPrice Price, Contracts Count);

/// <summary>Bids on both legs, each sorted ascending by price (best bid last), as Kalshi sends them.</summary>
public sealed record BookSnapshot(MarketTicker Ticker, IReadOnlyList<BookLevel> YesBids, IReadOnlyList<BookLevel> NoBids);

/// <summary>
/// A refusal in Kalshi's terms: HttpStatus and Code are what the wire answers
/// (400 invalid_order / invalid_price / insufficient_balance / bad_request, 404 not_found,
/// 409 order_already_exists, 400 MARKET_INACTIVE ...).
/// </summary>
public sealed record ExchangeError(int HttpStatus, string Code, string Message, string? Details = null);

public sealed record PlaceOrderResult(OrderView? Order, IReadOnlyList<FillView> Fills, ExchangeError? Error)
{
    public bool IsSuccess => Error is null;
}

public sealed record CancelOrderResult(OrderView? Order, Contracts ReducedBy, ExchangeError? Error)
{
    public bool IsSuccess => Error is null;
}

public sealed record OrderQuery(
    MarketTicker? Ticker = null,
    string? EventTicker = null,
    VenueOrderStatus? Status = null,
    DateTimeOffset? MinTime = null,
    DateTimeOffset? MaxTime = null);

/// <summary>
/// What the exchange tells the world as it happens; the WebSocket layer fans these out to
/// subscriptions. Called synchronously, in order, on the thread that changed the state.
/// </summary>
public interface IExchangeEventSink
{
    /// <summary>A change of <paramref name="delta"/> contracts at a level of one leg's bids (price on that leg).</summary>
    void OnBookDelta(MarketTicker ticker, OutcomeSide leg, ContractPrice legPrice, decimal delta, string? userId, string? clientOrderId);

    void OnTrade(TradeView trade);

    void OnFill(FillView fill);

    void OnOrderUpdate(OrderView order);

    void OnPositionUpdate(string userId, PositionView position);

    /// <summary>A market_lifecycle_v2 event: the market as it is right after the change.</summary>
    void OnMarketLifecycle(MarketLifecycleEvent lifecycle);

    /// <summary>An order_group_updates event of the group's owner.</summary>
    void OnOrderGroupUpdate(OrderGroupEvent update);
}

/// <summary>Kalshi's market_lifecycle_v2 event types the exchange raises.</summary>
public enum MarketLifecycleKind
{
    Created,
    /// <summary>Trading resumed after a pause (is_deactivated false).</summary>
    Activated,
    /// <summary>Trading paused on an open market (is_deactivated true).</summary>
    Deactivated,
    /// <summary>The market closed before its scheduled close time (close_ts is the new one).</summary>
    CloseDateUpdated,
    /// <summary>A result is known (also raised again when it is amended).</summary>
    Determined,
    /// <summary>Paid out (finalized).</summary>
    Settled,
}

public sealed record MarketLifecycleEvent(MarketLifecycleKind Kind, MarketView Market, DateTimeOffset Time);

public enum OrderGroupEventKind
{
    Created,
    Triggered,
    Reset,
    Deleted,
    LimitUpdated,
}

public sealed record OrderGroupEvent(string UserId, OrderGroupEventKind Kind, string OrderGroupId, Contracts? ContractsLimit, DateTimeOffset Time);
