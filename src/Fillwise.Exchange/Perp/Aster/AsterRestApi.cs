using System.Text.Json.Nodes;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>
/// Aster's futures REST API (<c>/aster/fapi/v3/...</c>, plus the spot exchangeInfo ccxt reads) over
/// the core. Every /fapi request passes the fault filter first; private endpoints check the V3
/// signature, nonce and rate budget, then run under the venue lock.
/// </summary>
internal sealed partial class AsterRestApi(AsterVenue venue)
{
    public const string Fapi = AsterVenue.Prefix + "/fapi/v3";
    public const string Sapi = AsterVenue.Prefix + "/api/v3";

    private static readonly int[] DepthLimits = [5, 10, 20, 50, 100, 500, 1000];

    private TimeProvider Time => venue.Options.TimeProvider;

    public void Map(IEndpointRouteBuilder app)
    {
        var fapi = app.MapGroup(Fapi);
        fapi.AddEndpointFilter(FaultsAsync);
        fapi.MapGet("/ping", Public(1, (_, _) => Ok(new JsonObject())));
        fapi.MapGet("/time", Public(1, (_, _) => Ok(new JsonObject { ["serverTime"] = AsterWire.Ms(Time.GetUtcNow()) })));
        fapi.MapGet("/exchangeInfo", Public(1, (_, ex) => Ok(ExchangeInfo(ex))));
        fapi.MapGet("/depth", Public(2, Depth));
        fapi.MapGet("/premiumIndex", Public(1, PremiumIndex));
        fapi.MapGet("/fundingInfo", Public(1, (_, ex) => Ok(FundingInfo(ex))));

        fapi.MapPost("/order", Signed(1, isOrder: true, PlaceOrder));
        fapi.MapGet("/order", Signed(1, isOrder: false, QueryOrder));
        fapi.MapDelete("/order", Signed(1, isOrder: false, CancelOrder));
        fapi.MapGet("/openOrder", Signed(1, isOrder: false, QueryOpenOrder));
        fapi.MapGet("/openOrders", Signed(1, isOrder: false, OpenOrders));
        fapi.MapGet("/allOrders", Signed(5, isOrder: false, AllOrders));
        fapi.MapDelete("/allOpenOrders", Signed(1, isOrder: false, CancelAll));
        fapi.MapGet("/userTrades", Signed(5, isOrder: false, UserTrades));
        fapi.MapGet("/positionRisk", Signed(5, isOrder: false, PositionRisk));
        fapi.MapGet("/balance", Signed(5, isOrder: false, Balance));
        fapi.MapGet("/leverageBracket", Signed(1, isOrder: false, LeverageBracket));
        fapi.MapGet("/income", Signed(30, isOrder: false, Income));
        fapi.MapPost("/listenKey", Signed(1, isOrder: false, (_, account, _) => Ok(new JsonObject { ["listenKey"] = venue.OpenListenKey(account) })));
        fapi.MapPut("/listenKey", Signed(1, isOrder: false, KeepAlive));
        fapi.MapDelete("/listenKey", Signed(1, isOrder: false, (r, account, _) =>
        {
            venue.CloseListenKey(account, r.Get("listenKey"));
            return Ok(new JsonObject());
        }));
        fapi.Map("/{**rest}", (HttpContext _) => new AsterError(404, -1000, "Unknown endpoint.").ToResult());

        // ccxt's aster class also loads the spot venue's markets: there are none here.
        app.MapGet(Sapi + "/exchangeInfo", (HttpContext _) => Ok(new JsonObject
        {
            ["timezone"] = "UTC",
            ["serverTime"] = AsterWire.Ms(Time.GetUtcNow()),
            ["rateLimits"] = new JsonArray(),
            ["exchangeFilters"] = new JsonArray(),
            ["assets"] = new JsonArray(),
            ["symbols"] = new JsonArray(),
        }));
    }

    public static IResult Ok(JsonNode body) => new AsterJsonResult(200, body);

    // ---- pipeline ----------------------------------------------------------------------------

    private async ValueTask<object?> FaultsAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var fault = venue.Faults.Decide();
        if (fault.Latency > TimeSpan.Zero) await Task.Delay(fault.Latency, Time, http.RequestAborted);
        // 503 and 429 answer before anything is done; Aster's 503 means "execution status unknown" all the same.
        if (fault.Kind == FaultKind.ServerError) return AsterErrors.Unavailable().ToResult();
        if (fault.Kind == FaultKind.TooManyRequests) return AsterErrors.TooManyRequests("injected fault").ToResult(retryAfterSeconds: 1);
        object? result;
        try
        {
            result = await next(invocation);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A bug in one handler answers Aster's -1000; it must never take the venue down.
        catch (Exception)
#pragma warning restore CA1031
        {
            result = AsterErrors.Internal().ToResult();
        }
        if (fault.Kind == FaultKind.DropResponse)
        {
            // Carried out; the client never hears about it.
            http.Abort();
            return Results.Empty;
        }
        return result;
    }

