using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Server;

internal sealed partial class TradeApi
{
    private const string CreateStruct = "CreateOrderV2Request";

    /// <summary>A create request that passed validation, not yet placed.</summary>
    private sealed record ParsedCreate(OrderRequest Request);

    // ---------------------------------------------------------------------------------------
    // create

    private async Task<IResult> CreateOrder(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, CreateStruct, options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var parsed = ParseCreate(fields, out var invalid);
        if (fields.Error is not null) return fields.Error;
        if (parsed is null) return invalid!;
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var result = Place(ex, user, parsed.Request);
            if (result.Error is not null) return KalshiErrors.From(result.Error);
            return Created(CreateAnswer(result, now));
        });
    }

    private async Task<IResult> BatchCreate(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        const string batchStruct = "BatchCreateOrdersV2Request";
        var (batch, error) = await GoJsonRequest.ReadStructAsync(http, batchStruct, options.MaxRequestBodyBytes);
        if (batch is null) return error!;
        var items = batch.Array("orders");
        if (batch.Error is not null) return batch.Error;
        if (items is not { } array || array.GetArrayLength() == 0) return KalshiErrors.BadRequest("orders is required");
        if (array.GetArrayLength() > MaxBatchItems) return KalshiErrors.BadRequest($"at most {MaxBatchItems} orders per batch");

        // Decode every item first: a type error anywhere fails the whole body, as Go's decoder does.
        var parsed = new List<(ParsedCreate? Order, KalshiJsonResult? Invalid, string? ClientOrderId)>();
        foreach (var item in array.EnumerateArray())
        {
            var fields = GoStruct.Item(item, CreateStruct, out var itemError);
            if (fields is null) return itemError!;
            var order = ParseCreate(fields, out var invalid);
            if (fields.Error is not null) return fields.Error;
            parsed.Add((order, invalid, fields.String("client_order_id")));
        }
        if (!pipeline.Limiter.TryConsume(user, RateBucket.Write, (long)TokenBucketRateLimiter.DefaultCost * parsed.Count))
            return KalshiErrors.TooManyRequests();

        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var answers = new JsonArray();
            foreach (var (order, invalid, clientOrderId) in parsed)
            {
                if (order is null)
                {
                    answers.Add(ItemError(clientOrderId, invalid!));
                    continue;
                }
                var result = Place(ex, user, order.Request);
                answers.Add(result.Error is not null
                    ? ItemError(clientOrderId, KalshiErrors.From(result.Error))
                    : CreateAnswer(result, now));
            }
            return Created(new JsonObject { ["orders"] = answers });
        });
    }

    private static JsonObject ItemError(string? clientOrderId, KalshiJsonResult error) => new()
    {
        ["order_id"] = null,
        ["client_order_id"] = clientOrderId,
        ["error"] = ErrorBody(error),
    };

    /// <summary>The {code, message, details} object of an error answer, for per-item errors.</summary>
    private static JsonNode? ErrorBody(KalshiJsonResult error) =>
        error.Body is JsonObject o && o["error"] is JsonObject nested ? nested.DeepClone() : error.Body?.DeepClone();

    private PlaceOrderResult Place(KalshiExchange ex, string user, OrderRequest request)
    {
        var market = ex.GetMarket(request.Ticker);
        if (market is null) return new PlaceOrderResult(null, [], new ExchangeError(404, "not_found", "market not found", request.Ticker.Value));
        if (!OnGrid(request.YesPrice, market.Definition.TickSize))
            return new PlaceOrderResult(null, [], new ExchangeError(400, "invalid_price", "price is not on the market's price grid", request.YesPrice.ToString()));
        return ex.PlaceOrder(user, request);
    }

    private static bool OnGrid(ContractPrice price, decimal tick) => tick > 0m && price.Dollars % tick == 0m;

    private static JsonObject CreateAnswer(PlaceOrderResult result, DateTimeOffset now)
    {
        var order = result.Order ?? throw new InvalidOperationException("successful place without an order");
        var answer = new JsonObject
        {
            ["order_id"] = order.OrderId,
            ["client_order_id"] = order.ClientOrderId ?? string.Empty,
            ["fill_count"] = order.FillCount.ToString(),
            ["remaining_count"] = order.RemainingCount.ToString(),
        };
        AddAverages(answer, result.Fills);
        answer["ts_ms"] = KalshiWire.UnixMs(now);
        return answer;
    }

    private static void AddAverages(JsonObject answer, IReadOnlyList<FillView> fills)
    {
        if (fills.Count == 0) return;
        decimal count = 0m, notional = 0m, fees = 0m;
        foreach (var f in fills)
        {
            count += f.Count.Value;
            notional += f.YesPrice.Dollars * f.Count.Value;
            fees += f.Fee.Dollars;
        }
        if (count == 0m) return;
        answer["average_fill_price"] = Math.Round(notional / count, 4, MidpointRounding.AwayFromZero).ToString("F4", CultureInfo.InvariantCulture);
        answer["average_fee_paid"] = Math.Round(fees / count, 4, MidpointRounding.AwayFromZero).ToString("F4", CultureInfo.InvariantCulture);
    }

    /// <summary>Validates a V2 create; null with <paramref name="invalid"/> set when it is refused (type errors land in fields.Error).</summary>
    private ParsedCreate? ParseCreate(GoStruct fields, out KalshiJsonResult? invalid)
    {
        invalid = null;
        var tickerText = fields.String("ticker");
        var sideText = fields.String("side");
        var countText = fields.String("count");
        var priceText = fields.String("price");
        var tifText = fields.String("time_in_force");
        var stpText = fields.String("self_trade_prevention_type");
        var clientOrderId = fields.String("client_order_id");
        var expiration = fields.Int("expiration_time");
        var postOnly = fields.Bool("post_only") ?? false;
        var reduceOnly = fields.Bool("reduce_only") ?? false;
        var cancelOnPause = fields.Bool("cancel_order_on_pause") ?? false;
        var subaccount = fields.Int("subaccount");
        var orderGroupId = fields.String("order_group_id");
        var exchangeIndex = fields.Int("exchange_index");
        if (fields.Error is not null) return null;

        if (tickerText is null) return Refuse(out invalid, "ticker is required");
        if (!TryTicker(tickerText, out var ticker))
        {
            invalid = KalshiErrors.NotFound("market not found");
            return null;
        }
        if (!DirectionText.TryParseBookSide(sideText, out var side)) return Refuse(out invalid, "side must be bid or ask");
        if (countText is null) return Refuse(out invalid, "count is required");
        if (!Contracts.TryParse(countText, out var count, out var countError)) return Refuse(out invalid, countError);
        if (count.IsZero) return Refuse(out invalid, "count must be positive");
        if (ExchangeLimits.CheckCount(count, "count") is { } tooMany) return Refuse(out invalid, tooMany);
        if (priceText is null) return Refuse(out invalid, "price is required");
        if (!ContractPrice.TryParse(priceText, out var price, out var priceError))
        {
            invalid = KalshiErrors.Nested(400, "invalid_price", "invalid price", priceError);
            return null;
        }
        VenueTimeInForce tif;
        switch (tifText)
        {
            case "good_till_canceled": tif = VenueTimeInForce.GoodTillCanceled; break;
            case "immediate_or_cancel": tif = VenueTimeInForce.ImmediateOrCancel; break;
            case "fill_or_kill": tif = VenueTimeInForce.FillOrKill; break;
            case null: return Refuse(out invalid, "time_in_force is required");
            default: return Refuse(out invalid, "time_in_force must be fill_or_kill, good_till_canceled or immediate_or_cancel");
        }
        SelfTradePrevention stp;
        switch (stpText)
        {
            case "taker_at_cross": stp = SelfTradePrevention.TakerAtCross; break;
            case "maker": stp = SelfTradePrevention.Maker; break;
            case null: return Refuse(out invalid, "self_trade_prevention_type is required");
            default: return Refuse(out invalid, "self_trade_prevention_type must be taker_at_cross or maker");
        }
        if (ExchangeLimits.CheckClientOrderId(clientOrderId, "client_order_id") is { } badId) return Refuse(out invalid, badId);
        if (subaccount is { } sub && sub != 0) return Refuse(out invalid, "subaccounts are not supported by the built-in exchange");
        if (exchangeIndex is { } idx && idx is not (0 or -1)) return Refuse(out invalid, "unknown exchange_index");
        DateTimeOffset? expiresAt = null;
        if (expiration is { } seconds)
        {
            if (tif != VenueTimeInForce.GoodTillCanceled)
                return Refuse(out invalid, "expiration_time is only allowed on good_till_canceled orders", "invalid_order");
            if (seconds <= 0 || seconds > 253402300799) return Refuse(out invalid, "expiration_time is out of range");
            expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
            if (expiresAt <= Time.GetUtcNow()) return Refuse(out invalid, "expiration_time is in the past", "invalid_order");
        }
        return new ParsedCreate(new OrderRequest(ticker, side, count, price, tif, stp, clientOrderId, postOnly, reduceOnly, expiresAt, orderGroupId, cancelOnPause));
    }

    private static ParsedCreate? Refuse(out KalshiJsonResult? invalid, string details, string code = "bad_request")
    {
        invalid = KalshiErrors.Nested(400, code, code == "bad_request" ? "bad request" : "invalid order", details);
        return null;
    }

    private static ParsedCreate? Refuse(out KalshiJsonResult? invalid, ExchangeError error)
    {
        invalid = KalshiErrors.From(error);
        return null;
    }

    // ---------------------------------------------------------------------------------------
    // cancel, amend, decrease

    private IResult CancelOrder(HttpContext http, string order_id)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var result = ex.CancelOrder(user, order_id);
            if (result.Error is not null) return KalshiErrors.From(result.Error);
            return Ok(CancelAnswer(order_id, result, now));
        });
    }

    private static JsonObject CancelAnswer(string orderId, CancelOrderResult result, DateTimeOffset now) => new()
    {
        ["order_id"] = orderId,
        ["client_order_id"] = result.Order?.ClientOrderId ?? string.Empty,
        ["reduced_by"] = result.ReducedBy.ToString(),
        ["ts_ms"] = KalshiWire.UnixMs(now),
    };

    private async Task<IResult> BatchCancel(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        const string batchStruct = "BatchCancelOrdersV2Request";
        var (batch, error) = await GoJsonRequest.ReadStructAsync(http, batchStruct, options.MaxRequestBodyBytes);
        if (batch is null) return error!;
        var items = batch.Array("orders");
        var ids = batch.Array("ids");
        if (batch.Error is not null) return batch.Error;
        var orderIds = new List<string>();
        if (items is { } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                var fields = GoStruct.Item(item, "BatchCancelOrdersV2RequestOrder", out var itemError);
                if (fields is null) return itemError!;
                var id = fields.String("order_id");
                fields.Int("subaccount");
                fields.Int("exchange_index");
                fields.String("market_ticker");
                if (fields.Error is not null) return fields.Error;
                if (string.IsNullOrEmpty(id)) return KalshiErrors.BadRequest("order_id is required");
                orderIds.Add(id);
            }
        }
        else if (ids is { } idArray)
        {
            foreach (var item in idArray.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                    return KalshiErrors.Flat($"json: cannot unmarshal {GoJsonRequest.GoKind(item)} into Go struct field {batchStruct}.ids of type string");
                orderIds.Add(item.GetString()!);
            }
        }
        if (orderIds.Count == 0) return KalshiErrors.BadRequest("orders is required");
        if (orderIds.Count > MaxBatchItems) return KalshiErrors.BadRequest($"at most {MaxBatchItems} orders per batch");
        if (!pipeline.Limiter.TryConsume(user, RateBucket.Write, (long)CancelCost * orderIds.Count))
            return KalshiErrors.TooManyRequests();

        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var answers = new JsonArray();
            foreach (var id in orderIds)
            {
                var result = ex.CancelOrder(user, id);
                if (result.Error is not null)
                {
                    answers.Add(new JsonObject
                    {
                        ["order_id"] = id,
                        ["reduced_by"] = "0.00",
                        ["error"] = ErrorBody(KalshiErrors.From(result.Error)),
                    });
                }
                else
                {
                    answers.Add(CancelAnswer(id, result, now));
                }
            }
            return Ok(new JsonObject { ["orders"] = answers });
        });
    }

    private IResult CancelAll(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var answers = new JsonArray();
            foreach (var order in ex.GetOrders(user, new OrderQuery(Status: VenueOrderStatus.Resting)).ToList())
            {
                var result = ex.CancelOrder(user, order.OrderId);
                if (result.Error is null) answers.Add(CancelAnswer(order.OrderId, result, now));
            }
            return Ok(new JsonObject { ["orders"] = answers });
        });
    }

    private async Task<IResult> AmendOrder(HttpContext http, string order_id)
    {
        var user = TradeApiPipeline.RequireUser(http);
        const string amendStruct = "AmendOrderV2Request";
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, amendStruct, options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var tickerText = fields.String("ticker");
        var sideText = fields.String("side");
        var priceText = fields.String("price");
        var countText = fields.String("count");
        var clientOrderId = fields.String("client_order_id");
        var updatedClientOrderId = fields.String("updated_client_order_id");
        fields.Int("subaccount");
        fields.Int("exchange_index");
        if (fields.Error is not null) return fields.Error;
        if (tickerText is null || !TryTicker(tickerText, out var ticker)) return KalshiErrors.BadRequest("ticker is required");
        if (!DirectionText.TryParseBookSide(sideText, out var side)) return KalshiErrors.BadRequest("side must be bid or ask");
        if (priceText is null) return KalshiErrors.BadRequest("price is required");
        if (!ContractPrice.TryParse(priceText, out var price, out var priceError)) return KalshiErrors.Nested(400, "invalid_price", "invalid price", priceError);
        if (countText is null) return KalshiErrors.BadRequest("count is required");
        if (!Contracts.TryParse(countText, out var count, out var countError)) return KalshiErrors.BadRequest(countError);
        if (count.IsZero) return KalshiErrors.BadRequest("count must be positive");
        if (ExchangeLimits.CheckCount(count, "count") is { } tooMany) return KalshiErrors.From(tooMany);
        if (ExchangeLimits.CheckClientOrderId(clientOrderId, "client_order_id") is { } badId) return KalshiErrors.From(badId);
        if (ExchangeLimits.CheckClientOrderId(updatedClientOrderId, "updated_client_order_id") is { } badNewId) return KalshiErrors.From(badNewId);

        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var existing = ex.GetOrder(user, order_id);
            if (existing is null) return KalshiErrors.NotFound("order not found");
            if (existing.Ticker != ticker) return KalshiErrors.BadRequest("ticker does not match the order");
            if (existing.Side != side) return KalshiErrors.BadRequest("side does not match the order");
            var market = ex.GetMarket(ticker);
            if (market is not null && !OnGrid(price, market.Definition.TickSize))
                return KalshiErrors.Nested(400, "invalid_price", "price is not on the market's price grid", price.ToString());
            var result = ex.AmendOrder(user, order_id, price, count, updatedClientOrderId);
            if (result.Error is not null) return KalshiErrors.From(result.Error);
            var order = result.Order ?? existing;
            var answer = new JsonObject
            {
                ["order_id"] = order.OrderId,
                ["client_order_id"] = order.ClientOrderId ?? string.Empty,
                ["remaining_count"] = order.RemainingCount.ToString(),
                ["fill_count"] = order.FillCount.ToString(),
            };
            AddAverages(answer, result.Fills);
            answer["ts_ms"] = KalshiWire.UnixMs(now);
            return Ok(answer);
        });
    }

    private async Task<IResult> DecreaseOrder(HttpContext http, string order_id)
    {
        var user = TradeApiPipeline.RequireUser(http);
        const string decreaseStruct = "DecreaseOrderV2Request";
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, decreaseStruct, options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var byText = fields.String("reduce_by");
        var toText = fields.String("reduce_to");
        fields.Int("subaccount");
        fields.Int("exchange_index");
        if (fields.Error is not null) return fields.Error;
        if ((byText is null) == (toText is null)) return KalshiErrors.BadRequest("exactly one of reduce_by and reduce_to is required");
        Contracts? reduceBy = null, reduceTo = null;
        if (byText is not null)
        {
            if (!Contracts.TryParse(byText, out var by, out var byError)) return KalshiErrors.BadRequest(byError);
            if (by.IsZero) return KalshiErrors.BadRequest("reduce_by must be positive");
            if (ExchangeLimits.CheckCount(by, "reduce_by") is { } tooMany) return KalshiErrors.From(tooMany);
            reduceBy = by;
        }
        if (toText is not null)
        {
            if (!Contracts.TryParse(toText, out var to, out var toError)) return KalshiErrors.BadRequest(toError);
            if (ExchangeLimits.CheckCount(to, "reduce_to") is { } tooMany) return KalshiErrors.From(tooMany);
            reduceTo = to;
        }
        var now = Time.GetUtcNow();
        return gate.Run(ex =>
        {
            var result = ex.DecreaseOrder(user, order_id, reduceBy, reduceTo);
            if (result.Error is not null) return KalshiErrors.From(result.Error);
            return Ok(new JsonObject
            {
                ["order_id"] = order_id,
                ["remaining_count"] = result.Order?.RemainingCount.ToString() ?? "0.00",
                ["ts_ms"] = KalshiWire.UnixMs(now),
            });
        });
    }

    // ---------------------------------------------------------------------------------------
    // order groups

    private IResult GetOrderGroups(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        return gate.Run(ex =>
        {
            var array = new JsonArray();
            foreach (var g in ex.GetOrderGroups(user))
            {
                array.Add(new JsonObject
                {
                    ["id"] = g.OrderGroupId,
                    ["contracts_limit_fp"] = g.ContractsLimit.ToString(),
                    ["is_auto_cancel_enabled"] = !g.IsTriggered,
                });
            }
            return Ok(new JsonObject { ["order_groups"] = array });
        });
    }

    private IResult GetOrderGroup(HttpContext http, string id)
    {
        var user = TradeApiPipeline.RequireUser(http);
        return gate.Run(ex =>
        {
            var g = ex.GetOrderGroup(user, id);
            if (g is null) return KalshiErrors.NotFound("order group not found");
            var orders = new JsonArray();
            foreach (var o in g.OrderIds) orders.Add(o);
            return Ok(new JsonObject
            {
                ["is_auto_cancel_enabled"] = !g.IsTriggered,
                ["contracts_limit_fp"] = g.ContractsLimit.ToString(),
                ["orders"] = orders,
            });
        });
    }

    private async Task<IResult> CreateOrderGroup(HttpContext http)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var (limit, error) = await ReadGroupLimitAsync(http, "CreateOrderGroupRequest");
        if (error is not null) return error;
        return gate.Run(ex =>
        {
            var id = ex.CreateOrderGroup(user, limit);
            return Created(new JsonObject { ["order_group_id"] = id, ["subaccount"] = 0, ["exchange_index"] = 0 });
        });
    }

    private async Task<IResult> SetOrderGroupLimit(HttpContext http, string id)
    {
        var user = TradeApiPipeline.RequireUser(http);
        var (limit, error) = await ReadGroupLimitAsync(http, "UpdateOrderGroupLimitRequest");
        if (error is not null) return error;
        return gate.Run(ex => ex.SetOrderGroupLimit(user, id, limit) is { } e ? KalshiErrors.From(e) : Ok(new JsonObject()));
    }

    private IResult OrderGroupAction(HttpContext http, Func<KalshiExchange, string, ExchangeError?> action)
    {
        var user = TradeApiPipeline.RequireUser(http);
        return gate.Run(ex => action(ex, user) is { } e ? KalshiErrors.From(e) : Ok(new JsonObject()));
    }

    private async Task<(Contracts Limit, KalshiJsonResult? Error)> ReadGroupLimitAsync(HttpContext http, string structName)
    {
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, structName, options.MaxRequestBodyBytes);
        if (fields is null) return (default, error);
        var integer = fields.Int("contracts_limit");
        var fp = fields.String("contracts_limit_fp");
        fields.Int("subaccount");
        if (fields.Error is not null) return (default, fields.Error);
        Contracts limit;
        if (fp is not null)
        {
            if (!Contracts.TryParse(fp, out limit, out var why)) return (default, KalshiErrors.BadRequest(why));
        }
        else if (integer is { } n)
        {
            if (n is < 1 or > ExchangeLimits.MaxOrderContracts) return (default, KalshiErrors.From(ExchangeLimits.GroupLimitRefused));
            limit = Contracts.Of(n);
        }
        else
        {
            return (default, KalshiErrors.BadRequest("contracts_limit is required"));
        }
        if (ExchangeLimits.CheckGroupLimit(limit) is { } refused) return (default, KalshiErrors.From(refused));
        return (limit, null);
    }
}
