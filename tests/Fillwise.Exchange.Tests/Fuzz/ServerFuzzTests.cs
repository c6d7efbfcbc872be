using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;
using Fillwise.Exchange.Tests.Server;
using Fillwise.Testing;
using Xunit.Abstractions;

namespace Fillwise.Exchange.Tests.Fuzz;

/// <summary>
/// The served exchange over real loopback HTTP: random and boundary requests to every endpoint of the
/// trade and admin APIs, and bodies that are not JSON or not text. After each request: no 5xx, an error
/// in one of Kalshi's shapes, a refused request changed nothing, and the exchange invariants hold.
/// </summary>
public sealed class ServerFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Random_and_boundary_requests_never_get_a_5xx_never_half_apply_and_keep_every_invariant()
    {
        var totals = new ServerFuzzSession.Totals();
        await FuzzRun.RunAsync("server fuzz", baseSeed: 1_700, sessions: 8, async (random, seed) =>
        {
            await using var session = await ServerFuzzSession.StartAsync(random, seed, totals);
            await session.RunAsync(requests: 400);
        });
        output.WriteLine($"{totals.Requests} requests: {string.Join(", ", totals.ByStatus.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}; {totals.Trades} trades");
        Assert.True(totals.Requests >= 3_000, $"{totals.Requests} requests");
        Assert.True(totals.ByStatus.GetValueOrDefault(201) > 500, "the sane half should create orders");
        Assert.True(totals.ByStatus.GetValueOrDefault(400) > 500, "the hostile half should be refused");
        Assert.True(totals.Trades > 100, $"{totals.Trades} trades");
    }
}

internal sealed class ServerFuzzSession : IAsyncDisposable
{
    internal sealed class Totals
    {
        public int Requests;
        public int Trades;
        public Dictionary<int, int> ByStatus { get; } = [];
    }

    private static readonly Lazy<RSA>[] Keys = [.. Enumerable.Range(0, 2).Select(_ => new Lazy<RSA>(() => RSA.Create(2048)))];

    private readonly FuzzValues _v;
    private readonly Totals _totals;
    private readonly ManualTimeProvider _clock;
    private readonly ServerHarness _h;
    private readonly WireWorld _world = new();
    private readonly WireRequests _requests;
    private readonly Dictionary<(RSA Key, string Text), string> _signatures = [];
    private decimal _deposits;

    private ServerFuzzSession(Random random, Totals totals, ManualTimeProvider clock, ServerHarness h)
    {
        _v = new FuzzValues(random);
        _totals = totals;
        _clock = clock;
        _h = h;
        _requests = new WireRequests(_v, _world, clock);
    }

