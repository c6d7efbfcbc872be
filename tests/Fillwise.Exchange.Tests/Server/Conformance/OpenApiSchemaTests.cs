using System.Text.Json.Nodes;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Tests.Server.Conformance;

/// <summary>
/// Answers checked against the schemas of Kalshi's OpenAPI description (kalshi-openapi.yaml v3.28):
/// every required field present, every field the spec knows carrying the spec's JSON type.
/// The table below is the spec's required/properties lists, copied; "!" marks required.
/// </summary>
public sealed class OpenApiSchemaTests
{
    private static readonly Dictionary<string, string[]> Schemas = new()
    {
        ["Order"] = ["order_id:string!", "user_id:string!", "client_order_id:string!", "ticker:string!", "side:string", "action:string", "outcome_side:string!", "book_side:string!", "type:string!", "status:string!", "yes_price_dollars:string!", "no_price_dollars:string!", "fill_count_fp:string!", "remaining_count_fp:string!", "initial_count_fp:string!", "taker_fill_cost_dollars:string!", "maker_fill_cost_dollars:string!", "taker_fees_dollars:string!", "maker_fees_dollars:string!", "expiration_time:string", "created_time:string", "last_update_time:string", "self_trade_prevention_type:string", "order_group_id:string", "cancel_order_on_pause:boolean", "subaccount_number:integer", "exchange_index:integer"],
        ["Fill"] = ["fill_id:string!", "exchange_index:integer!", "trade_id:string!", "order_id:string!", "ticker:string!", "market_ticker:string!", "side:string", "action:string", "outcome_side:string!", "book_side:string!", "count_fp:string!", "yes_price_dollars:string!", "no_price_dollars:string!", "is_taker:boolean!", "created_time:string", "fee_cost:string!", "subaccount_number:integer", "ts:integer"],
        ["MarketPosition"] = ["ticker:string!", "exchange_index:integer!", "total_traded_dollars:string!", "position_fp:string!", "market_exposure_dollars:string!", "realized_pnl_dollars:string!", "fees_paid_dollars:string!", "last_updated_ts:string!"],
        ["EventPosition"] = ["event_ticker:string!", "total_cost_dollars:string!", "total_cost_shares_fp:string!", "event_exposure_dollars:string!", "realized_pnl_dollars:string!", "fees_paid_dollars:string!"],
        ["GetBalanceResponse"] = ["balance:integer!", "balance_dollars:string!", "portfolio_value:integer!", "updated_ts:integer!", "balance_breakdown:array"],
        ["Market"] = ["ticker:string!", "event_ticker:string!", "market_type:string!", "title:string", "subtitle:string", "yes_sub_title:string!", "no_sub_title:string!", "created_time:string!", "updated_time:string!", "open_time:string!", "close_time:string!", "expected_expiration_time:string", "expiration_time:string", "latest_expiration_time:string!", "settlement_timer_seconds:integer!", "status:string!", "yes_bid_dollars:string!", "yes_bid_size_fp:string!", "yes_ask_dollars:string!", "yes_ask_size_fp:string!", "no_bid_dollars:string!", "no_ask_dollars:string!", "last_price_dollars:string!", "volume_fp:string!", "volume_24h_fp:string!", "result:string!", "can_close_early:boolean!", "open_interest_fp:string!", "notional_value_dollars:string!", "previous_yes_bid_dollars:string!", "previous_yes_ask_dollars:string!", "previous_price_dollars:string!", "liquidity_dollars:string", "settlement_value_dollars:string", "settlement_ts:string", "expiration_value:string!", "occurrence_datetime:string", "fee_waiver_expiration_time:string", "early_close_condition:string", "strike_type:string", "floor_strike:number", "cap_strike:number", "functional_strike:string", "custom_strike:object", "rules_primary:string!", "rules_secondary:string!", "mve_collection_ticker:string", "mve_selected_legs:array", "primary_participant_key:string", "price_level_structure:string!", "price_ranges:array!", "is_provisional:boolean", "exchange_index:integer"],
        ["Trade"] = ["trade_id:string!", "ticker:string!", "count_fp:string!", "yes_price_dollars:string!", "no_price_dollars:string!", "taker_side:string", "taker_outcome_side:string!", "taker_book_side:string!", "created_time:string!", "is_block_trade:boolean!"],
        ["Settlement"] = ["ticker:string!", "exchange_index:integer!", "event_ticker:string!", "market_result:string!", "yes_count_fp:string!", "yes_total_cost_dollars:string!", "no_count_fp:string!", "no_total_cost_dollars:string!", "revenue:integer!", "settled_time:string!", "fee_cost:string!", "value:integer"],
        ["CreateOrderV2Response"] = ["order_id:string!", "client_order_id:string", "fill_count:string!", "remaining_count:string!", "average_fill_price:string", "average_fee_paid:string", "ts_ms:integer!"],
        ["CancelOrderV2Response"] = ["order_id:string!", "client_order_id:string", "reduced_by:string!", "ts_ms:integer!"],
        ["DecreaseOrderV2Response"] = ["order_id:string!", "client_order_id:string", "remaining_count:string!", "ts_ms:integer!"],
        ["AmendOrderV2Response"] = ["order_id:string!", "client_order_id:string", "remaining_count:string", "fill_count:string", "average_fill_price:string", "average_fee_paid:string", "ts_ms:integer!"],
    };

