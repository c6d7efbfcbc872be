using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Admin;

/// <summary>An account created through the admin API. The private key is the account's secret: never log it.</summary>
public sealed record AdminAccount(string UserId, string ApiKeyId, string PrivateKeyPem)
{
    public override string ToString() => $"AdminAccount {{ UserId = {UserId}, ApiKeyId = {ApiKeyId} }}";
}

public sealed record AdminPosition(MarketTicker Ticker, decimal Position, Money RealizedPnl, Money FeesPaid);

/// <summary>The venue's truth about one account (GET /sim/v1/accounts/{user_id}).</summary>
public sealed record AdminAccountState(string UserId, Money Balance, IReadOnlyList<AdminPosition> Positions, int RestingOrders);

/// <summary>A market to create (POST /sim/v1/markets); null fields take the exchange's defaults.</summary>
/// <param name="PriceLevelStructure">linear_cent (default), deci_cent or tapered_deci_cent.</param>
/// <param name="MarketType">binary (default) or scalar.</param>
public sealed record AdminMarketRequest(
    MarketTicker Ticker,
    string? EventTicker = null,
    string? Title = null,
    DateTimeOffset? CloseTime = null,
    string? FeeType = null,
    DateTimeOffset? OpenTime = null,
    string? PriceLevelStructure = null,
    string? MarketType = null,
    int? SettlementTimerSeconds = null,
    bool? FractionalTradingEnabled = null);

/// <summary>A non-2xx answer from the admin API.</summary>
public sealed class AdminApiException(int statusCode, string body)
    : Exception($"admin API answered {statusCode}: {body}")
{
    public int StatusCode { get; } = statusCode;

    public string Body { get; } = body;
}

/// <summary>
/// A thin client for the built-in exchange's admin API (/sim/v1): accounts, markets, settlement
/// and faults. <paramref name="adminUrl"/> is <see cref="ExchangeServer.AdminUrl"/>.
/// </summary>
public sealed class AdminClient(HttpClient http, string adminUrl)
{
    private readonly string _base = adminUrl.TrimEnd('/');

    public async Task<AdminAccount> CreateAccountAsync(Money balance, CancellationToken ct = default)
    {
        var body = await SendAsync(HttpMethod.Post, "/accounts", new JsonObject { ["balance_dollars"] = balance.ToString(2) }, ct);
        return new AdminAccount(Str(body, "user_id"), Str(body, "api_key_id"), Str(body, "private_key_pem"));
    }

    /// <summary>Registers an account whose requests are signed with a key the caller already holds (no private key crosses the wire).</summary>
    public async Task<(string UserId, string ApiKeyId)> CreateAccountWithPublicKeyAsync(Money balance, string publicKeyPem, CancellationToken ct = default)
    {
        var body = await SendAsync(HttpMethod.Post, "/accounts",
            new JsonObject { ["balance_dollars"] = balance.ToString(2), ["public_key_pem"] = publicKeyPem }, ct);
        return (Str(body, "user_id"), Str(body, "api_key_id"));
    }

