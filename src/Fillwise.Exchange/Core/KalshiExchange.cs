using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

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
        Ids = new IdGenerator(seed);
    }

    public TimeProvider Time { get; }

    public int Seed { get; }

    /// <summary>Set once by the host before traffic starts.</summary>
    public IExchangeEventSink? Events { get; set; }

    // ---- accounts -------------------------------------------------------------------------
    /// <summary>A new account holding <paramref name="deposit"/>; throws when <see cref="ExchangeLimits"/> refuse the deposit.</summary>
    public string CreateAccount(Money deposit) => CreateAccount(deposit, retainHistory: true);

    /// <summary>A new account, or the refusal when the deposit breaks <see cref="ExchangeLimits"/> (nothing is created then).</summary>
    public ExchangeError? TryCreateAccount(Money deposit, out string? userId) => TryCreateAccount(deposit, retainHistory: true, out userId);

    public AccountView? GetAccount(string userId) =>
        _accounts.TryGetValue(userId, out var account)
            ? new AccountView(account.Id, Micros.ToMoney(account.Balance), Micros.ToMoney(account.Held), PositionViews(account), account.RestingOrders)
            : null;

    public Money GetBalance(string userId) =>
        _accounts.TryGetValue(userId, out var account) ? Micros.ToMoney(account.Balance) : Money.Zero;

    // ---- markets --------------------------------------------------------------------------
    public ExchangeError? CreateMarket(MarketDefinition definition) => CreateMarketCore(definition);

    public MarketView? GetMarket(MarketTicker ticker) => FindMarket(ticker) is { } market ? MarketViewOf(market) : null;

    public IReadOnlyList<MarketView> GetMarkets() => _marketList.ConvertAll(MarketViewOf);

    public BookSnapshot? GetBook(MarketTicker ticker, int depth = 0) => FindMarket(ticker) is { } market ? BookOf(market, depth) : null;

    /// <summary>Newest first (as /markets/trades); at most the last 50 000 prints per market are kept.</summary>
    public IReadOnlyList<TradeView> GetTrades(MarketTicker? ticker)
    {
        var all = new List<(Market Market, TradeRecord Trade)>();
        if (ticker is { } t)
        {
            if (FindMarket(t) is { } market) AddTrades(all, market);
        }
        else
        {
            foreach (var market in _marketList) AddTrades(all, market);
        }
        all.Sort(static (a, b) => b.Trade.Sequence.CompareTo(a.Trade.Sequence));
        return all.ConvertAll(x => TradeViewOf(x.Market, x.Trade));
    }

    private static void AddTrades(List<(Market Market, TradeRecord Trade)> all, Market market)
    {
        var trades = market.Trades;
        for (var i = 0; i < trades.Count; i++) all.Add((market, trades[i]));
    }

    /// <summary>Closes the market: resting orders cancel; every later order operation fails MARKET_INACTIVE.</summary>
    public ExchangeError? CloseMarket(MarketTicker ticker)
    {
        if (FindMarket(ticker) is not { } market) return Errors.MarketNotFound;
        if (market.Status == MarketStatus.Active) CloseMarketCore(market);
        return null;
    }

    /// <summary>Closes if needed, pays $1 per winning contract, records settlements.</summary>
    public ExchangeError? SettleMarket(MarketTicker ticker, OutcomeSide result) => SettleMarketCore(ticker, result);

    // ---- orders ---------------------------------------------------------------------------
    public PlaceOrderResult PlaceOrder(string userId, OrderRequest request)
    {
        // One scratch list (calls are serialized by the host); the result gets its own copy.
        var fills = _scratchFills;
        fills.Clear();
        var outcome = PlaceOrderCore(userId, request, fills);
        return outcome.Error is { } error
            ? new PlaceOrderResult(null, [], error)
            : new PlaceOrderResult(OrderViewOf(outcome.Order!), fills.Count == 0 ? [] : fills.ToArray(), null);
    }

    public CancelOrderResult CancelOrder(string userId, string orderId)
    {
        var error = FindOrderForChange(userId, orderId, out var order);
        if (error is not null) return new CancelOrderResult(null, Contracts.Zero, error);
        var reduced = CancelResting(order!);
        return new CancelOrderResult(OrderViewOf(order!), Lots.ToContracts(reduced), null);
    }

    /// <summary>Amend price and/or total count (filled + desired resting); priority kept only on a pure size decrease.</summary>
    public PlaceOrderResult AmendOrder(string userId, string orderId, ContractPrice yesPrice, Contracts totalCount, string? updatedClientOrderId)
    {
        var fills = new List<FillView>();
        var error = AmendOrderCore(userId, orderId, yesPrice, totalCount, updatedClientOrderId, fills, out var order);
        return error is null
            ? new PlaceOrderResult(OrderViewOf(order!), fills, null)
            : new PlaceOrderResult(null, [], error);
    }

    /// <summary>Exactly one of reduceBy / reduceTo.</summary>
    public CancelOrderResult DecreaseOrder(string userId, string orderId, Contracts? reduceBy, Contracts? reduceTo)
    {
        var error = DecreaseOrderCore(userId, orderId, reduceBy, reduceTo, out var order, out var reduced);
        return error is null
            ? new CancelOrderResult(OrderViewOf(order!), Lots.ToContracts(reduced), null)
            : new CancelOrderResult(null, Contracts.Zero, error);
    }

    public OrderView? GetOrder(string userId, string orderId) =>
        Ids.TryParseOrderId(orderId, out var sequence)
        && _orders.TryGet(sequence, out var order)
        && order.Account.Id == userId
            ? OrderViewOf(order)
            : null;

    /// <summary>Newest first.</summary>
    public IReadOnlyList<OrderView> GetOrders(string userId, OrderQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!_accounts.TryGetValue(userId, out var account)) return [];
        var result = new List<OrderView>();
        for (var i = account.Orders.Count - 1; i >= 0; i--)
        {
            var order = account.Orders[i];
            if (IsArchived(order)) continue; // only in /historical/orders now
            if (query.Ticker is { } ticker && order.Market.Ticker != ticker) continue;
            if (query.EventTicker is { } eventTicker && !string.Equals(order.Market.Definition.EventTicker, eventTicker, StringComparison.Ordinal)) continue;
            if (query.Status is { } status && order.Status != status) continue;
            if (query.MinTime is { } min && order.CreatedTime < min) continue;
            if (query.MaxTime is { } max && order.CreatedTime > max) continue;
            result.Add(OrderViewOf(order));
        }
        return result;
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<FillView> GetFills(string userId, MarketTicker? ticker = null, string? orderId = null)
    {
        if (!_accounts.TryGetValue(userId, out var account)) return [];
        var result = new List<FillView>();
        for (var i = account.Fills.Count - 1; i >= 0; i--)
        {
            var fill = account.Fills[i];
            if (IsArchived(fill)) continue; // only in /historical/fills now
            if (ticker is { } t && fill.Order.Market.Ticker != t) continue;
            if (orderId is not null && !string.Equals(fill.Order.Id, orderId, StringComparison.Ordinal)) continue;
            result.Add(FillViewOf(fill));
        }
        return result;
    }

    public IReadOnlyList<PositionView> GetPositions(string userId) =>
        _accounts.TryGetValue(userId, out var account) ? PositionViews(account) : [];

    /// <summary>Newest first.</summary>
    public IReadOnlyList<SettlementView> GetSettlements(string userId)
    {
        if (!_accounts.TryGetValue(userId, out var account)) return [];
        var result = new List<SettlementView>(account.Settlements);
        result.Reverse();
        return result;
    }

    // ---- order groups -----------------------------------------------------------------------
    /// <summary>A new group; the limit must be 1 to <see cref="ExchangeLimits.MaxOrderCount"/> (checked by <see cref="ExchangeLimits.CheckGroupLimit"/>).</summary>
    public string CreateOrderGroup(string userId, Contracts contractsLimit) =>
        ExchangeLimits.CheckGroupLimit(contractsLimit) is { } refused
            ? throw new ArgumentOutOfRangeException(nameof(contractsLimit), refused.Details)
            : CreateOrderGroupCore(userId, contractsLimit);

    public OrderGroupView? GetOrderGroup(string userId, string orderGroupId) =>
        FindGroup(userId, orderGroupId) is { } group ? GroupViewOf(group) : null;

    public IReadOnlyList<OrderGroupView> GetOrderGroups(string userId) =>
        _accounts.TryGetValue(userId, out var account)
            ? account.Groups.Where(g => !g.IsDeleted).Select(GroupViewOf).ToList()
            : [];

    public ExchangeError? ResetOrderGroup(string userId, string orderGroupId)
    {
        if (FindGroup(userId, orderGroupId) is not { } group) return Errors.GroupNotFound;
        group.Reset();
        return null;
    }

    public ExchangeError? TriggerOrderGroup(string userId, string orderGroupId)
    {
        if (FindGroup(userId, orderGroupId) is not { } group) return Errors.GroupNotFound;
        TriggerGroup(group);
        return null;
    }

    public ExchangeError? SetOrderGroupLimit(string userId, string orderGroupId, Contracts contractsLimit)
    {
        if (FindGroup(userId, orderGroupId) is not { } group) return Errors.GroupNotFound;
        if (ExchangeLimits.CheckGroupLimit(contractsLimit) is { } refused) return refused;
        group.LimitLots = Lots.Of(contractsLimit);
        return null;
    }

    public ExchangeError? DeleteOrderGroup(string userId, string orderGroupId)
    {
        if (FindGroup(userId, orderGroupId) is not { } group) return Errors.GroupNotFound;
        CancelGroupOrders(group);
        group.IsDeleted = true;
        return null;
    }

    // ---- time -------------------------------------------------------------------------------
    /// <summary>Expires orders past their expiration time and closes markets past close time. The host calls it periodically.</summary>
    public void OnClockTick()
    {
        var now = Time.GetUtcNow();
        while (_expiries.TryPeek(out var order, out var due) && due <= now)
        {
            _expiries.Dequeue();
            if (order.IsResting && order.Market.Status == MarketStatus.Active) CancelResting(order);
        }
        foreach (var market in _marketList)
        {
            if (market.Status == MarketStatus.Active && now >= market.Definition.CloseTime) CloseMarketCore(market);
        }
    }
}