    [Fact]
    public async Task Sampled_answers_match_kalshis_schemas()
    {
        await using var h = await ServerHarness.StartAsync();
        var maker = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();
        var created = await h.PlaceAsync(maker, "bid", "0.5200", "3.00", clientOrderId: "schema-1");
        Check("CreateOrderV2Response", created.Json);
        var cross = await h.PlaceAsync(taker, "ask", "0.5200", "1.00", tif: "immediate_or_cancel");
        Check("CreateOrderV2Response", cross.Json);
        var orderId = (string)created.Json["order_id"]!;

        Check("Order", (await h.GetAsync(maker, $"/portfolio/orders/{orderId}")).Json["order"]!);
        foreach (var o in (await h.GetAsync(maker, "/portfolio/orders")).Json["orders"]!.AsArray()) Check("Order", o!);
        foreach (var f in (await h.GetAsync(taker, "/portfolio/fills")).Json["fills"]!.AsArray()) Check("Fill", f!);
        var positions = (await h.GetAsync(maker, "/portfolio/positions")).Json;
        Assert.NotEmpty(positions["market_positions"]!.AsArray());
        foreach (var p in positions["market_positions"]!.AsArray()) Check("MarketPosition", p!);
        foreach (var p in positions["event_positions"]!.AsArray()) Check("EventPosition", p!);
        Check("GetBalanceResponse", (await h.GetAsync(maker, "/portfolio/balance")).Json);
        Check("Market", (await h.GetAsync(null, $"/markets/{ServerHarness.Ticker}")).Json["market"]!);
        foreach (var t in (await h.GetAsync(null, "/markets/trades")).Json["trades"]!.AsArray()) Check("Trade", t!);

        Check("DecreaseOrderV2Response", (await h.PostAsync(maker, $"/portfolio/events/orders/{orderId}/decrease", new JsonObject { ["reduce_by"] = "1.00" })).Json);
        Check("AmendOrderV2Response", (await h.PostAsync(maker, $"/portfolio/events/orders/{orderId}/amend",
            new JsonObject { ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["price"] = "0.5100", ["count"] = "2.00" })).Json);
        var amended = (await h.GetAsync(maker, "/portfolio/orders?status=resting")).Json["orders"]![0]!;
        Check("CancelOrderV2Response", (await h.SendAsync(maker, HttpMethod.Delete, $"/portfolio/events/orders/{(string)amended["order_id"]!}")).Json);

        await h.Admin.SettleMarketAsync(new MarketTicker(ServerHarness.Ticker), OutcomeSide.No);
        var settlements = (await h.GetAsync(maker, "/portfolio/settlements")).Json["settlements"]!.AsArray();
        Assert.NotEmpty(settlements);
        foreach (var s in settlements) Check("Settlement", s!);
        Check("Market", (await h.GetAsync(null, $"/markets/{ServerHarness.Ticker}")).Json["market"]!);
    }

    private static void Check(string schema, JsonNode node)
    {
        var obj = Assert.IsType<JsonObject>(node);
        foreach (var entry in Schemas[schema])
        {
            var required = entry.EndsWith('!');
            var parts = entry.TrimEnd('!').Split(':');
            var (name, type) = (parts[0], parts[1]);
            if (!obj.TryGetPropertyValue(name, out var value))
            {
                Assert.False(required, $"{schema}.{name} is required but missing in {obj.ToJsonString()}");
                continue;
            }
            if (value is null)
            {
                Assert.False(required && type != "string", $"{schema}.{name} is required but null");
                continue;
            }
            var kind = value.GetValueKind();
            var ok = type switch
            {
                "string" => kind == System.Text.Json.JsonValueKind.String,
                "integer" => kind == System.Text.Json.JsonValueKind.Number && value.ToJsonString().All(c => char.IsDigit(c) || c == '-'),
                "number" => kind == System.Text.Json.JsonValueKind.Number,
                "boolean" => kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
                "array" => kind == System.Text.Json.JsonValueKind.Array,
                "object" => kind == System.Text.Json.JsonValueKind.Object,
                _ => true,
            };
            Assert.True(ok, $"{schema}.{name} should be {type} but is {kind}: {value.ToJsonString()}");
        }
    }
}
