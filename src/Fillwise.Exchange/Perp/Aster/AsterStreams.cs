using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Perp.Server;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>
/// One WebSocket of the Aster venue: a user-data stream (its listenKey's account) or a market
/// stream (one symbol's depth diffs). Frames are queued without blocking the venue lock; a
/// consumer more than the buffer behind is cut.
/// </summary>
internal sealed class AsterStreamSession(long? accountId, string? listenKey, string? depthSymbol, int capacity, TimeProvider time)
{
    private readonly PerpStreamOutbox _outbox = new(capacity, time);

    public long? AccountId { get; } = accountId;

    public string? ListenKey { get; } = listenKey;

    public string? DepthSymbol { get; } = depthSymbol;

    public void Send(JsonObject frame)
    {
        if (!_outbox.IsClosed) _outbox.Send(AsterJsonResult.Utf8(frame));
    }

    /// <summary>Ends the stream after what is queued (listenKey expired or deleted).</summary>
    public void Close() => _outbox.Close();

    public Task RunAsync(WebSocket socket, FaultInjector faults, CancellationToken ct) =>
        _outbox.RunAsync(socket, faults, async token =>
        {
            // Incoming frames (pongs, stray text) are read and ignored; a close ends the session.
            var buffer = new byte[4096];
            while (!token.IsCancellationRequested && socket.State == WebSocketState.Open && !_outbox.IsClosed)
            {
                var r = await socket.ReceiveAsync(buffer, token);
                if (r.MessageType == WebSocketMessageType.Close) break;
            }
        }, ct);
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
