using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Lighter;

/// <summary>Lighter's order, trade, position and funding objects (REST and channels alike) to the client's models.</summary>
internal static class LighterWire
{
    public static LighterOrder Order(JsonElement o, LighterMarketInfo market)
    {
        var initial = LighterJson.Qty(o, "initial_base_amount");
        var remaining = LighterJson.Qty(o, "remaining_base_amount");
        var filled = LighterJson.OptDec(o, "filled_base_amount") is { } f ? Quantity.Of(f) : Quantity.Shortfall(initial, remaining);
        var created = LighterJson.OptLong(o, "created_at") ?? LighterJson.OptLong(o, "timestamp") ?? 0;
        var updated = LighterJson.OptLong(o, "updated_at") ?? created;
        return new LighterOrder(
            LighterJson.Long(o, "order_index"),
            LighterJson.OptLong(o, "client_order_index") ?? 0,
            market.Instrument.Id,
            market.MarketIndex,
            LighterJson.Long(o, "owner_account_index"),
            LighterJson.Bool(o, "is_ask") ? OrderSide.Sell : OrderSide.Buy,
            LighterJson.OptStr(o, "type") == "market",
            LighterJson.OptStr(o, "time_in_force") ?? "good-till-time",
            LighterJson.Bool(o, "reduce_only"),
            LighterJson.Price(o, "price"),
            initial,
            remaining,
            filled,
            LighterJson.OptMoney(o, "filled_quote_amount") ?? Money.Zero,
            LighterJson.Str(o, "status"),
            LighterJson.OptLong(o, "nonce") ?? 0,
            Time(created),
            Time(updated));
    }

    /// <summary>Lighter writes order times in seconds or milliseconds depending on the field's age; both read as a time.</summary>
    private static DateTimeOffset Time(long value) =>
        value > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(value) : DateTimeOffset.FromUnixTimeSeconds(value);

    public static LighterTrade Trade(JsonElement t, LighterMarketInfo market) => new(
        LighterJson.Long(t, "trade_id"),
        LighterJson.OptStr(t, "tx_hash") ?? string.Empty,
        market.Instrument.Id,
        market.MarketIndex,
        LighterJson.Price(t, "price"),
        LighterJson.Qty(t, "size"),
        LighterJson.OptMoney(t, "usd_amount") ?? Money.FromDollars(LighterJson.Dec(t, "price") * LighterJson.Dec(t, "size")),
        LighterJson.OptLong(t, "ask_id") ?? 0,
        LighterJson.OptLong(t, "bid_id") ?? 0,
        LighterJson.OptLong(t, "ask_client_id") ?? 0,
        LighterJson.OptLong(t, "bid_client_id") ?? 0,
        LighterJson.Long(t, "ask_account_id"),
        LighterJson.Long(t, "bid_account_id"),
        LighterJson.Bool(t, "is_maker_ask"),
        LighterJson.OptLong(t, "taker_fee") ?? 0,
        LighterJson.OptLong(t, "maker_fee") ?? 0,
        Time(LighterJson.Long(t, "timestamp")));

    public static LighterPosition Position(JsonElement p, LighterMarketInfo market)
    {
        var size = LighterJson.Dec(p, "position");
        var sign = LighterJson.OptLong(p, "sign") ?? 1;
        return new LighterPosition(
            market.Instrument.Id,
            market.MarketIndex,
            sign < 0 ? -Math.Abs(size) : Math.Abs(size),
            LighterJson.OptDec(p, "avg_entry_price") is { } entry && entry >= 0m ? Price.Of(entry) : Price.Zero,
            LighterJson.OptMoney(p, "unrealized_pnl") ?? Money.Zero,
            LighterJson.OptMoney(p, "realized_pnl") ?? Money.Zero,
            LighterJson.OptMoney(p, "total_funding_paid_out"),
            LighterJson.OptMoney(p, "total_fees_paid"),
            (int)(LighterJson.OptLong(p, "open_order_count") ?? 0));
    }

    public static LighterFunding Funding(JsonElement f, InstrumentId instrument) => new(
        LighterJson.Long(f, "funding_id"),
        instrument,
        LighterJson.Money(f, "change"),
        FundingRate.Of(LighterJson.Dec(f, "rate")),
        LighterJson.Qty(f, "position_size"),
        LighterJson.OptStr(f, "position_side") != "short",
        Time(LighterJson.Long(f, "timestamp")));
}
