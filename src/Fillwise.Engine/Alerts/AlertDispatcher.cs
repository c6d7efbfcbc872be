using System.Threading.Channels;
using Fillwise.Engine.Logging;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Alerts;

/// <summary>
/// Raises alerts without ever blocking the caller: each is logged at once and queued (bounded;
/// the oldest is dropped and counted when full) for a background sender that tries every sink with
/// retries and a growing delay. Sends, failures and drops are counted for /state.
/// </summary>
public sealed class AlertDispatcher : IAsyncDisposable
{
    private readonly IReadOnlyList<IAlertSink> _sinks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Alert> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sender;
    private long _sent, _failed, _dropped;

    public AlertDispatcher(IEnumerable<IAlertSink> sinks, TimeProvider time, ILogger logger, AlertOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        _sinks = sinks.ToList();
        _time = time;
        _logger = logger;
        Options = options ?? new AlertOptions();
        _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(Math.Max(1, Options.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _dropped));
        _sender = _sinks.Count == 0 ? Task.CompletedTask : Task.Run(SendLoopAsync);
    }

    public AlertOptions Options { get; }

    /// <summary>Raised for every alert (the control API's event stream).</summary>
    public event Action<Alert>? Raised;

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public long Dropped => Interlocked.Read(ref _dropped);

    public IReadOnlyList<string> Sinks => _sinks.Select(s => s.Name).ToList();

    public void Raise(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        EngineLog.AlertRaised(_logger, Alert.Wire(alert.Severity), alert.Kind, alert.Title,
            string.Join("; ", alert.Fields.Select(f => $"{f.Key}: {f.Value}")));
        if (_sinks.Count > 0) _queue.Writer.TryWrite(alert);
        Raised?.Invoke(alert);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(_stop.Token))
                foreach (var sink in _sinks)
                    await SendWithRetriesAsync(sink, alert, _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task SendWithRetriesAsync(IAlertSink sink, Alert alert, CancellationToken ct)
    {
        var delay = Options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sink.SendAsync(alert, ct);
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                if (attempt >= Options.Attempts)
                {
                    Interlocked.Increment(ref _failed);
                    EngineLog.AlertFailed(_logger, sink.Name, alert.Kind, attempt, e.Message);
                    return;
                }
                await Task.Delay(delay, _time, ct);
                delay += delay;
            }
        }
    }

    /// <summary>Sends what is queued (up to <paramref name="within"/>), then stops.</summary>
    public async Task DrainAsync(TimeSpan within)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _sender.WaitAsync(within, _time);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _sender;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
