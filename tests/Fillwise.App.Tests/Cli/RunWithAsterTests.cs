using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fillwise.App.Cli;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;

namespace Fillwise.App.Tests.Cli;

/// <summary>`fillwise run` with --aster-url and --aster-credentials: the engine trades on the built-in Aster venue beside Kalshi.</summary>
public sealed partial class RunWithAsterTests : IDisposable
{
    private const string Token = "aster-run-token-0123456789abcdef";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-run-aster-" + Guid.NewGuid().ToString("N"));

    public RunWithAsterTests() => Directory.CreateDirectory(_dir);

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
    public async Task Run_trades_a_perp_on_aster_through_the_control_api_and_stops_cleanly()
    {
        await using var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Scenario = ExchangeScenario.Empty });
        using var http = new HttpClient();
        var kalshi = await new AdminClient(http, exchange.AdminUrl).CreateAccountAsync(Money.Parse("1000.00"));
        var kalshiKey = Path.Combine(_dir, "kalshi.pem");
        await File.WriteAllTextAsync(kalshiKey, kalshi.PrivateKeyPem);
        (await http.PostAsJsonAsync(exchange.AsterAdminUrl + "/markets", new
        {
            symbol = "ZECUSDT", tick_size = "0.01", step_size = "0.001", min_quantity = "0.001", min_notional = "5",
            mark_price = "514.00", funding_rate = "0.0001", funding_interval_hours = 8,
        })).EnsureSuccessStatusCode();
        var (traderId, credentials) = await AsterAccountAsync(http, exchange);
        var (makerId, _) = await AsterAccountAsync(http, exchange);
        (await http.PostAsJsonAsync($"{exchange.AsterAdminUrl}/accounts/{makerId}/orders",
            new { symbol = "ZECUSDT", side = "sell", price = "514.50", quantity = "1.000" })).EnsureSuccessStatusCode();
        var credentialsFile = Path.Combine(_dir, "aster.json");
        await File.WriteAllTextAsync(credentialsFile, credentials);
        var privateKey = JsonDocument.Parse(credentials).RootElement.GetProperty("private_key").GetString()!;

        using var output = new LockedWriter();
        using var error = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = FillwiseCommandLine.RunAsync(["run", "--venue-url", exchange.RestBaseUrl, "--key-id", kalshi.ApiKeyId, "--private-key-file", kalshiKey,
            "--aster-url", exchange.AsterRestUrl, "--aster-credentials", credentialsFile, "--port", "0", "--data", _dir, "--control-token", Token], output, error, stop.Token);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        Match dashboard;
        while (!(dashboard = DashboardLine().Match(output.Text)).Success)
        {
            Assert.True(!run.IsCompleted && DateTime.UtcNow < deadline, $"no dashboard line:\n{output.Text}\n{error.Text}");
            await Task.Delay(50);
        }
        // `run` keeps its data folder its owner's alone too, and its start line says where the token really is (issue 17).
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));
        while (!output.Text.Contains("Control API:", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Contains("the token given with --control-token or Control:Token; no file was written", output.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "control-token")));
        using var control = new HttpClient { BaseAddress = new Uri(dashboard.Groups[1].Value) };
        control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        var placed = await control.PostAsync(new Uri("api/v1/orders", UriKind.Relative), Json("""{"instrument":"aster:ZECUSDT","side":"buy","quantity":"0.500","limit_price":"514.50","fill_timeout_s":5}"""));
        var outcome = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
        Assert.True(placed.StatusCode == HttpStatusCode.OK, outcome.ToString());
        Assert.Equal(("filled", "0.500"), (outcome.GetProperty("outcome").GetString(), outcome.GetProperty("filled").GetString()));

        var unknownVenue = await control.PostAsync(new Uri("api/v1/orders", UriKind.Relative), Json("""{"instrument":"lighter:ZEC","side":"buy","quantity":"1","limit_price":"500"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unknownVenue.StatusCode);
        Assert.Contains("lighter", await unknownVenue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Each refusal names what was wrong and changes nothing (the state and the venue below still show the one long).
        foreach (var (body, named) in new[]
        {
            ("""{"instrument":"aster:ZECUSDT","side":"yes","quantity":"1","limit_price":"500"}""", "'side'"),
            ("""{"instrument":"aster:NOPEUSDT","side":"buy","quantity":"1","limit_price":"500"}""", "aster:NOPEUSDT"),
            ("""{"instrument":"ZECUSDT","side":"buy","quantity":"1","limit_price":"500"}""", "'instrument'"),
            ("""{"instrument":"aster:ZECUSDT","side":"buy","quantity":1,"limit_price":"500"}""", "'quantity'"),
            ("""{"instrument":"aster:ZECUSDT","side":"buy","quantity":"0","limit_price":"500"}""", "'quantity'"),
            ("""{"instrument":"aster:ZECUSDT","side":"buy","quantity":"1","limit_price":"5e2"}""", "'limit_price'"),
            ("""{"instrument":"aster:ZECUSDT","side":"buy","quantity":"1","limit_price":"500","post_only":"yes"}""", "'post_only'"),
            ("""{"instrument":"aster:ZECUSDT","side":"buy","quantity":"1","limit_price":"500","fill_timeout_s":0}""", "'fill_timeout_s'"),
            ("""{"instrument":"aster:ZECUSDT","side":"\ud800","quantity":"1","limit_price":"500"}""", "'side'"),
        })
        {
            var refused = await control.PostAsync(new Uri("api/v1/orders", UriKind.Relative), Json(body));
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{body} -> {(int)refused.StatusCode} {text}");
            Assert.Contains(named, JsonDocument.Parse(text).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var state = JsonDocument.Parse(await control.GetStringAsync(new Uri("api/v1/state", UriKind.Relative))).RootElement;
        var position = state.GetProperty("positions").EnumerateArray().Single();
        Assert.Equal(("aster:ZECUSDT", "long", "0.500", "ZEC"), (position.GetProperty("instrument").GetString(), position.GetProperty("side").GetString(),
            position.GetProperty("contracts").GetString(), position.GetProperty("ticker").GetString()));
        Assert.Contains(state.GetProperty("accounts").EnumerateArray(), a => a.GetProperty("venue").GetString() == "aster");

        var truth = JsonDocument.Parse(await http.GetStringAsync($"{exchange.AsterAdminUrl}/accounts/{traderId}")).RootElement;
        Assert.Equal(0.5m, decimal.Parse(truth.GetProperty("positions")[0].GetProperty("quantity").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        await stop.CancelAsync();
        var code = await run;
        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{output.Text}\n{error.Text}");
        Assert.Contains("Aster venue: " + exchange.AsterRestUrl, output.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(privateKey[2..], output.Text + error.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Aster_settings_that_are_wrong_stop_the_start_naming_the_setting_and_never_showing_the_key()
    {
        var kalshiArgs = new[] { "run", "--venue-url", "http://127.0.0.1:9/trade-api/v2", "--key-id", "k", "--private-key-file", Path.Combine(_dir, "none.pem"), "--data", _dir };

        var (code, err) = await Run([.. kalshiArgs, "--aster-url", "http://127.0.0.1:9/aster/fapi"]);
        Assert.Equal((ExitCodes.Usage, true), (code, err.Contains("--aster-credentials", StringComparison.Ordinal)));

        (code, err) = await Run([.. kalshiArgs, "--aster-url", "ftp://127.0.0.1:9/aster", "--aster-credentials", "x.json"]);
        Assert.Equal((ExitCodes.Usage, true), (code, err.Contains("Aster:Url", StringComparison.Ordinal)));

        var garbage = Path.Combine(_dir, "garbage.json");
        await File.WriteAllTextAsync(garbage, """{"private_key":"SECRET-NOT-A-KEY"}""");
        (code, err) = await Run([.. kalshiArgs, "--aster-url", "http://127.0.0.1:9/aster/fapi", "--aster-credentials", garbage]);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("garbage.json", err, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-NOT-A-KEY", err, StringComparison.Ordinal);

        var key = Path.Combine(_dir, "key.json");
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        await File.WriteAllTextAsync(key, $$"""{"private_key":"0x{{secret}}"}""");
        (code, err) = await Run([.. kalshiArgs, "--aster-url", "aster", "--aster-credentials", key]);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("--live", err, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, err, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(args, output, error);
        return (code, error.ToString());
    }

    private static async Task<(long Id, string Credentials)> AsterAccountAsync(HttpClient http, ExchangeServer exchange)
    {
        var response = await http.PostAsJsonAsync(exchange.AsterAdminUrl + "/accounts", new { balance = "10000" });
        response.EnsureSuccessStatusCode();
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (long.Parse(root.GetProperty("account_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("credentials").GetRawText());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [GeneratedRegex(@"Dashboard: (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex DashboardLine();
}
