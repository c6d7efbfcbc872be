using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// One connection to <c>/lighter/stream</c>: Lighter's protocol of {"type":"subscribe","channel":"order_book/0"}
/// (account channels carry "auth"), answered with a "subscribed/..." snapshot and then "update/..."
/// messages; {"type":"ping"} gets a pong. Frames are queued without blocking the venue lock; a
/// consumer more than the buffer behind is cut; injected faults cut the socket on a timer.
/// </summary>
internal sealed class LighterStreamSession(LighterVenue venue, int capacity, TimeProvider time)
{
    private static readonly string[] AccountChannels = ["account_all_orders", "account_all_trades", "account_all_positions"];

    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);
    private int _queued;
    private volatile bool _closed;

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

    private void Send(JsonObject frame) => Send(KalshiWire.ToUtf8(frame));

    public void Close()
    {
        _closed = true;
        _outbound.Writer.TryComplete();
    }

    public async Task RunAsync(WebSocket socket, FaultInjector faults, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Send(new JsonObject { ["session_id"] = Guid.NewGuid().ToString("N"), ["type"] = "connected" });
        var sender = SendLoopAsync(socket, cts.Token);
        var cut = DisconnectFaultAsync(socket, faults, cts.Token);
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!cts.IsCancellationRequested && socket.State == WebSocketState.Open && !_closed)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await socket.ReceiveAsync(buffer.GetMemory(1024), cts.Token);
                    buffer.Advance(r.Count);
                    if (buffer.WrittenCount > 64 * 1024) throw new WebSocketException("message too large");
                }
                while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);
                if (r.MessageType == WebSocketMessageType.Close) break;
                if (r.MessageType == WebSocketMessageType.Text) Handle(buffer.WrittenMemory);
            }
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

    private void Handle(ReadOnlyMemory<byte> text)
    {
        string? type, channel, auth;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("a message must be a JSON object");
                return;
            }
            type = Str(root, "type");
            channel = Str(root, "channel");
            auth = Str(root, "auth");
        }
        catch (JsonException)
        {
            Error("the message is not JSON");
            return;
        }
        switch (type)
        {
            case "ping":
                Send(new JsonObject { ["type"] = "pong" });
                return;
            case "pong":
                return;
            case "subscribe" or "unsubscribe" when channel is not null:
                break;
            default:
                Error("type must be subscribe, unsubscribe or ping, with a channel to (un)subscribe");
                return;
        }
        var slash = channel.IndexOf('/', StringComparison.Ordinal);
        var name = slash > 0 ? channel[..slash] : channel;
        if (slash <= 0 || !long.TryParse(channel[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            Error($"invalid channel '{Cut(channel)}' (order_book/MARKET, trade/MARKET, account_all_orders/ACCOUNT, account_all_trades/ACCOUNT, account_all_positions/ACCOUNT)");
            return;
        }
        var key = LighterStreamHub.Key(name, id);
        if (type == "unsubscribe")
        {
            venue.WithLock(() => venue.Hub.Remove(this, key));
            _subscribed.Remove(key);
            Send(new JsonObject { ["channel"] = key, ["type"] = "unsubscribed" });
            return;
        }
        if (Array.IndexOf(AccountChannels, name) >= 0)
        {
            var (account, error) = venue.VerifyAuth(auth);
            if (error is not null || account != id)
            {
                Error(error?.Message ?? $"the auth token is not account {id.ToString(CultureInfo.InvariantCulture)}'s");
                return;
            }
        }
        var ok = venue.WithLock(() => venue.Subscribe(this, name, id, key));
        if (!ok) Error($"invalid channel '{Cut(channel)}': no such market or channel");
        else _subscribed.Add(key);
    }

    private void Error(string message) =>
        Send(new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["code"] = LighterErrors.InvalidParam, ["message"] = message } });

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static string Cut(string text) => text.Length > 60 ? text[..60] : text;

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
                socket.Abort();
                return;
            }
        }
    }
}
