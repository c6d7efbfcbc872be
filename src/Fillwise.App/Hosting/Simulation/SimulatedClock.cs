namespace Fillwise.App.Hosting.Simulation;

/// <summary>
/// The clock a replayable paper run lives on, shared by the built-in exchange and the engine: time
/// stands still until <see cref="FireNext"/> moves it to the earliest timer and fires that one timer,
/// alone. With <see cref="SimulationDriver"/> firing the next only when the process is idle, every
/// delay, timeout, poll and agent step happens in one order, whatever the machine's speed.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private readonly Lock _lock = new();
    // Earliest first; timers due at one instant in the order they were set.
    private readonly SortedSet<Entry> _due = new(EntryOrder.Instance);
    private readonly DateTimeOffset _start;
    private long _elapsedTicks;
    private long _sequence;

    public SimulatedClock(DateTimeOffset start) => _start = start;

    /// <summary>When this clock started (its time at elapsed zero).</summary>
    public DateTimeOffset Start => _start;

    /// <summary>How far the clock has moved since it started.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _elapsedTicks));

    /// <summary>Timers fired so far.</summary>
    public long Fired { get; private set; }

    /// <summary>Told of each timer as it fires (elapsed time, the callback's method): to find where two runs of a seed part.</summary>
    public Action<TimeSpan, string>? Trace { get; set; }

    public override DateTimeOffset GetUtcNow() => _start + Elapsed;

    public override long GetTimestamp() => Volatile.Read(ref _elapsedTicks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimulatedTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>The elapsed time at which the next timer is due; null when none is set.</summary>
    public TimeSpan? NextDue
    {
        get
        {
            lock (_lock) return _due.Count == 0 ? null : TimeSpan.FromTicks(_due.Min!.DueTicks);
        }
    }

    /// <summary>
    /// Moves the clock to the earliest timer (never backwards) and fires it; its callback runs on the
    /// thread pool, not on the caller. False when no timer is set.
    /// </summary>
    public bool FireNext()
    {
        SimulatedTimer timer;
        lock (_lock)
        {
            if (_due.Count == 0) return false;
            var entry = _due.Min!;
            _due.Remove(entry);
            timer = entry.Timer;
            if (entry.DueTicks > _elapsedTicks) Volatile.Write(ref _elapsedTicks, entry.DueTicks);
            timer.Scheduled = null;
            if (timer.PeriodTicks > 0) Schedule(timer, _elapsedTicks + timer.PeriodTicks);
            Fired++;
        }
        Trace?.Invoke(Elapsed, timer.Describe());
        ThreadPool.UnsafeQueueUserWorkItem(static t => t.Invoke(), timer, preferLocal: false);
        return true;
    }

    private void Change(SimulatedTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        if (Trace is not null) timer.Origin = Origin();
        lock (_lock)
        {
            if (timer.Scheduled is { } old) _due.Remove(old);
            timer.Scheduled = null;
            if (timer.Disposed) return;
            timer.PeriodTicks = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
            if (dueTime == Timeout.InfiniteTimeSpan) return;
            Schedule(timer, _elapsedTicks + Math.Max(0, dueTime.Ticks));
        }
    }

    private void Schedule(SimulatedTimer timer, long dueTicks)
    {
        var entry = new Entry(dueTicks, ++_sequence, timer);
        timer.Scheduled = entry;
        _due.Add(entry);
    }

    private void Remove(SimulatedTimer timer)
    {
        lock (_lock)
        {
            timer.Disposed = true;
            if (timer.Scheduled is { } old) _due.Remove(old);
            timer.Scheduled = null;
        }
    }

    /// <summary>For the trace: the first Fillwise frame that set the timer (an async method shows as its state machine).</summary>
    private static string Origin()
    {
        foreach (var frame in new System.Diagnostics.StackTrace(2, false).GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            if (type?.FullName is { } name && name.StartsWith("Fillwise.", StringComparison.Ordinal) && !name.StartsWith("Fillwise.App.Hosting.Simulation", StringComparison.Ordinal))
                return name;
        }
        return "?";
    }

    private sealed record Entry(long DueTicks, long Sequence, SimulatedTimer Timer);

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var byDue = x.DueTicks.CompareTo(y.DueTicks);
            return byDue != 0 ? byDue : x.Sequence.CompareTo(y.Sequence);
        }
    }

    private sealed class SimulatedTimer(SimulatedClock clock, TimerCallback callback, object? state) : ITimer
    {
        // Guarded by the clock's lock.
        internal Entry? Scheduled { get; set; }
        internal long PeriodTicks { get; set; }
        internal bool Disposed { get; set; }

        internal string? Origin { get; set; }

        internal string Describe() => $"{Origin ?? callback.Method.DeclaringType?.FullName + "." + callback.Method.Name}";

        internal void Invoke()
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            callback(state);
        }

        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (Volatile.Read(ref _disposed) != 0) return false;
            clock.Change(this, dueTime, period);
            return true;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            clock.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
