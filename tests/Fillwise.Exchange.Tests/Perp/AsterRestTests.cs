using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fillwise.Exchange.Perp.Aster;
using Fillwise.Exchange.Server;
using Nethereum.Signer;

namespace Fillwise.Exchange.Tests.Perp;

/// <summary>The Aster venue's REST surface over loopback, signed here with Nethereum directly (not the client under test).</summary>
public sealed class AsterRestTests : IAsyncLifetime
{
    private ExchangeServer _server = null!;
    private readonly HttpClient _http = new();
    private EthECKey _key = null!;
    private string _address = "";
    private long _account;

    public async Task InitializeAsync()
    {
        _server = await ExchangeServer.StartAsync(new ExchangeServerOptions { Port = 0, Seed = 5 });
        (await _http.PostAsJsonAsync(_server.AsterAdminUrl + "/markets", new
        {
            symbol = "ZECUSDT", tick_size = "0.01", step_size = "0.001", min_quantity = "0.001", min_notional = "5", mark_price = "514.00",
        })).EnsureSuccessStatusCode();
        var created = await _http.PostAsJsonAsync(_server.AsterAdminUrl + "/accounts", new { balance = "10000" });
        using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var credentials = doc.RootElement.GetProperty("credentials");
        _key = new EthECKey(credentials.GetProperty("private_key").GetString()!);
        _address = credentials.GetProperty("address").GetString()!;
        _account = long.Parse(doc.RootElement.GetProperty("account_id").GetString()!, CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private static long NowMicros() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;

    private string Signed(string parameters, long nonce, EthECKey? key = null, string? user = null)
    {
        var message = $"nonce={nonce}&user={user ?? _address}&signer={(key ?? _key).GetPublicAddress().ToLowerInvariant()}" + (parameters.Length > 0 ? "&" + parameters : "");
        return message + "&signature=" + AsterSignatureCheck.Sign(message, key ?? _key);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostOrderAsync(string body)
    {
        var r = await _http.PostAsync(_server.AsterRestUrl + "/v3/order", new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));
        return (r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private int OpenOrders() => _server.Aster.Run(ex => ex.OpenOrders(_account).Count);

    [Fact]
    public async Task A_replayed_request_is_refused_and_changes_nothing()
    {
        var body = Signed("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=0.100&price=500.00&timeInForce=GTC", NowMicros());
        Assert.Equal(HttpStatusCode.OK, (await PostOrderAsync(body)).Status);
        var (status, error) = await PostOrderAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-1021, error.GetProperty("code").GetInt32());
        Assert.Equal(1, OpenOrders());
    }

    [Fact]
    public async Task Stale_nonces_other_signers_and_unknown_wallets_are_refused_with_Asters_codes()
    {
        var order = "symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=0.100&price=500.00&timeInForce=GTC";
        Assert.Equal(-1021, (await PostOrderAsync(Signed(order, NowMicros() - 60_000_000))).Body.GetProperty("code").GetInt32());
        var stranger = EthECKey.GenerateKey();
        var (status, body) = await PostOrderAsync(Signed(order, NowMicros(), stranger));
        Assert.Equal((HttpStatusCode.Unauthorized, -2015), (status, body.GetProperty("code").GetInt32()));
        // A signature by someone else than the signer it names.
        var forged = Signed(order, NowMicros()).Replace("side=BUY", "side=SELL", StringComparison.Ordinal);
        Assert.Equal(-1022, (await PostOrderAsync(forged)).Body.GetProperty("code").GetInt32());
        Assert.Equal(0, OpenOrders());
    }

    [Theory]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&price=500.00&timeInForce=GTC", -1102)]
    [InlineData("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=500.00&timeInForce=GTC", -1121)]
    [InlineData("symbol=ZECUSDT&side=UP&type=LIMIT&quantity=1&price=500.00&timeInForce=GTC", -1117)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=STOP&quantity=1&price=500.00&timeInForce=GTC", -1116)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=1&price=500.00&timeInForce=DAY", -1115)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=1&price=500.001&timeInForce=GTC", -1111)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=0.0001&price=500.00&timeInForce=GTC", -1111)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=0.005&price=500.00&timeInForce=GTC", -4164)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=1000&price=500.00&timeInForce=GTC", -2019)]
    [InlineData("symbol=ZECUSDT&side=SELL&type=LIMIT&quantity=1&price=500.00&timeInForce=GTC&reduceOnly=true", -2022)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=1&price=500.00&timeInForce=GTC&newClientOrderId=no%20spaces", -4015)]
    [InlineData("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=1&price=500.00&timeInForce=GTC&reduceOnly=yes", -1130)]
    public async Task Bad_orders_get_Asters_code_and_change_nothing(string parameters, int code)
    {
        var (status, body) = await PostOrderAsync(Signed(parameters, NowMicros()));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, body.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("msg").GetString()));
        Assert.Equal(0, OpenOrders());
    }

    [Fact]
    public async Task ExchangeInfo_carries_the_filters_and_depth_refuses_odd_limits()
    {
        using var info = JsonDocument.Parse(await _http.GetStringAsync(_server.AsterRestUrl + "/v3/exchangeInfo"));
        var filters = info.RootElement.GetProperty("symbols")[0].GetProperty("filters").EnumerateArray().ToDictionary(f => f.GetProperty("filterType").GetString()!);
        Assert.Equal("0.01", filters["PRICE_FILTER"].GetProperty("tickSize").GetString());
        Assert.Equal("0.001", filters["LOT_SIZE"].GetProperty("stepSize").GetString());
        Assert.Equal("5.0", filters["MIN_NOTIONAL"].GetProperty("notional").GetString());
        var depth = await _http.GetAsync(_server.AsterRestUrl + "/v3/depth?symbol=ZECUSDT&limit=7");
        Assert.Equal(HttpStatusCode.BadRequest, depth.StatusCode);
        Assert.Contains("-4021", await depth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Injected_503s_answer_execution_status_unknown_before_acting()
    {
        _server.Aster.FaultSettings = new FaultSettings(Http5xxRate: 1);
        var (status, body) = await PostOrderAsync(Signed("symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=0.100&price=500.00&timeInForce=GTC", NowMicros()));
        _server.Aster.FaultSettings = FaultSettings.None;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, -1007), (status, body.GetProperty("code").GetInt32()));
        Assert.Equal(0, OpenOrders());
    }
}

