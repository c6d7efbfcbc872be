using Fillwise.App.Hosting.Simulation;

namespace Fillwise.App.Tests.Hosting.Simulation;

public sealed class SimulatedClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Time_stands_still_until_the_next_timer_is_fired_and_then_jumps_to_it()
    {
        var clock = new SimulatedClock(Start);
        var delay = Task.Delay(TimeSpan.FromSeconds(30), clock);
        await Task.Delay(50);
        Assert.False(delay.IsCompleted);
        Assert.Equal(Start, clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(30), clock.NextDue);

        Assert.True(clock.FireNext());
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Start.AddSeconds(30), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(30), clock.GetElapsedTime(0));
        Assert.Null(clock.NextDue);
        Assert.False(clock.FireNext());
    }

    [Fact]
    public async Task Timers_fire_one_at_a_time_earliest_first_and_those_due_together_in_the_order_they_were_set()
    {
        var clock = new SimulatedClock(Start);
        var fired = new List<string>();
        var each = new SemaphoreSlim(0);
        void Set(string name, int ms) => clock.CreateTimer(_ => { lock (fired) fired.Add(name); each.Release(); }, null, TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan);
        Set("b", 200);
        Set("a", 100);
        Set("c", 200);
        Set("d", 150);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(clock.FireNext());
            Assert.True(await each.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(i + 1, fired.Count);
        }
        Assert.Equal(["a", "d", "b", "c"], fired);
        Assert.Equal(TimeSpan.FromMilliseconds(200), clock.Elapsed);
        Assert.Equal(4, clock.Fired);
    }

    [Fact]
    public async Task A_periodic_timer_comes_back_one_period_after_each_tick_and_a_disposed_one_never_fires()
    {
        var clock = new SimulatedClock(Start);
        using var periodic = new PeriodicTimer(TimeSpan.FromMilliseconds(250), clock);
        var gone = clock.CreateTimer(_ => throw new InvalidOperationException("fired after dispose"), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        gone.Dispose();
        for (var i = 1; i <= 3; i++)
        {
            var tick = periodic.WaitForNextTickAsync().AsTask();
            Assert.True(clock.FireNext());
            Assert.True(await tick.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(TimeSpan.FromMilliseconds(250 * i), clock.Elapsed);
            Assert.Equal(TimeSpan.FromMilliseconds(250 * (i + 1)), clock.NextDue);
        }
    }

    [Fact]
    public void A_timer_changed_is_due_from_now_and_a_timer_set_to_infinity_waits_for_nothing()
    {
        var clock = new SimulatedClock(Start);
        using var timer = clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        using var later = clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        Assert.True(clock.FireNext());
        Assert.True(timer.Change(TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan));
        Assert.Equal(TimeSpan.FromSeconds(3), clock.NextDue);
        Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        Assert.Null(clock.NextDue);
    }

    [Fact]
    public async Task A_timeout_on_the_simulated_clock_cancels_only_when_its_time_is_fired()
    {
        var clock = new SimulatedClock(Start);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), clock);
        await Task.Delay(30);
        Assert.False(timeout.IsCancellationRequested);
        Assert.True(clock.FireNext());
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!timeout.IsCancellationRequested && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.True(timeout.IsCancellationRequested);
    }

    [Fact]
    public void A_thread_kept_running_keeps_the_process_from_counting_as_idle()
    {
        var quiescence = new ProcessQuiescence();
        if (!quiescence.ReadsThreadStates) return; // Only Linux reads thread states; elsewhere the thread pool's counters cannot see a thread of its own.
        using var stop = new CancellationTokenSource();
        var spinning = new Thread(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(1000); }) { IsBackground = true };
        spinning.Start();
        try
        {
            Assert.False(quiescence.WaitForIdle(TimeSpan.FromMilliseconds(100), CancellationToken.None));
        }
        finally
        {
            stop.Cancel();
            spinning.Join();
        }
    }

    [Theory]
    // Established, nothing queued: quiet. Bytes sent and not yet taken in (tx), or received and not read (rx): busy.
    [InlineData("   3: 0100007F:9C40 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 20 4 30 10 -1", true)]
    [InlineData("   3: 0100007F:9C40 0100007F:D431 01 000000A0:00000000 00:00000000 00000000  1000        0 1 1 0 20 4 30 10 -1", false)]
    [InlineData("   4: 0100007F:D431 0100007F:9C40 01 00000000:0000002A 00:00000000 00000000  1000        0 1 1 0 20 4 30 10 -1", false)]
    // Listening: its tx field is the backlog limit; a connection not yet accepted (rx) is busy.
    [InlineData("   0: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0", true)]
    [InlineData("   0: 0100007F:9C40 00000000:0000 0A 00000000:00000001 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0", false)]
    // Another port's traffic is not ours.
    [InlineData("   5: 0100007F:1F90 0100007F:D432 01 000000A0:00000010 00:00000000 00000000  1000        0 1 1 0 20 4 30 10 -1", true)]
    public void A_watched_connection_with_bytes_in_flight_is_not_quiet(string line, bool quiet)
    {
        Assert.Equal(quiet, ProcessQuiescence.Quiet(line, [0x9C40]));
    }
}
