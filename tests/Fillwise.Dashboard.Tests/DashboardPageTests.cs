using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.Domain.Values;
using Fillwise.Engine.Risk;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Fillwise.Dashboard.Tests;

/// <summary>
/// Issue 13 in a real headless Chromium: the dashboard a person opens from the URL `paper` prints,
/// against the built-in exchange and the engine over loopback. Measures, and prints, the time from a
/// fill on the venue to its row on the page, the page's weight on the wire and its time to first data.
/// </summary>
public sealed class DashboardPageTests(Chromium chromium, ITestOutputHelper output) : IClassFixture<Chromium>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.Error.WriteLine($"[dashboard] {line}");
        File.AppendAllText(Artifacts.File("measurements.txt"), $"{DateTime.UtcNow:O} {line}{Environment.NewLine}");
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(25);
        }
        Assert.Fail($"timed out waiting until {what}{(state is null ? "" : $": {state()}")}");
    }

    private static LocatorAssertionsToContainTextOptions Within => new() { Timeout = (float)Wait.TotalMilliseconds };

    [Fact]
    public async Task The_page_shows_paper_and_a_position_appears_without_a_reload_when_an_order_fills_on_the_venue()
    {
        if (chromium.OrSkip(output) is not { } browser) return;
        await using var world = await DashboardWorld.StartAsync();
        await using var tab = await PageSession.OpenAsync(browser);
        var page = tab.Page;

        var opened = Stopwatch.StartNew();
        await page.GotoAsync(world.StartUrl);
        await Assertions.Expect(page.Locator("#mode")).ToHaveTextAsync("PAPER", new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#data")).ToBeVisibleAsync();
        var firstData = opened.Elapsed;
        var firstDataInPage = await tab.NumberAsync("body", "data-first-data-at");
        Assert.Equal("paper", await page.Locator("#banner").GetAttributeAsync("data-mode"));
        await Assertions.Expect(page.Locator("#trading-state")).ToContainTextAsync("ACTIVE", Within);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = (float)Wait.TotalMilliseconds });

        // The token left the address bar and lives only in the tab.
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        Assert.Equal(DashboardWorld.Token, await page.EvaluateAsync<string>("sessionStorage.getItem('fillwise.control-token')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));

        var loaded = await tab.LoadedAsync();
        var pageFiles = loaded.Where(l => l.Type is "document" or "script" or "stylesheet").ToList();
        Report($"page weight on the wire (compressed, with headers): {pageFiles.Sum(l => l.Bytes) / 1024.0:F1} KiB in {pageFiles.Count} files " +
            $"({string.Join(", ", pageFiles.Select(l => $"{new Uri(l.Url).AbsolutePath} {l.Bytes / 1024.0:F1} KiB"))}); with the first API reads {loaded.Sum(l => l.Bytes) / 1024.0:F1} KiB");
        var timeline = await page.EvaluateAsync<string>("""
            [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
              .map(e => `${new URL(e.name).pathname} ${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`).join(', ')
            """);
        Report($"time to first data: {firstDataInPage:F0} ms in the page (navigation start to the first /state drawn), {firstData.TotalMilliseconds:F0} ms seen from the test; requests (start-end ms): {timeline}");

        // A second visit (the server warm, the files revalidated by their ETags).
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#data")).ToBeVisibleAsync(new() { Timeout = (float)Wait.TotalMilliseconds });
        Report($"time to first data on a second visit: {await tab.NumberAsync("body", "data-first-data-at"):F0} ms");

        // An entry rests on the venue: the page shows it with its fill progress, no reload.
        await page.EvaluateAsync("window.__sameDocument = true");
        var entry = world.PlaceEntryAsync($$"""{"ticker":"{{DashboardWorld.Ticker}}","side":"yes","count":"5.00","limit_price_dollars":"0.4500","stop_loss_dollars":"0.3000","take_profit_dollars":"0.6000","fill_timeout_s":20}""");
        await Assertions.Expect(page.Locator("#orders tr")).ToContainTextAsync("0.00 / 5.00", Within);
        Assert.Equal(0, await page.Locator("#positions tr").CountAsync());

        // The other side trades into it on the venue: the position's row appears by itself.
        var filledAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await world.TradeAgainstAsync(BookSide.Ask, "0.45", 5);
        var row = page.Locator("#positions tr[data-position-id]");
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = (float)Wait.TotalMilliseconds });
        var shownAt = await tab.NumberAsync("#positions tr[data-position-id]", "data-rendered-at");
        Report($"fill on the venue to the position's row on the page: {shownAt - filledAt:F0} ms (the liquidity order's request sent to the row drawn)");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page reloaded");

        var outcome = await entry;
        Assert.Equal("filled", outcome["outcome"]!.GetValue<string>());
        await Assertions.Expect(row).ToContainTextAsync(DashboardWorld.Ticker.Value, Within);
        await Assertions.Expect(row).ToContainTextAsync("0.4500", Within);
        await Assertions.Expect(row).ToContainTextAsync("0.3000", Within);
        await Assertions.Expect(page.Locator("#orders tr")).ToHaveCountAsync(0, new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#fills tr").First).ToContainTextAsync("5.00", Within);
        await Assertions.Expect(page.Locator("#position-count")).ToHaveTextAsync("1", new() { Timeout = (float)Wait.TotalMilliseconds });
        // Its chart, with the entry, stop and take-profit lines drawn by lightweight-charts on canvases.
        await Assertions.Expect(page.Locator($".position-chart[data-position-id] canvas").First).ToBeVisibleAsync();
        Assert.True(await page.Locator("#pnl-chart canvas").CountAsync() > 0);

        // A bid arrives, so the position has a price to show; then the screenshots at both widths.
        await world.TradeAgainstAsync(BookSide.Bid, "0.40", 3);
        await world.TradeAgainstAsync(BookSide.Ask, "0.50", 3);
        await Assertions.Expect(row).ToContainTextAsync("0.4000 / 0.5000", Within);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("dashboard-1280.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(row).ToBeVisibleAsync();
        // Charts follow their box a frame later: give the layout a moment, then nothing may stick out.
        var wider = "";
        await Eventually(async () => (wider = await page.EvaluateAsync<string>("""
            [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > 391 && !e.parentElement?.closest('.scroll')).concat([...document.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
              .slice(0, 12).map(e => `${e.tagName}#${e.id}.${e.className} r=${Math.round(e.getBoundingClientRect().right)} sw=${e.scrollWidth} cw=${e.clientWidth}`).join('; ')
            """)).Length == 0 && await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 390"), "the page fits a 390 px phone", () => wider + " scrollWidth " + page.EvaluateAsync<int>("document.documentElement.scrollWidth").Result);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("dashboard-390.png"), FullPage = true });
        Report($"screenshots: {Artifacts.File("dashboard-1280.png")}, {Artifacts.File("dashboard-390.png")}");

        // Close it from the page: a confirmation, then the exit goes as a stop-loss's would, and the row moves to the closed list.
        await page.SetViewportSizeAsync(1280, 900);
        await world.TradeAgainstAsync(BookSide.Bid, "0.40", 5);
        await row.Locator("button").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-close-text")).ToContainTextAsync("5.00", Within);
        await page.Locator("#confirm-close button.danger").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#closed tr").First).ToContainTextAsync("manual", Within);
        Assert.Equal(0m, (await world.TraderOnVenueAsync()).Positions.Single().Position);
        Assert.Empty(tab.UnexpectedErrors());
    }

    [Fact]
    public async Task An_emergency_stop_from_the_page_shows_halted_and_leaves_no_order_resting_on_the_venue()
    {
        if (chromium.OrSkip(output) is not { } browser) return;
        await using var world = await DashboardWorld.StartAsync(seed: 2);
        await using var tab = await PageSession.OpenAsync(browser);
        var page = tab.Page;
        await page.GotoAsync(world.StartUrl);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = (float)Wait.TotalMilliseconds });

        var entry = world.PlaceEntryAsync($$"""{"ticker":"{{DashboardWorld.Ticker}}","side":"yes","count":"4.00","limit_price_dollars":"0.3000","fill_timeout_s":30}""");
        await Assertions.Expect(page.Locator("#orders tr")).ToContainTextAsync("0.00 / 4.00", Within);
        await Eventually(async () => (await world.TraderOnVenueAsync()).RestingOrders == 1, "the entry rests on the venue");

        // Keyboard first: the stop is a button that opens a confirmation, which can be declined.
        await page.Locator("#emergency-stop").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#confirm-stop")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#confirm-stop")).ToBeHiddenAsync();
        Assert.Equal(TradingMode.Active, world.Engine.Trading.Status.Mode);

        await page.Locator("#emergency-stop").ClickAsync();
        await page.Locator("#stop-reason").FillAsync("browser test");
        await page.Locator("#confirm-stop-yes").ClickAsync();
        await Assertions.Expect(page.Locator("#trading-state")).ToContainTextAsync("HALTED", Within);
        await Assertions.Expect(page.Locator("#kill-switch")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#kill-reason")).ToContainTextAsync("browser test", Within);
        Assert.Equal(0, (await world.TraderOnVenueAsync()).RestingOrders);
        Assert.Equal("unfilled", (await entry)["outcome"]!.GetValue<string>());
        await Assertions.Expect(page.Locator("#orders tr")).ToHaveCountAsync(0, new() { Timeout = (float)Wait.TotalMilliseconds });

        // The reset needs the typed word; then trading is active again.
        await page.Locator("#kill-reset").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-reset-yes")).ToBeDisabledAsync();
        await page.Locator("#reset-word").FillAsync("reset");
        await Assertions.Expect(page.Locator("#confirm-reset-yes")).ToBeDisabledAsync();
        await page.Locator("#reset-word").FillAsync("RESET");
        await page.Locator("#confirm-reset-yes").ClickAsync();
        await Assertions.Expect(page.Locator("#trading-state")).ToContainTextAsync("ACTIVE", Within);
        await Assertions.Expect(page.Locator("#kill-switch")).ToBeHiddenAsync();
        Assert.Empty(tab.UnexpectedErrors());
    }

    [Fact]
    public async Task A_wrong_token_shows_no_data_and_the_right_one_typed_in_does()
    {
        if (chromium.OrSkip(output) is not { } browser) return;
        await using var world = await ScriptedHost.StartAsync("paper");
        await using var tab = await PageSession.OpenAsync(browser);
        var page = tab.Page;

        await page.GotoAsync($"{world.Host.BaseUrl}?token=not-the-token");
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync(new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("refused", Within);
        await Assertions.Expect(page.Locator("#data")).ToBeHiddenAsync();
        Assert.Equal("—", await page.Locator("#balance").TextContentAsync());
        Assert.Equal(0, await page.Locator("#positions tr, #orders tr, #fills tr").CountAsync());
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('fillwise.control-token')"));

        // No token at all: the page asks for one and reads nothing.
        await page.GotoAsync(world.Host.BaseUrl.ToString());
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#data")).ToBeHiddenAsync();

        await page.Locator("#token-input").FillAsync(DashboardWorld.Token);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#data")).ToBeVisibleAsync(new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#mode")).ToHaveTextAsync("PAPER");
        Assert.Empty(tab.UnexpectedErrors(refusedToken: true));
    }

    [Fact]
    public async Task The_page_reconnects_by_itself_when_the_event_stream_is_cut()
    {
        if (chromium.OrSkip(output) is not { } browser) return;
        await using var world = await DashboardWorld.StartAsync(seed: 4);
        await using var tab = await PageSession.OpenAsync(browser);
        var page = tab.Page;
        await page.GotoAsync(world.StartUrl);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = (float)Wait.TotalMilliseconds });

        // The engine's host goes away and comes back on the same port: the page says so, then follows again, without a reload.
        await page.EvaluateAsync("""
            window.__sameDocument = true;
            window.__reconnects = 0;
            const pill = document.getElementById('connection');
            new MutationObserver(() => { if (pill.textContent.includes('reconnecting')) window.__reconnects++; })
              .observe(pill, { childList: true, characterData: true, subtree: true });
            """);
        var stopped = await world.RestartHostAsync(TimeSpan.FromSeconds(1.5));
        Report($"control host stop with a dashboard attached: {stopped.TotalMilliseconds:F0} ms");
        Assert.True(stopped < TimeSpan.FromSeconds(3), $"the host took {stopped} to stop with a dashboard attached");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = (float)Wait.TotalMilliseconds });
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "the page reloaded");
        Assert.True(await page.EvaluateAsync<bool>("window.__reconnects > 0"), "the stream never said it was reconnecting");

        // And what happens next still arrives.
        await world.TradeAgainstAsync(BookSide.Ask, "0.45", 2);
        var entry = await world.PlaceEntryAsync($$"""{"ticker":"{{DashboardWorld.Ticker}}","side":"yes","count":"2.00","limit_price_dollars":"0.4500"}""");
        Assert.Equal("filled", entry["outcome"]!.GetValue<string>());
        await Assertions.Expect(page.Locator("#positions tr[data-position-id]")).ToHaveCountAsync(1, new() { Timeout = (float)Wait.TotalMilliseconds });
    }

    [Fact]
    public async Task The_whale_queue_shows_each_decision_with_its_reason_as_it_happens()
    {
        if (chromium.OrSkip(output) is not { } browser) return;
        await using var world = await DashboardWorld.StartAsync(seed: 6, whales: true);
        await using var tab = await PageSession.OpenAsync(browser);
        var page = tab.Page;
        await page.GotoAsync(world.StartUrl);
        await Assertions.Expect(page.Locator("#whales-panel")).ToBeVisibleAsync(new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#whales-empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = (float)Wait.TotalMilliseconds });

        // 2,000 YES offered at 0.45 and a bid at 0.44; the whale takes 1,500 (675 dollars): followed, its position appears.
        await world.TradeAgainstAsync(BookSide.Ask, "0.45", 2000);
        await world.TradeAgainstAsync(BookSide.Bid, "0.44", 10);
        await world.SweepAsync("0.45", 1500);
        var first = page.Locator("#whales tr").First;
        await Assertions.Expect(first).ToContainTextAsync("675", Within);
        await Assertions.Expect(first).ToContainTextAsync("followed", Within);
        await Assertions.Expect(page.Locator("#positions tr[data-position-id]")).ToHaveCountAsync(1, new() { Timeout = (float)Wait.TotalMilliseconds });

        // A second whale in the same market: skipped, with its reason.
        await world.TradeAgainstAsync(BookSide.Ask, "0.46", 1500);
        await world.SweepAsync("0.46", 1500);
        await Assertions.Expect(page.Locator("#whales tr")).ToHaveCountAsync(2, new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#whales tr").First).ToContainTextAsync("a position is open in", Within);
        await Assertions.Expect(page.Locator("#whales-summary")).ToContainTextAsync("followed 1", Within);
        Assert.Empty(tab.UnexpectedErrors());
    }

    [Fact]
    public async Task In_live_mode_the_banner_is_red_and_real_trading_needs_two_steps_to_come_back()
    {
        if (chromium.OrSkip(output) is not { } browser) return;
        await using var world = await ScriptedHost.StartAsync("live");
        await using var tab = await PageSession.OpenAsync(browser);
        var page = tab.Page;
        await page.GotoAsync(world.StartUrl);
        await Assertions.Expect(page.Locator("#mode")).ToHaveTextAsync("LIVE", new() { Timeout = (float)Wait.TotalMilliseconds });
        Assert.Equal("rgb(192, 22, 22)", await page.Locator("#mode").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        // One step to stop real trading.
        await page.Locator("#dry-run-toggle").ClickAsync();
        await Assertions.Expect(page.Locator("#mode")).ToHaveTextAsync("LIVE · DRY RUN", new() { Timeout = (float)Wait.TotalMilliseconds });
        Assert.True(DryRun.IsOn(world.Engine));

        // Two to start it again: the button, then the typed word.
        await page.Locator("#dry-run-toggle").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-live")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm-live-yes")).ToBeDisabledAsync();
        await page.Keyboard.PressAsync("Escape");
        Assert.True(DryRun.IsOn(world.Engine));
        await page.Locator("#dry-run-toggle").ClickAsync();
        await page.Locator("#live-word").FillAsync("LIVE");
        await page.Locator("#confirm-live-yes").ClickAsync();
        await Assertions.Expect(page.Locator("#mode")).ToHaveTextAsync("LIVE", new() { Timeout = (float)Wait.TotalMilliseconds });
        Assert.False(DryRun.IsOn(world.Engine));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("dashboard-live-1280.png"), FullPage = true });
        Assert.Empty(tab.UnexpectedErrors());
    }
}