    private Func<HttpContext, Task<IResult>> Public(int weight, Func<AsterRequest, PerpExchange, IResult> handler) => async http =>
    {
        var request = await AsterRequest.ReadAsync(http, venue.Options.MaxRequestBodyBytes);
        if (request.Error is not null) return request.Error.ToResult();
        _ = weight; // public weight is not billed per user (there is no user): loopback clients share one IP.
        return venue.Run(ex => handler(request, ex));
    };

    private Func<HttpContext, Task<IResult>> Signed(int weight, bool isOrder, Func<AsterRequest, long, PerpExchange, IResult> handler) => async http =>
    {
        var request = await AsterRequest.ReadAsync(http, venue.Options.MaxRequestBodyBytes);
        if (request.Error is not null) return request.Error.ToResult();
        var (account, error) = Authenticate(request);
        if (error is not null) return error.ToResult();
        if (venue.Limiter.TryConsume(request.Get("user")!.ToLowerInvariant(), weight, isOrder) is { } over)
            return AsterErrors.TooManyRequests(over.What).ToResult(over.RetryAfterSeconds);
        return venue.Run(ex => handler(request, account, ex));
    };

    /// <summary>V3: user, signer, nonce and signature present; the signature recovers to the signer; the signer is the user's wallet; the nonce is fresh.</summary>
    private (long Account, AsterError? Error) Authenticate(AsterRequest request)
    {
        var user = request.Get("user");
        var signer = request.Get("signer");
        var nonceText = request.Get("nonce");
        var signature = request.Get("signature");
        if (user is null) return (0, AsterErrors.Mandatory("user"));
        if (signer is null) return (0, AsterErrors.Mandatory("signer"));
        if (nonceText is null) return (0, AsterErrors.Mandatory("nonce"));
        if (signature is null) return (0, AsterErrors.Mandatory("signature"));
        if (!long.TryParse(nonceText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var nonce))
            return (0, AsterErrors.BadParameter("nonce"));
        var recovered = AsterSignatureCheck.Recover(request.SignedText, signature);
        if (recovered is null || !string.Equals(recovered, signer, StringComparison.OrdinalIgnoreCase)) return (0, AsterErrors.BadSignature());
        var wallet = venue.Run(_ => venue.Accounts.ByAddress(user));
        if (wallet is null || !string.Equals(wallet.Address, signer, StringComparison.OrdinalIgnoreCase)) return (0, AsterErrors.Unauthorized());
        var why = venue.Run(_ => venue.Nonces.Accept(wallet.Address, nonce, Time.GetUtcNow()));
        return why is null ? (wallet.AccountId, null) : (0, AsterErrors.BadNonce(why));
    }

    // ---- market data -------------------------------------------------------------------------

    private JsonObject ExchangeInfo(PerpExchange ex)
    {
        var symbols = new JsonArray();
        foreach (var m in ex.GetMarkets())
        {
            var d = m.Definition;
            symbols.Add(new JsonObject
            {
                ["symbol"] = d.Symbol,
                ["pair"] = d.Symbol,
                ["contractType"] = "PERPETUAL",
                ["deliveryDate"] = 4133404800000,
                ["onboardDate"] = 1_700_000_000_000,
                ["status"] = "TRADING",
                ["maintMarginPercent"] = "2.5000",
                ["requiredMarginPercent"] = "5.0000",
                ["baseAsset"] = d.BaseAsset,
                ["quoteAsset"] = d.QuoteAsset,
                ["marginAsset"] = d.QuoteAsset,
                ["pricePrecision"] = m.Instrument.PriceDecimals,
                ["quantityPrecision"] = m.Instrument.QuantityDecimals,
                ["baseAssetPrecision"] = 8,
                ["quotePrecision"] = 8,
                ["underlyingType"] = "COIN",
                ["settlePlan"] = 0,
                ["triggerProtect"] = "0.0500",
                ["filters"] = new JsonArray(
                    new JsonObject { ["filterType"] = "PRICE_FILTER", ["minPrice"] = AsterWire.Price(m, m.Instrument.MinPrice), ["maxPrice"] = AsterWire.Price(m, m.Instrument.MaxPrice), ["tickSize"] = AsterWire.Price(m, d.TickSize) },
                    new JsonObject { ["filterType"] = "LOT_SIZE", ["minQty"] = AsterWire.Quantity(m, d.MinQuantity), ["maxQty"] = AsterWire.Quantity(m, d.MaxQuantity ?? Domain.Values.Quantity.Of(1_000_000m)), ["stepSize"] = AsterWire.Quantity(m, d.StepSize) },
                    new JsonObject { ["filterType"] = "MARKET_LOT_SIZE", ["minQty"] = AsterWire.Quantity(m, d.MinQuantity), ["maxQty"] = AsterWire.Quantity(m, d.MaxQuantity ?? Domain.Values.Quantity.Of(1_000_000m)), ["stepSize"] = AsterWire.Quantity(m, d.StepSize) },
                    new JsonObject { ["filterType"] = "MAX_NUM_ORDERS", ["limit"] = ex.Rules.MaxOpenOrdersPerSymbol },
                    new JsonObject { ["filterType"] = "MIN_NOTIONAL", ["notional"] = d.MinNotional.ToString(1) },
                    new JsonObject { ["filterType"] = "PERCENT_PRICE", ["multiplierUp"] = "1.1000", ["multiplierDown"] = "0.9000", ["multiplierDecimal"] = 4 }),
                ["orderTypes"] = new JsonArray("LIMIT", "MARKET"),
                ["timeInForce"] = new JsonArray("GTC", "IOC", "FOK", "GTX"),
                ["liquidationFee"] = "0.015000",
                ["marketTakeBound"] = AsterWire.Number(ex.Rules.MarketPriceBand, 2),
            });
        }
        return new JsonObject
        {
            ["timezone"] = "UTC",
            ["serverTime"] = AsterWire.Ms(Time.GetUtcNow()),
            ["futuresType"] = "U_MARGINED",
            ["rateLimits"] = new JsonArray(
                new JsonObject { ["rateLimitType"] = "REQUEST_WEIGHT", ["interval"] = "MINUTE", ["intervalNum"] = 1, ["limit"] = venue.Options.WeightPerMinute },
                new JsonObject { ["rateLimitType"] = "ORDERS", ["interval"] = "MINUTE", ["intervalNum"] = 1, ["limit"] = venue.Options.OrdersPerMinute }),
            ["exchangeFilters"] = new JsonArray(),
            ["assets"] = new JsonArray(new JsonObject { ["asset"] = AsterWire.Asset, ["marginAvailable"] = true, ["autoAssetExchange"] = "0" }),
            ["symbols"] = symbols,
        };
    }

