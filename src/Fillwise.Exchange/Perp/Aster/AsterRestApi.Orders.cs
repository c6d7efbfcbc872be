using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Perp.Aster;

internal sealed partial class AsterRestApi
{
    [GeneratedRegex("^[.A-Z:/a-z0-9_-]{1,36}$")]
    private static partial Regex ClientOrderIdPattern();

    /// <summary>
    /// POST /fapi/v3/order: Aster's parameter and filter checks in its order (symbol, side, type,
    /// precision, PRICE_FILTER, LOT_SIZE, client order id), then the core (MIN_NOTIONAL, margin,
    /// reduce-only, duplicates). A crossing GTX is an answer, not an error: status EXPIRED, executedQty 0.
    /// </summary>
    private IResult PlaceOrder(AsterRequest r, long account, PerpExchange ex)
    {
        if (r.Get("symbol") is not { } symbol) return AsterErrors.Mandatory("symbol").ToResult();
        if (ex.GetMarket(symbol) is not { } m) return AsterErrors.InvalidSymbol().ToResult();
        if (r.Get("side") is not { } sideText) return AsterErrors.Mandatory("side").ToResult();
        OrderSide side;
        if (sideText == "BUY") side = OrderSide.Buy;
        else if (sideText == "SELL") side = OrderSide.Sell;
        else return AsterErrors.InvalidSide().ToResult();
        if (r.Get("type") is not { } typeText) return AsterErrors.Mandatory("type").ToResult();
        if (typeText is not ("LIMIT" or "MARKET")) return AsterErrors.InvalidType(typeText).ToResult();
        var type = typeText == "MARKET" ? PerpOrderType.Market : PerpOrderType.Limit;
        if (r.Get("positionSide") is { } ps && ps != "BOTH") return new AsterError(400, -4061, "Order's position side does not match user's setting.").ToResult();

        var reduceOnly = false;
        if (r.Get("reduceOnly") is { } ro)
        {
            if (ro is not ("true" or "false")) return AsterErrors.BadParameter("reduceOnly").ToResult();
            reduceOnly = ro == "true";
        }
        var clientOrderId = r.Get("newClientOrderId");
        if (clientOrderId is not null && !ClientOrderIdPattern().IsMatch(clientOrderId)) return AsterErrors.ClientOrderIdInvalid().ToResult();

        if (r.Get("quantity") is not { } quantityText) return AsterErrors.Mandatory("quantity").ToResult();
        if (!Quantity.TryParse(quantityText, out var quantity, out _)) return AsterErrors.Mandatory("quantity").ToResult();
        if (FixedPoint.DecimalPlaces(quantity.Value) > m.Instrument.QuantityDecimals) return AsterErrors.Precision($"quantity {quantityText}").ToResult();

        Price? price = null;
        var tif = PerpTimeInForce.GoodTillCanceled;
        var postOnly = false;
        if (type == PerpOrderType.Limit)
        {
            if (r.Get("price") is not { } priceText) return AsterErrors.Mandatory("price").ToResult();
            if (!Price.TryParse(priceText, out var p, out _) || p.IsZero) return AsterErrors.Mandatory("price").ToResult();
            if (FixedPoint.DecimalPlaces(p.Value) > m.Instrument.PriceDecimals) return AsterErrors.Precision($"price {priceText}").ToResult();
            if (r.Get("timeInForce") is not { } tifText) return AsterErrors.Mandatory("timeInForce").ToResult();
            switch (tifText)
            {
                case "GTC": break;
                case "IOC": tif = PerpTimeInForce.ImmediateOrCancel; break;
                case "FOK": tif = PerpTimeInForce.FillOrKill; break;
                case "GTX": postOnly = true; break;
                default: return AsterErrors.InvalidTimeInForce().ToResult();
            }
            if (p < m.Instrument.MinPrice) return AsterErrors.PriceBelowMin().ToResult();
            if (p > m.Instrument.MaxPrice) return AsterErrors.PriceAboveMax().ToResult();
            if (!m.Instrument.IsOnGrid(p)) return AsterErrors.PriceOffTick().ToResult();
            price = p;
        }
        if (quantity.IsZero || quantity < m.Definition.MinQuantity) return AsterErrors.QuantityBelowMin().ToResult();
        if (m.Definition.MaxQuantity is { } max && quantity > max) return AsterErrors.QuantityAboveMax().ToResult();
        if (!m.Instrument.IsOnStep(quantity)) return AsterErrors.QuantityOffStep().ToResult();

        var result = ex.PlaceOrder(account, new PerpOrderRequest(symbol, side, type, quantity, price, tif, postOnly, reduceOnly, clientOrderId));
        if (result.Rejection is { } rejection) return AsterErrors.From(rejection, m).ToResult();
        return Ok(AsterWire.Order(m, result.Order!));
    }

    /// <summary>orderId or origClientOrderId, one of them required (orderId wins, as at Aster).</summary>
    private static bool TryOrderRef(AsterRequest r, out long? orderId, out string? clientOrderId, out AsterError? error)
    {
        clientOrderId = r.Get("origClientOrderId");
        if (!r.TryLong("orderId", out orderId, out error)) return false;
        if (orderId is null && clientOrderId is null)
        {
            error = AsterErrors.Mandatory("orderId");
            return false;
        }
        return true;
    }

