using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Playwright;

namespace Fillwise.Dashboard.Tests;

/// <summary>One browser tab (its own context: storage, cookies) that records what it loaded and every error the page raised.</summary>
internal sealed class PageSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentBag<Task<(string Url, string Type, long Bytes)>> _loaded = [];

    private PageSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type == "error") Errors.Add($"console: {m.Text} ({m.Location})");
        };
        page.PageError += (_, e) => Errors.Add($"page: {e}");
        page.RequestFinished += (_, r) => _loaded.Add(SizeAsync(r));
    }

    public IPage Page { get; }

    public ConcurrentBag<string> Errors { get; } = [];

    /// <summary>
    /// The page's errors, less Chromium's own line for an HTTP error the page expects and handles:
    /// the 404 of an endpoint this engine does not serve (whales, arb: their panels stay hidden), and
    /// the 401 of a refused token when <paramref name="refusedToken"/>.
    /// </summary>
    public IReadOnlyList<string> UnexpectedErrors(bool refusedToken = false) => Errors.Where(e =>
        !(e.Contains("Failed to load resource", StringComparison.Ordinal) &&
          ((e.Contains("404", StringComparison.Ordinal) && (e.Contains("/api/v1/whales", StringComparison.Ordinal) || e.Contains("/api/v1/arb", StringComparison.Ordinal))) ||
           (refusedToken && e.Contains("401", StringComparison.Ordinal))))).ToList();

    public static async Task<PageSession> OpenAsync(IBrowser browser, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        return new PageSession(context, await context.NewPageAsync());
    }

    private static async Task<(string Url, string Type, long Bytes)> SizeAsync(IRequest request)
    {
        var sizes = await request.SizesAsync();
        return (request.Url, request.ResourceType, (long)sizes.ResponseBodySize + sizes.ResponseHeadersSize);
    }

    /// <summary>Bytes on the wire (compressed bodies and their headers) of what the page loaded so far, by resource type.</summary>
    public async Task<IReadOnlyList<(string Url, string Type, long Bytes)>> LoadedAsync() => await Task.WhenAll(_loaded);

    /// <summary>A number the page wrote into a data attribute.</summary>
    public async Task<double> NumberAsync(string selector, string attribute)
    {
        var text = await Page.Locator(selector).First.GetAttributeAsync(attribute) ?? throw new InvalidOperationException($"{selector} has no {attribute}");
        return double.Parse(text, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

/// <summary>Where the screenshots and measurements go: TestResults/dashboard at the repository's root (kept as CI artifacts).</summary>
internal static class Artifacts
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Fillwise.slnx"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "dashboard");
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public static string File(string name) => Path.Combine(Directory, name);
}
