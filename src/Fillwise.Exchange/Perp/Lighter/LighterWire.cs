using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// Lighter's JSON shapes (its REST models and WebSocket channel messages): amounts as decimal strings
/// in the market's size and price decimals, integer-scaled copies (base_size, base_price) beside them,
/// money in USDC's 6 places (more only when exactness needs them), times in Unix milliseconds.
/// </summary>
internal static class LighterWire
{
    /// <summary>Order indexes of the venue start here; client order indexes live below (Lighter cancels by either).</summary>
    public const long OrderIndexBase = 1L << 48;

    /// <summary>Largest client_order_index (48 bits, as Lighter's signer allows).</summary>
    public const long MaxClientOrderIndex = (1L << 48) - 1;

    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    /// <summary>Money with at least 6 places (USDC), exact.</summary>
    public static string Money(decimal value) => FixedPoint.Format(value, Math.Max(6, FixedPoint.DecimalPlaces(value)));

    public static string Money(Money m) => Money(m.Dollars);

    /// <summary>A fee rate as Lighter's order book lists it: percent, 4 places ("0.0200" = 0.02 %).</summary>
    public static string FeePercent(decimal rate) => FixedPoint.Format(rate * 100m, Math.Max(4, FixedPoint.DecimalPlaces(rate * 100m)));

    /// <summary>A fee rate as Lighter's trades carry it: an integer in millionths (200 = 0.02 %).</summary>
    public static long FeeMillionths(decimal rate) => (long)(rate * 1_000_000m);

    public static JsonObject OrderBook(LighterMarket m, PerpVenueRules rules) => new()
    {
        ["symbol"] = m.Symbol,
        ["market_id"] = m.Index,
        ["status"] = "active",
        ["taker_fee"] = FeePercent(rules.TakerFeeRate),
        ["maker_fee"] = FeePercent(rules.MakerFeeRate),
        ["liquidation_fee"] = "1.0000",
        ["min_base_amount"] = m.Size(m.View.Definition.MinQuantity.Value),
        ["min_quote_amount"] = Money(m.View.Definition.MinNotional),
        ["supported_size_decimals"] = m.SizeDecimals,
        ["supported_price_decimals"] = m.PriceDecimals,
        ["supported_quote_decimals"] = 6,
        ["order_quote_limit"] = "",
    };

    public static JsonObject OrderBookDetails(LighterMarket m, PerpVenueRules rules)
    {
        var json = OrderBook(m, rules);
        var imf = (int)(10_000m / rules.Leverage);
        json["size_decimals"] = m.SizeDecimals;
        json["price_decimals"] = m.PriceDecimals;
        json["quote_multiplier"] = 1;
        json["default_initial_margin_fraction"] = imf;
        json["min_initial_margin_fraction"] = imf;
        json["maintenance_margin_fraction"] = imf * 6 / 10;
        json["closeout_margin_fraction"] = imf * 4 / 10;
        json["last_trade_price"] = m.View.LastPrice?.Value ?? 0m;
        json["daily_trades_count"] = 0;
        json["daily_base_token_volume"] = 0m;
        json["daily_quote_token_volume"] = 0m;
        json["daily_price_low"] = 0m;
        json["daily_price_high"] = 0m;
        json["daily_price_change"] = 0m;
        json["open_interest"] = 0m;
        json["daily_chart"] = new JsonObject();
        // Not in Lighter's orderBookDetails (it streams them on market_stats): the built-in adds them here.
        json["mark_price"] = m.PriceText(m.View.MarkPrice.Value);
        json["index_price"] = m.PriceText(m.View.MarkPrice.Value);
        json["funding_rate"] = m.View.FundingRate.ToString();
        json["funding_interval_hours"] = (decimal)m.View.FundingInterval.TotalMinutes / 60m;
        json["next_funding_time"] = Ms(m.View.NextFundingTime);
        return json;
    }

    public static string TimeInForce(PerpOrderView o) => o.PostOnly ? "post-only" : o.TimeInForce == PerpTimeInForce.GoodTillCanceled ? "good-till-time" : "immediate-or-cancel";

