using System.Diagnostics;
using System.Security.Cryptography;
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
        var node = FindOnPath("node");
        var npm = FindOnPath("npm");
        if (node is null || npm is null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail("node and npm are required on CI for the kalshi-typescript conformance test");
            var message = "*** SKIPPED: kalshi-typescript conformance needs node + npm on PATH (install Node 20+). ***";
            output.WriteLine(message);
            await Console.Error.WriteLineAsync(message);
            return;
        }

        var project = InstallClient(npm);
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
        var (exit, stdout, stderr) = await RunAsync(start, TimeSpan.FromSeconds(60));
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(exit == 0, $"kalshi-typescript conformance failed (exit {exit}):\n{stdout}\n{stderr}");
        Assert.Contains("conformance ok", stdout, StringComparison.Ordinal);
    }

    /// <summary>npm install once per package.json version into a temp folder; the script is copied every run.</summary>
    private static async Task<string> InstallClient(string npm)
    {
        var source = FindSourceDir();
        var packageJson = await File.ReadAllTextAsync(Path.Combine(source, "package.json"));
        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(packageJson)))[..12];
        var target = Path.Combine(Path.GetTempPath(), "fillwise-kalshi-conformance-" + hash);
        if (!File.Exists(Path.Combine(target, "node_modules", "kalshi-typescript", "package.json")))
        {
            // Install beside, then move into place: two test runs at once never see half an install.
            var staging = target + "-" + Environment.ProcessId;
            Directory.CreateDirectory(staging);
            File.Copy(Path.Combine(source, "package.json"), Path.Combine(staging, "package.json"), overwrite: true);
            var install = new ProcessStartInfo(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"])
            {
                WorkingDirectory = staging,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var (exit, stdout, stderr) = await RunAsync(install, TimeSpan.FromSeconds(240));
            Assert.True(exit == 0, $"npm install failed (exit {exit}):\n{stdout}\n{stderr}");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (File.Exists(Path.Combine(target, "node_modules", "kalshi-typescript", "package.json")))
            {
                // Another run finished first; use its install.
            }
        }
        File.Copy(Path.Combine(source, "conformance.js"), Path.Combine(target, "conformance.js"), overwrite: true);
        return target;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindSourceDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Fillwise.Exchange.Tests", "Server", "Conformance", "node");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            candidate = Path.Combine(dir.FullName, "Server", "Conformance", "node");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new DirectoryNotFoundException("Server/Conformance/node/package.json not found above " + AppContext.BaseDirectory);
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var file in new[] { name, name + ".cmd", name + ".exe" })
            {
                var path = Path.Combine(dir, file);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }
}
