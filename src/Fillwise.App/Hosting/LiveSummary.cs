using Fillwise.Engine;
using Fillwise.Engine.Strategies;
using Spectre.Console;

namespace Fillwise.App.Hosting;

/// <summary>What the live summary reads each time it draws: copies, never the engine's own objects.</summary>
internal sealed record LiveSummaryFrame(EngineSnapshot Engine, WhaleSnapshot? Whales, string Dashboard, IReadOnlyList<string> Log, string? LogFile, ArbRunView? Arb = null);

/// <summary>
/// `paper`'s summary while it runs. On a terminal: a Spectre.Console panel redrawn in place (see
/// <see cref="LiveSummaryView"/>). Anywhere else (a pipe, a file, CI, the tests): the plain
/// <see cref="RunReport.Summary"/> line every so often, unchanged, so scripts keep reading it.
/// It only reads snapshots; nothing here changes the engine.
/// </summary>
internal static class LiveSummary
{
    /// <summary>How often the terminal panel is redrawn.</summary>
    private static readonly TimeSpan Redraw = TimeSpan.FromSeconds(1);

    /// <summary>The console to draw the panel on, or null when standard output is not an interactive ANSI terminal.</summary>
    public static IAnsiConsole? DetectTerminal()
    {
        if (Console.IsOutputRedirected) return null;
        var console = AnsiConsole.Console;
        return console.Profile.Capabilities is { Ansi: true, Interactive: true } ? console : null;
    }

    /// <summary>Runs until <paramref name="ct"/> is canceled; the terminal panel is left showing its last state.</summary>
    public static Task RunAsync(Func<LiveSummaryFrame> read, IAnsiConsole? terminal, TextWriter output, TimeSpan every, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        return terminal is null ? PlainAsync(read, output, every, time, ct) : PanelAsync(read, terminal, every < Redraw ? every : Redraw, time, ct);
    }

    private static async Task PlainAsync(Func<LiveSummaryFrame> read, TextWriter output, TimeSpan every, TimeProvider time, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(every, time, ct);
                var frame = read();
                await output.WriteLineAsync(RunReport.Summary(frame.Engine, frame.Whales, frame.Arb));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static Task PanelAsync(Func<LiveSummaryFrame> read, IAnsiConsole terminal, TimeSpan every, TimeProvider time, CancellationToken ct) =>
        terminal.Live(LiveSummaryView.Render(read()))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                try
                {
                    while (!ct.IsCancellationRequested)
                    {
                        await Task.Delay(every, time, ct);
                        context.UpdateTarget(LiveSummaryView.Render(read()));
                        context.Refresh();
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                }
                // The last picture stays on screen above the run report.
                context.UpdateTarget(LiveSummaryView.Render(read()));
                context.Refresh();
            });
}
