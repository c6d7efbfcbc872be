using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.App.Hosting.Simulation;

/// <summary>
/// Moves a <see cref="SimulatedClock"/> on, one timer at a time, and only when the process is idle:
/// every answer read, every frame handled, every journal write done. No faster than the wall clock,
/// so a person watching the dashboard sees the run at its own pace; slower when the machine is busy,
/// which changes nothing of what happens. That is what makes one seed give one run.
/// </summary>
public sealed class SimulationDriver : IDisposable
{
    /// <summary>How long the process may stay busy before the clock moves on anyway (counted, logged: that run may not replay).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly Meter Meter = new("Fillwise.App.Paper");
    private static readonly Counter<long> MovedBusy = Meter.CreateCounter<long>("fillwise.paper.clock.moved_busy", description: "simulated clock moves made while the process was still busy (the run may not replay)");

    private readonly SimulatedClock _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private ILogger _log = NullLogger.Instance;
    private long _impatient;
    private StreamWriter? _trace;

    private SimulationDriver(SimulatedClock clock)
    {
        _clock = clock;
        _thread = new Thread(Run) { IsBackground = true, Name = "fillwise-simulated-clock" };
    }

    /// <summary>A clock starting now (wall time, so the dashboard and logs read naturally), driven from this call on.</summary>
    public static SimulationDriver Start(DateTimeOffset now)
    {
        var driver = new SimulationDriver(new SimulatedClock(now));
        // FILLWISE_CLOCK_TRACE=<file>: every timer fired, in order, to compare two runs of one seed line by line.
        if (Environment.GetEnvironmentVariable("FILLWISE_CLOCK_TRACE") is { Length: > 0 } path)
        {
            var trace = new StreamWriter(path) { AutoFlush = false };
            driver._trace = trace;
            driver._clock.Trace = (at, what) => trace.WriteLine($"{at.TotalMilliseconds:0.###} {what} (wall {DateTime.UtcNow:HH:mm:ss.fff})");
        }
        driver._thread.Start();
        return driver;
    }

    public SimulatedClock Clock => _clock;

    /// <summary>Times the clock moved on while the process was still busy (0: the run replays exactly).</summary>
    public long Impatient => Interlocked.Read(ref _impatient);

    /// <summary>Whether idleness is read from each thread's state (Linux) or guessed from the thread pool's counters.</summary>
    public bool Exact { get; private set; }

    /// <summary>
    /// The run has begun (the engine is ready, the agents start). Until then the process must look idle
    /// for 20 looks in a row, not 2, before the clock moves: starting up (loading, compiling, connecting)
    /// has short lulls that are not idleness, and a timer fired in one would shift the whole run.
    /// </summary>
    public void Begin() => Volatile.Write(ref _begun, 1);

    private const int StartingLooks = 20;
    private volatile int[] _ports = [];
    private int _begun;

    /// <summary>The loopback ports whose connections carry the run (the exchange's): quiet too before the clock moves.</summary>
    public void WatchPorts(params int[] ports) => _ports = [.. ports];

    /// <summary>Where the driver reports a move made while the process was busy.</summary>
    public void UseLogger(ILogger logger) => _log = logger ?? NullLogger.Instance;

    private void Run()
    {
        var quiescence = new ProcessQuiescence();
        Exact = quiescence.ReadsThreadStates;
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            quiescence.WatchPorts(_ports);
            var idle = quiescence.WaitForIdle(Patience, ct, Volatile.Read(ref _begun) == 1 ? ProcessQuiescence.IdleLooks : StartingLooks);
            if (ct.IsCancellationRequested) return;
            if (_clock.NextDue is not { } next)
            {
                Thread.Sleep(1);
                continue;
            }
            // Never ahead of the wall clock: wait, then look again (a person may have acted meanwhile).
            var ahead = next - _wall.Elapsed;
            if (ahead > TimeSpan.Zero)
            {
                ct.WaitHandle.WaitOne(ahead < TimeSpan.FromMilliseconds(50) ? ahead : TimeSpan.FromMilliseconds(50));
                continue;
            }
            if (!idle)
            {
                var n = Interlocked.Increment(ref _impatient);
                MovedBusy.Add(1);
                _log.LogWarning(new EventId(110, "SimulatedClockImpatient"),
                    "the simulated clock moved on at {Elapsed} while the process was still busy after {Seconds} s ({Count} so far): this run may not replay exactly",
                    _clock.Elapsed, Patience.TotalSeconds, n);
            }
            _clock.FireNext();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (Thread.CurrentThread != _thread) _thread.Join(TimeSpan.FromSeconds(2));
        _stop.Dispose();
        _trace?.Dispose();
    }
}
