using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Perp.Server;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// One connection to <c>/lighter/stream</c>: Lighter's protocol of {"type":"subscribe","channel":"order_book/0"}
/// (account channels carry "auth"), answered with a "subscribed/..." snapshot and then "update/..."
/// messages; {"type":"ping"} gets a pong. Sending, the slow-consumer cut and the injected
/// disconnects are <see cref="PerpStreamOutbox"/>'s.
/// </summary>
internal sealed class LighterStreamSession(LighterVenue venue, int capacity, TimeProvider time)
{
    private static readonly string[] AccountChannels = ["account_all_orders", "account_all_trades", "account_all_positions"];

    private readonly PerpStreamOutbox _outbox = new(capacity, time);
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);

    public void Send(byte[] frame) => _outbox.Send(frame);

    private void Send(JsonObject frame) => Send(KalshiWire.ToUtf8(frame));

    public void Close() => _outbox.Close();

    public Task RunAsync(WebSocket socket, FaultInjector faults, CancellationToken ct)
    {
        Send(new JsonObject { ["session_id"] = Guid.NewGuid().ToString("N"), ["type"] = "connected" });
        return _outbox.RunAsync(socket, faults, async token =>
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            while (!token.IsCancellationRequested && socket.State == WebSocketState.Open && !_outbox.IsClosed)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await socket.ReceiveAsync(buffer.GetMemory(1024), token);
                    buffer.Advance(r.Count);
                    if (buffer.WrittenCount > 64 * 1024) throw new WebSocketException("message too large");
                }
                while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);
                if (r.MessageType == WebSocketMessageType.Close) break;
                if (r.MessageType == WebSocketMessageType.Text) Handle(buffer.WrittenMemory);
            }
        }, ct);
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
}
