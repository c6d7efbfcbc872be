using System.Diagnostics;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Fillwise.Exchange.Tests.Server.Conformance;

/// <summary>
/// Runs an official client under Node for a conformance test: finds node and npm (skip loudly
/// without them locally, fail on CI), installs the npm packages of a package.json once per version
/// into a temp folder, copies the script beside them and runs it with a timeout.
/// </summary>
internal static class NodeRunner
{
    /// <summary>node and npm, or null after printing why the test skips (throws on CI).</summary>
    public static async Task<(string Node, string Npm)?> FindOrSkipAsync(ITestOutputHelper output, string what)
    {
        var node = FindOnPath("node");
        var npm = FindOnPath("npm");
        if (node is not null && npm is not null) return (node, npm);
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail($"node and npm are required on CI for the {what} conformance test");
        var message = $"*** SKIPPED: {what} conformance needs node + npm on PATH (install Node 20+). ***";
        output.WriteLine(message);
        await Console.Error.WriteLineAsync(message);
        return null;
    }

    /// <summary>npm install once per package.json content into a temp folder; the scripts are copied every run.</summary>
    public static async Task<string> InstallAsync(string npm, string sourceDir, string marker, params string[] scripts)
    {
        var packageJson = await File.ReadAllTextAsync(Path.Combine(sourceDir, "package.json"));
        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(packageJson)))[..12];
        var target = Path.Combine(Path.GetTempPath(), $"fillwise-{marker}-conformance-{hash}");
        var installed = Path.Combine(target, "node_modules", marker, "package.json");
        if (!File.Exists(installed))
        {
            // Install beside, then move into place: two test runs at once never see half an install.
            var staging = target + "-" + Environment.ProcessId;
            Directory.CreateDirectory(staging);
            File.Copy(Path.Combine(sourceDir, "package.json"), Path.Combine(staging, "package.json"), overwrite: true);
            var install = new ProcessStartInfo(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"])
            {
                WorkingDirectory = staging,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var (exit, stdout, stderr) = await RunAsync(install, TimeSpan.FromSeconds(240));
            Assert.True(exit == 0, $"npm install failed (exit {exit}):\n{stdout}\n{stderr}");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (File.Exists(installed))
            {
                // Another run finished first; use its install.
            }
        }
        foreach (var script in scripts) File.Copy(Path.Combine(sourceDir, script), Path.Combine(target, script), overwrite: true);
        return target;
    }

    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The test project's folder <paramref name="relative"/> (holding a package.json), found above the test binaries.</summary>
    public static string FindSourceDir(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Fillwise.Exchange.Tests", relative);
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"{relative}/package.json not found above {AppContext.BaseDirectory}");
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var file in new[] { name, name + ".cmd", name + ".exe" })
            {
                var path = Path.Combine(dir, file);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }
}
