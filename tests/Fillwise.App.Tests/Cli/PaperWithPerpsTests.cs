using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fillwise.App.Cli;

namespace Fillwise.App.Tests.Cli;

/// <summary>`fillwise paper`: a newcomer's paper run trades the built-in exchange's Aster and Lighter venues too, through their real clients.</summary>
public sealed partial class PaperWithPerpsTests : IDisposable
{
    private const string Token = "paper-perps-token-0123456789abcdef";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-paper-perps-" + Guid.NewGuid().ToString("N"));

    public PaperWithPerpsTests() => Directory.CreateDirectory(_dir);

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
    public async Task Paper_opens_a_paper_account_on_each_perp_venue_and_trades_zec_on_aster_and_lighter_beside_kalshi()
    {
        using var output = new LockedWriter();
        using var error = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var run = FillwiseCommandLine.RunAsync(["paper", "--port", "0", "--data", _dir, "--control-token", Token, "--strategy", "none", "--clock", "wall"], output, error, stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(40);
        Match dashboard;
        while (!(dashboard = DashboardLine().Match(output.Text)).Success)
        {
            Assert.True(!run.IsCompleted && DateTime.UtcNow < deadline, $"no dashboard line:\n{output.Text}\n{error.Text}");
            await Task.Delay(50);
        }
        using var control = new HttpClient { BaseAddress = new Uri(dashboard.Groups[1].Value) };
        control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Contains("Aster venue: http://127.0.0.1:", output.Text, StringComparison.Ordinal);
        Assert.Contains("Lighter venue: http://127.0.0.1:", output.Text, StringComparison.Ordinal);
        foreach (var file in new[] { "paper-aster.json", "paper-lighter.json" })
        {
            var path = Path.Combine(_dir, file);
            Assert.True(File.Exists(path), file);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var state = JsonDocument.Parse(await control.GetStringAsync(new Uri("api/v1/state", UriKind.Relative))).RootElement;
        var venues = state.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("venue").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "kalshi", "aster", "lighter" }, venues);

        // The demo agents quote ZEC around its mark on both venues: buy a little above it, through the control API.
        var exchange = new Uri(ExchangeLine().Match(output.Text).Groups[1].Value);
        using var http = new HttpClient();
        foreach (var (instrument, venue, decimals) in new[] { ("aster:ZECUSDT", "aster", 2), ("lighter:ZEC", "lighter", 3) })
        {
            var markets = JsonDocument.Parse(await http.GetStringAsync(new Uri(exchange, $"/sim/v1/perp/{venue}/markets"))).RootElement;
            var mark = decimal.Parse(markets[0].GetProperty("mark_price").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var price = Math.Round(mark * 1.01m, decimals).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
            var placed = await control.PostAsync(new Uri("api/v1/orders", UriKind.Relative), new StringContent(
                $$"""{"instrument":"{{instrument}}","side":"buy","quantity":"0.100","limit_price":"{{price}}","fill_timeout_s":5}""", Encoding.UTF8, "application/json"));
            var outcome = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
            Assert.True(placed.StatusCode == HttpStatusCode.OK, outcome.ToString());
            // The agents' offers sit within a percent of the mark: the buy takes one.
            Assert.True(outcome.GetProperty("outcome").GetString() is "filled" or "partial", $"{instrument}: {outcome}");
        }
        var held = JsonDocument.Parse(await control.GetStringAsync(new Uri("api/v1/state", UriKind.Relative))).RootElement.GetProperty("positions")
            .EnumerateArray().Select(p => p.GetProperty("instrument").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "aster:ZECUSDT", "lighter:ZEC" }, held);

        await stop.CancelAsync();
        var code = await run;
        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{output.Text}\n{error.Text}");
        Assert.Contains("stopped:", output.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("private_key", output.Text + error.Text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Dashboard: (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex DashboardLine();

    [GeneratedRegex(@"Built-in exchange: (http://127\.0\.0\.1:\d+)/")]
    private static partial Regex ExchangeLine();
}