    private IResult Depth(AsterRequest r, PerpExchange ex)
    {
        if (r.Get("symbol") is not { } symbol) return AsterErrors.Mandatory("symbol").ToResult();
        if (ex.GetMarket(symbol) is not { } m) return AsterErrors.InvalidSymbol().ToResult();
        if (!r.TryLong("limit", out var limit, out var bad)) return bad!.ToResult();
        if (limit is { } l && Array.IndexOf(DepthLimits, (int)Math.Min(l, int.MaxValue)) < 0) return new AsterError(400, -4021, "Invalid depth limit.").ToResult();
        var book = ex.GetBook(symbol, (int)(limit ?? 500))!;
        var now = AsterWire.Ms(book.Time);
        return Ok(new JsonObject
        {
            ["lastUpdateId"] = book.LastUpdateId,
            ["E"] = now,
            ["T"] = now,
            ["bids"] = AsterWire.Levels(m, book.Bids),
            ["asks"] = AsterWire.Levels(m, book.Asks),
        });
    }

    private IResult PremiumIndex(AsterRequest r, PerpExchange ex)
    {
        var symbol = r.Get("symbol");
        if (symbol is not null)
            return ex.GetMarket(symbol) is { } m ? Ok(Premium(m)) : AsterErrors.InvalidSymbol().ToResult();
        var all = new JsonArray();
        foreach (var m in ex.GetMarkets()) all.Add(Premium(m));
        return Ok(all);
    }

    private JsonObject Premium(PerpMarketView m) => new()
    {
        ["symbol"] = m.Definition.Symbol,
        ["markPrice"] = AsterWire.Number(m.MarkPrice.Value, m.Instrument.PriceDecimals),
        ["indexPrice"] = AsterWire.Number(m.MarkPrice.Value, m.Instrument.PriceDecimals),
        ["estimatedSettlePrice"] = AsterWire.Number(m.MarkPrice.Value, m.Instrument.PriceDecimals),
        ["lastFundingRate"] = AsterWire.Number(m.FundingRate.Value, 8, 12),
        ["interestRate"] = "0.00010000",
        ["nextFundingTime"] = AsterWire.Ms(m.NextFundingTime),
        ["time"] = AsterWire.Ms(Time.GetUtcNow()),
    };

    private JsonArray FundingInfo(PerpExchange ex)
    {
        var all = new JsonArray();
        foreach (var m in ex.GetMarkets())
        {
            all.Add(new JsonObject
            {
                ["symbol"] = m.Definition.Symbol,
                ["interestRate"] = "0.00010000",
                ["time"] = AsterWire.Ms(Time.GetUtcNow()),
                ["fundingIntervalHours"] = m.FundingInterval.Ticks % TimeSpan.TicksPerHour == 0 ? (int)m.FundingInterval.TotalHours : (decimal)m.FundingInterval.TotalMinutes / 60m,
                ["fundingFeeCap"] = 0.03,
                ["fundingFeeFloor"] = -0.03,
            });
        }
        return all;
    }
}
