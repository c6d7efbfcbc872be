using Fillwise.Domain.Values;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Core;

// State, lookups and the mapping of internal state to the public views.
public sealed partial class KalshiExchange
{
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<MarketTicker, Market> _markets = [];
    private readonly List<Market> _marketList = [];
    private readonly OrderIndex _orders = new();
    private readonly Dictionary<string, OrderGroup> _groups = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Order, DateTimeOffset> _expiries = new();
    private readonly List<FillView> _scratchFills = [];
    private long _userSequence;
    private long _orderSequence;
    private long _tradeSequence;
    private long _groupSequence;

    internal IdGenerator Ids { get; }

    /// <summary>For agents: an account whose finished orders and fills are not kept.</summary>
    internal string CreateAccount(Money deposit, bool retainHistory) =>
        TryCreateAccount(deposit, retainHistory, out var userId) is { } refused
            ? throw new ArgumentOutOfRangeException(nameof(deposit), refused.Details)
            : userId!;

    private ExchangeError? TryCreateAccount(Money deposit, bool retainHistory, out string? userId)
    {
        userId = null;
        if (CheckDeposit(deposit, "balance_dollars") is { } refused) return refused;
        var account = new Account(Ids.UserId(++_userSequence), retainHistory)
        {
            Balance = Micros.Of(deposit),
            Deposits = Micros.Of(deposit),
        };
        _accounts.Add(account.Id, account);
        _totalDeposits += account.Deposits;
        userId = account.Id;
        return null;
    }

    /// <summary>A deposit's own bounds, and room for it under the exchange's total.</summary>
    private ExchangeError? CheckDeposit(Money amount, string field)
    {
        if (ExchangeLimits.CheckDeposit(amount, field) is { } refused) return refused;
        if (_totalDeposits + Micros.Of(amount) > Micros.Of(Money.FromDollars(ExchangeLimits.MaxTotalDeposits)))
            return Errors.BadRequest($"{field}: the exchange holds its maximum of {ExchangeLimits.MaxTotalDeposits:0} dollars of deposits");
        return null;
    }

    private long _totalDeposits;

    internal Market? FindMarket(MarketTicker ticker)
    {
        // Order flow mostly repeats the last market: a ticker compare instead of hashing it. Markets are never removed.
        if (_lastMarket is { } last && last.Ticker == ticker) return last;
        var market = _markets.GetValueOrDefault(ticker);
        if (market is not null) _lastMarket = market;
        return market;
    }

    private Market? _lastMarket;

    internal IReadOnlyList<Market> MarketList => _marketList;

    private OrderGroup? FindGroup(string userId, string orderGroupId) =>
        _groups.TryGetValue(orderGroupId, out var group) && !group.IsDeleted && string.Equals(group.OwnerId, userId, StringComparison.Ordinal)
            ? group
            : null;

    /// <summary>The order a cancel/amend/decrease may touch, or the error Kalshi answers.</summary>
    private ExchangeError? FindOrderForChange(string userId, string orderId, out Order? order)
    {
        order = null;
        if (!Ids.TryParseOrderId(orderId, out var sequence)
            || !_orders.TryGet(sequence, out var found)
            || !string.Equals(found.Account.Id, userId, StringComparison.Ordinal))
        {
            return Errors.OrderNotFound;
        }
        // After close every order operation, cancel included, is MARKET_INACTIVE (checked before status:
        // closing already canceled the order).
        if (!IsTradable(found.Market)) return Errors.MarketInactive;
        if (!found.IsResting) return Errors.OrderNotFound;
        order = found;
        return null;
    }

    /// <summary>Closes a market whose close time passed before the clock tick noticed, then answers whether it trades.</summary>
    private bool IsTradable(Market market)
    {
        if (market.Status != MarketStatus.Active) return false;
        var now = Time.GetUtcNow();
        if (now >= market.Definition.CloseTime)
        {
            CloseMarketCore(market);
            return false;
        }
        return now >= market.Definition.OpenTime;
    }

