using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Fillwise.Dashboard.Tests;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, or FILLWISE_CHROMIUM), driven by Playwright through its
/// executable path: no browser is ever downloaded. One browser for the whole class; a fresh context
/// (cookies, storage) per page. Without Chromium the tests skip loudly, and fail when CI=true.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("FILLWISE_CHROMIUM") is { Length: > 0 } given ? given : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath)) return;
        // Belt and braces: nothing in these tests installs browsers, and nothing may try.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>The browser, or null after saying loudly why the test skips (a failure when CI=true).</summary>
    public IBrowser? OrSkip(ITestOutputHelper output)
    {
        if (Browser is not null) return Browser;
        var message = $"*** SKIPPED: the dashboard browser tests need Chromium at {ExecutablePath} (Debian: apt-get install chromium; ./test.sh installs it as root). ***";
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(message.Replace("SKIPPED", "FAILED on CI", StringComparison.Ordinal));
        output.WriteLine(message);
        Console.Error.WriteLine(message);
        return null;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
