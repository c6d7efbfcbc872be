using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Perp;

/// <summary>A perp core with Aster's rules, one ZECUSDT market (tick 0.01, step 0.001, min notional 5) and a manual clock.</summary>
internal sealed class PerpCoreHarness : IPerpExchangeListener
{
    public const string Zec = "ZECUSDT";

    public PerpCoreHarness(PerpVenueRules? rules = null, string funding = "0.0001", double fundingHours = 8)
    {
        Clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.Zero));
        Exchange = new PerpExchange(rules ?? PerpVenueRules.Aster, Clock, seed: 7) { Listener = this };
        var refused = Exchange.CreateMarket(new PerpMarketDefinition(Zec, "ZEC", "USDT", Price.Parse("0.01"), Quantity.Parse("0.001"), Quantity.Parse("0.001"),
            Money.Parse("5"), Price.Parse("514.00"), FundingRate.Parse(funding), TimeSpan.FromHours(fundingHours)));
        Assert.Null(refused);
    }

    public ManualTimeProvider Clock { get; }

    public PerpExchange Exchange { get; }

    public List<PerpOrderEvent> OrderEvents { get; } = [];

    public List<PerpAccountEvent> AccountEvents { get; } = [];

    public List<PerpBookDelta> BookDeltas { get; } = [];

    public long Account(string balance = "100000") => Exchange.CreateAccount(Money.Parse(balance));

    public PerpPlaceResult Limit(long account, OrderSide side, string quantity, string price, PerpTimeInForce tif = PerpTimeInForce.GoodTillCanceled,
        bool postOnly = false, bool reduceOnly = false, string? clientOrderId = null) =>
        Exchange.PlaceOrder(account, new PerpOrderRequest(Zec, side, PerpOrderType.Limit, Quantity.Parse(quantity), Price.Parse(price), tif, postOnly, reduceOnly, clientOrderId));

    public PerpPlaceResult Market(long account, OrderSide side, string quantity, bool reduceOnly = false) =>
        Exchange.PlaceOrder(account, new PerpOrderRequest(Zec, side, PerpOrderType.Market, Quantity.Parse(quantity), null, ReduceOnly: reduceOnly));

    public decimal Position(long account) => Exchange.GetPosition(account, Zec)!.Quantity;

    public void OnOrder(PerpOrderEvent e) => OrderEvents.Add(e);

    public void OnAccount(PerpAccountEvent e) => AccountEvents.Add(e);

    public void OnBook(PerpBookDelta e) => BookDeltas.Add(e);
}
