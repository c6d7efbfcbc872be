using Fillwise.Engine.Alerts;
using Fillwise.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Tests.Risk;

public class AlertDispatcherTests
{
    private sealed class FlakySink(int failures) : IAlertSink
    {
        private int _left = failures;
        public List<Alert> Received { get; } = [];
        public string Name => "flaky";

        public Task SendAsync(Alert alert, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _left) >= 0) throw new HttpRequestException("HTTP 502");
            lock (Received) Received.Add(alert);
            return Task.CompletedTask;
        }
    }

    private sealed class StuckSink : IAlertSink
    {
        public string Name => "stuck";

        public Task SendAsync(Alert alert, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }

    private static Alert Sample(int i) => new(AlertSeverity.Warning, "test", $"alert {i}", [new("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture))], DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_failing_sink_is_retried_until_it_takes_the_alert()
    {
        var sink = new FlakySink(failures: 2);
        await using var alerts = new AlertDispatcher([sink], TimeProvider.System, NullLogger.Instance, new AlertOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(5) });
        alerts.Raise(Sample(1));
        await alerts.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.Single(sink.Received);
        Assert.Equal((1L, 0L), (alerts.Sent, alerts.Failed));
    }

    [Fact]
    public async Task A_sink_that_never_answers_never_blocks_the_caller_and_a_full_queue_drops_the_oldest()
    {
        await using var alerts = new AlertDispatcher([new StuckSink()], TimeProvider.System, NullLogger.Instance, new AlertOptions { QueueCapacity = 3 });
        // Fifty raised into a sink that never answers: each call returns (nothing waits on a send), the oldest give way.
        for (var i = 0; i < 50; i++) alerts.Raise(Sample(i));
        Assert.True(alerts.Dropped >= 45, $"dropped {alerts.Dropped}");
    }

    [Fact]
    public async Task Giving_up_after_the_attempts_counts_a_failure()
    {
        var sink = new FlakySink(failures: 100);
        await using var alerts = new AlertDispatcher([sink], TimeProvider.System, NullLogger.Instance,
            new AlertOptions { Attempts = 3, FirstRetryDelay = TimeSpan.FromMilliseconds(1) });
        alerts.Raise(Sample(1));
        await alerts.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((0L, 1L), (alerts.Sent, alerts.Failed));
    }
}
