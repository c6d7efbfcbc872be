using Fillwise.App.Cli;

namespace Fillwise.App.Tests.Cli;

public class CommandLineTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FillwiseCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(ExitCodes.Ok, code);
        foreach (var command in new[] { "paper", "exchange", "run", "reconcile", "cleanup", "journal" })
            Assert.Contains(command, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("paper", "--port", "--exchange-port", "--seed", "--clock", "--duration", "--data", "--control-token", "--strategy")]
    [InlineData("exchange", "--port", "--seed", "--scenario")]
    [InlineData("run", "--venue-url", "--key-id", "--private-key-file", "--port", "--data", "--strategy", "--control-token", "--live")]
    [InlineData("reconcile", "--venue-url", "--data")]
    [InlineData("cleanup", "--venue-url", "--key-id", "--private-key-file", "--aster-url", "--aster-credentials", "--lighter-url", "--lighter-credentials", "venues")]
    [InlineData("journal", "export", "import", "backup", "list")]
    [InlineData("journal export", "--data", "--connection", "--account", "--output")]
    [InlineData("journal import", "--data", "--connection", "--account", "--input", "--into-non-empty")]
    public async Task Each_command_documents_its_options(string command, params string[] options)
    {
        var (code, output, _) = await Run([.. command.Split(' '), "--help"]);
        Assert.Equal(ExitCodes.Ok, code);
        foreach (var option in options) Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var (code, _, error) = await Run("trade-everything");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("trade-everything", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_option_value_is_a_usage_error()
    {
        var (code, _, error) = await Run("exchange", "--scenario", "chaos");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("chaos", error, StringComparison.Ordinal);
    }
}
