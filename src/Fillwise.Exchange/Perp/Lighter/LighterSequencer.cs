using System.Threading.Channels;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// Executes accepted transactions in the order sendTx accepted them, each at its due time (acceptance
/// + the venue's execution delay) on the injected clock: what Lighter's sequencer does after sendTx
/// has answered with a tx hash. Tests can hold it to see an accepted order that is not there yet.
/// </summary>
internal sealed class LighterSequencer(TimeProvider time)
{
    private readonly Channel<LighterPendingTx> _queue = Channel.CreateUnbounded<LighterPendingTx>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private TaskCompletionSource? _held;

    public void Enqueue(LighterPendingTx tx) => _queue.Writer.TryWrite(tx);

    public bool IsHeld
    {
        get
        {
            lock (_gate) return _held is not null;
        }
    }

    /// <summary>Accepted transactions wait (they stay pending) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_gate) _held ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release()
    {
        TaskCompletionSource? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
        }
        held?.TrySetResult();
    }

    public async Task RunAsync(Action<LighterPendingTx> execute, Action<Exception> failed, CancellationToken ct)
    {
        try
        {
            await foreach (var tx in _queue.Reader.ReadAllAsync(ct))
            {
                var wait = tx.DueAt - time.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
                Task? held;
                lock (_gate) held = _held?.Task;
                if (held is not null) await held.WaitAsync(ct);
                try
                {
                    execute(tx);
                }
#pragma warning disable CA1031 // One transaction that breaks must not stop every later one.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failed(e);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

/// <summary>Lighter's transaction budget: sendTx calls per account in a sliding minute on the injected clock.</summary>
internal sealed class LighterTxBudget(TimeProvider time, int perMinute)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Queue<DateTimeOffset>> _sent = [];

    public int PerMinute { get; } = perMinute;

    /// <summary>Null when within budget (and billed); otherwise the whole seconds until a slot frees.</summary>
    public int? TryConsume(long account)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sent.TryGetValue(account, out var q)) _sent[account] = q = new Queue<DateTimeOffset>();
            while (q.Count > 0 && q.Peek() <= now - TimeSpan.FromMinutes(1)) q.Dequeue();
            if (q.Count >= PerMinute) return Math.Max(1, (int)Math.Ceiling((q.Peek() + TimeSpan.FromMinutes(1) - now).TotalSeconds));
            q.Enqueue(now);
            return null;
        }
    }
}
