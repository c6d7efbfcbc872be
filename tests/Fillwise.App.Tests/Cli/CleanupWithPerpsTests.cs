using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.App.Cli;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Perp.Server;
using Fillwise.Exchange.Server;
using Fillwise.Venues.Aster;
using Fillwise.Venues.Kalshi;
using Fillwise.Venues.Lighter;

namespace Fillwise.App.Tests.Cli;

/// <summary>
/// `fillwise cleanup` with --aster-* / --lighter-*: one sweep cancels every resting order of the
/// account on Kalshi and on the built-in exchange's Aster and Lighter venues (placed through their
/// real clients and through the admin API), says per venue what it canceled, and leaves positions alone.
/// </summary>
public sealed class CleanupWithPerpsTests : IDisposable
{
    private static readonly MarketTicker Ticker = new("KXCLEAN-26-T1");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-cleanup-perps-" + Guid.NewGuid().ToString("N"));

    public CleanupWithPerpsTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Cleanup_cancels_every_resting_order_on_kalshi_aster_and_lighter_in_one_sweep_names_each_venues_count_and_leaves_positions()
    {
        await using var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Scenario = ExchangeScenario.Empty });
        using var http = new HttpClient();
        var (kalshiAdmin, kalshi, kalshiKey) = await KalshiAccountAsync(http, exchange);
        await RestOnKalshiAsync(exchange, kalshi, "0.10");
        await RestOnKalshiAsync(exchange, kalshi, "0.11");

        var aster = new PerpAdminClient(http, exchange.AsterAdminUrl);
        var (asterTrader, asterCredentials, asterMaker) = await PerpAccountsAsync(aster, new JsonObject
        {
            ["symbol"] = "ZECUSDT", ["tick_size"] = "0.01", ["step_size"] = "0.001", ["min_quantity"] = "0.001", ["min_notional"] = "5",
            ["mark_price"] = "514.00", ["funding_rate"] = "0", ["funding_interval_hours"] = 8,
        }, "ZECUSDT", "514.50", "500.00");
        var lighter = new PerpAdminClient(http, exchange.LighterAdminUrl);
        var (lighterTrader, lighterCredentials, lighterMaker) = await PerpAccountsAsync(lighter, new JsonObject
        {
            ["symbol"] = "ZEC", ["tick_size"] = "0.001", ["step_size"] = "0.001", ["min_quantity"] = "0.05", ["min_notional"] = "10",
            ["mark_price"] = "514.000", ["funding_rate"] = "0", ["funding_interval_hours"] = 8,
        }, "ZEC", "514.500", "500.000");

        // A second resting order on each perp venue, through its real client, the way the engine places one.
        await using (var asterClient = AsterClient(exchange, asterCredentials))
            await RestThroughClientAsync(asterClient.Venue, new InstrumentId("aster", "ZECUSDT"), "530.00");
        await using (var lighterClient = LighterClient(exchange, lighterCredentials))
            await RestThroughClientAsync(lighterClient.Venue, new InstrumentId("lighter", "ZEC"), "530.000");
        Assert.Equal(2, (await kalshiAdmin.GetAccountAsync(kalshi.UserId)).RestingOrders);
        Assert.Equal(2, (await aster.GetAccountAsync(asterTrader)).GetProperty("open_orders").GetArrayLength());
        Assert.Equal(2, (await lighter.GetAccountAsync(lighterTrader)).GetProperty("open_orders").GetArrayLength());

        string[] args = ["cleanup", "--venue-url", exchange.RestBaseUrl, "--key-id", kalshi.ApiKeyId, "--private-key-file", kalshiKey,
            "--aster-url", exchange.AsterRestUrl, "--aster-credentials", asterCredentials, "--lighter-url", exchange.LighterRestUrl, "--lighter-credentials", lighterCredentials];
        var (code, output, error) = await RunAsync(args);
        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{output}\n{error}");
        var answer = JsonNode.Parse(output)!;
        Assert.Equal((6, 0), (answer["canceled"]!.GetValue<int>(), answer["errors"]!.GetValue<int>()));
        Assert.Contains("positions are untouched", answer["note"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var venue in new[] { "kalshi", "aster", "lighter" })
        {
            var v = answer["venues"]![venue]!;
            Assert.True((v["canceled"]!.GetValue<int>(), v["errors"]!.GetValue<int>(), v["details"]!.AsArray().Count) == (2, 0, 0), $"{venue}: {v.ToJsonString()}");
        }
        foreach (var credentials in new[] { asterCredentials, lighterCredentials })
        {
            var key = JsonDocument.Parse(await File.ReadAllTextAsync(credentials)).RootElement.GetProperty("private_key").GetString()!;
            Assert.DoesNotContain(key[2..], output + error, StringComparison.OrdinalIgnoreCase);
        }

        // The venues say the same: nothing of the account rests; its positions stay; another account's order is not touched.
        Assert.Equal(0, (await kalshiAdmin.GetAccountAsync(kalshi.UserId)).RestingOrders);
        foreach (var (admin, trader, maker) in new[] { (aster, asterTrader, asterMaker), (lighter, lighterTrader, lighterMaker) })
        {
            var truth = await admin.GetAccountAsync(trader);
            Assert.Equal(0, truth.GetProperty("open_orders").GetArrayLength());
            Assert.Equal(0.5m, Dec(truth.GetProperty("positions")[0], "quantity"));
            Assert.Equal(1, (await admin.GetAccountAsync(maker)).GetProperty("open_orders").GetArrayLength());
        }

        // Again: nothing is resting, and every venue says 0.
        (code, output, error) = await RunAsync(args);
        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{output}\n{error}");
        answer = JsonNode.Parse(output)!;
        Assert.Equal((0, "nothing was resting"), (answer["canceled"]!.GetValue<int>(), answer["note"]!.GetValue<string>()));
        Assert.Equal(["kalshi", "aster", "lighter"], answer["venues"]!.AsObject().Select(p => p.Key));
        Assert.All(answer["venues"]!.AsObject(), p => Assert.Equal(0, p.Value!["canceled"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_perp_venue_that_cannot_be_reached_is_named_with_its_error_while_the_others_are_still_swept_and_the_exit_is_1()
    {
        await using var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Scenario = ExchangeScenario.Empty });
        using var http = new HttpClient();
        var (kalshiAdmin, kalshi, kalshiKey) = await KalshiAccountAsync(http, exchange);
        await RestOnKalshiAsync(exchange, kalshi, "0.10");
        var (_, asterCredentials) = await PerpAccountAsync(new PerpAdminClient(http, exchange.AsterAdminUrl));

        var (code, output, error) = await RunAsync(["cleanup", "--venue-url", exchange.RestBaseUrl, "--key-id", kalshi.ApiKeyId, "--private-key-file", kalshiKey,
            "--aster-url", $"http://127.0.0.1:{ClosedPort()}/aster/fapi", "--aster-credentials", asterCredentials]);
        Assert.True(code == ExitCodes.Error, $"exit {code}\n{output}\n{error}");
        var answer = JsonNode.Parse(output)!;
        Assert.Equal((1, 1), (answer["canceled"]!.GetValue<int>(), answer["errors"]!.GetValue<int>()));
        Assert.Contains("aster:", answer["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((1, 0), (answer["venues"]!["kalshi"]!["canceled"]!.GetValue<int>(), answer["venues"]!["kalshi"]!["errors"]!.GetValue<int>()));
        var asterSweep = answer["venues"]!["aster"]!;
        Assert.Equal((0, 1), (asterSweep["canceled"]!.GetValue<int>(), asterSweep["errors"]!.GetValue<int>()));
        Assert.False(string.IsNullOrWhiteSpace(asterSweep["details"]![0]!.GetValue<string>()));
        Assert.Equal(0, (await kalshiAdmin.GetAccountAsync(kalshi.UserId)).RestingOrders);
    }

    [Fact]
    public async Task Perp_settings_that_are_wrong_stop_cleanup_naming_the_setting_before_anything_is_canceled()
    {
        var kalshiArgs = new[] { "cleanup", "--venue-url", "http://127.0.0.1:9/trade-api/v2", "--key-id", "k", "--private-key-file", Path.Combine(_dir, "none.pem") };

        var (code, _, error) = await RunAsync([.. kalshiArgs, "--aster-url", "http://127.0.0.1:9/aster/fapi"]);
        Assert.Equal((ExitCodes.Usage, true), (code, error.Contains("--aster-credentials", StringComparison.Ordinal)));

        (code, _, error) = await RunAsync([.. kalshiArgs, "--lighter-credentials", "x.json"]);
        Assert.Equal((ExitCodes.Usage, true), (code, error.Contains("--lighter-url", StringComparison.Ordinal)));

        var garbage = Path.Combine(_dir, "garbage.json");
        await File.WriteAllTextAsync(garbage, """{"account_index":3,"api_key_index":2,"private_key":"SECRET-NOT-A-KEY"}""");
        (code, _, error) = await RunAsync([.. kalshiArgs, "--lighter-url", "http://127.0.0.1:9/lighter", "--lighter-credentials", garbage]);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("Lighter:CredentialsFile", error, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-NOT-A-KEY", error, StringComparison.Ordinal);
    }

    private async Task<(AdminClient Admin, AdminAccount Account, string KeyFile)> KalshiAccountAsync(HttpClient http, ExchangeServer exchange)
    {
        var admin = new AdminClient(http, exchange.AdminUrl);
        await admin.CreateMarketAsync(new AdminMarketRequest(Ticker, "KXCLEAN-26", "Cleanup market", DateTimeOffset.UtcNow.AddHours(2)));
        var account = await admin.CreateAccountAsync(Money.Parse("1000.00"));
        var keyFile = Path.Combine(_dir, "kalshi.pem");
        await File.WriteAllTextAsync(keyFile, account.PrivateKeyPem);
        return (admin, account, keyFile);
    }

    /// <summary>A resting yes bid of the account, through the real Kalshi client.</summary>
    private static async Task RestOnKalshiAsync(ExchangeServer exchange, AdminAccount account, string yesPrice)
    {
        await using var connection = KalshiConnection.Create(KalshiEnvironment.Parse(exchange.RestBaseUrl),
            KalshiRequestSigner.FromPem(account.ApiKeyId, account.PrivateKeyPem, TimeProvider.System), TimeProvider.System);
        await connection.Rest.CreateOrderAsync(new KalshiCreateOrder(Ticker, BookSide.Bid, Contracts.Of(3), ContractPrice.Parse(yesPrice), VenueTimeInForce.GoodTillCanceled,
            new ClientOrderId($"hand-{Guid.NewGuid():N}")));
    }

    /// <summary>
    /// The market, a trader holding a 0.5 long (bought from a maker's offer, whose rest stays) and one
    /// buy resting below, placed through the admin API; the trader's credentials file.
    /// </summary>
    private async Task<(long Trader, string CredentialsFile, long Maker)> PerpAccountsAsync(PerpAdminClient admin, JsonObject market, string symbol, string offer, string bid)
    {
        await admin.CreateMarketAsync(market);
        var (trader, credentials) = await PerpAccountAsync(admin);
        var maker = (await admin.CreateAccountAsync("10000")).AccountId;
        await admin.PlaceOrderAsync(maker, new JsonObject { ["symbol"] = symbol, ["side"] = "sell", ["price"] = offer, ["quantity"] = "1.000" });
        await admin.PlaceOrderAsync(trader, new JsonObject { ["symbol"] = symbol, ["side"] = "buy", ["price"] = offer, ["quantity"] = "0.500" });
        await admin.PlaceOrderAsync(trader, new JsonObject { ["symbol"] = symbol, ["side"] = "buy", ["price"] = bid, ["quantity"] = "0.100" });
        return (trader, credentials, maker);
    }

    private async Task<(long Trader, string CredentialsFile)> PerpAccountAsync(PerpAdminClient admin)
    {
        var account = await admin.CreateAccountAsync("10000");
        var file = Path.Combine(_dir, $"perp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, account.CredentialsJson);
        return (account.AccountId, file);
    }

    private static AsterConnection AsterClient(ExchangeServer exchange, string credentialsFile)
    {
        Assert.True(AsterEndpoints.TryParse(exchange.AsterRestUrl, null, out var endpoints, out var problem), problem);
        return AsterConnection.Create(endpoints.Options(TimeProvider.System, seed: 1), AsterCredentials.Load(credentialsFile));
    }

    private static LighterConnection LighterClient(ExchangeServer exchange, string credentialsFile)
    {
        Assert.True(LighterEndpoints.TryParse(exchange.LighterRestUrl, null, out var endpoints, out var problem), problem);
        return LighterConnection.Create(endpoints.Options(TimeProvider.System, seed: 1), LighterCredentials.Load(credentialsFile));
    }

    /// <summary>A 0.1 sell resting above the market, submitted through the venue's execution port.</summary>
    private static async Task RestThroughClientAsync(IExecutionClient venue, InstrumentId instrument, string price)
    {
        var intent = new OrderIntent(new ClientOrderId($"c{Guid.NewGuid():N}"[..20]), instrument, OrderSide.Sell, Quantity.Parse("0.100"), Price.Parse(price),
            OrderPurpose.Manual, "test", DateTimeOffset.UtcNow);
        var outcome = await venue.SubmitAsync(intent, CancellationToken.None);
        Assert.True(outcome is SubmitOutcome.Accepted { Remaining.IsZero: false }, $"{instrument}: {outcome}");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}
