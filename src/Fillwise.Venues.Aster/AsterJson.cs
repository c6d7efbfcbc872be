using System.Globalization;
using System.Text.Json;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>Aster's JSON to the client's models: numbers are exact decimal strings, ids and times are numbers (or numeric strings).</summary>
internal static class AsterJson
{
    public static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(name, e);

    public static string? OptStr(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long Long(JsonElement e, string name)
    {
        if (e.TryGetProperty(name, out var v))
        {
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
            if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
        }
        throw Bad(name, e);
    }

    public static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static decimal Dec(JsonElement e, string name)
    {
        var text = Str(e, name);
        return FixedPoint.TryParse(text, 18, allowNegative: true, out var value, out _) ? value : throw Bad(name, e);
    }

    public static Price Price(JsonElement e, string name) =>
        Domain.Values.Price.TryParse(Str(e, name), out var p, out _) ? p : throw Bad(name, e);

    public static Quantity Qty(JsonElement e, string name) =>
        Domain.Values.Quantity.TryParse(Str(e, name), out var q, out _) ? q : throw Bad(name, e);

    public static Money Money(JsonElement e, string name) => Domain.Values.Money.Round(Dec(e, name), Domain.Values.Money.MaxDecimals);

    public static DateTimeOffset Time(JsonElement e, string name) => DateTimeOffset.FromUnixTimeMilliseconds(Long(e, name));

    public static OrderSide Side(string text) => text switch
    {
        "BUY" => OrderSide.Buy,
        "SELL" => OrderSide.Sell,
        _ => throw new AsterApiException(VenueErrorKind.Unknown, 0, $"unknown side '{text}' in Aster's answer"),
    };

    public static AsterOrderStatus Status(string text) => text switch
    {
        "NEW" => AsterOrderStatus.New,
        "PARTIALLY_FILLED" => AsterOrderStatus.PartiallyFilled,
        "FILLED" => AsterOrderStatus.Filled,
        "CANCELED" => AsterOrderStatus.Canceled,
        "EXPIRED" => AsterOrderStatus.Expired,
        "REJECTED" => AsterOrderStatus.Rejected,
        _ => throw new AsterApiException(VenueErrorKind.Unknown, 0, $"unknown order status '{text}' in Aster's answer"),
    };

    public static AsterTimeInForce TimeInForce(string? text) => text switch
    {
        "IOC" => AsterTimeInForce.ImmediateOrCancel,
        "FOK" => AsterTimeInForce.FillOrKill,
        "GTX" => AsterTimeInForce.PostOnly,
        _ => AsterTimeInForce.GoodTillCanceled,
    };

    public static string ToWire(OrderSide side) => side == OrderSide.Buy ? "BUY" : "SELL";

    public static string ToWire(AsterTimeInForce tif) => tif switch
    {
        AsterTimeInForce.ImmediateOrCancel => "IOC",
        AsterTimeInForce.FillOrKill => "FOK",
        AsterTimeInForce.PostOnly => "GTX",
        _ => "GTC",
    };

    public static ClientOrderId? ClientId(string? text) => string.IsNullOrEmpty(text) ? null : new ClientOrderId(text);

    public static AsterOrder Order(JsonElement e, string venue)
    {
        var price = Price(e, "price");
        var type = Str(e, "type") == "MARKET" ? AsterOrderType.Market : AsterOrderType.Limit;
        return new AsterOrder(
            Long(e, "orderId"),
            ClientId(OptStr(e, "clientOrderId")),
            new InstrumentId(venue, Str(e, "symbol")),
            Side(Str(e, "side")),
            type,
            TimeInForce(OptStr(e, "timeInForce")),
            type == AsterOrderType.Limit && !price.IsZero ? price : null,
            Qty(e, "origQty"),
            Qty(e, "executedQty"),
            Dec(e, "avgPrice"),
            e.TryGetProperty("cumQuote", out _) ? Money(e, "cumQuote") : Domain.Values.Money.Zero,
            Status(Str(e, "status")),
            Bool(e, "reduceOnly"),
            Time(e, e.TryGetProperty("time", out _) ? "time" : "updateTime"),
            Time(e, "updateTime"));
    }

    /// <summary>A userTrades row as a position fill; the commission is what was paid (Aster reports it positive).</summary>
    public static PerpFill Trade(JsonElement e, string venue, ClientOrderId? clientOrderId = null) => new(
        new TradeId(Long(e, "id").ToString(CultureInfo.InvariantCulture)),
        new InstrumentId(venue, Str(e, "symbol")),
        Side(Str(e, "side")),
        Qty(e, "qty"),
        Price(e, "price"),
        Money(e, "commission"),
        Bool(e, "maker"),
        Time(e, "time"),
        new VenueOrderId(Long(e, "orderId").ToString(CultureInfo.InvariantCulture)),
        clientOrderId);

    private static AsterApiException Bad(string field, JsonElement e)
    {
        var text = e.GetRawText();
        return new AsterApiException(VenueErrorKind.Unknown, 0, $"Aster's answer has no valid '{field}': {(text.Length > 200 ? text[..200] : text)}");
    }
}
