using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Tests.Server;

/// <summary>An account as a client holds it: ids plus the private key it signs with.</summary>
internal sealed record TestAccount(string UserId, string ApiKeyId, RSA Key);

/// <summary>Kalshi's request signing, written here from the spec so the tests do not trust the server's own code.</summary>
internal static class TestSigner
{
    public static void Sign(HttpRequestMessage request, TestAccount account, long? timestampMs = null, bool signQuery = false)
    {
        var ts = (timestampMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        var path = signQuery ? request.RequestUri!.PathAndQuery : request.RequestUri!.AbsolutePath;
        request.Headers.Add("KALSHI-ACCESS-KEY", account.ApiKeyId);
        request.Headers.Add("KALSHI-ACCESS-TIMESTAMP", ts);
        request.Headers.Add("KALSHI-ACCESS-SIGNATURE", Signature(account.Key, ts + request.Method.Method + path));
    }

    public static string Signature(RSA key, string message) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

    public static void SignUpgrade(ClientWebSocketOptions options, TestAccount account)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        options.SetRequestHeader("KALSHI-ACCESS-KEY", account.ApiKeyId);
        options.SetRequestHeader("KALSHI-ACCESS-TIMESTAMP", ts);
        options.SetRequestHeader("KALSHI-ACCESS-SIGNATURE", Signature(account.Key, ts + "GET" + ExchangeServer.WebSocketPath));
    }
}

/// <summary>A real exchange server on 127.0.0.1:0, plus signed HTTP helpers.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    public const string Ticker = "KXTEST-26JAN01-T50";

    // Key generation is slow on a shared machine: a few keys serve every test account (each gets its own key id).
    private static readonly Lazy<RSA>[] KeyPool = [.. Enumerable.Range(0, 3).Select(_ => new Lazy<RSA>(() => RSA.Create(2048)))];
    private static int _nextKey;

    private ServerHarness(ExchangeServer server)
    {
        Server = server;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        Admin = new AdminClient(Http, server.AdminUrl);
    }

    public ExchangeServer Server { get; }

    public HttpClient Http { get; }

    public AdminClient Admin { get; }

    public static async Task<ServerHarness> StartAsync(ExchangeServerOptions? options = null, bool withMarket = true)
    {
        var server = await ExchangeServer.StartAsync(options ?? new ExchangeServerOptions { RateLimitTier = RateLimitTier.Unlimited });
        var harness = new ServerHarness(server);
        if (withMarket) await harness.Admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker(Ticker)));
        return harness;
    }

    public async Task<TestAccount> NewAccountAsync(decimal dollars = 1000m)
    {
        // The client keeps its own key and registers only the public half (fast, and nothing secret on the wire).
        var key = KeyPool[Interlocked.Increment(ref _nextKey) % KeyPool.Length].Value;
        var (userId, keyId) = await Admin.CreateAccountWithPublicKeyAsync(Money.FromDollars(dollars), key.ExportSubjectPublicKeyInfoPem());
        return new TestAccount(userId, keyId, key);
    }

    public async Task<Answer> SendAsync(TestAccount? account, HttpMethod method, string pathAndQuery, string? body = null,
        Action<HttpRequestMessage>? tweak = null)
    {
        using var request = new HttpRequestMessage(method, Server.RestBaseUrl + pathAndQuery);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        // Sign on the exchange's clock, so tests on a manual clock stay inside the skew window.
        if (account is not null) TestSigner.Sign(request, account, Server.Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        tweak?.Invoke(request);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text, response.Headers.RetryAfter is not null);
    }

    public Task<Answer> GetAsync(TestAccount? account, string pathAndQuery) => SendAsync(account, HttpMethod.Get, pathAndQuery);

    public Task<Answer> PostAsync(TestAccount account, string path, JsonNode body) => SendAsync(account, HttpMethod.Post, path, body.ToJsonString());

    public Task<Answer> PlaceAsync(TestAccount account, string side, string price, string count, string tif = "good_till_canceled",
        string? clientOrderId = null, string ticker = Ticker)
    {
        var body = new JsonObject
        {
            ["ticker"] = ticker,
            ["side"] = side,
            ["count"] = count,
            ["price"] = price,
            ["time_in_force"] = tif,
            ["self_trade_prevention_type"] = "taker_at_cross",
        };
        if (clientOrderId is not null) body["client_order_id"] = clientOrderId;
        return PostAsync(account, "/portfolio/events/orders", body);
    }

    public async Task<ClientWebSocket> ConnectAsync(TestAccount account)
    {
        var ws = new ClientWebSocket();
        TestSigner.SignUpgrade(ws.Options, account);
        await ws.ConnectAsync(new Uri(Server.WebSocketUrl), CancellationToken.None);
        return ws;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

internal sealed record Answer(HttpStatusCode Status, string Text, bool HasRetryAfter)
{
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("empty body");

    public int Code => (int)Status;

    public override string ToString() => $"{Code} {Text}";
}

/// <summary>Reads JSON frames from a WebSocket with a deadline.</summary>
internal static class WsReader
{
    public static async Task SendAsync(ClientWebSocket ws, string json) =>
        await ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public static async Task<JsonObject> NextAsync(ClientWebSocket ws, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var buffer = new byte[1 << 16];
        using var ms = new MemoryStream();
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed: " + result.CloseStatusDescription);
            ms.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) break;
        }
        return JsonNode.Parse(ms.ToArray())!.AsObject();
    }

    /// <summary>Skips frames until one of <paramref name="type"/> arrives.</summary>
    public static async Task<JsonObject> NextOfTypeAsync(ClientWebSocket ws, string type, List<JsonObject>? seen = null)
    {
        for (var i = 0; i < 200; i++)
        {
            var frame = await NextAsync(ws);
            seen?.Add(frame);
            if ((string?)frame["type"] == type) return frame;
        }
        throw new InvalidOperationException("no " + type + " frame");
    }
}
