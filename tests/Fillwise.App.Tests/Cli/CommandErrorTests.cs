using System.Security.Cryptography;
using Fillwise.App.Cli;

namespace Fillwise.App.Tests.Cli;

public sealed class CommandErrorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-cli-" + Guid.NewGuid().ToString("N"));

    public CommandErrorTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(args, output, error);
        return (code, error.ToString());
    }

    private string KeyFile()
    {
        using var rsa = RSA.Create(2048);
        var path = Path.Combine(_dir, "key.pem");
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        return path;
    }

    [Fact]
    public async Task Run_without_credentials_is_a_usage_error()
    {
        var (code, err) = await Run("run", "--venue-url", "http://127.0.0.1:9/trade-api/v2", "--data", _dir);
        if (Environment.GetEnvironmentVariable("KALSHI_API_KEY_ID") is null)
        {
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("--key-id", err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Production_needs_live()
    {
        var (code, err) = await Run("run", "--venue-url", "kalshi", "--key-id", "k", "--private-key-file", KeyFile(), "--data", _dir);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("--live", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_journal_is_a_clear_error_and_is_left_untouched()
    {
        var journal = Path.Combine(_dir, "journal.db");
        var garbage = RandomNumberGenerator.GetBytes(8192);
        File.WriteAllBytes(journal, garbage);
        var (code, err) = await Run("run", "--venue-url", "http://127.0.0.1:9/trade-api/v2", "--key-id", "k", "--private-key-file", KeyFile(), "--data", _dir);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("journal", err, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(garbage, File.ReadAllBytes(journal));
    }

    [Fact]
    public async Task An_unreadable_key_file_is_named_and_its_content_never_shown()
    {
        var path = Path.Combine(_dir, "bad.pem");
        File.WriteAllText(path, "SECRET-NOT-A-KEY");
        var (code, err) = await Run("run", "--venue-url", "http://127.0.0.1:9/trade-api/v2", "--key-id", "k", "--private-key-file", path, "--data", _dir);
        Assert.Equal(ExitCodes.Error, code);
        Assert.Contains("bad.pem", err, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-NOT-A-KEY", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    public void Durations_parse(string text, int seconds)
    {
        Assert.True(FillwiseCommandLine.TryDuration(text, out var d, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("90")]
    [InlineData("-5s")]
    [InlineData("1.5m")]
    [InlineData("soon")]
    public async Task A_bad_duration_is_a_usage_error(string text)
    {
        var (code, err) = await Run("paper", "--duration", text, "--data", _dir);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(text, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paper_runs_the_exchange_and_the_engine_for_its_duration()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // In this test host other tests keep threads busy, so the simulated clock (which waits for an idle process) is for the child-process runs (PaperStory).
        var code = await FillwiseCommandLine.RunAsync(["paper", "--duration", "2s", "--port", "0", "--data", _dir, "--clock", "wall"], output, error);
        Assert.True(code == ExitCodes.Ok, error.ToString());
        var text = output.ToString();
        Assert.Contains("Built-in exchange: http://127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("Dashboard: http://127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("stopped:", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "journal.db")));
    }
}
