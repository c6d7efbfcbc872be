using System.Diagnostics;

namespace Fillwise.App.Hosting.Simulation;

/// <summary>
/// Tells when this process has nothing left to do: the exchange, the engine and the sockets between
/// them all in one process, a request in flight or a frame not yet read always keeps some thread
/// running (or waiting on the disk). On Linux it reads each thread's state from /proc; elsewhere it
/// falls back to the thread pool's counters, which miss work that runs long on one thread.
/// </summary>
public sealed class ProcessQuiescence
{
    /// <summary>Consecutive idle looks, a millisecond apart, before the process counts as idle (when the caller does not say).</summary>
    public const int IdleLooks = 2;

    private readonly string? _ownTask;
    private readonly bool _procfs;

    /// <summary>Made on the thread that will ask: that thread itself does not count.</summary>
    public ProcessQuiescence()
    {
        _procfs = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/task");
        if (_procfs)
        {
            // "/proc/thread-self" links to "<pid>/task/<tid>": this thread's own entry, skipped when looking.
            _ownTask = new FileInfo("/proc/thread-self").LinkTarget is { } link ? Path.GetFileName(link) : null;
        }
    }

    private volatile int[] _ports = [];

    /// <summary>
    /// Loopback TCP ports whose connections must also be quiet: no byte sent and not yet taken in by
    /// the other side, none received and not yet read. On a loaded machine the kernel may hand a
    /// loopback packet to its own softirq thread, and for that moment no thread of ours runs.
    /// </summary>
    public void WatchPorts(int[] ports) => _ports = ports;

    /// <summary>Whether the thread states are read (true) or only the thread pool's counters.</summary>
    public bool ReadsThreadStates => _procfs && _ownTask is not null;

    /// <summary>Waits until the process is idle for <paramref name="looks"/> looks in a row; false when it is still busy after <paramref name="patience"/>.</summary>
    public bool WaitForIdle(TimeSpan patience, CancellationToken ct, int looks = IdleLooks)
    {
        var started = Stopwatch.GetTimestamp();
        var idle = 0;
        var completed = ThreadPool.CompletedWorkItemCount;
        while (!ct.IsCancellationRequested)
        {
            var now = ThreadPool.CompletedWorkItemCount;
            var quiet = now == completed && ThreadPool.PendingWorkItemCount == 0 && (!ReadsThreadStates || (NoOtherThreadRuns() && SocketsQuiet()));
            completed = now;
            idle = quiet ? idle + 1 : 0;
            if (idle >= looks) return true;
            if (Stopwatch.GetElapsedTime(started) > patience) return false;
            // A millisecond between looks: long enough for a frame on loopback to wake its reader.
            if (idle > 0) Thread.Sleep(1);
            else Thread.Yield();
        }
        return false;
    }

    /// <summary>No byte in flight on a watched port's connections (from /proc/net/tcp and tcp6: the send and receive queues).</summary>
    private bool SocketsQuiet()
    {
        var ports = _ports;
        if (ports.Length == 0) return true;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(table);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            for (var i = 1; i < lines.Length; i++)
                if (!Quiet(lines[i], ports)) return false;
        }
        return true;
    }

    /// <summary>One /proc/net/tcp line: "sl local rem st tx:rx ...", addresses as HEXIP:HEXPORT.</summary>
    internal static bool Quiet(string line, int[] ports)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5) return true;
        if (!Watched(fields[1], ports) && !Watched(fields[2], ports)) return true;
        var queues = fields[4].Split(':');
        if (queues.Length != 2) return true;
        var listening = fields[3] == "0A";
        // A listening socket's "tx" is its backlog limit; its "rx", connections not yet accepted.
        return (listening || Convert.ToInt64(queues[0], 16) == 0) && Convert.ToInt64(queues[1], 16) == 0;
    }

    private static bool Watched(string address, int[] ports)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0) return false;
        var port = Convert.ToInt32(address[(colon + 1)..], 16);
        return Array.IndexOf(ports, port) >= 0;
    }

    /// <summary>Every other thread of the process sleeping: none running or ready to run (R), none waiting on the disk (D).</summary>
    private bool NoOtherThreadRuns()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            var id = Path.GetFileName(task);
            if (id == _ownTask) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // The thread ended while we looked.
            }
            // "tid (name) S ...": the name may hold spaces and parentheses, the state follows the last ')'.
            var close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length) continue;
            var state = stat[close + 2];
            if (state is 'R' or 'D') return false;
        }
        return true;
    }
}