    internal OrderView OrderViewOf(Order order) => new(
        order.Id,
        order.Account.Id,
        order.ClientOrderId,
        order.Market.Ticker,
        order.Side,
        order.Market.PriceOf(order.YesTick),
        Lots.ToContracts(order.InitialLots),
        Lots.ToContracts(order.FilledLots),
        Lots.ToContracts(order.RemainingLots),
        order.Status,
        order.TimeInForce,
        order.SelfTradePrevention,
        order.PostOnly,
        order.ReduceOnly,
        order.CreatedTime,
        order.LastUpdateTime,
        order.ExpirationTime,
        order.Group?.Id,
        Micros.ToMoney(order.TakerFillCost),
        Micros.ToMoney(order.MakerFillCost),
        Micros.ToMoney(order.TakerFees),
        Micros.ToMoney(order.MakerFees));

    private static PositionView PositionViewOf(MarketPosition position) => new(
        position.Market.Ticker,
        Lots.ToDecimal(position.Lots),
        Micros.ToMoney(position.Exposure),
        Micros.ToMoney(position.TotalTraded),
        Micros.ToMoney(position.Realized),
        Micros.ToMoney(position.Fees),
        position.RestingCount,
        position.LastUpdated);

    /// <summary>Markets the user holds, has traded, or rests orders in.</summary>
    private static List<PositionView> PositionViews(Account account)
    {
        var views = new List<PositionView>();
        foreach (var position in account.Positions.Values)
        {
            if (position.Lots != 0 || position.TotalTraded != 0 || position.RestingCount > 0) views.Add(PositionViewOf(position));
        }
        return views;
    }

    private static MarketView MarketViewOf(Market market)
    {
        var yesBest = market.Yes.Best;
        var noBest = market.No.Best;
        return new MarketView(
            market.Definition,
            market.Status,
            market.Result,
            yesBest > 0 ? market.PriceOf(yesBest) : null,
            noBest > 0 ? market.PriceOf(market.TickCount - noBest) : null,
            yesBest > 0 ? Lots.ToContracts(market.Yes.TotalAt(yesBest)) : Contracts.Zero,
            noBest > 0 ? Lots.ToContracts(market.No.TotalAt(noBest)) : Contracts.Zero,
            market.LastYesTick > 0 ? market.PriceOf(market.LastYesTick) : null,
            Lots.ToContracts(market.VolumeLots),
            Lots.ToContracts(market.OpenInterestLots));
    }

    private static BookSnapshot BookOf(Market market, int depth) =>
        new(market.Ticker, LevelsOf(market, market.Yes, depth), LevelsOf(market, market.No, depth));

    /// <summary>Ascending by price, best last; depth &gt; 0 keeps only the best levels.</summary>
    private static List<BookLevel> LevelsOf(Market market, OrderBookLadder ladder, int depth)
    {
        var levels = new List<BookLevel>();
        for (var tick = ladder.Best; tick > 0 && (depth <= 0 || levels.Count < depth); tick = ladder.NextBelow(tick))
        {
            levels.Add(new BookLevel(market.PriceOf(tick), Lots.ToContracts(ladder.TotalAt(tick))));
        }
        levels.Reverse();
        return levels;
    }

    private TradeView TradeViewOf(Market market, TradeRecord trade) => new(
        Ids.TradeId(trade.Sequence),
        market.Ticker,
        market.PriceOf(trade.YesTick),
        Lots.ToContracts(trade.Lots),
        trade.TakerSide,
        new DateTimeOffset(trade.TimeTicks, TimeSpan.Zero));

    private FillView FillViewOf(FillRecord fill)
    {
        var order = fill.Order;
        return new FillView(
            Ids.TradeId(fill.TradeSequence),
            order.Id,
            fill.ClientOrderId,
            order.Account.Id,
            order.Market.Ticker,
            order.Side,
            order.Market.PriceOf(fill.YesTick),
            Lots.ToContracts(fill.Lots),
            fill.IsTaker,
            Micros.ToMoney(fill.FeeMicros),
            Lots.ToDecimal(fill.PostPositionLots),
            new DateTimeOffset(fill.TimeTicks, TimeSpan.Zero));
    }

    private static OrderGroupView GroupViewOf(OrderGroup group) =>
        new(group.Id, Lots.ToContracts(group.LimitLots), group.IsTriggered, group.Resting.ConvertAll(o => o.Id));
}