    public static async Task<ServerFuzzSession> StartAsync(Random random, int seed, Totals totals)
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var h = await ServerHarness.StartAsync(new ExchangeServerOptions { Seed = seed, TimeProvider = clock, RateLimitTier = RateLimitTier.Unlimited }, withMarket: false);
        var session = new ServerFuzzSession(random, totals, clock, h);
        await session.SetUpAsync();
        return session;
    }

    private async Task SetUpAsync()
    {
        foreach (var key in Keys) _world.PublicKeys.Add(key.Value.ExportSubjectPublicKeyInfoPem());
        foreach (var tick in new[] { "0.0100", "0.0010", "0.0001", "0.0500" }.Take(2 + _v.Random.Next(3)))
        {
            var ticker = $"KXWIRE-SETUP-{_world.Markets.Count}";
            await _h.Admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker(ticker), FeeType: _v.Pick(["quadratic", "quadratic_with_maker_fees"])));
            // The admin client has no tick size: a market on a finer grid is created through the raw endpoint.
            _world.Markets.Add((ticker, 0.01m));
            var fine = await SendAsync(new WireRequest(true, HttpMethod.Post, "/markets", System.Text.Encoding.UTF8.GetBytes(
                $$"""{"ticker":"{{ticker}}-F","tick_size":"{{tick}}","fee_type":"quadratic_with_maker_fees","fee_multiplier":"2.5"}"""), null));
            Assert.Equal(201, fine.Status);
            _world.Markets.Add((ticker + "-F", decimal.Parse(tick, CultureInfo.InvariantCulture)));
        }
        for (var i = 0; i < 4 + _v.Random.Next(4); i++)
        {
            var balance = _v.Pick([50m, 500m, 5_000m, 100_000m]);
            var key = Keys[i % Keys.Length].Value;
            var (userId, keyId) = await _h.Admin.CreateAccountWithPublicKeyAsync(Money.FromDollars(balance), key.ExportSubjectPublicKeyInfoPem());
            _world.Signers.Add(new TestAccount(userId, keyId, key));
            _world.UserIds.Add(userId);
            _deposits += balance;
        }
    }

    public async Task RunAsync(int requests)
    {
        var before = Fingerprint();
        for (var i = 0; i < requests; i++)
        {
            if (_v.Chance(4))
            {
                // Time passes: expiries and closes happen on the exchange's own tick, then the fuzz goes on.
                _clock.Advance(_v.Chance(80) ? TimeSpan.FromSeconds(_v.Random.Next(1, 60)) : TimeSpan.FromMinutes(_v.Random.Next(1, 90)));
                _h.Server.WithExchange(ex => ex.OnClockTick());
                before = Fingerprint();
            }
            var request = _requests.Next();
            var users = _world.UserIds.Count;
            var answer = await SendAsync(request);
            _totals.Requests++;
            _totals.ByStatus[answer.Status] = _totals.ByStatus.GetValueOrDefault(answer.Status) + 1;
            var after = Fingerprint();
            try
            {
                Check(request, answer, before, after);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"request {i}: {request}\nanswered {answer.Status} {answer.Text[..Math.Min(answer.Text.Length, 600)]}\n{ex.Message}");
            }
            // A new account widens the fingerprint: take it afresh; otherwise this answer's is the next before.
            before = _world.UserIds.Count != users ? Fingerprint() : after;
        }
        _totals.Trades += _h.Server.WithExchange(ex => ex.GetTrades(null).Count);
    }

    private string Fingerprint() => _h.Server.WithExchange(ex => ExchangeInvariants.Fingerprint(ex, _world.UserIds));

    private void Check(WireRequest request, WireAnswer answer, string before, string after)
    {
        Assert.True(answer.Status < 500, "a 5xx");
        JsonNode? json = null;
        if (answer.Text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(answer.Text);
            }
            catch (JsonException)
            {
                Assert.Fail("the answer is not JSON");
            }
        }
        if (answer.Status >= 400)
        {
            // Kestrel itself refuses a NUL in the request target (400, no body) before any handler runs.
            var refusedByKestrel = answer.Status == 400 && answer.Text.Length == 0 && request.Path.Contains("%00", StringComparison.Ordinal);
            Assert.True(refusedByKestrel || IsKalshiError(json), "the error is not in one of Kalshi's shapes");
            Assert.True(before == after, "the refused request changed the exchange: " + ExchangeInvariants.FirstDifference(before, after));
        }
        else
        {
            Learn(request, json);
        }
        _h.Server.WithExchange(ex => ExchangeInvariants.Check(ex, _world.UserIds, _deposits));
    }

    /// <summary>{"error":{code,message}}, {"code","message","details"} (undecodable body), {"msg"} (bad query) or {"error":"too many requests"}.</summary>
    private static bool IsKalshiError(JsonNode? json) => json switch
    {
        JsonObject { } o when o["error"] is JsonObject e => e["code"] is JsonValue && e["message"] is JsonValue,
        JsonObject { } o when o["code"] is JsonValue && o["message"] is JsonValue => true,
        JsonObject { } o when o["msg"] is JsonValue => true,
        JsonObject { } o when o["error"] is JsonValue => true,
        _ => false,
    };

    /// <summary>Ids the answers hand out, so later requests can use them; deposits for the cash invariant.</summary>
    private void Learn(WireRequest request, JsonNode? json)
    {
        if (json is not JsonObject answer) return;
        if (!request.Admin && request.Method == HttpMethod.Post && request.Signer is { } signer)
        {
            if (answer["order_id"] is JsonValue id) LearnOrder(signer, (string)id!);
            if (answer["orders"] is JsonArray items)
            {
                foreach (var item in items)
                {
                    if (item?["order_id"] is JsonValue itemId) LearnOrder(signer, (string)itemId!);
                }
            }
            if (answer["order_group_id"] is JsonValue group) _world.Groups.Add((signer, (string)group!));
            return;
        }
        if (request.Admin && request.Path == "/accounts" && answer["user_id"] is JsonValue user)
        {
            // The server reads the last of duplicate fields, as Go does; JsonDocument keeps them all and finds the last.
            using var body = JsonDocument.Parse(request.Body!);
            var fields = body.RootElement.EnumerateObject().ToList();
            var balance = fields.LastOrDefault(f => f.Name == "balance_dollars").Value;
            _deposits += balance.ValueKind == JsonValueKind.String ? decimal.Parse(balance.GetString()!, CultureInfo.InvariantCulture) : 1000m;
            _world.UserIds.Add((string)user!);
            var pemField = fields.LastOrDefault(f => f.Name == "public_key_pem").Value;
            var pem = pemField.ValueKind == JsonValueKind.String ? pemField.GetString() : null;
            var key = Keys.Select(k => k.Value).FirstOrDefault(k => k.ExportSubjectPublicKeyInfoPem() == pem);
            if (key is not null) _world.Signers.Add(new TestAccount((string)user!, (string)answer["api_key_id"]!, key));
        }
        if (request.Admin && request.Path == "/markets" && answer["market"] is JsonObject market)
            _world.Markets.Add(((string)market["ticker"]!, decimal.Parse((string)market["price_ranges"]![0]!["step"]!, CultureInfo.InvariantCulture)));
        if (request.Admin && (request.Path.EndsWith("/settle", StringComparison.Ordinal) || request.Path.EndsWith("/close", StringComparison.Ordinal)))
            _world.Closed.Add(Uri.UnescapeDataString(request.Path.Split('/')[2]));
        if (request.Admin && request.Path == "/faults")
            _h.Server.Faults = FaultSettings.None;   // faults on would make 5xx the expected answer
    }

    private void LearnOrder(TestAccount signer, string orderId)
    {
        var order = _h.Server.WithExchange(ex => ex.GetOrder(signer.UserId, orderId));
        if (order is null) return;
        _world.Orders.Add((signer, orderId, order.Ticker.Value, order.Side == BookSide.Bid ? "bid" : "ask"));
        if (order.ClientOrderId is { } clientId) _world.ClientOrderIds.Add(clientId);
    }

    private async Task<WireAnswer> SendAsync(WireRequest request)
    {
        using var message = new HttpRequestMessage(request.Method, (request.Admin ? _h.Server.AdminUrl : _h.Server.RestBaseUrl) + request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        if (request.Signer is { } signer)
        {
            // Kalshi signs timestamp + METHOD + path; the clock stands still between advances, so a
            // signature is reused for the same text (an RSA signature per request would dominate the run).
            var timestamp = _clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            var text = timestamp + request.Method.Method + message.RequestUri!.AbsolutePath;
            if (!_signatures.TryGetValue((signer.Key, text), out var signature))
                _signatures[(signer.Key, text)] = signature = TestSigner.Signature(signer.Key, text);
            message.Headers.Add("KALSHI-ACCESS-KEY", signer.ApiKeyId);
            message.Headers.Add("KALSHI-ACCESS-TIMESTAMP", timestamp);
            message.Headers.Add("KALSHI-ACCESS-SIGNATURE", signature);
        }
        foreach (var (name, value) in request.Headers ?? []) message.Headers.TryAddWithoutValidation(name, value);
        using var response = await _h.Http.SendAsync(message);
        return new WireAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();
}

internal sealed record WireAnswer(int Status, string Text);