    public static JsonObject Order(LighterMarket m, LighterOrderRecord o) => new()
    {
        ["order_index"] = o.OrderIndex,
        ["client_order_index"] = o.ClientOrderIndex,
        ["order_id"] = o.OrderIndex.ToString(CultureInfo.InvariantCulture),
        ["client_order_id"] = o.ClientOrderIndex.ToString(CultureInfo.InvariantCulture),
        ["market_index"] = m.Index,
        ["owner_account_index"] = o.AccountIndex,
        ["initial_base_amount"] = m.Size(o.Initial.Value),
        ["price"] = m.PriceText(o.Price.Value),
        ["nonce"] = o.Nonce,
        ["remaining_base_amount"] = m.Size(o.Remaining.Value),
        ["is_ask"] = o.IsAsk,
        ["base_size"] = m.BaseAmountOf(o.Initial),
        ["base_price"] = m.PriceUnitsOf(o.Price),
        ["filled_base_amount"] = m.Size(o.Filled.Value),
        ["filled_quote_amount"] = Money(o.FilledQuote),
        ["side"] = o.IsAsk ? "sell" : "buy",
        ["type"] = o.IsMarket ? "market" : "limit",
        ["time_in_force"] = o.TimeInForce,
        ["reduce_only"] = o.ReduceOnly,
        ["trigger_price"] = m.PriceText(0m),
        ["order_expiry"] = o.OrderExpiry,
        ["status"] = o.Status,
        ["trigger_status"] = "na",
        ["trigger_time"] = 0,
        ["parent_order_index"] = 0,
        ["parent_order_id"] = "0",
        ["block_height"] = 0,
        ["timestamp"] = Ms(o.CreatedAt),
        ["created_at"] = Ms(o.CreatedAt),
        ["updated_at"] = Ms(o.UpdatedAt),
    };

    public static JsonObject Trade(LighterTradeRecord t, LighterMarket m, PerpVenueRules rules) => new()
    {
        ["trade_id"] = t.TradeId,
        ["tx_hash"] = t.TxHash,
        ["type"] = "trade",
        ["market_id"] = t.MarketIndex,
        ["size"] = m.Size(t.Size.Value),
        ["price"] = m.PriceText(t.Price.Value),
        ["usd_amount"] = Money(t.UsdAmount),
        ["ask_id"] = t.AskOrderIndex,
        ["bid_id"] = t.BidOrderIndex,
        ["ask_client_id"] = t.AskClientIndex,
        ["bid_client_id"] = t.BidClientIndex,
        ["ask_account_id"] = t.AskAccount,
        ["bid_account_id"] = t.BidAccount,
        ["is_maker_ask"] = t.IsMakerAsk,
        ["block_height"] = t.BlockHeight,
        ["timestamp"] = Ms(t.Time),
        ["taker_fee"] = FeeMillionths(rules.TakerFeeRate),
        ["maker_fee"] = FeeMillionths(rules.MakerFeeRate),
    };

    public static JsonObject Position(LighterMarket m, PerpPositionView p, int openOrders, int leverage) => new()
    {
        ["market_id"] = m.Index,
        ["symbol"] = m.Symbol,
        ["initial_margin_fraction"] = FixedPoint.Format(100m / leverage, 2),
        ["open_order_count"] = openOrders,
        ["pending_order_count"] = 0,
        ["position_tied_order_count"] = 0,
        ["sign"] = p.Quantity < 0m ? -1 : 1,
        ["position"] = m.Size(Math.Abs(p.Quantity)),
        ["avg_entry_price"] = FixedPoint.Format(p.EntryPrice, Math.Max(m.PriceDecimals, FixedPoint.DecimalPlaces(p.EntryPrice))),
        ["position_value"] = Money(Math.Abs(p.Quantity) * p.MarkPrice.Value),
        ["unrealized_pnl"] = Money(p.UnrealizedPnl),
        ["realized_pnl"] = Money(p.RealizedPnl),
        ["liquidation_price"] = "0",
        ["margin_mode"] = 0,
        ["allocated_margin"] = Money(0m),
        // Lighter's total funding paid out (positive: paid); fees are the built-in's addition.
        ["total_funding_paid_out"] = Money(p.FundingPaid),
        ["total_fees_paid"] = Money(p.FeesPaid),
    };

    public static JsonArray Levels(LighterMarket m, IReadOnlyList<PerpBookLevel> levels)
    {
        var array = new JsonArray();
        foreach (var l in levels) array.Add(new JsonObject { ["price"] = m.PriceText(l.Price.Value), ["size"] = m.Size(l.Quantity.Value) });
        return array;
    }

    public static JsonObject Funding(LighterMarket m, PerpFundingView f) => new()
    {
        ["timestamp"] = Ms(f.Time),
        ["market_id"] = m.Index,
        ["funding_id"] = f.IncomeId,
        // What the account received: the opposite of what it paid.
        ["change"] = Money(-f.Amount.Dollars),
        ["rate"] = f.Rate.ToString(),
        ["position_size"] = m.Size(Math.Abs(f.PositionQuantity)),
        ["position_side"] = f.PositionQuantity < 0m ? "short" : "long",
    };
}
