using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Server;

/// <summary>
/// The exchange's own admin API (/sim/v1): accounts with keys, markets, settlement, faults.
/// Loopback only and unauthenticated, but every input is validated.
/// </summary>
internal sealed class AdminApi(ExchangeGate gate, KalshiAuthenticator authenticator, FaultInjector faults, ExchangeServerOptions options)
{
    public const string Prefix = "/sim/v1";

    private readonly Lock _idGate = new();
    private readonly Random _ids = new(unchecked(options.Seed * 31 + 7));

    public void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Prefix);
        admin.AddEndpointFilter(async (invocation, next) =>
        {
            if (RequestTarget.Check(invocation.HttpContext) is { } notText) return notText;
            try
            {
                return await next(invocation);
            }
            catch (OperationCanceledException) when (invocation.HttpContext.RequestAborted.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Admin mistakes answer 500 in Kalshi's shape; never take the exchange down.
            catch (Exception)
#pragma warning restore CA1031
            {
                return KalshiErrors.Internal();
            }
        });
        admin.MapPost("/accounts", TradeApi.Async(CreateAccount));
        admin.MapGet("/accounts/{user_id}", GetAccount);
        admin.MapPost("/markets", TradeApi.Async(CreateMarket));
        admin.MapPost("/markets/{ticker}/settle", SettleMarket);
        admin.MapPost("/markets/{ticker}/close", CloseMarket);
        // Moves finished orders and past fills into the historical archive, as Kalshi does over time.
        admin.MapPost("/historical/archive", (HttpContext _) => gate.Run(ex =>
            TradeApi.Ok(new JsonObject { ["cutoff"] = KalshiWire.Time(ex.ArchiveFinished()) })));
        admin.MapGet("/faults", (HttpContext _) => TradeApi.Ok(FaultsJson(faults.Settings)));
        admin.MapPut("/faults", TradeApi.Async(PutFaults));
        app.Map(Prefix + "/{**rest}", (HttpContext _) => KalshiErrors.NotFound("no such admin endpoint"));
    }

    private async Task<IResult> CreateAccount(HttpContext http)
    {
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, "CreateAccountRequest", options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var balanceText = fields.String("balance_dollars");
        var publicKeyPem = fields.String("public_key_pem");
        if (fields.Error is not null) return fields.Error;
        var deposit = Money.FromDollars(1000m);
        if (balanceText is not null)
        {
            if (!Money.TryParse(balanceText, out deposit, out var why)) return KalshiErrors.BadRequest("balance_dollars: " + why);
            if (ExchangeLimits.CheckDeposit(deposit, "balance_dollars") is { } refused) return KalshiErrors.From(refused);
        }

        RSA key;
        string? privateKeyPem = null;
        if (publicKeyPem is not null)
        {
            key = RSA.Create();
            try
            {
                key.ImportFromPem(publicKeyPem);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                key.Dispose();
                return KalshiErrors.BadRequest("public_key_pem is not an RSA public key in PEM form");
            }
        }
        else
        {
            key = RSA.Create(2048);
            privateKeyPem = key.ExportPkcs8PrivateKeyPem();
        }

        string? userId = null;
        var limited = gate.Run(ex => ex.TryCreateAccount(deposit, out userId));
        if (limited is not null)
        {
            key.Dispose();
            return KalshiErrors.From(limited);
        }
        var apiKeyId = NewId();
        authenticator.Register(apiKeyId, userId!, key);
        var answer = new JsonObject { ["user_id"] = userId, ["api_key_id"] = apiKeyId };
        // The one place a private key leaves the exchange: its owner asked for it.
        if (privateKeyPem is not null) answer["private_key_pem"] = privateKeyPem;
        return TradeApi.Created(answer);
    }

    private IResult GetAccount(HttpContext http, string user_id) => gate.Run(ex =>
    {
        var account = ex.GetAccount(user_id);
        if (account is null) return KalshiErrors.NotFound("account not found");
        var positions = new JsonArray();
        foreach (var p in account.Positions)
        {
            positions.Add(new JsonObject
            {
                ["ticker"] = p.Ticker.Value,
                ["position_fp"] = KalshiWire.Count(p.Position),
                ["realized_pnl_dollars"] = KalshiWire.Dollars(p.RealizedPnl),
                ["fees_paid_dollars"] = KalshiWire.Dollars(p.FeesPaid),
                ["market_exposure_dollars"] = KalshiWire.Dollars(p.MarketExposure),
            });
        }
        return TradeApi.Ok(new JsonObject
        {
            ["user_id"] = account.UserId,
            ["balance_dollars"] = KalshiWire.Dollars(account.Balance),
            ["held_collateral_dollars"] = KalshiWire.Dollars(account.HeldCollateral),
            ["positions"] = positions,
            ["resting_orders"] = account.RestingOrders,
        });
    });

    private async Task<IResult> CreateMarket(HttpContext http)
    {
        const string name = "CreateMarketRequest";
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, name, options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var tickerText = fields.String("ticker");
        var eventTicker = fields.String("event_ticker");
        var title = fields.String("title");
        var closeText = fields.String("close_time");
        var openText = fields.String("open_time");
        var feeTypeText = fields.String("fee_type");
        var feeMultiplierText = fields.String("fee_multiplier");
        var tickText = fields.String("tick_size");
        if (fields.Error is not null) return fields.Error;
        if (tickerText is null) return KalshiErrors.BadRequest("ticker is required");
        if (ExchangeLimits.CheckTicker(tickerText, "ticker") is { } badTicker) return KalshiErrors.From(badTicker);
        var ticker = new MarketTicker(tickerText);
        var now = options.TimeProvider.GetUtcNow();
        var open = now;
        if (openText is not null && !TryTime(openText, out open)) return KalshiErrors.BadRequest("open_time must be an RFC 3339 time");
        var close = now.AddDays(30);
        if (closeText is not null && !TryTime(closeText, out close)) return KalshiErrors.BadRequest("close_time must be an RFC 3339 time");
        if (close <= open) return KalshiErrors.BadRequest("close_time must be after open_time");
        var feeType = KalshiFeeType.Quadratic;
        if (feeTypeText is not null && !KalshiFeeModel.TryParseFeeType(feeTypeText, out feeType))
            return KalshiErrors.BadRequest("fee_type must be quadratic, quadratic_with_maker_fees or quadratic_with_combo_maker_fees");
        var multiplier = 1m;
        if (feeMultiplierText is not null
            && (!FixedPoint.TryParse(feeMultiplierText, ExchangeLimits.MaxFeeMultiplierDecimals, allowNegative: false, out multiplier, out _)
                || ExchangeLimits.CheckFeeMultiplier(multiplier) is not null))
            return KalshiErrors.From(ExchangeLimits.FeeMultiplierRefused);
        var tick = 0.01m;
        if (tickText is not null
            && (!ContractPrice.TryParse(tickText, out var tickPrice, out _) || 1m % tickPrice.Dollars != 0m))
            return KalshiErrors.BadRequest("tick_size must be a price that divides 1 (e.g. \"0.0100\")");
        else if (tickText is not null) tick = ContractPrice.Parse(tickText).Dollars;
        if (eventTicker is not null && ExchangeLimits.CheckTicker(eventTicker, "event_ticker") is { } badEvent) return KalshiErrors.From(badEvent);
        var definition = new MarketDefinition(ticker, eventTicker ?? DefaultEvent(ticker.Value), title ?? ticker.Value, open, close, feeType, multiplier, tick);
        return gate.Run(ex =>
        {
            var refused = ex.CreateMarket(definition);
            if (refused is not null) return KalshiErrors.From(refused);
            var market = ex.GetMarket(ticker);
            return market is null ? KalshiErrors.Internal() : TradeApi.Created(new JsonObject { ["market"] = KalshiWire.Market(market, now) });
        });
    }

    private async Task<IResult> SettleMarket(HttpContext http, string ticker)
    {
        const string name = "SettleMarketRequest";
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, name, options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var resultText = fields.String("result");
        if (fields.Error is not null) return fields.Error;
        if (!DirectionText.TryParseOutcomeSide(resultText, out var result)) return KalshiErrors.BadRequest("result must be yes or no");
        if (!TradeApi.TryTicker(ticker, out var t)) return KalshiErrors.NotFound("market not found");
        var now = options.TimeProvider.GetUtcNow();
        return gate.Run(ex =>
        {
            if (ex.GetMarket(t) is null) return KalshiErrors.NotFound("market not found");
            var refused = ex.SettleMarket(t, result);
            if (refused is not null) return KalshiErrors.From(refused);
            return TradeApi.Ok(new JsonObject { ["market"] = KalshiWire.Market(ex.GetMarket(t)!, now) });
        });
    }

    private IResult CloseMarket(HttpContext http, string ticker)
    {
        if (!TradeApi.TryTicker(ticker, out var t)) return KalshiErrors.NotFound("market not found");
        var now = options.TimeProvider.GetUtcNow();
        return gate.Run(ex =>
        {
            if (ex.GetMarket(t) is null) return KalshiErrors.NotFound("market not found");
            var refused = ex.CloseMarket(t);
            if (refused is not null) return KalshiErrors.From(refused);
            return TradeApi.Ok(new JsonObject { ["market"] = KalshiWire.Market(ex.GetMarket(t)!, now) });
        });
    }

    private async Task<IResult> PutFaults(HttpContext http)
    {
        const string name = "FaultSettings";
        var (root, error) = await GoJsonRequest.ReadObjectAsync(http, name, options.MaxRequestBodyBytes);
        if (error is not null) return error;
        if (!TryRate(root, "http_5xx_rate", out var r5xx, out var bad)
            || !TryRate(root, "http_429_rate", out var r429, out bad)
            || !TryRate(root, "drop_response_rate", out var rDrop, out bad)
            || !TryWhole(root, "latency_ms", out var latency, out bad)
            || !TryWhole(root, "ws_disconnect_every_s", out var wsEvery, out bad))
            return bad!;
        var settings = new FaultSettings(r5xx, r429, rDrop, latency, wsEvery);
        if (settings.Validate() is { } why) return KalshiErrors.BadRequest(why);
        faults.Settings = settings;
        return TradeApi.Ok(FaultsJson(settings));
    }

    internal static JsonObject FaultsJson(FaultSettings s) => new()
    {
        ["http_5xx_rate"] = s.Http5xxRate,
        ["http_429_rate"] = s.Http429Rate,
        ["drop_response_rate"] = s.DropResponseRate,
        ["latency_ms"] = s.LatencyMs,
        ["ws_disconnect_every_s"] = s.WsDisconnectEverySeconds,
    };

    private static bool TryRate(JsonElement root, string name, out double value, out KalshiJsonResult? error)
    {
        value = 0;
        error = null;
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return true;
        // Rates are probabilities, not money: accept a JSON number or a decimal string.
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out value)) return true;
        if (e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)) return true;
        error = KalshiErrors.BadRequest($"{name} must be a number between 0 and 1");
        return false;
    }

    private static bool TryWhole(JsonElement root, string name, out int value, out KalshiJsonResult? error)
    {
        value = 0;
        error = null;
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return true;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value)) return true;
        error = KalshiErrors.BadRequest($"{name} must be a whole number");
        return false;
    }

    private static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>KXTEST-26JAN01-T50 belongs to event KXTEST-26JAN01.</summary>
    private static string DefaultEvent(string ticker)
    {
        var dash = ticker.LastIndexOf('-');
        return dash > 0 ? ticker[..dash] : ticker;
    }

    /// <summary>A UUID from the seeded stream, so a seed replays the same key ids.</summary>
    private string NewId()
    {
        var bytes = new byte[16];
        lock (_idGate) _ids.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
