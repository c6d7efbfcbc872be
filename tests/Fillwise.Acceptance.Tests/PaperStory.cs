using System.Globalization;
using System.Text.RegularExpressions;
using Fillwise.App.Cli;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// The front door: `fillwise paper` shows the whole engine at work and ends with a report that agrees
/// with the venues: the whale follower on Kalshi, and the funding-arb strategy opening a pair across
/// the built-in Aster and Lighter venues on the spread the demo's funding pays.
/// </summary>
public sealed partial class PaperStory
{
    [Fact]
    public async Task Thirty_seconds_of_paper_follow_a_whale_open_a_funding_arb_pair_on_aster_and_lighter_and_end_with_a_clean_reconciliation()
    {
        var data = Path.Combine(Path.GetTempPath(), "fillwise-paper-story", Guid.NewGuid().ToString("N"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            var code = await FillwiseCommandLine.RunAsync(["paper", "--duration", "30s", "--seed", "7", "--port", "0", "--data", data], output, error);
            var text = output.ToString();
            Assert.True(code == ExitCodes.Ok, $"exit {code}\n{text}\n{error}");
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
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [GeneratedRegex(@"whales: (?<seen>\d+) seen, (?<followed>\d+) followed, (?<skipped>\d+) skipped")]
    private static partial Regex WhalesLine();

    [GeneratedRegex(@"arb-\S+ open ZEC \(funding_spread, funding-arb\) (?<outcome>\w+): buy aster:ZECUSDT (?<long>[\d.]+)[^,]*\([^)]*\), sell lighter:ZEC (?<short>[\d.]+)[^\n]*")]
    private static partial Regex OpenedPair();

    [GeneratedRegex(@"venue positions: aster:ZECUSDT (?<aster>long [\d.]+|flat), lighter:ZEC (?<lighter>short [\d.]+|flat)")]
    private static partial Regex VenuePositions();
}