/// <summary>`fillwise exchange --scenario demo` serves ZECUSDT with a crowd that keeps its book moving.</summary>
public sealed class AsterDemoTests
{
    [Fact]
    public async Task The_demo_market_has_quotes_and_a_resting_order_at_the_touch_fills_a_piece_at_a_time()
    {
        await using var server = await ExchangeServer.StartAsync(new ExchangeServerOptions { Port = 0, Seed = 9, Scenario = ExchangeScenario.Demo, AgentStepInterval = TimeSpan.FromMilliseconds(50) });
        using var http = new HttpClient();
        using var depth = JsonDocument.Parse(await http.GetStringAsync(server.AsterRestUrl + "/v3/depth?symbol=ZECUSDT&limit=5"));
        Assert.NotEqual(0, depth.RootElement.GetProperty("bids").GetArrayLength());
        Assert.NotEqual(0, depth.RootElement.GetProperty("asks").GetArrayLength());

        var created = await http.PostAsJsonAsync(server.AsterAdminUrl + "/accounts", new { balance = "100000" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("account_id").GetString();
        // Join the best bid with a large order: takers hitting the bid fill it in small pieces.
        var bestBid = depth.RootElement.GetProperty("bids")[0][0].GetString();
        var order = await http.PostAsJsonAsync($"{server.AsterAdminUrl}/accounts/{id}/orders", new { symbol = "ZECUSDT", side = "buy", price = bestBid, quantity = "50" });
        order.EnsureSuccessStatusCode();
        var until = DateTime.UtcNow.AddSeconds(20);
        JsonElement fills;
        do
        {
            await Task.Delay(100);
            using var account = JsonDocument.Parse(await http.GetStringAsync($"{server.AsterAdminUrl}/accounts/{id}"));
            fills = account.RootElement.GetProperty("fills").Clone();
        }
        while (fills.GetArrayLength() < 2 && DateTime.UtcNow < until);
        Assert.True(fills.GetArrayLength() >= 2, "the demo takers did not trickle fills into an order at the touch");
        Assert.All(fills.EnumerateArray(), f => Assert.True(decimal.Parse(f.GetProperty("quantity").GetString()!, CultureInfo.InvariantCulture) < 50m));
    }
}
