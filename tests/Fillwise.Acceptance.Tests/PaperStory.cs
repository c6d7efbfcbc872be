using System.Text.RegularExpressions;
using Fillwise.App.Cli;

namespace Fillwise.Acceptance.Tests;

/// <summary>The front door: `fillwise paper` shows the whole engine at work and ends with a report that agrees with the venue.</summary>
public sealed partial class PaperStory
{
    [Fact]
    public async Task Thirty_seconds_of_paper_follow_a_whale_and_end_with_a_clean_reconciliation()
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
            var whales = WhalesLine().Match(text);
            Assert.True(whales.Success, text);
            Assert.True(int.Parse(whales.Groups["followed"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, whales.Value);
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
}
