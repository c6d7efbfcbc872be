using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Perp.Server;

/// <summary>What the admin API needs from a perp venue host: the locked core, its credentials and its faults.</summary>
internal interface IPerpAdminHost
{
    /// <summary>/sim/v1/perp/{venue}</summary>
    string AdminPrefix { get; }

    T Run<T>(Func<PerpExchange, T> action);

    /// <summary>Creates an account and answers its credentials (the one response a secret appears in).</summary>
    (long AccountId, JsonObject Credentials) CreateAccount(Money deposit);

    FaultInjector Faults { get; }

    TimeProvider Time { get; }

    /// <summary>Funding interval of a market created without one (Aster 8 h, Lighter 1 h).</summary>
    decimal DefaultFundingIntervalHours => 8m;

    /// <summary>The venue's own objection to a market the core would accept (null: none).</summary>
    string? CheckMarket(PerpMarketDefinition definition) => null;
}

/// <summary>
/// The admin API of a built-in perp venue (CONTRACTS.md §4): markets, accounts with credentials,
/// positions set by hand, acting as any trader, the venue's truth per account, mark and funding,
/// faults. Venue-neutral: the Aster venue mounts it at /sim/v1/perp/aster, a Lighter-like one would
/// at /sim/v1/perp/lighter. Loopback only and unauthenticated, but every input is validated and a
/// refused request changes nothing.
/// </summary>
internal sealed class PerpAdminApi(IPerpAdminHost host, int maxBodyBytes = 64 * 1024)
{
    public void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(host.AdminPrefix);
        admin.MapPost("/markets", Json(CreateMarket));
        admin.MapGet("/markets", (HttpContext _) => Ok(host.Run(ex => new JsonArray([.. ex.GetMarkets().Select(MarketJson)]))));
        admin.MapPut("/markets/{symbol}", async (HttpContext http, string symbol) => await WithBody(http, root => UpdateMarket(root, symbol)));
        admin.MapPost("/accounts", Json(CreateAccount));
        admin.MapGet("/accounts/{id}", (HttpContext _, string id) => GetAccount(id));
        admin.MapPut("/accounts/{id}/positions/{symbol}", async (HttpContext http, string id, string symbol) => await WithBody(http, root => SetPosition(root, id, symbol)));
        admin.MapPost("/accounts/{id}/orders", async (HttpContext http, string id) => await WithBody(http, root => PlaceOrder(root, id)));
        admin.MapDelete("/accounts/{id}/orders/{orderId}", (HttpContext _, string id, string orderId) => CancelOrder(id, orderId));
        admin.MapGet("/faults", (HttpContext _) => Ok(AdminApi.FaultsJson(host.Faults.Settings)));
        admin.MapPut("/faults", Json(PutFaults));
        app.Map(host.AdminPrefix + "/{**rest}", (HttpContext _) => KalshiErrors.NotFound("no such admin endpoint"));
    }

    private static IResult Ok(JsonNode body) => new KalshiJsonResult(200, body);

    private static IResult Created(JsonNode body) => new KalshiJsonResult(201, body);

    private static IResult Bad(string why) => KalshiErrors.BadRequest(why);

    // ---- bodies ------------------------------------------------------------------------------

    private Func<HttpContext, Task<IResult>> Json(Func<JsonElement, IResult> handler) => async http =>
    {
        var (root, error) = await ReadAsync(http);
        return error ?? handler(root);
    };

    private async Task<IResult> WithBody(HttpContext http, Func<JsonElement, IResult> handler)
    {
        var (root, error) = await ReadAsync(http);
        return error ?? handler(root);
    }

    private async Task<(JsonElement Root, IResult? Error)> ReadAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length > maxBodyBytes) return (default, Bad("body too large"));
        if (buffer.Length == 0) return (JsonDocument.Parse("{}").RootElement.Clone(), null);
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (default, Bad("the body must be a JSON object"));
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, Bad("the body is not JSON: " + e.Message));
        }
    }

    /// <summary>A decimal given as a JSON string (or a number); null when absent.</summary>
    private static bool TryDecimal(JsonElement root, string name, out string? text, out string? error)
    {
        text = null;
        error = null;
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return true;
        if (e.ValueKind == JsonValueKind.String) text = e.GetString();
        else if (e.ValueKind == JsonValueKind.Number) text = e.GetRawText();
        else
        {
            error = $"{name} must be a decimal string";
            return false;
        }
        return true;
    }

    private static bool TryBool(JsonElement root, string name, out bool value)
    {
        value = false;
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return true;
        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return false;
        value = e.GetBoolean();
        return true;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    // ---- markets -----------------------------------------------------------------------------

    private IResult CreateMarket(JsonElement root)
    {
        var symbol = String(root, "symbol");
        if (string.IsNullOrWhiteSpace(symbol)) return Bad("symbol is required");
        string? tick, step, minQty, minNotional, mark, rate, hours, minPrice, maxPrice;
        if (!TryDecimal(root, "tick_size", out tick, out var why) || !TryDecimal(root, "step_size", out step, out why)
            || !TryDecimal(root, "min_quantity", out minQty, out why) || !TryDecimal(root, "min_notional", out minNotional, out why)
            || !TryDecimal(root, "mark_price", out mark, out why) || !TryDecimal(root, "funding_rate", out rate, out why)
            || !TryDecimal(root, "funding_interval_hours", out hours, out why) || !TryDecimal(root, "min_price", out minPrice, out why)
            || !TryDecimal(root, "max_price", out maxPrice, out why))
            return Bad(why!);
        if (!Price.TryParse(tick ?? "0.001", out var tickSize, out why)) return Bad("tick_size: " + why);
        if (!Quantity.TryParse(step ?? "0.001", out var stepSize, out why)) return Bad("step_size: " + why);
        if (!Quantity.TryParse(minQty ?? (step ?? "0.001"), out var minQuantity, out why)) return Bad("min_quantity: " + why);
        if (!Money.TryParse(minNotional ?? "5", out var notional, out why) || notional.IsNegative) return Bad("min_notional: " + (why.Length > 0 ? why : "must not be negative"));
        if (mark is null) return Bad("mark_price is required");
        if (!Price.TryParse(mark, out var markPrice, out why)) return Bad("mark_price: " + why);
        if (!FundingRate.TryParse(rate ?? "0.0001", out var fundingRate, out why)) return Bad(why);
        if (!decimal.TryParse(hours ?? host.DefaultFundingIntervalHours.ToString(CultureInfo.InvariantCulture), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var intervalHours) || intervalHours <= 0m || intervalHours > 24m * 7)
            return Bad("funding_interval_hours must be a positive number of hours (a fraction is allowed, for tests)");
        Price? min = null, max = null;
        if (minPrice is not null) min = Price.TryParse(minPrice, out var p, out why) ? p : null;
        if (minPrice is not null && min is null) return Bad("min_price: " + why);
        if (maxPrice is not null) max = Price.TryParse(maxPrice, out var p2, out why) ? p2 : null;
        if (maxPrice is not null && max is null) return Bad("max_price: " + why);
        var quote = String(root, "quote_asset") ?? (symbol.EndsWith("USDT", StringComparison.Ordinal) ? "USDT" : "USDC");
        var baseAsset = String(root, "base_asset") ?? (symbol.EndsWith(quote, StringComparison.Ordinal) && symbol.Length > quote.Length ? symbol[..^quote.Length] : symbol);
        var definition = new PerpMarketDefinition(symbol, baseAsset, quote, tickSize, stepSize, minQuantity, notional, markPrice, fundingRate,
            TimeSpan.FromMinutes((double)(intervalHours * 60m)), min, max);
        if (host.CheckMarket(definition) is { } objection) return Bad(objection);
        return host.Run(ex =>
        {
            if (ex.CreateMarket(definition) is { } refused) return Bad(refused.Message);
            return Created(MarketJson(ex.GetMarket(symbol)!));
        });
    }

    private IResult UpdateMarket(JsonElement root, string symbol)
    {
        if (!TryDecimal(root, "mark_price", out var mark, out var why) || !TryDecimal(root, "funding_rate", out var rate, out why)) return Bad(why!);
        Price? markPrice = null;
        if (mark is not null)
        {
            if (!Price.TryParse(mark, out var p, out why) || p.IsZero) return Bad("mark_price: " + (why.Length > 0 ? why : "must be positive"));
            markPrice = p;
        }
        FundingRate? fundingRate = null;
        if (rate is not null)
        {
            if (!FundingRate.TryParse(rate, out var r, out why)) return Bad(why);
            fundingRate = r;
        }
        return host.Run(ex =>
        {
            if (!ex.HasMarket(symbol)) return KalshiErrors.NotFound($"market {symbol} not found");
            if (markPrice is { } mp) ex.SetMark(symbol, mp);
            if (fundingRate is { } fr) ex.SetFundingRate(symbol, fr);
            return Ok(MarketJson(ex.GetMarket(symbol)!));
        });
    }

    private static JsonObject MarketJson(PerpMarketView m) => new()
    {
        ["symbol"] = m.Definition.Symbol,
        ["base_asset"] = m.Definition.BaseAsset,
        ["quote_asset"] = m.Definition.QuoteAsset,
        ["tick_size"] = m.Definition.TickSize.ToString(),
        ["step_size"] = m.Definition.StepSize.ToString(),
        ["min_quantity"] = m.Definition.MinQuantity.ToString(),
        ["min_notional"] = m.Definition.MinNotional.ToString(1),
        ["min_price"] = m.Instrument.MinPrice.ToString(),
        ["max_price"] = m.Instrument.MaxPrice.ToString(),
        ["mark_price"] = m.MarkPrice.ToString(),
        ["funding_rate"] = m.FundingRate.ToString(),
        ["funding_interval_hours"] = (decimal)m.FundingInterval.TotalMinutes / 60m,
        ["next_funding_time"] = KalshiWire.Time(m.NextFundingTime),
        ["last_price"] = m.LastPrice?.ToString(),
    };

    // ---- accounts ----------------------------------------------------------------------------

    private IResult CreateAccount(JsonElement root)
    {
        if (!TryDecimal(root, "balance", out var text, out var why)) return Bad(why!);
        if (!Money.TryParse(text ?? "10000", out var deposit, out why)) return Bad("balance: " + why);
        if (deposit.IsNegative || deposit.Dollars > 1_000_000_000m) return Bad("balance must be between 0 and 1000000000");
        var (id, credentials) = host.CreateAccount(deposit);
        // The one answer that carries the private key: its owner asked for it.
        return Created(new JsonObject { ["account_id"] = Id(id), ["credentials"] = credentials });
    }

    internal static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static bool TryAccount(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private IResult GetAccount(string idText)
    {
        if (!TryAccount(idText, out var id)) return KalshiErrors.NotFound("account not found");
        return host.Run(ex =>
        {
            if (ex.GetAccount(id) is not { } a) return KalshiErrors.NotFound("account not found");
            var positions = new JsonArray();
            foreach (var p in a.Positions)
            {
                positions.Add(new JsonObject
                {
                    ["symbol"] = p.Symbol,
                    ["quantity"] = Dec(p.Quantity),
                    ["entry_price"] = Dec(p.EntryPrice),
                    ["realized_pnl"] = Dec(p.RealizedPnl.Dollars),
                    ["fees_paid"] = Dec(p.FeesPaid.Dollars),
                    ["funding_paid"] = Dec(p.FundingPaid.Dollars),
                    ["mark_price"] = p.MarkPrice.ToString(),
                    ["unrealized_pnl"] = Dec(p.UnrealizedPnl.Dollars),
                });
            }
            var open = new JsonArray();
            foreach (var o in ex.OpenOrders(id)) open.Add(OrderJson(o, null));
            var fills = new JsonArray();
            foreach (var f in ex.Fills(id)) fills.Add(FillJson(f));
            var funding = new JsonArray();
            foreach (var f in ex.FundingPayments(id))
            {
                funding.Add(new JsonObject
                {
                    ["id"] = f.IncomeId, ["symbol"] = f.Symbol, ["amount"] = Dec(f.Amount.Dollars), ["rate"] = f.Rate.ToString(),
                    ["mark_price"] = f.Mark.ToString(), ["position"] = Dec(f.PositionQuantity), ["time"] = KalshiWire.Time(f.Time),
                });
            }
            return Ok(new JsonObject
            {
                ["account_id"] = Id(a.AccountId),
                ["balance"] = Dec(a.WalletBalance.Dollars),
                ["available_balance"] = Dec(a.AvailableBalance.Dollars),
                ["unrealized_pnl"] = Dec(a.UnrealizedPnl.Dollars),
                ["positions"] = positions,
                ["open_orders"] = open,
                ["fills"] = fills,
                ["funding"] = funding,
            });
        });
    }

    private IResult SetPosition(JsonElement root, string idText, string symbol)
    {
        if (!TryAccount(idText, out var id)) return KalshiErrors.NotFound("account not found");
        if (!TryDecimal(root, "quantity", out var q, out var why) || !TryDecimal(root, "entry_price", out var e, out why)) return Bad(why!);
        if (q is null || !FixedPoint.TryParse(q, Quantity.MaxDecimals, allowNegative: true, out var quantity, out why)) return Bad("quantity: " + (q is null ? "is required" : why));
        var entry = Price.Zero;
        if (quantity != 0m)
        {
            if (e is null || !Price.TryParse(e, out entry, out why) || entry.IsZero) return Bad("entry_price: " + (e is null ? "is required" : why.Length > 0 ? why : "must be positive"));
        }
        return host.Run(ex =>
        {
            if (!ex.HasAccount(id)) return KalshiErrors.NotFound("account not found");
            if (!ex.HasMarket(symbol)) return KalshiErrors.NotFound($"market {symbol} not found");
            if (ex.SetPosition(id, symbol, quantity, entry) is { } refused) return Bad(refused.Message);
            var p = ex.GetPosition(id, symbol)!;
            return Ok(new JsonObject { ["symbol"] = symbol, ["quantity"] = Dec(p.Quantity), ["entry_price"] = Dec(p.EntryPrice) });
        });
    }

    private IResult PlaceOrder(JsonElement root, string idText)
    {
        if (!TryAccount(idText, out var id)) return KalshiErrors.NotFound("account not found");
        var symbol = String(root, "symbol");
        var sideText = String(root, "side");
        if (symbol is null) return Bad("symbol is required");
        if (!OrderSideText.TryParse(sideText, out var side)) return Bad("side must be buy or sell");
        if (!TryDecimal(root, "quantity", out var q, out var why) || !TryDecimal(root, "price", out var p, out why)) return Bad(why!);
        if (q is null || !Quantity.TryParse(q, out var quantity, out why)) return Bad("quantity: " + (q is null ? "is required" : why));
        var type = String(root, "type") == "market" ? PerpOrderType.Market : PerpOrderType.Limit;
        Price? price = null;
        if (type == PerpOrderType.Limit)
        {
            if (p is null || !Price.TryParse(p, out var limit, out why)) return Bad("price: " + (p is null ? "is required for a limit order" : why));
            price = limit;
        }
        if (!TryBool(root, "post_only", out var postOnly) || !TryBool(root, "reduce_only", out var reduceOnly) || !TryBool(root, "ioc", out var ioc))
            return Bad("post_only, reduce_only and ioc must be true or false");
        var clientOrderId = String(root, "client_order_id");
        var request = new PerpOrderRequest(symbol, side, type, quantity, price, ioc ? PerpTimeInForce.ImmediateOrCancel : PerpTimeInForce.GoodTillCanceled,
            postOnly, reduceOnly, clientOrderId);
        return host.Run(ex =>
        {
            if (!ex.HasAccount(id)) return KalshiErrors.NotFound("account not found");
            var result = ex.PlaceOrder(id, request);
            if (result.Rejection is { } refused)
                return KalshiErrors.Nested(refused.Reason == RejectionReason.DuplicateClientOrderId ? 409 : 400, Code(refused.Reason), refused.Message);
            return Created(OrderJson(result.Order!, result.Fills));
        });
    }

    private IResult CancelOrder(string idText, string orderText)
    {
        if (!TryAccount(idText, out var id) || !long.TryParse(orderText, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId))
            return KalshiErrors.NotFound("order not found");
        return host.Run(ex =>
        {
            var order = ex.FindOrder(id, orderId, null);
            if (order is null) return KalshiErrors.NotFound("order not found");
            var result = ex.CancelOrder(id, order.Symbol, orderId, null);
            return result.Rejection is { } refused ? KalshiErrors.NotFound(refused.Message) : Ok(OrderJson(result.Order!, null));
        });
    }

    private IResult PutFaults(JsonElement root)
    {
        double Rate(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : 0;
        int Whole(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v : 0;
        var settings = new FaultSettings(Rate("http_5xx_rate"), Rate("http_429_rate"), Rate("drop_response_rate"), Whole("latency_ms"), Whole("ws_disconnect_every_s"));
        if (settings.Validate() is { } why) return Bad(why);
        host.Faults.Settings = settings;
        return Ok(AdminApi.FaultsJson(settings));
    }

    // ---- shapes ------------------------------------------------------------------------------

    private static string Code(RejectionReason reason) => reason switch
    {
        RejectionReason.DuplicateClientOrderId => "duplicate_client_order_id",
        RejectionReason.BelowMinimumSize => "below_minimum_size",
        RejectionReason.BelowMinimumNotional => "below_minimum_notional",
        RejectionReason.InvalidPrice => "invalid_price",
        RejectionReason.InvalidQuantity => "invalid_quantity",
        RejectionReason.InsufficientBalance => "insufficient_balance",
        RejectionReason.ReduceOnlyWouldIncrease => "reduce_only_would_increase",
        _ => "invalid_order",
    };

    /// <summary>The shortest exact decimal ("495.791668", "-2.332", "0").</summary>
    internal static string Dec(decimal value) => FixedPoint.Format(value, FixedPoint.DecimalPlaces(value));

    internal static JsonObject OrderJson(PerpOrderView o, IReadOnlyList<PerpFillView>? fills)
    {
        var json = new JsonObject
        {
            ["order_id"] = Id(o.OrderId),
            ["client_order_id"] = o.ClientOrderId,
            ["symbol"] = o.Symbol,
            ["side"] = o.Side.ToWire(),
            ["type"] = o.Type == PerpOrderType.Market ? "market" : "limit",
            ["time_in_force"] = o.TimeInForce switch { PerpTimeInForce.ImmediateOrCancel => "ioc", PerpTimeInForce.FillOrKill => "fok", _ => "gtc" },
            ["post_only"] = o.PostOnly,
            ["reduce_only"] = o.ReduceOnly,
            ["price"] = o.Price?.ToString(),
            ["quantity"] = o.OriginalQuantity.ToString(),
            ["executed_quantity"] = o.ExecutedQuantity.ToString(),
            ["remaining_quantity"] = o.RemainingQuantity.ToString(),
            ["average_price"] = Dec(Math.Round(o.AveragePrice, Price.MaxDecimals, MidpointRounding.AwayFromZero)),
            ["status"] = o.Status switch
            {
                PerpOrderStatus.New => "open",
                PerpOrderStatus.PartiallyFilled => "partially_filled",
                PerpOrderStatus.Filled => "filled",
                PerpOrderStatus.Canceled => "canceled",
                _ => "expired",
            },
            ["end_reason"] = o.EndReason switch
            {
                PerpEndReason.None => null,
                PerpEndReason.Canceled => "canceled",
                PerpEndReason.ImmediateRemainder => "immediate_remainder",
                PerpEndReason.FillOrKillUnfillable => "fill_or_kill_unfillable",
                PerpEndReason.PostOnlyWouldCross => "post_only_would_cross",
                PerpEndReason.ReduceOnlyNothingToReduce => "reduce_only_nothing_to_reduce",
                _ => "self_trade",
            },
            ["created_time"] = KalshiWire.Time(o.CreatedAt),
        };
        if (fills is not null) json["fills"] = new JsonArray([.. fills.Select(FillJson)]);
        return json;
    }

    internal static JsonObject FillJson(PerpFillView f) => new()
    {
        ["trade_id"] = Id(f.TradeId),
        ["order_id"] = Id(f.OrderId),
        ["client_order_id"] = f.ClientOrderId,
        ["symbol"] = f.Symbol,
        ["side"] = f.Side.ToWire(),
        ["price"] = f.Price.ToString(),
        ["quantity"] = f.Quantity.ToString(),
        ["fee"] = Dec(f.Fee.Dollars),
        ["maker"] = f.IsMaker,
        ["realized_pnl"] = Dec(f.RealizedPnl.Dollars),
        ["time"] = KalshiWire.Time(f.Time),
    };
}
