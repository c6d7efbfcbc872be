using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests;

/// <summary>A fresh exchange on a manual clock, a market and short-hands for orders.</summary>
internal sealed class ExchangeHarness
{
    public static readonly MarketTicker Ticker = new("KXTEST-26JAN01-T50");

    public ExchangeHarness(KalshiFeeType feeType = KalshiFeeType.Quadratic, PriceLevelStructure? grid = null)
    {
        Clock = new ManualTimeProvider();
        Events = new RecordingSink();
        Exchange = new KalshiExchange(Clock, seed: 7, Events);
        Assert.Null(Exchange.CreateMarket(Definition(Ticker, feeType, grid)));
    }

    public ManualTimeProvider Clock { get; }
    public RecordingSink Events { get; }
    public KalshiExchange Exchange { get; }

    /// <summary>An open market (fractional counts allowed, as most tests here trade them).</summary>
    public MarketDefinition Definition(MarketTicker ticker, KalshiFeeType feeType = KalshiFeeType.Quadratic, PriceLevelStructure? grid = null) =>
        new(ticker, "KXTEST-26JAN01", "test", Clock.GetUtcNow().AddHours(-1), Clock.GetUtcNow().AddHours(1), feeType, 1m, grid, FractionalTrading: true);

    public string User(decimal dollars = 1000m) => Exchange.CreateAccount(Money.FromDollars(dollars));

    public static OrderRequest Request(BookSide side, decimal yesPrice, decimal count,
        VenueTimeInForce tif = VenueTimeInForce.GoodTillCanceled, SelfTradePrevention stp = SelfTradePrevention.TakerAtCross,
        string? clientId = null, bool postOnly = false, bool reduceOnly = false, DateTimeOffset? expiration = null,
        string? group = null, MarketTicker? ticker = null) =>
        new(ticker ?? Ticker, side, Contracts.Of(count), ContractPrice.FromDollars(yesPrice), tif, stp, clientId, postOnly, reduceOnly, expiration, group);

    public PlaceOrderResult Bid(string user, decimal yesPrice, decimal count, VenueTimeInForce tif = VenueTimeInForce.GoodTillCanceled,
        SelfTradePrevention stp = SelfTradePrevention.TakerAtCross, string? clientId = null) =>
        Exchange.PlaceOrder(user, Request(BookSide.Bid, yesPrice, count, tif, stp, clientId));

    public PlaceOrderResult Ask(string user, decimal yesPrice, decimal count, VenueTimeInForce tif = VenueTimeInForce.GoodTillCanceled,
        SelfTradePrevention stp = SelfTradePrevention.TakerAtCross, string? clientId = null) =>
        Exchange.PlaceOrder(user, Request(BookSide.Ask, yesPrice, count, tif, stp, clientId));

    public decimal Balance(string user) => Exchange.GetBalance(user).Dollars;

    public PositionView? Position(string user, MarketTicker? ticker = null) =>
        Exchange.GetPositions(user).SingleOrDefault(p => p.Ticker == (ticker ?? Ticker));

    public decimal Held(string user) => Exchange.GetAccount(user)!.HeldCollateral.Dollars;
}

internal sealed class RecordingSink : IExchangeEventSink
{
    public List<string> Log { get; } = [];
    public List<(OutcomeSide Leg, decimal Price, decimal Delta, string? User, string? ClientId)> BookDeltas { get; } = [];
    public List<TradeView> Trades { get; } = [];
    public List<FillView> Fills { get; } = [];
    public List<OrderView> Orders { get; } = [];
    public List<(string User, PositionView Position)> Positions { get; } = [];
    public List<MarketLifecycleEvent> Lifecycle { get; } = [];
    public List<OrderGroupEvent> Groups { get; } = [];

    public void OnBookDelta(MarketTicker ticker, OutcomeSide leg, ContractPrice legPrice, decimal delta, string? userId, string? clientOrderId)
    {
        BookDeltas.Add((leg, legPrice.Dollars, delta, userId, clientOrderId));
        Log.Add("book");
    }

    public void OnTrade(TradeView trade)
    {
        Trades.Add(trade);
        Log.Add("trade");
    }

    public void OnFill(FillView fill)
    {
        Fills.Add(fill);
        Log.Add("fill");
    }

    public void OnOrderUpdate(OrderView order)
    {
        Orders.Add(order);
        Log.Add("order");
    }

    public void OnPositionUpdate(string userId, PositionView position)
    {
        Positions.Add((userId, position));
        Log.Add("position");
    }

    public void OnMarketLifecycle(MarketLifecycleEvent lifecycle)
    {
        Lifecycle.Add(lifecycle);
        Log.Add("lifecycle:" + lifecycle.Kind);
    }

    public void OnOrderGroupUpdate(OrderGroupEvent update)
    {
        Groups.Add(update);
        Log.Add("group:" + update.Kind);
    }
}
