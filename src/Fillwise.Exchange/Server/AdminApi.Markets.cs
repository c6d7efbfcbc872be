using System.Text.Json.Nodes;
using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Server;

// Markets and their lifecycle steps: create, pause / resume, close, determine, dispute, amend,
// finalize (and settle = determine + finalize), plus the exchange's weekly maintenance window.
internal sealed partial class AdminApi
{
    private void MapLifecycle(RouteGroupBuilder admin)
    {
        admin.MapPost("/markets", TradeApi.Async(CreateMarket));
        admin.MapPost("/markets/{ticker}/pause", (HttpContext _, string ticker) => Step(ticker, (ex, t) => ex.PauseMarket(t)));
        admin.MapPost("/markets/{ticker}/resume", (HttpContext _, string ticker) => Step(ticker, (ex, t) => ex.ResumeMarket(t)));
        admin.MapPost("/markets/{ticker}/close", (HttpContext _, string ticker) => Step(ticker, (ex, t) => ex.CloseMarket(t)));
        admin.MapPost("/markets/{ticker}/determine", (HttpContext h, string ticker) => StepWithResult(h, ticker, "DetermineMarketRequest", (ex, t, r) => ex.DetermineMarket(t, r)));
        admin.MapPost("/markets/{ticker}/dispute", (HttpContext _, string ticker) => Step(ticker, (ex, t) => ex.DisputeMarket(t)));
        admin.MapPost("/markets/{ticker}/amend", (HttpContext h, string ticker) => StepWithResult(h, ticker, "AmendMarketRequest", (ex, t, r) => ex.AmendMarket(t, r)));
        admin.MapPost("/markets/{ticker}/finalize", (HttpContext _, string ticker) => Step(ticker, (ex, t) => ex.FinalizeMarket(t)));
        admin.MapPost("/markets/{ticker}/settle", (HttpContext h, string ticker) => StepWithResult(h, ticker, "SettleMarketRequest", (ex, t, r) => ex.SettleMarket(t, r)));
        admin.MapGet("/exchange/maintenance", (HttpContext _) => gate.Run(ex => TradeApi.Ok(MaintenanceJson(ex.Maintenance))));
        admin.MapPut("/exchange/maintenance", TradeApi.Async(PutMaintenance));
    }

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
        var structureText = fields.String("price_level_structure");
        var typeText = fields.String("market_type");
        var timer = fields.Int("settlement_timer_seconds");
        var fractional = fields.Bool("fractional_trading_enabled");
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
        if (ReadGrid(structureText, tickText) is not { } grid)
            return KalshiErrors.BadRequest($"price_level_structure must be one of {PriceLevelStructure.Names} (tick_size \"0.0100\" or \"0.0010\" names the first two)");
        var type = MarketType.Binary;
        switch (typeText)
        {
            case null or "binary": break;
            case "scalar": type = MarketType.Scalar; break;
            default: return KalshiErrors.BadRequest("market_type must be binary or scalar");
        }
        if (timer is < 0 || timer > (long)ExchangeLimits.MaxSettlementTimer.TotalSeconds)
            return KalshiErrors.BadRequest($"settlement_timer_seconds must be between 0 and {(long)ExchangeLimits.MaxSettlementTimer.TotalSeconds}");
        if (eventTicker is not null && ExchangeLimits.CheckTicker(eventTicker, "event_ticker") is { } badEvent) return KalshiErrors.From(badEvent);
        var definition = new MarketDefinition(ticker, eventTicker ?? DefaultEvent(ticker.Value), title ?? ticker.Value, open, close, feeType, multiplier,
            grid, type, TimeSpan.FromSeconds(timer ?? 0), fractional ?? false);
        return gate.Run(ex =>
        {
            var refused = ex.CreateMarket(definition);
            if (refused is not null) return KalshiErrors.From(refused);
            var market = ex.GetMarket(ticker);
            return market is null ? KalshiErrors.Internal() : TradeApi.Created(new JsonObject { ["market"] = KalshiWire.Market(market, now) });
        });
    }

    /// <summary>price_level_structure by name; the older tick_size field still names the two uniform grids Kalshi has.</summary>
    private static PriceLevelStructure? ReadGrid(string? structure, string? tick)
    {
        if (structure is not null) return PriceLevelStructure.TryParse(structure, out var named) ? named : null;
        return tick switch
        {
            null => PriceLevelStructure.LinearCent,
            _ when ContractPrice.TryParse(tick, out var p, out _) && p.Dollars == 0.01m => PriceLevelStructure.LinearCent,
            _ when ContractPrice.TryParse(tick, out var p, out _) && p.Dollars == 0.001m => PriceLevelStructure.DeciCent,
            _ => null,
        };
    }

    private IResult Step(string ticker, Func<KalshiExchange, MarketTicker, ExchangeError?> step)
    {
        if (!TradeApi.TryTicker(ticker, out var t)) return KalshiErrors.NotFound("market not found");
        var now = options.TimeProvider.GetUtcNow();
        return gate.Run(ex =>
        {
            if (ex.GetMarket(t) is null) return KalshiErrors.NotFound("market not found");
            if (step(ex, t) is { } refused) return KalshiErrors.From(refused);
            return TradeApi.Ok(new JsonObject { ["market"] = KalshiWire.Market(ex.GetMarket(t)!, now) });
        });
    }

    /// <summary>A step that takes a result: {"result":"yes"|"no"|"void"} or {"result":"scalar","settlement_value_dollars":"0.3500"}.</summary>
    private async Task<IResult> StepWithResult(HttpContext http, string ticker, string structName, Func<KalshiExchange, MarketTicker, MarketResult, ExchangeError?> step)
    {
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, structName, options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var resultText = fields.String("result");
        var valueText = fields.String("settlement_value_dollars");
        if (fields.Error is not null) return fields.Error;
        MarketResult result;
        switch (resultText)
        {
            case "yes": result = MarketResult.Yes; break;
            case "no": result = MarketResult.No; break;
            case "void": result = MarketResult.Void; break;
            case "scalar":
                if (valueText is null) return KalshiErrors.BadRequest("a scalar result needs settlement_value_dollars");
                if (!FixedPoint.TryParse(valueText, 4, allowNegative: false, out var value, out _) || !MarketResult.TryScalar(value, out result, out var why))
                    return KalshiErrors.BadRequest("settlement_value_dollars must be between 0.00 and 1.00 in whole cents");
                break;
            default: return KalshiErrors.BadRequest("result must be yes, no, scalar or void");
        }
        if (valueText is not null && result.Kind != MarketResultKind.Scalar) return KalshiErrors.BadRequest("settlement_value_dollars goes with a scalar result only");
        return Step(ticker, (ex, t) => step(ex, t, result));
    }

    private async Task<IResult> PutMaintenance(HttpContext http)
    {
        var (fields, error) = await GoJsonRequest.ReadStructAsync(http, "MaintenanceWindow", options.MaxRequestBodyBytes);
        if (fields is null) return error!;
        var day = fields.String("day");
        var start = fields.String("start_time");
        var minutes = fields.Int("duration_minutes");
        if (fields.Error is not null) return fields.Error;
        MaintenanceWindow? window = null;
        if (day is not null || start is not null || minutes is not null)
        {
            if (!Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var weekday) || !Enum.IsDefined(weekday) || int.TryParse(day, out _))
                return KalshiErrors.BadRequest("day must be a day of the week (e.g. \"thursday\")");
            if (!TimeOnly.TryParseExact(start, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at))
                return KalshiErrors.BadRequest("start_time must be HH:MM Eastern time");
            if (minutes is not { } m || m <= 0 || m >= 7 * 24 * 60) return KalshiErrors.BadRequest("duration_minutes must be between 1 and 10079");
            window = new MaintenanceWindow(weekday, at, TimeSpan.FromMinutes(m));
        }
        return gate.Run(ex =>
        {
            ex.Maintenance = window;
            return TradeApi.Ok(MaintenanceJson(window));
        });
    }

    internal static JsonObject MaintenanceJson(MaintenanceWindow? window) => window is null
        ? new JsonObject { ["day"] = null, ["start_time"] = null, ["duration_minutes"] = null }
        : new JsonObject
        {
            ["day"] = window.Day.ToString().ToLowerInvariant(),
            ["start_time"] = window.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            ["duration_minutes"] = (long)window.Duration.TotalMinutes,
        };
}