    private IResult QueryOrder(AsterRequest r, long account, PerpExchange ex)
    {
        if (r.Get("symbol") is not { } symbol) return AsterErrors.Mandatory("symbol").ToResult();
        if (ex.GetMarket(symbol) is not { } m) return AsterErrors.InvalidSymbol().ToResult();
        if (!TryOrderRef(r, out var orderId, out var clientOrderId, out var bad)) return bad!.ToResult();
        var order = ex.FindOrder(account, orderId, orderId is null ? clientOrderId : null);
        return order is null || order.Symbol != symbol ? AsterErrors.OrderDoesNotExist().ToResult() : Ok(AsterWire.Order(m, order));
    }

    private IResult QueryOpenOrder(AsterRequest r, long account, PerpExchange ex)
    {
        if (r.Get("symbol") is not { } symbol) return AsterErrors.Mandatory("symbol").ToResult();
        if (ex.GetMarket(symbol) is not { } m) return AsterErrors.InvalidSymbol().ToResult();
        if (!TryOrderRef(r, out var orderId, out var clientOrderId, out var bad)) return bad!.ToResult();
        var order = ex.FindOrder(account, orderId, orderId is null ? clientOrderId : null);
        return order is null || order.Symbol != symbol || !order.IsOpen
            ? new AsterError(400, -2013, "Order does not exist.").ToResult()
            : Ok(AsterWire.Order(m, order));
    }

    private IResult CancelOrder(AsterRequest r, long account, PerpExchange ex)
    {
        if (r.Get("symbol") is not { } symbol) return AsterErrors.Mandatory("symbol").ToResult();
        if (ex.GetMarket(symbol) is not { } m) return AsterErrors.InvalidSymbol().ToResult();
        if (!TryOrderRef(r, out var orderId, out var clientOrderId, out var bad)) return bad!.ToResult();
        var result = ex.CancelOrder(account, symbol, orderId, orderId is null ? clientOrderId : null);
        return result.Rejection is null ? Ok(AsterWire.Order(m, result.Order!)) : AsterErrors.UnknownOrder().ToResult();
    }

    private IResult CancelAll(AsterRequest r, long account, PerpExchange ex)
    {
        if (r.Get("symbol") is not { } symbol) return AsterErrors.Mandatory("symbol").ToResult();
        if (!ex.HasMarket(symbol)) return AsterErrors.InvalidSymbol().ToResult();
        ex.CancelAll(account, symbol);
        return Ok(new JsonObject { ["code"] = 200, ["msg"] = "The operation of cancel all open order is done." });
    }

    private IResult OpenOrders(AsterRequest r, long account, PerpExchange ex)
    {
        var symbol = r.Get("symbol");
        if (symbol is not null && !ex.HasMarket(symbol)) return AsterErrors.InvalidSymbol().ToResult();
        var all = new JsonArray();
        foreach (var o in ex.OpenOrders(account, symbol)) all.Add(AsterWire.Order(ex.GetMarket(o.Symbol)!, o));
        return Ok(all);
    }

    private IResult AllOrders(AsterRequest r, long account, PerpExchange ex)
    {
        if (r.Get("symbol") is not { } symbol) return AsterErrors.Mandatory("symbol").ToResult();
        if (ex.GetMarket(symbol) is not { } m) return AsterErrors.InvalidSymbol().ToResult();
        if (!r.TryLong("orderId", out var fromId, out var bad) || !r.TryLong("limit", out var limit, out bad)
            || !r.TryLong("startTime", out var start, out bad) || !r.TryLong("endTime", out var end, out bad)) return bad!.ToResult();
        var n = (int)Math.Clamp(limit ?? 500, 1, 1000);
        var list = ex.Orders(account, symbol, int.MaxValue)
            .Where(o => (fromId is null || o.OrderId >= fromId) && (start is null || AsterWire.Ms(o.CreatedAt) >= start) && (end is null || AsterWire.Ms(o.CreatedAt) <= end))
            .ToList();
        var all = new JsonArray();
        // From orderId: the first n at or after it; otherwise the most recent n. Oldest first either way.
        foreach (var o in fromId is null ? list.TakeLast(n) : list.Take(n)) all.Add(AsterWire.Order(m, o));
        return Ok(all);
    }

    private IResult UserTrades(AsterRequest r, long account, PerpExchange ex)
    {
        var symbol = r.Get("symbol");
        if (symbol is not null && !ex.HasMarket(symbol)) return AsterErrors.InvalidSymbol().ToResult();
        if (!r.TryLong("fromId", out var fromId, out var bad) || !r.TryLong("limit", out var limit, out bad) || !r.TryLong("orderId", out var orderId, out bad)
            || !r.TryLong("startTime", out var start, out bad) || !r.TryLong("endTime", out var end, out bad)) return bad!.ToResult();
        var n = (int)Math.Clamp(limit ?? 500, 1, 1000);
        var list = ex.Fills(account, symbol, int.MaxValue)
            .Where(f => (fromId is null || f.TradeId >= fromId) && (orderId is null || f.OrderId == orderId)
                        && (start is null || AsterWire.Ms(f.Time) >= start) && (end is null || AsterWire.Ms(f.Time) <= end))
            .ToList();
        var all = new JsonArray();
        foreach (var f in fromId is null ? list.TakeLast(n) : list.Take(n)) all.Add(AsterWire.Trade(ex.GetMarket(f.Symbol)!, f));
        return Ok(all);
    }
}
