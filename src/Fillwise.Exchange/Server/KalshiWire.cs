using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Fees;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Server;

/// <summary>
/// The exchange's model in Kalshi's current wire shapes: *_dollars strings for money and prices,
/// *_fp strings for counts, RFC 3339 times, plus the legacy integer cents Kalshi still sends.
/// </summary>
internal static class KalshiWire
{
    public static byte[] ToUtf8(JsonNode? node)
    {
        if (node is null) return "{}"u8.ToArray();
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static long UnixMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static string Dollars(Money money) => money.ToString(4);

    public static string Fee(Money money) => money.ToString(6);

    /// <summary>Legacy integer cents, truncated toward zero as Kalshi's balance is.</summary>
    public static long Cents(Money money) => (long)decimal.Truncate(money.Dollars * 100m);

    public static string Count(decimal signedCount) => signedCount.ToString("F2", CultureInfo.InvariantCulture);

    public static string PriceOrZero(ContractPrice? price) => price?.ToString() ?? "0.0000";

    public static string ToWire(this VenueOrderStatus status) => status switch
    {
        VenueOrderStatus.Resting => "resting",
        VenueOrderStatus.Canceled => "canceled",
        _ => "executed",
    };

    public static string ToWire(this VenueTimeInForce tif) => tif switch
    {
        VenueTimeInForce.FillOrKill => "fill_or_kill",
        VenueTimeInForce.ImmediateOrCancel => "immediate_or_cancel",
        _ => "good_till_canceled",
    };

    public static string ToWire(this SelfTradePrevention stp) => stp == SelfTradePrevention.Maker ? "maker" : "taker_at_cross";

    /// <summary>The market's status field: initialized, inactive, active, closed, determined, disputed, amended, finalized.</summary>
    public static string MarketStatusWire(MarketStatus status) => KalshiExchange.Wire(status);

    public static string GroupEventType(OrderGroupEventKind kind) => kind switch
    {
        OrderGroupEventKind.Created => "created",
        OrderGroupEventKind.Triggered => "triggered",
        OrderGroupEventKind.Reset => "reset",
        OrderGroupEventKind.Deleted => "deleted",
        _ => "limit_updated",
    };

    public static string LifecycleType(MarketLifecycleKind kind) => kind switch
    {
        MarketLifecycleKind.Created => "created",
        MarketLifecycleKind.Activated => "activated",
        MarketLifecycleKind.Deactivated => "deactivated",
        MarketLifecycleKind.CloseDateUpdated => "close_date_updated",
        MarketLifecycleKind.Determined => "determined",
        _ => "settled",
    };

    /// <summary>A market_lifecycle_v2 message: each event type carries the fields Kalshi's AsyncAPI gives it.</summary>
    public static JsonObject LifecycleMessage(MarketLifecycleEvent lifecycle)
    {
        var m = lifecycle.Market;
        var d = m.Definition;
        var msg = new JsonObject
        {
            ["event_type"] = LifecycleType(lifecycle.Kind),
            ["market_ticker"] = d.Ticker.Value,
        };
        switch (lifecycle.Kind)
        {
            case MarketLifecycleKind.Created:
                msg["exchange_index"] = 0;
                msg["open_ts"] = d.OpenTime.ToUnixTimeSeconds();
                msg["close_ts"] = m.CloseTime.ToUnixTimeSeconds();
                msg["price_level_structure"] = d.Grid.Name;
                msg["price_ranges"] = PriceRanges(d.Grid);
                msg["additional_metadata"] = new JsonObject
                {
                    ["name"] = d.Title,
                    ["title"] = d.Title,
                    ["yes_sub_title"] = d.Title,
                    ["no_sub_title"] = d.Title,
                    ["rules_primary"] = d.Title,
                    ["rules_secondary"] = string.Empty,
                    ["can_close_early"] = true,
                    ["event_ticker"] = d.EventTicker,
                    ["expected_expiration_ts"] = d.CloseTime.ToUnixTimeSeconds(),
                };
                break;
            case MarketLifecycleKind.Activated or MarketLifecycleKind.Deactivated:
                msg["is_deactivated"] = lifecycle.Kind == MarketLifecycleKind.Deactivated;
                break;
            case MarketLifecycleKind.CloseDateUpdated:
                msg["close_ts"] = m.CloseTime.ToUnixTimeSeconds();
                break;
            case MarketLifecycleKind.Determined:
                msg["result"] = m.Result?.Wire ?? string.Empty;
                msg["determination_ts"] = (m.DeterminedTime ?? lifecycle.Time).ToUnixTimeSeconds();
                if (m.Result?.ValueDollars is { } value) msg["settlement_value"] = value;
                break;
            default:
                msg["settled_ts"] = (m.SettledTime ?? lifecycle.Time).ToUnixTimeSeconds();
                break;
        }
        return msg;
    }

    /// <summary>event_lifecycle: an event's first market was created.</summary>
    public static JsonObject EventLifecycleMessage(MarketView market) => new()
    {
        ["event_ticker"] = market.Definition.EventTicker,
        ["exchange_index"] = 0,
        ["title"] = market.Definition.Title,
        ["subtitle"] = string.Empty,
        ["collateral_return_type"] = string.Empty,
        ["series_ticker"] = SeriesOf(market.Definition.EventTicker),
    };

    public static JsonArray PriceRanges(PriceLevelStructure grid)
    {
        var ranges = new JsonArray();
        foreach (var r in grid.Ranges)
            ranges.Add(new JsonObject { ["start"] = PriceLevelStructure.Dollars(r.Start), ["end"] = PriceLevelStructure.Dollars(r.End), ["step"] = PriceLevelStructure.Dollars(r.Step) });
        return ranges;
    }

    /// <summary>A V2 bid is a yes buy; an ask is a no buy (both legs read as bids on Kalshi's book).</summary>
    public static OutcomeSide Outcome(BookSide side) => side == BookSide.Bid ? OutcomeSide.Yes : OutcomeSide.No;

    public static JsonObject Order(OrderView o)
    {
        var outcome = Outcome(o.Side);
        return new JsonObject
        {
            ["order_id"] = o.OrderId,
            ["user_id"] = o.UserId,
            ["client_order_id"] = o.ClientOrderId ?? string.Empty,
            ["ticker"] = o.Ticker.Value,
            ["outcome_side"] = outcome.ToWire(),
            ["book_side"] = o.Side.ToWire(),
            ["side"] = outcome.ToWire(),
            ["action"] = "buy",
            ["type"] = "limit",
            ["status"] = o.Status.ToWire(),
            ["yes_price_dollars"] = o.YesPrice.ToString(),
            ["no_price_dollars"] = o.YesPrice.Complement.ToString(),
            ["fill_count_fp"] = o.FillCount.ToString(),
            ["remaining_count_fp"] = o.RemainingCount.ToString(),
            ["initial_count_fp"] = o.InitialCount.ToString(),
            ["taker_fill_cost_dollars"] = Dollars(o.TakerFillCost),
            ["maker_fill_cost_dollars"] = Dollars(o.MakerFillCost),
            ["taker_fees_dollars"] = Dollars(o.TakerFees),
            ["maker_fees_dollars"] = Dollars(o.MakerFees),
            ["expiration_time"] = o.ExpirationTime is { } e ? Time(e) : null,
            ["created_time"] = Time(o.CreatedTime),
            ["last_update_time"] = Time(o.LastUpdateTime),
            ["self_trade_prevention_type"] = o.SelfTradePrevention.ToWire(),
            ["time_in_force"] = o.TimeInForce.ToWire(),
            ["post_only"] = o.PostOnly,
            ["reduce_only"] = o.ReduceOnly,
            ["order_group_id"] = o.OrderGroupId,
            ["cancel_order_on_pause"] = o.CancelOrderOnPause,
            ["subaccount_number"] = 0,
            ["exchange_index"] = 0,
        };
    }

    /// <summary>The WebSocket user_order message: the order fields plus millisecond times.</summary>
    public static JsonObject UserOrder(OrderView o)
    {
        var msg = Order(o);
        // The AsyncAPI message has no nulls: an absent group or expiry is left out.
        if (o.OrderGroupId is null) msg.Remove("order_group_id");
        if (o.ExpirationTime is null) msg.Remove("expiration_time");
        msg["is_yes"] = o.Side == BookSide.Bid;
        msg["created_ts_ms"] = UnixMs(o.CreatedTime);
        msg["last_updated_ts_ms"] = UnixMs(o.LastUpdateTime);
        if (o.ExpirationTime is { } e) msg["expiration_ts_ms"] = UnixMs(e);
        return msg;
    }

    public static JsonObject Fill(FillView f)
    {
        var outcome = Outcome(f.Side);
        return new JsonObject
        {
            ["fill_id"] = f.TradeId,
            ["trade_id"] = f.TradeId,
            ["order_id"] = f.OrderId,
            ["client_order_id"] = f.ClientOrderId ?? string.Empty,
            ["ticker"] = f.Ticker.Value,
            ["market_ticker"] = f.Ticker.Value,
            ["outcome_side"] = outcome.ToWire(),
            ["book_side"] = f.Side.ToWire(),
            ["side"] = outcome.ToWire(),
            ["action"] = "buy",
            ["count_fp"] = f.Count.ToString(),
            ["yes_price_dollars"] = f.YesPrice.ToString(),
            ["no_price_dollars"] = f.YesPrice.Complement.ToString(),
            ["is_taker"] = f.IsTaker,
            ["fee_cost"] = Fee(f.Fee),
            ["created_time"] = Time(f.Time),
            ["ts"] = f.Time.ToUnixTimeSeconds(),
            ["subaccount_number"] = 0,
            ["exchange_index"] = 0,
        };
    }

    /// <summary>The WebSocket fill message.</summary>
    public static JsonObject FillMessage(FillView f)
    {
        var outcome = Outcome(f.Side);
        return new JsonObject
        {
            ["trade_id"] = f.TradeId,
            ["order_id"] = f.OrderId,
            ["client_order_id"] = f.ClientOrderId ?? string.Empty,
            ["market_ticker"] = f.Ticker.Value,
            ["is_taker"] = f.IsTaker,
            ["outcome_side"] = outcome.ToWire(),
            ["book_side"] = f.Side.ToWire(),
            ["side"] = outcome.ToWire(),
            ["action"] = "buy",
            ["yes_price_dollars"] = f.YesPrice.ToString(),
            ["no_price_dollars"] = f.YesPrice.Complement.ToString(),
            ["count_fp"] = f.Count.ToString(),
            ["fee_cost"] = Fee(f.Fee),
            ["post_position_fp"] = Count(f.PostPosition),
            ["purchased_side"] = outcome.ToWire(),
            ["ts"] = f.Time.ToUnixTimeSeconds(),
            ["ts_ms"] = UnixMs(f.Time),
            ["exchange_index"] = 0,
            ["subaccount"] = 0,
            ["subaccount_number"] = 0,
        };
    }

    public static JsonObject Trade(TradeView t)
    {
        var taker = Outcome(t.TakerSide);
        return new JsonObject
        {
            ["trade_id"] = t.TradeId,
            ["ticker"] = t.Ticker.Value,
            ["count_fp"] = t.Count.ToString(),
            ["yes_price_dollars"] = t.YesPrice.ToString(),
            ["no_price_dollars"] = t.YesPrice.Complement.ToString(),
            ["taker_outcome_side"] = taker.ToWire(),
            ["taker_book_side"] = t.TakerSide.ToWire(),
            ["taker_side"] = taker.ToWire(),
            ["created_time"] = Time(t.Time),
            ["is_block_trade"] = false,
        };
    }

    public static JsonObject TradeMessage(TradeView t)
    {
        var taker = Outcome(t.TakerSide);
        return new JsonObject
        {
            ["trade_id"] = t.TradeId,
            ["market_ticker"] = t.Ticker.Value,
            ["yes_price_dollars"] = t.YesPrice.ToString(),
            ["no_price_dollars"] = t.YesPrice.Complement.ToString(),
            ["count_fp"] = t.Count.ToString(),
            ["taker_outcome_side"] = taker.ToWire(),
            ["taker_book_side"] = t.TakerSide.ToWire(),
            ["taker_side"] = taker.ToWire(),
            ["is_block_trade"] = false,
            ["ts"] = t.Time.ToUnixTimeSeconds(),
            ["ts_ms"] = UnixMs(t.Time),
        };
    }

    public static JsonObject MarketPosition(PositionView p) => new()
    {
        ["ticker"] = p.Ticker.Value,
        ["position_fp"] = Count(p.Position),
        ["market_exposure_dollars"] = Dollars(p.MarketExposure),
        ["total_traded_dollars"] = Dollars(p.TotalTraded),
        ["realized_pnl_dollars"] = Dollars(p.RealizedPnl),
        ["fees_paid_dollars"] = Dollars(p.FeesPaid),
        ["resting_orders_count"] = p.RestingOrdersCount,
        ["last_updated_ts"] = Time(p.LastUpdated),
        ["exchange_index"] = 0,
    };

    public static JsonObject MarketPositionMessage(string userId, PositionView p) => new()
    {
        ["user_id"] = userId,
        ["market_ticker"] = p.Ticker.Value,
        ["position_fp"] = Count(p.Position),
        ["position_cost_dollars"] = Dollars(p.MarketExposure),
        ["realized_pnl_dollars"] = Dollars(p.RealizedPnl),
        ["fees_paid_dollars"] = Dollars(p.FeesPaid),
        ["position_fee_cost_dollars"] = Dollars(p.FeesPaid),
        ["volume_fp"] = p.Volume.ToString(),
        ["subaccount"] = 0,
        ["subaccount_number"] = 0,
    };

    /// <summary>
    /// A settlement record. market_result is yes, no or scalar (Kalshi's enum); a void has no value
    /// of its own in that enum: it is written as "scalar" with a null value (no single payout per
    /// contract) and the refund of the cost as its revenue.
    /// </summary>
    public static JsonObject Settlement(SettlementView s) => new()
    {
        ["ticker"] = s.Ticker.Value,
        ["event_ticker"] = s.EventTicker,
        ["market_result"] = s.Result.IsVoid ? "scalar" : s.Result.Wire,
        ["yes_count_fp"] = s.YesCount.ToString(),
        ["no_count_fp"] = s.NoCount.ToString(),
        ["yes_total_cost_dollars"] = Dollars(s.YesTotalCost),
        ["no_total_cost_dollars"] = Dollars(s.NoTotalCost),
        ["revenue"] = Cents(s.Revenue),
        ["value"] = s.Result.IsVoid ? null : (long)(s.Result.YesValue * 100m),
        ["fee_cost"] = Dollars(s.FeeCost),
        ["settled_time"] = Time(s.SettledTime),
        ["exchange_index"] = 0,
    };

    public static JsonArray Levels(IReadOnlyList<BookLevel> levels)
    {
        var array = new JsonArray();
        foreach (var level in levels) array.Add(new JsonArray(level.Price.ToString(), level.Count.ToString()));
        return array;
    }

    public static JsonObject Market(MarketView m, DateTimeOffset now)
    {
        var d = m.Definition;
        var noBid = m.YesAsk?.Complement;
        var noAsk = m.YesBid?.Complement;
        var market = new JsonObject
        {
            ["ticker"] = d.Ticker.Value,
            ["event_ticker"] = d.EventTicker,
            ["market_type"] = d.Type == MarketType.Scalar ? "scalar" : "binary",
            ["title"] = d.Title,
            ["subtitle"] = string.Empty,
            ["yes_sub_title"] = d.Title,
            ["no_sub_title"] = d.Title,
            ["created_time"] = Time(d.OpenTime),
            ["updated_time"] = Time(now),
            ["open_time"] = Time(d.OpenTime),
            ["close_time"] = Time(m.CloseTime),
            ["expected_expiration_time"] = Time(d.CloseTime),
            ["expiration_time"] = Time(d.CloseTime),
            ["latest_expiration_time"] = Time(d.CloseTime),
            ["settlement_timer_seconds"] = (long)d.SettlementTimer.TotalSeconds,
            ["status"] = MarketStatusWire(m.Status),
            ["notional_value_dollars"] = "1.0000",
            ["yes_bid_dollars"] = PriceOrZero(m.YesBid),
            ["yes_ask_dollars"] = m.YesAsk?.ToString() ?? "1.0000",
            ["no_bid_dollars"] = PriceOrZero(noBid),
            ["no_ask_dollars"] = noAsk?.ToString() ?? "1.0000",
            ["yes_bid_size_fp"] = m.YesBidSize.ToString(),
            ["yes_ask_size_fp"] = m.YesAskSize.ToString(),
            ["last_price_dollars"] = PriceOrZero(m.LastPrice),
            ["previous_yes_bid_dollars"] = "0.0000",
            ["previous_yes_ask_dollars"] = "0.0000",
            ["previous_price_dollars"] = "0.0000",
            ["volume_fp"] = m.Volume.ToString(),
            ["volume_24h_fp"] = m.Volume.ToString(),
            ["open_interest_fp"] = m.OpenInterest.ToString(),
            ["liquidity_dollars"] = "0.0000",
            // A void has no result in Kalshi's enum: determined or finalized with "" is a void.
            ["result"] = m.Result?.Wire ?? string.Empty,
            ["can_close_early"] = true,
            ["expiration_value"] = m.Result is { Kind: MarketResultKind.Scalar } scalar ? scalar.ValueDollars : string.Empty,
            ["rules_primary"] = d.Title,
            ["rules_secondary"] = string.Empty,
            ["price_level_structure"] = d.Grid.Name,
            ["price_ranges"] = PriceRanges(d.Grid),
            ["fractional_trading_enabled"] = d.FractionalTrading,
            ["fee_type"] = KalshiFeeModel.ToWire(d.FeeType),
            ["fee_multiplier"] = d.FeeMultiplier,
            ["exchange_index"] = 0,
        };
        // Filled only once determined (settlement value) and paid (settlement time), as Kalshi omits them before.
        if (m.Result?.ValueDollars is { } value) market["settlement_value_dollars"] = value;
        if (m.SettledTime is { } settled) market["settlement_ts"] = Time(settled);
        return market;
    }

    /// <summary>Kalshi's series ticker is the event ticker's first dash-separated part.</summary>
    public static string SeriesOf(string eventTicker)
    {
        var dash = eventTicker.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? eventTicker[..dash] : eventTicker;
    }
}
