using System.Diagnostics;

namespace Fillwise.App.Tests.Cli;

/// <summary>A service manager stops the engine with SIGTERM: every long-running command ends cleanly within 5 s, exit 0.</summary>
public sealed class CleanStopTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fillwise-stop-" + Guid.NewGuid().ToString("N"));

    public CleanStopTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData("exchange", "--port", "0", "--scenario", "empty")]
    [InlineData("paper", "--port", "0")]
    public async Task Sigterm_ends_the_command_cleanly_within_five_seconds(params string[] args)
    {
        if (OperatingSystem.IsWindows()) return;
        var app = Path.Combine(AppContext.BaseDirectory, "fillwise.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        info.ArgumentList.Add(app);
        foreach (var a in args) info.ArgumentList.Add(a);
        if (args[0] == "paper") { info.ArgumentList.Add("--data"); info.ArgumentList.Add(_dir); }
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains(args[0] == "paper" ? "Dashboard:" : "http://127.0.0.1:", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(500);

        var stopped = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
        var exited = await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(10))) is Task t && process.HasExited;
        if (!exited) process.Kill(entireProcessTree: true);
        Assert.True(exited, $"still running 10 s after SIGTERM:\n{output}");
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(5), $"took {stopped.Elapsed.TotalSeconds:F1} s:\n{output}");
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
        if (args[0] == "paper") Assert.Contains("stopped:", output.ToString(), StringComparison.Ordinal);
    }
}
