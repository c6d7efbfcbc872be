using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fillwise.Exchange.Server;
using Fillwise.Exchange.Tests.Server.Conformance;
using Xunit.Abstractions;

namespace Fillwise.Exchange.Tests.Perp.Conformance;

/// <summary>
/// ccxt's official `aster` class (npm ccxt 4.5.84, a client we did not write) trades against the
/// built-in Aster venue over loopback: it signs V3 requests itself, loads markets, places, queries
/// and cancels orders, reads positions and balance, and meets Aster's error codes.
/// </summary>
public sealed class CcxtAsterConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Official_ccxt_aster_class_trades_against_the_built_in_venue()
    {
        if (await NodeRunner.FindOrSkipAsync(output, "ccxt aster") is not { } tools) return;
        var (node, npm) = tools;

        var project = NodeRunner.InstallAsync(npm, NodeRunner.FindSourceDir(Path.Combine("Perp", "Conformance", "node")), "ccxt", "aster-conformance.js");
        await using var server = await ExchangeServer.StartAsync(new ExchangeServerOptions { Port = 0, Seed = 3 });
        using var http = new HttpClient();
        var admin = server.AsterAdminUrl;
        (await http.PostAsJsonAsync(admin + "/markets", new
        {
            symbol = "ZECUSDT", tick_size = "0.01", step_size = "0.001", min_quantity = "0.001", min_notional = "5",
            mark_price = "514.00", funding_rate = "0.0001", funding_interval_hours = 8,
        })).EnsureSuccessStatusCode();
        var maker = await CreateAccountAsync(http, admin);
        var taker = await CreateAccountAsync(http, admin);

        var start = new ProcessStartInfo(node, ["aster-conformance.js"])
        {
            WorkingDirectory = await project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FILLWISE_BASE"] = server.BaseUrl;
        start.Environment["FILLWISE_MAKER_KEY"] = maker;
        start.Environment["FILLWISE_TAKER_KEY"] = taker;
        var (exit, stdout, stderr) = await NodeRunner.RunAsync(start, TimeSpan.FromSeconds(90));
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(exit == 0, $"ccxt aster conformance failed (exit {exit}):\n{stdout}\n{stderr}");
        Assert.Contains("conformance ok", stdout, StringComparison.Ordinal);
    }

    private static async Task<string> CreateAccountAsync(HttpClient http, string admin)
    {
        var response = await http.PostAsJsonAsync(admin + "/accounts", new { balance = "10000" });
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("credentials").GetProperty("private_key").GetString()!;
    }
}
