using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fillwise.App.Cli;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Perp.Server;
using Fillwise.Exchange.Server;

namespace Fillwise.App.Tests.Cli;

/// <summary>`fillwise run` with --lighter-url and --lighter-credentials: the engine trades on the built-in Lighter-like venue beside Kalshi; `reconcile` reads it too.</summary>
public sealed partial class RunWithLighterTests : IDisposable
{
    private const string Token = "lighter-run-token-0123456789abcdef";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-run-lighter-" + Guid.NewGuid().ToString("N"));

    public RunWithLighterTests() => Directory.CreateDirectory(_dir);

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
    public async Task Run_trades_zec_on_lighter_through_the_control_api_shows_it_in_the_state_and_reconcile_finds_it_clean()
    {
        await using var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Scenario = ExchangeScenario.Empty });
        using var http = new HttpClient();
        var kalshi = await new AdminClient(http, exchange.AdminUrl).CreateAccountAsync(Money.Parse("1000.00"));
        var kalshiKey = Path.Combine(_dir, "kalshi.pem");
        await File.WriteAllTextAsync(kalshiKey, kalshi.PrivateKeyPem);
        var lighter = new PerpAdminClient(http, exchange.LighterAdminUrl);
        await lighter.CreateMarketAsync(new JsonObject
        {
            ["symbol"] = "ZEC", ["tick_size"] = "0.001", ["step_size"] = "0.001", ["min_quantity"] = "0.05", ["min_notional"] = "10",
            // Funding every 3.6 s, so the run sees it paid while it holds the long.
            ["mark_price"] = "514.000", ["funding_rate"] = "0.000012", ["funding_interval_hours"] = 0.001,
        });
        var trader = await lighter.CreateAccountAsync("10000");
        var maker = await lighter.CreateAccountAsync("10000");
        await lighter.PlaceOrderAsync(maker.AccountId, new JsonObject { ["symbol"] = "ZEC", ["side"] = "sell", ["price"] = "514.500", ["quantity"] = "1.000" });
        var credentialsFile = Path.Combine(_dir, "lighter.json");
        await File.WriteAllTextAsync(credentialsFile, trader.CredentialsJson);
        var privateKey = JsonDocument.Parse(trader.CredentialsJson).RootElement.GetProperty("private_key").GetString()!;
        string[] venueArgs = ["--venue-url", exchange.RestBaseUrl, "--key-id", kalshi.ApiKeyId, "--private-key-file", kalshiKey,
            "--lighter-url", exchange.LighterRestUrl, "--lighter-credentials", credentialsFile, "--data", _dir];

        using var output = new LockedWriter();
        using var error = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = FillwiseCommandLine.RunAsync(["run", .. venueArgs, "--port", "0", "--control-token", Token], output, error, stop.Token);
        using var control = await ControlAsync(run, output, error);

        var placed = await control.PostAsync(new Uri("api/v1/orders", UriKind.Relative), Json("""{"instrument":"lighter:ZEC","side":"buy","quantity":"0.500","limit_price":"514.500","fill_timeout_s":5}"""));
        var outcome = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
        Assert.True(placed.StatusCode == HttpStatusCode.OK, outcome.ToString());
        Assert.Equal(("filled", "0.500"), (outcome.GetProperty("outcome").GetString(), outcome.GetProperty("filled").GetString()));

        // Below the venue's 0.05 ZEC minimum: the engine knows Lighter's rules and sends nothing.
        var dust = await control.PostAsync(new Uri("api/v1/orders", UriKind.Relative), Json("""{"instrument":"lighter:ZEC","side":"buy","quantity":"0.010","limit_price":"514.500"}"""));
        var dustOutcome = JsonDocument.Parse(await dust.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("denied", dustOutcome.GetProperty("outcome").GetString());
        Assert.Contains("minimum", dustOutcome.GetProperty("error").GetString(), StringComparison.Ordinal);

        var state = JsonDocument.Parse(await control.GetStringAsync(new Uri("api/v1/state", UriKind.Relative))).RootElement;
        var position = state.GetProperty("positions").EnumerateArray().Single();
        Assert.Equal(("lighter:ZEC", "long", "0.500", "ZEC"), (position.GetProperty("instrument").GetString(), position.GetProperty("side").GetString(),
            position.GetProperty("contracts").GetString(), position.GetProperty("ticker").GetString()));
        Assert.Contains(state.GetProperty("accounts").EnumerateArray(), a => a.GetProperty("venue").GetString() == "lighter");

        var truth = await lighter.GetAccountAsync(trader.AccountId);
        Assert.Equal(0.5m, Dec(truth.GetProperty("positions")[0], "quantity"));

        // Funding: once the venue has charged the long, the rate goes to 0 (what is due settles first);
        // GET /state then shows on the position exactly what the venue charged, read on the engine's own.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Dec((await lighter.GetAccountAsync(trader.AccountId)).GetProperty("positions")[0], "funding_paid") == 0m)
        {
            Assert.True(DateTime.UtcNow < deadline, "the venue never charged funding");
            await Task.Delay(200);
        }
        await lighter.UpdateMarketAsync("ZEC", new JsonObject { ["funding_rate"] = "0" });
        var charged = Dec((await lighter.GetAccountAsync(trader.AccountId)).GetProperty("positions")[0], "funding_paid");
        JsonElement funded;
        deadline = DateTime.UtcNow.AddSeconds(40);
        while (true)
        {
            funded = JsonDocument.Parse(await control.GetStringAsync(new Uri("api/v1/state", UriKind.Relative))).RootElement;
            if (Dec(funded.GetProperty("positions")[0], "funding_paid_dollars") == charged) break;
            Assert.True(DateTime.UtcNow < deadline, $"GET /state never showed the {charged} charged: {funded.GetProperty("positions")[0]}");
            await Task.Delay(200);
        }
        Assert.Equal(charged, Dec(funded.GetProperty("funding").GetProperty("paid"), "lighter:ZEC"));
        var schedule = funded.GetProperty("funding").GetProperty("schedules").EnumerateArray().Single();
        Assert.Equal(("lighter:ZEC", 0.001m), (schedule.GetProperty("instrument").GetString(), schedule.GetProperty("interval_hours").GetDecimal()));

        await stop.CancelAsync();
        var code = await run;
        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{output.Text}\n{error.Text}");
        Assert.Contains("Lighter venue: " + exchange.LighterRestUrl, output.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(privateKey[2..], output.Text + error.Text, StringComparison.OrdinalIgnoreCase);

        // The journal the run left, read against both venues: Kalshi and Lighter, nothing changed, clean.
        using var reconcileOut = new StringWriter();
        using var reconcileErr = new StringWriter();
        var reconciled = await FillwiseCommandLine.RunAsync(["reconcile", .. venueArgs], reconcileOut, reconcileErr);
        Assert.True(reconciled == ExitCodes.Ok, $"exit {reconciled}\n{reconcileOut}\n{reconcileErr}");
        Assert.Contains("lighter: 0 open order(s)", reconcileOut.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 position(s)", reconcileOut.ToString(), StringComparison.Ordinal);
        Assert.Contains("clean", reconcileOut.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lighter_settings_that_are_wrong_stop_the_start_naming_the_setting_and_real_lighter_is_refused_with_the_reason()
    {
        var kalshiArgs = new[] { "run", "--venue-url", "http://127.0.0.1:9/trade-api/v2", "--key-id", "k", "--private-key-file", Path.Combine(_dir, "none.pem"), "--data", _dir };

        var (code, err) = await Run([.. kalshiArgs, "--lighter-url", "http://127.0.0.1:9/lighter"]);
        Assert.Equal((ExitCodes.Usage, true), (code, err.Contains("--lighter-credentials", StringComparison.Ordinal)));

        (code, err) = await Run([.. kalshiArgs, "--lighter-credentials", "x.json"]);
        Assert.Equal((ExitCodes.Usage, true), (code, err.Contains("--lighter-url", StringComparison.Ordinal)));

        (code, err) = await Run([.. kalshiArgs, "--lighter-url", "ftp://127.0.0.1:9/lighter", "--lighter-credentials", "x.json"]);
        Assert.Equal((ExitCodes.Usage, true), (code, err.Contains("Lighter:Url", StringComparison.Ordinal)));

        var garbage = Path.Combine(_dir, "garbage.json");
        await File.WriteAllTextAsync(garbage, """{"account_index":3,"api_key_index":2,"private_key":"SECRET-NOT-A-KEY"}""");
        (code, err) = await Run([.. kalshiArgs, "--lighter-url", "http://127.0.0.1:9/lighter", "--lighter-credentials", garbage]);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("garbage.json", err, StringComparison.Ordinal);
        Assert.Contains("Lighter:CredentialsFile", err, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-NOT-A-KEY", err, StringComparison.Ordinal);

        var key = Path.Combine(_dir, "key.json");
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        await File.WriteAllTextAsync(key, $$"""{"account_index":3,"api_key_index":2,"private_key":"0x{{secret}}"}""");
        foreach (var real in new[] { "lighter", "https://mainnet.zklighter.elliot.ai", "https://testnet.zklighter.elliot.ai/api/v1" })
        {
            // Real Lighter needs its own signer: refused with the reason, --live or not, and never a key shown.
            (code, err) = await Run([.. kalshiArgs, "--live", "--lighter-url", real, "--lighter-credentials", key]);
            Assert.Equal(ExitCodes.Error, code);
            Assert.Contains("signer", err, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, err, StringComparison.Ordinal);
        }

        // reconcile checks the same settings.
        (code, err) = await Run(["reconcile", .. kalshiArgs[1..], "--lighter-url", "lighter", "--lighter-credentials", key]);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("signer", err, StringComparison.Ordinal);
    }

    private static async Task<HttpClient> ControlAsync(Task<int> run, LockedWriter output, LockedWriter error)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Match dashboard;
        while (!(dashboard = DashboardLine().Match(output.Text)).Success)
        {
            Assert.True(!run.IsCompleted && DateTime.UtcNow < deadline, $"no dashboard line:\n{output.Text}\n{error.Text}");
            await Task.Delay(50);
        }
        var control = new HttpClient { BaseAddress = new Uri(dashboard.Groups[1].Value) };
        control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return control;
    }

    private static async Task<(int Code, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(args, output, error);
        return (code, error.ToString());
    }

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [GeneratedRegex(@"Dashboard: (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex DashboardLine();
}
