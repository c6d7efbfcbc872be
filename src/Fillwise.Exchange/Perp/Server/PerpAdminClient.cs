using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Admin;

namespace Fillwise.Exchange.Perp.Server;

/// <summary>A paper or test account on a built-in perp venue: its id and the credentials JSON the venue's client reads (a secret: never logged).</summary>
public sealed record PerpAdminAccount(long AccountId, string CredentialsJson)
{
    public override string ToString() => $"PerpAdminAccount {{ AccountId = {AccountId} }}";
}

/// <summary>
/// A thin client for a built-in perp venue's admin API (CONTRACTS.md §2b / §2c):
/// <paramref name="adminUrl"/> is <c>ExchangeServer.AsterAdminUrl</c> or <c>LighterAdminUrl</c>.
/// Answers are the venue's JSON; a refusal throws <see cref="AdminApiException"/> with its body.
/// </summary>
public sealed class PerpAdminClient(HttpClient http, string adminUrl)
{
    private readonly string _base = adminUrl.TrimEnd('/');

    /// <summary>POST /accounts: a funded account and the credentials `--aster-credentials` / `--lighter-credentials` read.</summary>
    public async Task<PerpAdminAccount> CreateAccountAsync(string balance, CancellationToken ct = default)
    {
        var root = await SendAsync(HttpMethod.Post, "/accounts", new JsonObject { ["balance"] = balance }, ct);
        var id = root.GetProperty("account_id");
        var accountId = id.ValueKind == JsonValueKind.Number ? id.GetInt64() : long.Parse(id.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture);
        return new PerpAdminAccount(accountId, root.GetProperty("credentials").GetRawText());
    }

    /// <summary>POST /markets with the §2b body.</summary>
    public Task<JsonElement> CreateMarketAsync(JsonObject market, CancellationToken ct = default) => SendAsync(HttpMethod.Post, "/markets", market, ct);

    /// <summary>PUT /markets/{symbol}: mark price and / or funding rate (funding due at the old values settles first).</summary>
    public Task<JsonElement> UpdateMarketAsync(string symbol, JsonObject change, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, "/markets/" + Uri.EscapeDataString(symbol), change, ct);

    /// <summary>GET /accounts/{id}: the venue's truth (balance, positions with realized PnL, fees and funding, orders, fills, funding).</summary>
    public Task<JsonElement> GetAccountAsync(long accountId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "/accounts/" + accountId.ToString(CultureInfo.InvariantCulture), null, ct);

    /// <summary>POST /accounts/{id}/orders: an order of that account (any trader a test or a person plays).</summary>
    public Task<JsonElement> PlaceOrderAsync(long accountId, JsonObject order, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "/accounts/" + accountId.ToString(CultureInfo.InvariantCulture) + "/orders", order, ct);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, _base + path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new AdminApiException((int)response.StatusCode, text);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
