using System.Runtime.InteropServices;
using Fillwise.App.Cli;

// Ctrl-C (SIGINT) and a service manager's stop (SIGTERM) both ask for a clean stop: the command's
// token is canceled and the command ends on its own (journal flushed, exit 0) within seconds.
using var stop = new CancellationTokenSource();
void RequestStop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
// On an interactive terminal `paper` draws a live panel; redirected, it prints plain lines.
return await FillwiseCommandLine.RunAsync(args, Console.Out, Console.Error, Fillwise.App.Hosting.LiveSummary.DetectTerminal(), stop.Token);
