using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>Aster's JSON shapes (Binance USDⓈ-M's), with numbers as strings in each market's precision.</summary>
internal static class AsterWire
{
    public const string Asset = "USDT";

    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    /// <summary>A decimal string with at least <paramref name="min"/> and at most <paramref name="max"/> places (rounded half away from zero past max).</summary>
    public static string Number(decimal value, int min, int max = 8)
    {
        var rounded = Math.Round(value, Math.Max(min, max), MidpointRounding.AwayFromZero);
        var places = Math.Max(min, FixedPoint.DecimalPlaces(rounded));
        return rounded.ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Money as Aster writes balances and fees: 8 places (more only if exact needs them).</summary>
    public static string Money(Money m) => Number(m.Dollars, 8, 12);

    public static string Money(decimal m) => Number(m, 8, 12);

    public static string Price(PerpMarketView m, Price p) => Number(p.Value, m.Instrument.PriceDecimals, Domain.Values.Price.MaxDecimals);

    public static string Quantity(PerpMarketView m, Quantity q) => Number(q.Value, m.Instrument.QuantityDecimals, Domain.Values.Quantity.MaxDecimals);

    public static string SignedQuantity(PerpMarketView m, decimal q) => Number(q, m.Instrument.QuantityDecimals, Domain.Values.Quantity.MaxDecimals);

    public static string Side(OrderSide side) => side == OrderSide.Buy ? "BUY" : "SELL";

    public static string Status(PerpOrderStatus status) => status switch
    {
        PerpOrderStatus.New => "NEW",
        PerpOrderStatus.PartiallyFilled => "PARTIALLY_FILLED",
        PerpOrderStatus.Filled => "FILLED",
        PerpOrderStatus.Canceled => "CANCELED",
        _ => "EXPIRED",
    };

    public static string TimeInForce(PerpOrderView o) => o.PostOnly ? "GTX" : o.TimeInForce switch
    {
        PerpTimeInForce.ImmediateOrCancel => "IOC",
        PerpTimeInForce.FillOrKill => "FOK",
        _ => "GTC",
    };

    public static string Type(PerpOrderType type) => type == PerpOrderType.Market ? "MARKET" : "LIMIT";

    public static string Execution(PerpExecutionType x) => x switch
    {
        PerpExecutionType.New => "NEW",
        PerpExecutionType.Trade => "TRADE",
        PerpExecutionType.Canceled => "CANCELED",
        _ => "EXPIRED",
    };

    public static JsonObject Order(PerpMarketView m, PerpOrderView o) => new()
    {
        ["orderId"] = o.OrderId,
        ["symbol"] = o.Symbol,
        ["status"] = Status(o.Status),
        ["clientOrderId"] = o.ClientOrderId,
        ["price"] = o.Price is { } p ? Price(m, p) : "0",
        ["avgPrice"] = Number(o.AveragePrice, m.Instrument.PriceDecimals),
        ["origQty"] = Quantity(m, o.OriginalQuantity),
        ["executedQty"] = Quantity(m, o.ExecutedQuantity),
        ["cumQty"] = Quantity(m, o.ExecutedQuantity),
        ["cumQuote"] = Number(o.CumulativeQuote, m.Instrument.PriceDecimals, 12),
        ["timeInForce"] = TimeInForce(o),
        ["type"] = Type(o.Type),
        ["reduceOnly"] = o.ReduceOnly,
        ["closePosition"] = false,
        ["side"] = Side(o.Side),
        ["positionSide"] = "BOTH",
        ["stopPrice"] = "0",
        ["workingType"] = "CONTRACT_PRICE",
        ["priceProtect"] = false,
        ["origType"] = Type(o.Type),
        ["time"] = Ms(o.CreatedAt),
        ["updateTime"] = Ms(o.UpdatedAt),
    };

    public static JsonObject Trade(PerpMarketView m, PerpFillView f) => new()
    {
        ["symbol"] = f.Symbol,
        ["id"] = f.TradeId,
        ["orderId"] = f.OrderId,
        ["side"] = Side(f.Side),
        ["price"] = Price(m, f.Price),
        ["qty"] = Quantity(m, f.Quantity),
        ["realizedPnl"] = Money(f.RealizedPnl),
        ["marginAsset"] = Asset,
        ["quoteQty"] = Number(f.QuoteQuantity, m.Instrument.PriceDecimals, 12),
        ["commission"] = Money(f.Fee),
        ["commissionAsset"] = Asset,
        ["time"] = Ms(f.Time),
        ["positionSide"] = "BOTH",
        ["buyer"] = f.Side == OrderSide.Buy,
        ["maker"] = f.IsMaker,
    };

    public static JsonObject Position(PerpMarketView m, PerpPositionView p, int leverage) => new()
    {
        ["symbol"] = p.Symbol,
        ["positionAmt"] = SignedQuantity(m, p.Quantity),
        ["entryPrice"] = Number(p.EntryPrice, m.Instrument.PriceDecimals),
        ["markPrice"] = Number(p.MarkPrice.Value, m.Instrument.PriceDecimals),
        ["unRealizedProfit"] = Money(p.UnrealizedPnl),
        ["liquidationPrice"] = "0",
        ["leverage"] = leverage.ToString(CultureInfo.InvariantCulture),
        ["maxNotionalValue"] = "10000000",
        ["marginType"] = "cross",
        ["isolatedMargin"] = "0.00000000",
        ["isAutoAddMargin"] = "false",
        ["positionSide"] = "BOTH",
        ["notional"] = Money(p.Notional),
        ["isolatedWallet"] = "0",
        ["updateTime"] = Ms(p.UpdatedAt),
    };

    public static JsonArray Levels(PerpMarketView m, IReadOnlyList<PerpBookLevel> levels)
    {
        var array = new JsonArray();
        foreach (var l in levels) array.Add(new JsonArray(Price(m, l.Price), Quantity(m, l.Quantity)));
        return array;
    }

    public static JsonObject OrderTradeUpdate(PerpMarketView m, PerpOrderEvent e)
    {
        var o = e.Order;
        var f = e.Fill;
        return new JsonObject
        {
            ["e"] = "ORDER_TRADE_UPDATE",
            ["E"] = Ms(e.Time),
            ["T"] = Ms(e.Time),
            ["o"] = new JsonObject
            {
                ["s"] = o.Symbol,
                ["c"] = o.ClientOrderId,
                ["S"] = Side(o.Side),
                ["o"] = Type(o.Type),
                ["f"] = TimeInForce(o),
                ["q"] = Quantity(m, o.OriginalQuantity),
                ["p"] = o.Price is { } p ? Price(m, p) : "0",
                ["ap"] = Number(o.AveragePrice, m.Instrument.PriceDecimals),
                ["sp"] = "0",
                ["x"] = Execution(e.Execution),
                ["X"] = Status(o.Status),
                ["i"] = o.OrderId,
                ["l"] = f is null ? "0" : Quantity(m, f.Quantity),
                ["z"] = Quantity(m, o.ExecutedQuantity),
                ["L"] = f is null ? "0" : Price(m, f.Price),
                ["N"] = Asset,
                ["n"] = f is null ? "0" : Money(f.Fee),
                ["T"] = Ms(o.UpdatedAt),
                ["t"] = f?.TradeId ?? 0,
                ["b"] = "0",
                ["a"] = "0",
                ["m"] = f?.IsMaker ?? false,
                ["R"] = o.ReduceOnly,
                ["wt"] = "CONTRACT_PRICE",
                ["ot"] = Type(o.Type),
                ["ps"] = "BOTH",
                ["cp"] = false,
                ["rp"] = f is null ? "0" : Money(f.RealizedPnl),
            },
        };
    }

    public static JsonObject AccountUpdate(Func<string, PerpMarketView?> market, PerpAccountEvent e)
    {
        var positions = new JsonArray();
        foreach (var p in e.Positions)
        {
            if (market(p.Symbol) is not { } m) continue;
            positions.Add(new JsonObject
            {
                ["s"] = p.Symbol,
                ["pa"] = SignedQuantity(m, p.Quantity),
                ["ep"] = Number(p.EntryPrice, m.Instrument.PriceDecimals),
                ["cr"] = Money(p.RealizedPnl),
                ["up"] = Money(p.UnrealizedPnl),
                ["mt"] = "cross",
                ["iw"] = "0",
                ["ps"] = "BOTH",
            });
        }
        return new JsonObject
        {
            ["e"] = "ACCOUNT_UPDATE",
            ["E"] = Ms(e.Time),
            ["T"] = Ms(e.Time),
            ["a"] = new JsonObject
            {
                ["m"] = e.Reason switch
                {
                    PerpAccountChange.FundingFee => "FUNDING_FEE",
                    PerpAccountChange.Deposit => "DEPOSIT",
                    PerpAccountChange.AdminPosition => "ADMIN",
                    _ => "ORDER",
                },
                ["B"] = new JsonArray(new JsonObject { ["a"] = Asset, ["wb"] = Money(e.WalletBalance), ["cw"] = Money(e.WalletBalance), ["bc"] = "0" }),
                ["P"] = positions,
            },
        };
    }

    public static JsonObject DepthUpdate(PerpMarketView m, PerpBookDelta d) => new()
    {
        ["e"] = "depthUpdate",
        ["E"] = Ms(d.Time),
        ["T"] = Ms(d.Time),
        ["s"] = d.Symbol,
        ["U"] = d.UpdateId,
        ["u"] = d.UpdateId,
        ["pu"] = d.PreviousUpdateId,
        ["b"] = Levels(m, d.Bids),
        ["a"] = Levels(m, d.Asks),
    };
}
