using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>
/// One WebSocket of the Aster venue: a user-data stream (its listenKey's account) or a market
/// stream (one symbol's depth diffs). Frames are queued without blocking the venue lock; a
/// consumer more than the buffer behind is cut.
/// </summary>
internal sealed class AsterStreamSession(long? accountId, string? listenKey, string? depthSymbol, int capacity, TimeProvider time)
{
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private int _queued;
    private volatile bool _closed;
    private WebSocket? _socket;

    public long? AccountId { get; } = accountId;

    public string? ListenKey { get; } = listenKey;

    public string? DepthSymbol { get; } = depthSymbol;

    public void Send(JsonObject frame)
    {
        if (_closed) return;
        if (Interlocked.Increment(ref _queued) > capacity)
        {
            Close();
            return;
        }
        _outbound.Writer.TryWrite(AsterJsonResult.Utf8(frame));
    }

    /// <summary>Ends the stream after what is queued (listenKey expired or deleted).</summary>
    public void Close()
    {
        _closed = true;
        _outbound.Writer.TryComplete();
    }

    public async Task RunAsync(WebSocket socket, FaultInjector faults, CancellationToken ct)
    {
        _socket = socket;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sender = SendLoopAsync(socket, cts.Token);
        var cut = DisconnectFaultAsync(socket, faults, cts.Token);
        var buffer = new byte[4096];
        try
        {
            // Incoming frames (pongs, stray text) are read and ignored; a close ends the session.
            while (!cts.IsCancellationRequested && socket.State == WebSocketState.Open && !_closed)
            {
                var r = await socket.ReceiveAsync(buffer, cts.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Peer gone or server stopping.
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
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
            var every = faults.Settings.WsDisconnectEverySeconds;
            if (every > 0 && time.GetElapsedTime(connectedAt) >= TimeSpan.FromSeconds(every))
            {
                _socket?.Abort();
                return;
            }
        }
    }
}

/// <summary>
/// Turns the core's events into Aster's stream frames (ORDER_TRADE_UPDATE and ACCOUNT_UPDATE to the
/// account's user-data streams, depthUpdate to the symbol's depth streams). Called under the venue
/// lock, so frames leave in the order the state changed.
/// </summary>
internal sealed class AsterStreamHub(Func<string, PerpMarketView?> market) : IPerpExchangeListener
{
    private readonly List<AsterStreamSession> _sessions = [];

    public int Count => _sessions.Count;

    public void Add(AsterStreamSession session) => _sessions.Add(session);

    public void Remove(AsterStreamSession session) => _sessions.Remove(session);

    public void SendToAccount(long accountId, JsonObject frame)
    {
        foreach (var s in _sessions)
            if (s.AccountId == accountId) s.Send(frame);
    }

    public void CloseListenKey(string listenKey, JsonObject? lastFrame)
    {
        foreach (var s in _sessions)
        {
            if (s.ListenKey != listenKey) continue;
            if (lastFrame is not null) s.Send(lastFrame);
            s.Close();
        }
    }

    public void OnOrder(PerpOrderEvent e)
    {
        if (!HasAccount(e.Order.AccountId) || market(e.Order.Symbol) is not { } m) return;
        SendToAccount(e.Order.AccountId, AsterWire.OrderTradeUpdate(m, e));
    }

    public void OnAccount(PerpAccountEvent e)
    {
        if (!HasAccount(e.AccountId)) return;
        SendToAccount(e.AccountId, AsterWire.AccountUpdate(market, e));
    }

    public void OnBook(PerpBookDelta e)
    {
        JsonObject? frame = null;
        foreach (var s in _sessions)
        {
            if (s.DepthSymbol != e.Symbol) continue;
            frame ??= market(e.Symbol) is { } m ? AsterWire.DepthUpdate(m, e) : null;
            // Each session serializes its own copy: a JsonObject can have one parent only, and it is sent as bytes.
            if (frame is not null) s.Send(frame);
        }
    }

    private bool HasAccount(long accountId)
    {
        foreach (var s in _sessions)
            if (s.AccountId == accountId) return true;
        return false;
    }
}
