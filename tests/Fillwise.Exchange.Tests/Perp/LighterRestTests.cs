using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fillwise.Exchange.Perp.Lighter;
using Fillwise.Exchange.Server;
using Nethereum.Signer;
using Nethereum.Util;

namespace Fillwise.Exchange.Tests.Perp;

/// <summary>
/// The Lighter-like venue's REST surface over loopback, signed here with Nethereum directly (not the
/// client under test) by the scheme its README gives: bad transactions and reads are refused with
/// Lighter's codes, a refusal uses no nonce and changes nothing, and no request gets a 500.
/// </summary>
public sealed class LighterRestTests : IAsyncLifetime
{
    private const int CreateOrder = 14;
    private const int CancelOrder = 15;
    private ExchangeServer _server = null!;
    private readonly HttpClient _http = new();
    private EthECKey _key = null!;
    private long _account;
    private int _apiKey;
    private int _chainId;

    public async Task InitializeAsync()
    {
        _server = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Port = 0,
            Seed = 5,
            Lighter = new LighterVenueOptions { Seed = 5, ExecutionDelay = TimeSpan.Zero },
        });
        (await _http.PostAsJsonAsync(_server.LighterAdminUrl + "/markets", new
        {
            symbol = "ZEC", tick_size = "0.001", step_size = "0.001", min_quantity = "0.05", min_notional = "10", mark_price = "514.000",
        })).EnsureSuccessStatusCode();
        (_account, _apiKey, _key) = await NewAccountAsync();
        _chainId = 304;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private async Task<(long Account, int ApiKey, EthECKey Key)> NewAccountAsync()
    {
        var created = await _http.PostAsJsonAsync(_server.LighterAdminUrl + "/accounts", new { balance = "10000" });
        using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var c = doc.RootElement.GetProperty("credentials");
        Assert.Equal(304, c.GetProperty("chain_id").GetInt32());
        return (c.GetProperty("account_index").GetInt64(), c.GetProperty("api_key_index").GetInt32(), new EthECKey(c.GetProperty("private_key").GetString()!));
    }

    private static long Ms(TimeSpan fromNow) => (DateTimeOffset.UtcNow + fromNow).ToUnixTimeMilliseconds();

    /// <summary>r ‖ s ‖ v over Keccak-256 of the text.</summary>
    private static byte[] SignText(string text, EthECKey key)
    {
        var signature = key.SignAndCalculateV(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text)));
        var bytes = new byte[65];
        signature.R.CopyTo(bytes, 32 - signature.R.Length);
        signature.S.CopyTo(bytes, 64 - signature.S.Length);
        bytes[64] = signature.V[0];
        return bytes;
    }

    /// <summary>tx_info: the fields in the type's order and "Sig" over <c>lighter-fw/1|chain|type|Name=value|...</c>.</summary>
    private string TxInfo(int type, IReadOnlyList<(string Name, long Value)> fields, EthECKey? key = null)
    {
        var canonical = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"lighter-fw/1|{_chainId}|{type}"));
        foreach (var (name, value) in fields) canonical.Append(CultureInfo.InvariantCulture, $"|{name}={value}");
        var info = new StringBuilder("{");
        foreach (var (name, value) in fields) info.Append(CultureInfo.InvariantCulture, $"\"{name}\":{value},");
        info.Append("\"Sig\":\"").Append(Convert.ToBase64String(SignText(canonical.ToString(), key ?? _key))).Append("\"}");
        return info.ToString();
    }

    private string Create(long nonce, long baseAmount = 100, long price = 500_000, long clientIndex = 0, int market = 0, int type = 0, int tif = 1,
        int reduceOnly = 0, long? orderExpiry = null, long? expiredAt = null, int isAsk = 0, long? account = null, EthECKey? key = null) =>
        TxInfo(CreateOrder,
        [
            ("AccountIndex", account ?? _account), ("ApiKeyIndex", _apiKey), ("MarketIndex", market), ("ClientOrderIndex", clientIndex),
            ("BaseAmount", baseAmount), ("Price", price), ("IsAsk", isAsk), ("Type", type), ("TimeInForce", tif), ("ReduceOnly", reduceOnly),
            ("TriggerPrice", 0), ("OrderExpiry", orderExpiry ?? (tif == 0 ? 0 : -1)), ("ExpiredAt", expiredAt ?? Ms(TimeSpan.FromMinutes(10))), ("Nonce", nonce),
        ], key);

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendTxAsync(int type, string info)
    {
        using var form = new FormUrlEncodedContent([new("tx_type", type.ToString(CultureInfo.InvariantCulture)), new("tx_info", info)]);
        var r = await _http.PostAsync(_server.LighterRestUrl + "/api/v1/sendTx", form);
        return (r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string pathAndQuery)
    {
        var r = await _http.GetAsync(_server.LighterRestUrl + "/api/v1/" + pathAndQuery);
        return (r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<long> NextNonceAsync() =>
        (await GetAsync($"nextNonce?account_index={_account}&api_key_index={_apiKey}")).Body.GetProperty("nonce").GetInt64();

    private string Auth(TimeSpan life, long? account = null, EthECKey? key = null)
    {
        var deadline = DateTimeOffset.UtcNow.Add(life).ToUnixTimeSeconds();
        var text = string.Create(CultureInfo.InvariantCulture, $"lighter-fw/auth|{_chainId}|{deadline}:{account ?? _account}:{_apiKey}");
        return string.Create(CultureInfo.InvariantCulture, $"{deadline}:{account ?? _account}:{_apiKey}:{Convert.ToHexString(SignText(text, key ?? _key)).ToLowerInvariant()}");
    }

    private int OpenOrders() => _server.Lighter.Run(ex => ex.OpenOrders(_account).Count);

    private static void AssertCode(int code, (HttpStatusCode Status, JsonElement Body) answer)
    {
        Assert.True(answer.Body.GetProperty("code").GetInt32() == code, $"expected {code}, got {answer.Status} {answer.Body}");
        Assert.True((int)answer.Status is >= 400 and < 500, $"expected a 4xx, got {answer.Status} {answer.Body}");
        Assert.False(string.IsNullOrWhiteSpace(answer.Body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Every_bad_transaction_is_refused_with_Lighters_code_uses_no_nonce_and_changes_nothing()
    {
        var soon = Ms(TimeSpan.FromMinutes(10));
        var cases = new (string Why, int Code, int Type, string Info)[]
        {
            ("unknown tx type", LighterErrors.InvalidTxType, 99, Create(0)),
            ("tx_info not JSON", LighterErrors.InvalidTxInfo, CreateOrder, "{not json"),
            ("tx_info a list", LighterErrors.InvalidTxInfo, CreateOrder, "[1,2]"),
            ("a field missing", LighterErrors.InvalidTxInfo, CreateOrder, Create(0).Replace("\"TriggerPrice\":0,", "", StringComparison.Ordinal)),
            ("a field not an integer", LighterErrors.InvalidTxInfo, CreateOrder, Create(0).Replace("\"Price\":500000", "\"Price\":\"500000\"", StringComparison.Ordinal)),
            ("a field of another type", LighterErrors.InvalidTxInfo, CreateOrder, Create(0).Replace("{", "{\"Index\":1,", StringComparison.Ordinal)),
            ("no signature", LighterErrors.InvalidTxInfo, CreateOrder, Create(0)[..Create(0).IndexOf(",\"Sig\"", StringComparison.Ordinal)] + "}"),
            ("signed by a stranger", LighterErrors.InvalidSignature, CreateOrder, Create(0, key: EthECKey.GenerateKey())),
            ("fields changed after signing", LighterErrors.InvalidSignature, CreateOrder, Create(0).Replace("\"Price\":500000", "\"Price\":500001", StringComparison.Ordinal)),
            ("signature not base64", LighterErrors.InvalidSignature, CreateOrder, Create(0)[..Create(0).IndexOf("\"Sig\"", StringComparison.Ordinal)] + "\"Sig\":\"%%%\"}"),
            ("unknown account", LighterErrors.UnknownAccount, CreateOrder, Create(0, account: 999_999)),
            ("nonce ahead of the key's", LighterErrors.InvalidNonce, CreateOrder, Create(5)),
            ("expired", LighterErrors.TxExpired, CreateOrder, Create(0, expiredAt: Ms(TimeSpan.FromSeconds(-5)))),
            ("expires in more than a day", LighterErrors.TxExpired, CreateOrder, Create(0, expiredAt: Ms(TimeSpan.FromDays(3)))),
            ("unknown market", LighterErrors.InvalidMarket, CreateOrder, Create(0, market: 7)),
            ("stop orders not executed", LighterErrors.InvalidOrderType, CreateOrder, Create(0, type: 2)),
            ("time in force 3", LighterErrors.InvalidTimeInForce, CreateOrder, Create(0, tif: 3)),
            ("market order not IOC", LighterErrors.InvalidTimeInForce, CreateOrder, Create(0, type: 1, tif: 1)),
            ("IsAsk 2", LighterErrors.InvalidTxInfo, CreateOrder, Create(0, isAsk: 2)),
            ("IOC with an expiry", LighterErrors.InvalidExpiry, CreateOrder, Create(0, tif: 0, orderExpiry: soon)),
            ("GTT expiry in the past", LighterErrors.InvalidExpiry, CreateOrder, Create(0, orderExpiry: Ms(TimeSpan.FromMinutes(-1)))),
            ("zero base amount", LighterErrors.InvalidBaseAmount, CreateOrder, Create(0, baseAmount: 0)),
            ("negative base amount", LighterErrors.InvalidBaseAmount, CreateOrder, Create(0, baseAmount: -5)),
            ("zero price", LighterErrors.InvalidPrice, CreateOrder, Create(0, price: 0)),
            ("price beyond a uint32", LighterErrors.InvalidPrice, CreateOrder, Create(0, price: (long)uint.MaxValue + 1)),
            ("below min_base_amount (0.021 ZEC)", LighterErrors.InvalidBaseOrQuoteAmount, CreateOrder, Create(0, baseAmount: 21)),
            ("below min_quote_amount (0.05 at 100)", LighterErrors.InvalidBaseOrQuoteAmount, CreateOrder, Create(0, baseAmount: 50, price: 100_000)),
            ("client order index past 48 bits", LighterErrors.InvalidClientOrderIndex, CreateOrder, Create(0, clientIndex: 1L << 48)),
            ("reduce-only with no position", LighterErrors.ReduceOnlyIncreases, CreateOrder, Create(0, reduceOnly: 1)),
            ("cancel of an unknown market", LighterErrors.InvalidMarket, CancelOrder,
                TxInfo(CancelOrder, [("AccountIndex", _account), ("ApiKeyIndex", _apiKey), ("MarketIndex", 9), ("Index", 1), ("ExpiredAt", soon), ("Nonce", 0)])),
            ("cancel of index 0", LighterErrors.InvalidTxInfo, CancelOrder,
                TxInfo(CancelOrder, [("AccountIndex", _account), ("ApiKeyIndex", _apiKey), ("MarketIndex", 0), ("Index", 0), ("ExpiredAt", soon), ("Nonce", 0)])),
        };
        foreach (var (why, code, type, info) in cases)
        {
            var answer = await SendTxAsync(type, info);
            Assert.True(answer.Body.GetProperty("code").GetInt32() == code, $"{why}: expected {code}, got {answer.Status} {answer.Body}");
            AssertCode(code, answer);
        }
        Assert.Equal(0, await NextNonceAsync());
        Assert.Equal(0, OpenOrders());

        // The same key then works: nothing above used its nonce.
        Assert.Equal(HttpStatusCode.OK, (await SendTxAsync(CreateOrder, Create(0, clientIndex: 7))).Status);
        Assert.Equal(1, await NextNonceAsync());
    }

    [Fact]
    public async Task A_replayed_transaction_and_a_reused_client_order_index_are_refused_and_the_first_order_stands()
    {
        var first = Create(0, clientIndex: 42);
        var ok = await SendTxAsync(CreateOrder, first);
        Assert.Equal((HttpStatusCode.OK, 200), (ok.Status, ok.Body.GetProperty("code").GetInt32()));
        Assert.Equal(64, ok.Body.GetProperty("tx_hash").GetString()!.Length);
        AssertCode(LighterErrors.InvalidNonce, await SendTxAsync(CreateOrder, first));
        AssertCode(LighterErrors.DuplicateClientOrderIndex, await SendTxAsync(CreateOrder, Create(1, clientIndex: 42, price: 499_000)));
        Assert.Equal(1, await NextNonceAsync());
        await WaitUntil(() => OpenOrders() == 1);
        Assert.Equal(1, OpenOrders());
    }

    [Fact]
    public async Task An_injected_503_answers_before_acting_and_a_dropped_answer_still_acts()
    {
        (await _http.PutAsync(_server.LighterAdminUrl + "/faults", new StringContent("""{"http_5xx_rate":1}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var refused = await SendTxAsync(CreateOrder, Create(0, clientIndex: 1));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, LighterErrors.Unavailable), (refused.Status, refused.Body.GetProperty("code").GetInt32()));
        (await _http.PutAsync(_server.LighterAdminUrl + "/faults", new StringContent("""{"drop_response_rate":1}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        await Assert.ThrowsAsync<HttpRequestException>(() => SendTxAsync(CreateOrder, Create(0, clientIndex: 1)));
        (await _http.PutAsync(_server.LighterAdminUrl + "/faults", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        // The 503 used nothing; the dropped answer's transaction landed with nonce 0.
        Assert.Equal(1, await NextNonceAsync());
        await WaitUntil(() => OpenOrders() == 1);
    }

    [Fact]
    public async Task Private_reads_need_a_live_token_of_that_account_and_bad_parameters_are_named()
    {
        var (other, _, otherKey) = await NewAccountAsync();
        var token = Uri.EscapeDataString(Auth(TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"accountActiveOrders?account_index={_account}&auth={token}")).Status);

        AssertCode(LighterErrors.InvalidAuth, await GetAsync($"accountActiveOrders?account_index={_account}"));
        AssertCode(LighterErrors.InvalidAuth, await GetAsync($"accountActiveOrders?account_index={other}&auth={token}"));
        AssertCode(LighterErrors.InvalidAuth, await GetAsync($"accountActiveOrders?account_index={_account}&auth={Uri.EscapeDataString(Auth(TimeSpan.FromSeconds(-5)))}"));
        AssertCode(LighterErrors.InvalidAuth, await GetAsync($"accountActiveOrders?account_index={_account}&auth={Uri.EscapeDataString(Auth(TimeSpan.FromDays(2)))}"));
        AssertCode(LighterErrors.InvalidAuth, await GetAsync($"accountActiveOrders?account_index={_account}&auth={Uri.EscapeDataString(Auth(TimeSpan.FromMinutes(5), key: otherKey))}"));
        AssertCode(LighterErrors.InvalidAuth, await GetAsync($"accountInactiveOrders?account_index={_account}&auth=1:2:3"));
        AssertCode(LighterErrors.InvalidAuth, await GetAsync($"positionFunding?account_index={_account}&auth=not-a-token"));

        AssertCode(LighterErrors.InvalidParam, await GetAsync($"accountActiveOrders?account_index=abc&auth={token}"));
        AssertCode(LighterErrors.InvalidParam, await GetAsync($"accountInactiveOrders?account_index={_account}&auth={token}&limit=101"));
        AssertCode(LighterErrors.InvalidParam, await GetAsync($"accountInactiveOrders?account_index={_account}&auth={token}&cursor=nope"));
        AssertCode(LighterErrors.InvalidParam, await GetAsync("orderBookDetails?market_id=12"));
        AssertCode(LighterErrors.InvalidParam, await GetAsync("trades?market_id=0&sort_dir=sideways"));
        AssertCode(LighterErrors.InvalidParam, await GetAsync("recentTrades"));
        AssertCode(LighterErrors.InvalidParam, await GetAsync("account?by=name&value=x"));
        AssertCode(LighterErrors.UnknownAccount, await GetAsync("account?by=index&value=424242"));
        AssertCode(LighterErrors.UnknownAccount, await GetAsync("nextNonce?account_index=424242&api_key_index=2"));
        AssertCode(LighterErrors.InvalidParam, await GetAsync("noSuchEndpoint"));

        // sendTx takes a form.
        var json = await _http.PostAsync(_server.LighterRestUrl + "/api/v1/sendTx", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Contains("tx_type", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_market_whose_tick_or_step_is_not_a_power_of_ten_is_refused_by_the_admin()
    {
        var r = await _http.PostAsJsonAsync(_server.LighterAdminUrl + "/markets", new
        {
            symbol = "ETH", tick_size = "0.05", step_size = "0.001", min_quantity = "0.005", min_notional = "10", mark_price = "3000.00",
        });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("power of ten", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met in time");
            await Task.Delay(20);
        }
    }
}

/// <summary>`fillwise exchange --scenario demo` serves Lighter's ZEC market with the crowd that keeps its book moving.</summary>
public sealed class LighterDemoTests
{
    [Fact]
    public async Task The_demo_market_is_seed_003s_zec_with_quotes_and_a_resting_order_at_the_touch_fills_a_piece_at_a_time()
    {
        await using var server = await ExchangeServer.StartAsync(new ExchangeServerOptions { Port = 0, Seed = 9, Scenario = ExchangeScenario.Demo, AgentStepInterval = TimeSpan.FromMilliseconds(50) });
        using var http = new HttpClient();
        using var details = JsonDocument.Parse(await http.GetStringAsync(server.LighterRestUrl + "/api/v1/orderBookDetails"));
        var zec = details.RootElement.GetProperty("order_book_details")[0];
        Assert.Equal(("ZEC", 3, 3, "0.050", "10.000000"), (zec.GetProperty("symbol").GetString(), zec.GetProperty("supported_size_decimals").GetInt32(),
            zec.GetProperty("supported_price_decimals").GetInt32(), zec.GetProperty("min_base_amount").GetString(), zec.GetProperty("min_quote_amount").GetString()));
        var book = server.Lighter.Run(ex => ex.GetBook("ZEC", 5))!;
        Assert.NotEmpty(book.Bids);
        Assert.NotEmpty(book.Asks);

        var created = await http.PostAsJsonAsync(server.LighterAdminUrl + "/accounts", new { balance = "100000" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("account_id").GetString();
        var bestBid = server.Lighter.Run(ex => ex.GetBook("ZEC", 1))!.Bids[0].Price.Value.ToString("F3", CultureInfo.InvariantCulture);
        (await http.PostAsJsonAsync($"{server.LighterAdminUrl}/accounts/{id}/orders", new { symbol = "ZEC", side = "buy", price = bestBid, quantity = "50" })).EnsureSuccessStatusCode();
        var until = DateTime.UtcNow.AddSeconds(20);
        JsonElement fills;
        do
        {
            await Task.Delay(100);
            using var account = JsonDocument.Parse(await http.GetStringAsync($"{server.LighterAdminUrl}/accounts/{id}"));
            fills = account.RootElement.GetProperty("fills").Clone();
        }
        while (fills.GetArrayLength() < 2 && DateTime.UtcNow < until);
        Assert.True(fills.GetArrayLength() >= 2, "the demo takers did not trickle fills into an order at the touch");
        Assert.All(fills.EnumerateArray(), f => Assert.True(decimal.Parse(f.GetProperty("quantity").GetString()!, CultureInfo.InvariantCulture) < 50m));
    }
}
