using System.Diagnostics;
using Fillwise.Domain.Values;
using Xunit.Abstractions;

namespace Fillwise.Exchange.Tests.Server.Conformance;

/// <summary>
/// Kalshi's official TypeScript client (npm kalshi-typescript, a client we did not write) trades
/// against the exchange over loopback: crossing V2 orders, reads, amend, decrease, cancels, errors.
/// </summary>
public sealed class KalshiTypescriptConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Official_kalshi_typescript_client_trades_against_the_exchange()
    {
        if (await NodeRunner.FindOrSkipAsync(output, "kalshi-typescript") is not { } tools) return;
        var (node, npm) = tools;

        var project = NodeRunner.InstallAsync(npm, NodeRunner.FindSourceDir(Path.Combine("Server", "Conformance", "node")), "kalshi-typescript", "conformance.js");
        await using var h = await ServerHarness.StartAsync();
        var maker = await h.Admin.CreateAccountAsync(Money.FromDollars(1000m));
        var taker = await h.Admin.CreateAccountAsync(Money.FromDollars(1000m));

        var start = new ProcessStartInfo(node, ["conformance.js"])
        {
            WorkingDirectory = await project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FILLWISE_REST_BASE"] = h.Server.RestBaseUrl;
        start.Environment["FILLWISE_TICKER"] = ServerHarness.Ticker;
        start.Environment["FILLWISE_MAKER_KEY_ID"] = maker.ApiKeyId;
        start.Environment["FILLWISE_MAKER_PEM"] = maker.PrivateKeyPem;
        start.Environment["FILLWISE_TAKER_KEY_ID"] = taker.ApiKeyId;
        start.Environment["FILLWISE_TAKER_PEM"] = taker.PrivateKeyPem;
        var (exit, stdout, stderr) = await NodeRunner.RunAsync(start, TimeSpan.FromSeconds(60));
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(exit == 0, $"kalshi-typescript conformance failed (exit {exit}):\n{stdout}\n{stderr}");
        Assert.Contains("conformance ok", stdout, StringComparison.Ordinal);
    }
}
