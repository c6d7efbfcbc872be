using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core;

/// <summary>
/// The built-in exchange's state: markets, books, accounts, orders, fills, settlements and order
/// groups. Not thread-safe: the host serializes every call (one lock), which also keeps event order.
/// Deterministic: time from the injected <see cref="TimeProvider"/>, ids from the seed.
/// </summary>
public sealed partial class KalshiExchange
{
    public KalshiExchange(TimeProvider time, int seed, IExchangeEventSink? events = null)
    {
        Time = time;
        Seed = seed;
        Events = events;
    }

    public TimeProvider Time { get; }

    public int Seed { get; }

    /// <summary>Set once by the host before traffic starts.</summary>
    public IExchangeEventSink? Events { get; set; }

    // ---- accounts -------------------------------------------------------------------------
    public string CreateAccount(Money deposit) => throw new NotImplementedException();

    public AccountView? GetAccount(string userId) => throw new NotImplementedException();

    public Money GetBalance(string userId) => throw new NotImplementedException();

    // ---- markets --------------------------------------------------------------------------
    public ExchangeError? CreateMarket(MarketDefinition definition) => throw new NotImplementedException();

    public MarketView? GetMarket(MarketTicker ticker) => throw new NotImplementedException();

    public IReadOnlyList<MarketView> GetMarkets() => throw new NotImplementedException();

    public BookSnapshot? GetBook(MarketTicker ticker, int depth = 0) => throw new NotImplementedException();

    public IReadOnlyList<TradeView> GetTrades(MarketTicker? ticker) => throw new NotImplementedException();

    /// <summary>Closes the market: resting orders cancel; every later order operation fails MARKET_INACTIVE.</summary>
    public ExchangeError? CloseMarket(MarketTicker ticker) => throw new NotImplementedException();

    /// <summary>Closes if needed, pays $1 per winning contract, records settlements.</summary>
    public ExchangeError? SettleMarket(MarketTicker ticker, OutcomeSide result) => throw new NotImplementedException();

    // ---- orders ---------------------------------------------------------------------------
    public PlaceOrderResult PlaceOrder(string userId, OrderRequest request) => throw new NotImplementedException();

    public CancelOrderResult CancelOrder(string userId, string orderId) => throw new NotImplementedException();

    /// <summary>Amend price and/or total count (filled + desired resting); priority kept only on a pure size decrease.</summary>
    public PlaceOrderResult AmendOrder(string userId, string orderId, Price yesPrice, Contracts totalCount, string? updatedClientOrderId) => throw new NotImplementedException();

    /// <summary>Exactly one of reduceBy / reduceTo.</summary>
    public CancelOrderResult DecreaseOrder(string userId, string orderId, Contracts? reduceBy, Contracts? reduceTo) => throw new NotImplementedException();

    public OrderView? GetOrder(string userId, string orderId) => throw new NotImplementedException();

    /// <summary>Newest first.</summary>
    public IReadOnlyList<OrderView> GetOrders(string userId, OrderQuery query) => throw new NotImplementedException();

    /// <summary>Newest first.</summary>
    public IReadOnlyList<FillView> GetFills(string userId, MarketTicker? ticker = null, string? orderId = null) => throw new NotImplementedException();

    public IReadOnlyList<PositionView> GetPositions(string userId) => throw new NotImplementedException();

    public IReadOnlyList<SettlementView> GetSettlements(string userId) => throw new NotImplementedException();

    // ---- order groups -----------------------------------------------------------------------
    public string CreateOrderGroup(string userId, Contracts contractsLimit) => throw new NotImplementedException();

    public OrderGroupView? GetOrderGroup(string userId, string orderGroupId) => throw new NotImplementedException();

    public IReadOnlyList<OrderGroupView> GetOrderGroups(string userId) => throw new NotImplementedException();

    public ExchangeError? ResetOrderGroup(string userId, string orderGroupId) => throw new NotImplementedException();

    public ExchangeError? TriggerOrderGroup(string userId, string orderGroupId) => throw new NotImplementedException();

    public ExchangeError? SetOrderGroupLimit(string userId, string orderGroupId, Contracts contractsLimit) => throw new NotImplementedException();

    public ExchangeError? DeleteOrderGroup(string userId, string orderGroupId) => throw new NotImplementedException();

    // ---- time -------------------------------------------------------------------------------
    /// <summary>Expires orders past their expiration time and closes markets past close time. The host calls it periodically.</summary>
    public void OnClockTick() => throw new NotImplementedException();
}
