using Fillwise.App.Hosting;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Strategies;
using Fillwise.Engine.Venues;
using Fillwise.Domain.Venues;
using Fillwise.Testing;
using Spectre.Console.Testing;

namespace Fillwise.App.Tests.Hosting;

/// <summary>`paper`'s live summary: the panel on a terminal, the plain lines anywhere else.</summary>
public sealed class LiveSummaryTests : IAsyncLifetime
{
    private const string Dashboard = "http://127.0.0.1:5080/?token=abc";
    private readonly ScriptedVenue _venue = new("kalshi");
    private TradingEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(_venue)]), new InMemoryJournal(), TimeProvider.System);
        await _engine.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static readonly Fillwise.Domain.Instruments.InstrumentId Rain = new("kalshi", "KXDEMO-RAIN-0001:yes");

    private static WhaleDecision Decision(string market, WhaleVerdict verdict, string reason) =>
        new(new Whale($"{market}:1:0.74:yes", new("kalshi", market + ":yes"), market, "yes", Price.Of(0.74m), Quantity.Of(1000m), Money.FromDollars(740m),
            DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture)), verdict, reason,
            DateTimeOffset.Parse("2026-01-02T03:04:06Z", System.Globalization.CultureInfo.InvariantCulture));

    private static WhaleSnapshot Whales() => new(
        [
            Decision("KXDEMO-FED-0003", WhaleVerdict.Skipped, "a position is open in KXDEMO-FED-0003 [not markup]"),
            Decision("KXDEMO-RAIN-0001", WhaleVerdict.Followed, "bidding 0.74 (best bid 0.72 + 0.02) for 5: filled 5"),
        ], Seen: 3, Followed: 1, Skipped: 2, new WhaleOptions());

    private async Task OpenPositionAsync()
    {
        _venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 5m);
        var entry = await _engine.Entries.EnterAsync(new EntryRequest(Rain, PositionSide.Long, Quantity.Of(5m), Price.Of(0.74m), "whale-follower",
            StopLoss: Price.Of(0.64m), TakeProfit: Price.Of(0.89m)), CancellationToken.None);
        Assert.True(entry.Position is not null, entry.ToString());
    }

    private LiveSummaryFrame Frame(WhaleSnapshot? whales = null, IReadOnlyList<string>? log = null) =>
        new(_engine.Snapshot(), whales, Dashboard, log ?? [], "/data/paper/paper.log");

    private static string Draw(LiveSummaryFrame frame, int width = 140)
    {
        using var console = new TestConsole().Width(width);
        console.Write(LiveSummaryView.Render(frame));
        return console.Output;
    }

    [Fact]
    public async Task The_panel_shows_trading_balance_pnl_positions_decisions_reconciliation_and_the_dashboard()
    {
        await OpenPositionAsync();
        var text = Draw(Frame(Whales(), ["03:04:07.000 info: Fillwise.Engine[1] something happened"]));

        Assert.Contains("Fillwise paper", text, StringComparison.Ordinal);
        Assert.Contains("active · kill switch not tripped", text, StringComparison.Ordinal);
        Assert.Contains("kalshi 1000.0000", text, StringComparison.Ordinal);
        Assert.Contains("realized 0.0000 (after fees) · unrealized", text, StringComparison.Ordinal);
        Assert.Contains("Positions: 1 open, 0 closed", text, StringComparison.Ordinal);
        Assert.Contains("kalshi:KXDEMO-RAIN-0001:yes", text, StringComparison.Ordinal);
        Assert.Contains("0.64", text, StringComparison.Ordinal);
        Assert.Contains("0.89", text, StringComparison.Ordinal);
        Assert.Contains("3 seen, 1 followed, 2 skipped", text, StringComparison.Ordinal);
        Assert.Contains("followed", text, StringComparison.Ordinal);
        Assert.Contains("bidding 0.74 (best bid 0.72 + 0.02) for 5: filled 5", text, StringComparison.Ordinal);
        // Reasons are text, never markup: brackets come through as they are.
        Assert.Contains("[not markup]", text, StringComparison.Ordinal);
        Assert.Contains("Reconciliation", text, StringComparison.Ordinal);
        Assert.Contains("clean (start,", text, StringComparison.Ordinal);
        Assert.Contains(Dashboard, text, StringComparison.Ordinal);
        Assert.Contains("/data/paper/paper.log", text, StringComparison.Ordinal);
        Assert.Contains("something happened", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tripped_kill_switch_and_a_missing_follower_are_said_plainly()
    {
        await _engine.KillSwitch.EmergencyStopAsync("stop [now]", CancellationToken.None);
        var text = Draw(Frame());
        Assert.Contains("halted", text, StringComparison.Ordinal);
        Assert.Contains("kill switch TRIPPED (stop [now])", text, StringComparison.Ordinal);
        Assert.Contains("the whale follower is not running", text, StringComparison.Ordinal);
        Assert.Contains("Positions: 0 open, 0 closed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Funding arb", text, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_funding_arb_strategy_the_panel_says_what_the_pair_holds()
    {
        var text = Draw(Frame() with { Arb = new ArbRunView([], null, []) });
        Assert.Contains("Funding arb", text, StringComparison.Ordinal);
        Assert.Contains("flat, funding", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_narrow_terminal_keeps_each_log_line_on_one_line()
    {
        var line = "03:04:07.000 info: Fillwise.Engine.Strategies.WhaleFollower[7000] whale KXDEMO-RAIN-0001:1796030556183:0.74:yes followed: bidding 0.74 (best bid 0.72 + 0.02) for 5: filled 5";
        var text = Draw(Frame(log: [line, "second line"]), width: 80);
        var shown = Assert.Single(text.Split('\n'), l => l.Contains("WhaleFollower[7000]", StringComparison.Ordinal));
        Assert.EndsWith("... │", shown.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("filled 5\n", text, StringComparison.Ordinal);
        Assert.Contains("second line", text, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Redirected_output_gets_the_plain_summary_lines_unchanged()
    {
        var frame = Frame(Whales());
        var time = new ManualTimeProvider();
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = LiveSummary.RunAsync(() => frame, terminal: null, output, TimeSpan.FromSeconds(5), time, stop.Token);
        // Each 5 s of the clock gives one line (a move before the summary waits again just passes).
        await Until(() =>
        {
            time.Advance(TimeSpan.FromSeconds(5));
            lock (output) return Lines(output).Length >= 3;
        });
        await stop.CancelAsync();
        await run;

        var expected = RunReport.Summary(frame.Engine, frame.Whales);
        Assert.All(Lines(output), line => Assert.Equal(expected, line));
        Assert.DoesNotContain("\u001b", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_terminal_gets_the_panel_and_no_plain_lines()
    {
        var frame = Frame(Whales());
        using var console = new TestConsole().Width(140).Interactive();
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await LiveSummary.RunAsync(() => frame, console, output, TimeSpan.FromMilliseconds(50), TimeProvider.System, stop.Token);

        Assert.Equal("", output.ToString());
        Assert.Contains("Fillwise paper", console.Output, StringComparison.Ordinal);
        Assert.Contains("3 seen, 1 followed, 2 skipped", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_tail_keeps_the_last_lines_and_writes_every_line_to_its_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fillwise-logtail-{Guid.NewGuid():N}.log");
        try
        {
            using (var tail = new LogTail(path, new ManualTimeProvider(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture)), keep: 2))
            {
                var log = ((Microsoft.Extensions.Logging.ILoggerProvider)tail).CreateLogger("Fillwise.Test");
                for (var i = 1; i <= 3; i++) Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(log, "line {N}", i);
                Assert.Equal(["03:04:05.000 info: Fillwise.Test[0] line 2", "03:04:05.000 info: Fillwise.Test[0] line 3"], tail.Recent);
            }
            Assert.Equal(3, File.ReadAllLines(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }
}
