using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// The front door: `fillwise paper` shows the whole engine at work and ends with a report that agrees
/// with the venues: the whale follower on Kalshi, and the funding-arb strategy opening a pair across
/// the built-in Aster and Lighter venues on the spread the demo's funding pays. And one seed gives
/// one run: two runs of it, side by side, print the same report.
/// </summary>
public sealed partial class PaperStory
{
    [Fact]
    public async Task Thirty_seconds_of_paper_follow_a_whale_open_a_funding_arb_pair_end_clean_and_a_second_run_of_the_seed_gives_the_same_report()
    {
        // Two processes at once (the simulated clock waits for its own process to be idle, so each runs alone in its own): the machine's load differs between them, the report must not.
        var runs = await Task.WhenAll(PaperAsync(7), PaperAsync(7));
        var text = runs[0];

        Assert.Contains("Strategy: whale follower", text, StringComparison.Ordinal);
        Assert.Contains("Strategy: funding-arb on ZEC: aster / lighter", text, StringComparison.Ordinal);
        var whales = WhalesLine().Match(text);
        Assert.True(whales.Success, text);
        Assert.True(int.Parse(whales.Groups["followed"].Value, CultureInfo.InvariantCulture) >= 1, whales.Value);

        // The demo's funding pays more on Lighter: the strategy went long Aster, short Lighter, and the open ended with both legs equal.
        var opened = OpenedPair().Matches(text).FirstOrDefault(m => m.Groups["outcome"].Value == "success");
        Assert.True(opened is not null, $"no two-leg open ended success:\n{text}");
        Assert.Equal(opened.Groups["long"].Value, opened.Groups["short"].Value);
        Assert.True(decimal.Parse(opened.Groups["long"].Value, CultureInfo.InvariantCulture) > 0m, opened.Value);
        Assert.DoesNotContain("ROLLED BACK", opened.Value, StringComparison.Ordinal);
        Assert.Matches(@"two-leg operations: \d+ \(\d+ open, \d+ close\): [1-9]\d* success", text);
        Assert.Matches(@"two-leg fees: maker [\d.]+, taker [\d.]+", text);
        Assert.Matches(@"funding on the arb legs: (received|paid) [\d.]+", text);
        // The venues' own word at the end: the two legs match (a pair held, or both closed).
        var venues = VenuePositions().Match(text);
        Assert.True(venues.Success, text);
        Assert.Equal(venues.Groups["aster"].Value.Replace("long ", "", StringComparison.Ordinal), venues.Groups["lighter"].Value.Replace("short ", "", StringComparison.Ordinal));
        Assert.Matches(@"\| arb (flat|long|short)", text);

        Assert.Contains("last reconciliation: clean (final,", text, StringComparison.Ordinal);
        Assert.Contains("(equal to the cent)", text, StringComparison.Ordinal);
        Assert.Contains("kill switch: not tripped", text, StringComparison.Ordinal);
        Assert.Contains("the seed replays this run", text, StringComparison.Ordinal);

        // Same seed, same report, line for line; only the order and operation ids differ, as they must:
        // they carry the start time so that no two runs ever send one id to a venue.
        var first = Report(runs[0]);
        var second = Report(runs[1]);
        Assert.True(first.Count > 10, text);
        Assert.Equal(first, second);
    }

    /// <summary>One `fillwise paper --duration 30s --seed N` in its own process; its whole output once it exits 0.</summary>
    private static async Task<string> PaperAsync(int seed)
    {
        var data = Path.Combine(Path.GetTempPath(), "fillwise-paper-story", Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "fillwise.dll"), "paper", "--duration", "30s", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--port", "0", "--data", data })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await process.WaitForExitAsync(timeout.Token);
            var text = await output;
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{text}\n{await error}");
            return text;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The run report's lines, ids masked.</summary>
    private static List<string> Report(string output) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l != "run report").TakeWhile(l => !l.StartsWith("stopped:", StringComparison.Ordinal))
            .Select(l => Id().Replace(l, "fw-<id>")).ToList();

    [GeneratedRegex(@"fw-\d+-[0-9a-f]{6}")]
    private static partial Regex Id();

    [GeneratedRegex(@"whales: (?<seen>\d+) seen, (?<followed>\d+) followed, (?<skipped>\d+) skipped")]
    private static partial Regex WhalesLine();

    [GeneratedRegex(@"arb-\S+ open ZEC \(funding_spread, funding-arb\) (?<outcome>\w+): buy aster:ZECUSDT (?<long>[\d.]+)[^,]*\([^)]*\), sell lighter:ZEC (?<short>[\d.]+)[^\n]*")]
    private static partial Regex OpenedPair();

    [GeneratedRegex(@"venue positions: aster:ZECUSDT (?<aster>long [\d.]+|flat), lighter:ZEC (?<lighter>short [\d.]+|flat)")]
    private static partial Regex VenuePositions();
}
