using System.Net.WebSockets;
using System.Threading.Channels;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Perp.Server;

/// <summary>
/// The outbound side of one perp venue WebSocket (Aster's and the Lighter-like venue's): frames are
/// queued without blocking the venue lock and sent in order; a consumer more than
/// <paramref name="capacity"/> frames behind is cut; the injected disconnect fault aborts the socket
/// on its timer.
/// </summary>
internal sealed class PerpStreamOutbox(int capacity, TimeProvider time)
{
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private int _queued;
    private volatile bool _closed;

    public bool IsClosed => _closed;

    public void Send(byte[] frame)
    {
        if (_closed) return;
        if (Interlocked.Increment(ref _queued) > capacity)
        {
            Close();
            return;
        }
        _outbound.Writer.TryWrite(frame);
    }

    /// <summary>Ends the stream after what is queued.</summary>
    public void Close()
    {
        _closed = true;
        _outbound.Writer.TryComplete();
    }

    /// <summary>
    /// Runs a session: the sender and the fault timer beside <paramref name="receive"/> (the session's
    /// own reading, until the peer goes or the stream closes), then sends what is queued (2 s at most).
    /// </summary>
    public async Task RunAsync(WebSocket socket, FaultInjector faults, Func<CancellationToken, Task> receive, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sender = SendLoopAsync(socket, cts.Token);
        var cut = DisconnectFaultAsync(socket, faults, cts.Token);
        try
        {
            await receive(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Peer gone, message too large, or server stopping.
        }
        Close();
        try
        {
            await sender.WaitAsync(TimeSpan.FromSeconds(2), time, CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException)
        {
            socket.Abort();
        }
        await cts.CancelAsync();
        try
        {
            await cut;
        }
        catch (OperationCanceledException)
        {
            // Ended before the fault fired.
        }
    }

    private async Task SendLoopAsync(WebSocket socket, CancellationToken ct)
    {
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(ct))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, ct);
                Interlocked.Decrement(ref _queued);
            }
            if (socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "stream closed", ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private async Task DisconnectFaultAsync(WebSocket socket, FaultInjector faults, CancellationToken ct)
    {
        var connectedAt = time.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(FaultInjector.DisconnectFaultWait(faults.Settings.WsDisconnectEverySeconds, time.GetElapsedTime(connectedAt)), time, ct);
            var every = faults.Settings.WsDisconnectEverySeconds;
            if (every > 0 && time.GetElapsedTime(connectedAt) >= TimeSpan.FromSeconds(every))
            {
                socket.Abort();
                return;
            }
        }
    }
}