    public async Task<AdminAccountState> GetAccountAsync(string userId, CancellationToken ct = default)
    {
        var body = await SendAsync(HttpMethod.Get, "/accounts/" + Uri.EscapeDataString(userId), null, ct);
        var positions = new List<AdminPosition>();
        foreach (var p in body["positions"]?.AsArray() ?? [])
        {
            if (p is null) continue;
            positions.Add(new AdminPosition(
                new MarketTicker(Str(p, "ticker")),
                decimal.Parse(Str(p, "position_fp"), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
                Money.Parse(Str(p, "realized_pnl_dollars")),
                Money.Parse(Str(p, "fees_paid_dollars"))));
        }
        return new AdminAccountState(Str(body, "user_id"), Money.Parse(Str(body, "balance_dollars")), positions,
            body["resting_orders"]?.GetValue<int>() ?? 0);
    }

    /// <summary>Creates a market; answers it in the shape of GET /trade-api/v2/markets/{ticker}.</summary>
    public async Task<JsonObject> CreateMarketAsync(AdminMarketRequest market, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(market);
        var request = new JsonObject { ["ticker"] = market.Ticker.Value };
        if (market.EventTicker is not null) request["event_ticker"] = market.EventTicker;
        if (market.Title is not null) request["title"] = market.Title;
        if (market.CloseTime is { } close) request["close_time"] = close.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        if (market.OpenTime is { } open) request["open_time"] = open.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        if (market.FeeType is not null) request["fee_type"] = market.FeeType;
        if (market.PriceLevelStructure is not null) request["price_level_structure"] = market.PriceLevelStructure;
        if (market.MarketType is not null) request["market_type"] = market.MarketType;
        if (market.SettlementTimerSeconds is { } timer) request["settlement_timer_seconds"] = timer;
        if (market.FractionalTradingEnabled is { } fractional) request["fractional_trading_enabled"] = fractional;
        var body = await SendAsync(HttpMethod.Post, "/markets", request, ct);
        return body["market"]?.AsObject() ?? throw new AdminApiException(200, "answer has no market");
    }

    /// <summary>Determines and finalizes in one step: positions pay out.</summary>
    public async Task SettleMarketAsync(MarketTicker ticker, OutcomeSide result, CancellationToken ct = default) =>
        await MarketStepAsync(ticker, "settle", Result(result.ToWire(), null), ct);

    /// <summary>
    /// Determines and finalizes with any result: "yes", "no", "void", or "scalar" with
    /// <paramref name="settlementValue"/> (dollars per YES contract, whole cents).
    /// </summary>
    public Task<JsonObject> SettleMarketAsync(MarketTicker ticker, string result, string? settlementValue = null, CancellationToken ct = default) =>
        MarketStepAsync(ticker, "settle", Result(result, settlementValue), ct);

    public Task<JsonObject> CloseMarketAsync(MarketTicker ticker, CancellationToken ct = default) => MarketStepAsync(ticker, "close", null, ct);

    public Task<JsonObject> PauseMarketAsync(MarketTicker ticker, CancellationToken ct = default) => MarketStepAsync(ticker, "pause", null, ct);

    public Task<JsonObject> ResumeMarketAsync(MarketTicker ticker, CancellationToken ct = default) => MarketStepAsync(ticker, "resume", null, ct);

    /// <summary>The result is known (yes, no, void, or scalar with its value); nothing is paid until finalize.</summary>
    public Task<JsonObject> DetermineMarketAsync(MarketTicker ticker, string result, string? settlementValue = null, CancellationToken ct = default) =>
        MarketStepAsync(ticker, "determine", Result(result, settlementValue), ct);

    public Task<JsonObject> DisputeMarketAsync(MarketTicker ticker, CancellationToken ct = default) => MarketStepAsync(ticker, "dispute", null, ct);

    /// <summary>Replaces the determined result before it is paid.</summary>
    public Task<JsonObject> AmendMarketAsync(MarketTicker ticker, string result, string? settlementValue = null, CancellationToken ct = default) =>
        MarketStepAsync(ticker, "amend", Result(result, settlementValue), ct);

    /// <summary>Pays out the determined result.</summary>
    public Task<JsonObject> FinalizeMarketAsync(MarketTicker ticker, CancellationToken ct = default) => MarketStepAsync(ticker, "finalize", null, ct);

    /// <summary>Sets the weekly maintenance window ("thursday", "03:00" Eastern, minutes); null turns it off.</summary>
    public async Task SetMaintenanceAsync(DayOfWeek? day, string? startTime, int? durationMinutes, CancellationToken ct = default) =>
        await SendAsync(HttpMethod.Put, "/exchange/maintenance", day is null
            ? new JsonObject()
            : new JsonObject { ["day"] = day.Value.ToString().ToLowerInvariant(), ["start_time"] = startTime, ["duration_minutes"] = durationMinutes }, ct);

    private static JsonObject Result(string result, string? settlementValue)
    {
        var body = new JsonObject { ["result"] = result };
        if (settlementValue is not null) body["settlement_value_dollars"] = settlementValue;
        return body;
    }

    /// <summary>One lifecycle step; answers the market as it is after it.</summary>
    private async Task<JsonObject> MarketStepAsync(MarketTicker ticker, string step, JsonObject? body, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Post, $"/markets/{Uri.EscapeDataString(ticker.Value)}/{step}", body ?? new JsonObject(), ct);
        return answer["market"]?.AsObject() ?? throw new AdminApiException(200, "answer has no market");
    }

    /// <summary>Moves finished orders and past fills into the historical archive; returns the new cutoff.</summary>
    public async Task<DateTimeOffset> ArchiveFinishedAsync(CancellationToken ct = default)
    {
        var body = await SendAsync(HttpMethod.Post, "/historical/archive", new JsonObject(), ct);
        return DateTimeOffset.Parse(body["cutoff"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<FaultSettings> SetFaultsAsync(FaultSettings faults, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var body = await SendAsync(HttpMethod.Put, "/faults", new JsonObject
        {
            ["http_5xx_rate"] = faults.Http5xxRate,
            ["http_429_rate"] = faults.Http429Rate,
            ["drop_response_rate"] = faults.DropResponseRate,
            ["latency_ms"] = faults.LatencyMs,
            ["ws_disconnect_every_s"] = faults.WsDisconnectEverySeconds,
        }, ct);
        return ReadFaults(body);
    }

    public async Task<FaultSettings> GetFaultsAsync(CancellationToken ct = default) =>
        ReadFaults(await SendAsync(HttpMethod.Get, "/faults", null, ct));

    private static FaultSettings ReadFaults(JsonNode body) => new(
        body["http_5xx_rate"]?.GetValue<double>() ?? 0,
        body["http_429_rate"]?.GetValue<double>() ?? 0,
        body["drop_response_rate"]?.GetValue<double>() ?? 0,
        body["latency_ms"]?.GetValue<int>() ?? 0,
        body["ws_disconnect_every_s"]?.GetValue<int>() ?? 0);

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, _base + path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new AdminApiException((int)response.StatusCode, text);
        try
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (JsonException)
        {
            throw new AdminApiException((int)response.StatusCode, "answer is not JSON");
        }
    }

    private static string Str(JsonNode node, string name) =>
        node[name]?.GetValue<string>() ?? throw new AdminApiException(200, $"answer has no '{name}'");
}
