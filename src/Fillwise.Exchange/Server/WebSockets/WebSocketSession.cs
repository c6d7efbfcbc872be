using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Server.WebSockets;

internal enum WsChannel
{
    OrderbookDelta,
    Ticker,
    Trade,
    Fill,
    UserOrders,
    MarketPositions,
    MarketLifecycle,
    OrderGroupUpdates,
}

internal sealed class WsSubscription(long sid, WsChannel channel, string channelName, HashSet<string>? markets, bool useYesPrice)
{
    public long Sid { get; } = sid;

    public WsChannel Channel { get; } = channel;

    public string ChannelName { get; } = channelName;

    /// <summary>Null: every market.</summary>
    public HashSet<string>? Markets { get; set; } = markets;

    public bool UseYesPrice { get; } = useYesPrice;

    /// <summary>Last seq sent; orderbook_delta and order_group_updates number their messages.</summary>
    public long Seq { get; set; }

    public bool HasSeq => Channel is WsChannel.OrderbookDelta or WsChannel.OrderGroupUpdates;

    public bool Covers(MarketTicker ticker) => Markets is null || Markets.Contains(ticker.Value);
}

/// <summary>
/// One authenticated WebSocket connection: its subscriptions (mutated only under the exchange
/// gate) and its outbound queue. Queuing never blocks the gate: a consumer that falls more than
/// the buffer capacity behind gets error 25 and is disconnected.
/// </summary>
internal sealed class WebSocketSession
{
    private const int MaxCommandBytes = 64 * 1024;

    private static readonly Dictionary<string, WsChannel> ChannelNames = new(StringComparer.Ordinal)
    {
        ["orderbook_delta"] = WsChannel.OrderbookDelta,
        ["ticker"] = WsChannel.Ticker,
        ["ticker_v2"] = WsChannel.Ticker,
        ["trade"] = WsChannel.Trade,
        ["fill"] = WsChannel.Fill,
        ["user_orders"] = WsChannel.UserOrders,
        ["market_positions"] = WsChannel.MarketPositions,
        ["market_lifecycle_v2"] = WsChannel.MarketLifecycle,
        ["order_group_updates"] = WsChannel.OrderGroupUpdates,
    };

    private readonly Dictionary<long, WsSubscription> _subscriptions = [];
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private long _nextSid = 1;
    private int _queued;
    private volatile bool _overflowed;
    private WebSocket? _socket;

    public WebSocketSession(string userId, int capacity, TimeProvider time)
    {
        UserId = userId;
        _capacity = capacity;
        _time = time;
    }

    public string UserId { get; }

    public bool Overflowed => _overflowed;

    /// <summary>The queued frames (tests read it directly to play a consumer that stopped reading).</summary>
    internal ChannelReader<byte[]> Outbound => _outbound.Reader;

    public bool HasChannel(WsChannel channel)
    {
        foreach (var sub in _subscriptions.Values)
        {
            if (sub.Channel == channel) return true;
        }
        return false;
    }

    /// <summary>The subscriptions of a channel that takes no market filter (every market, or none at all).</summary>
    public IEnumerable<WsSubscription> Matching(WsChannel channel)
    {
        foreach (var sub in _subscriptions.Values)
        {
            if (sub.Channel == channel) yield return sub;
        }
    }

    public IEnumerable<WsSubscription> Matching(WsChannel channel, MarketTicker ticker)
    {
        foreach (var sub in _subscriptions.Values)
        {
            if (sub.Channel == channel && sub.Covers(ticker)) yield return sub;
        }
    }

    public void SendData(WsSubscription sub, string type, JsonObject msg)
    {
        var frame = new JsonObject { ["type"] = type, ["sid"] = sub.Sid };
        if (sub.HasSeq) frame["seq"] = ++sub.Seq;
        frame["msg"] = msg;
        Enqueue(frame);
    }

    private void Enqueue(JsonObject frame)
    {
        if (_overflowed) return;
        if (Interlocked.Increment(ref _queued) > _capacity)
        {
            _overflowed = true;
            var error = new JsonObject
            {
                ["type"] = "error",
                ["msg"] = new JsonObject { ["code"] = 25, ["msg"] = "Subscription buffer overflow" },
            };
            _outbound.Writer.TryWrite(KalshiWire.ToUtf8(error));
            _outbound.Writer.TryComplete();
            _ = AbortSoonAsync();
            return;
        }
        _outbound.Writer.TryWrite(KalshiWire.ToUtf8(frame));
    }

    /// <summary>A stuck consumer cannot even take the error frame: give it a moment, then cut it.</summary>
    private async Task AbortSoonAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), _time);
        }
        finally
        {
            _socket?.Abort();
        }
    }

    public async Task RunAsync(WebSocket socket, ExchangeGate gate, FaultInjector faults, CancellationToken ct)
    {
        _socket = socket;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        gate.Run(_ => gate.Hub.Add(this));
        var sender = SendLoopAsync(socket, cts.Token);
        var disconnect = DisconnectFaultAsync(socket, faults, cts.Token);
        try
        {
            await ReceiveLoopAsync(socket, gate, cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The peer went away or the server is stopping: nothing to answer.
        }
        finally
        {
            gate.Run(_ => gate.Hub.Remove(this));
            _outbound.Writer.TryComplete();
        }
        try
        {
            await sender.WaitAsync(TimeSpan.FromSeconds(2), _time, CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException)
        {
            socket.Abort();
        }
        await cts.CancelAsync();
        try
        {
            await disconnect;
        }
        catch (OperationCanceledException)
        {
            // Connection ended before the fault fired.
        }
    }

    /// <summary>The ws_disconnect_every_s fault: a connection older than N seconds is cut, whenever the fault was set.</summary>
    private async Task DisconnectFaultAsync(WebSocket socket, FaultInjector faults, CancellationToken ct)
    {
        var connectedAt = _time.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(FaultInjector.DisconnectFaultWait(faults.Settings.WsDisconnectEverySeconds, _time.GetElapsedTime(connectedAt)), _time, ct);
            var every = faults.Settings.WsDisconnectEverySeconds;
            if (every > 0 && _time.GetElapsedTime(connectedAt) >= TimeSpan.FromSeconds(every))
            {
                socket.Abort();
                return;
            }
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
            if (_overflowed && socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "buffer overflow", ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private async Task ReceiveLoopAsync(WebSocket socket, ExchangeGate gate, CancellationToken ct)
    {
        var buffer = new byte[MaxCommandBytes];
        while (!ct.IsCancellationRequested && !_overflowed)
        {
            var length = 0;
            var tooLarge = false;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    tooLarge = true;
                    length = 0;
                }
                result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                return;
            }
            var command = buffer.AsMemory(0, length);
            gate.Run(ex =>
            {
                if (tooLarge)
                {
                    ReplyError(null, 1, "Unable to process message");
                    return;
                }
                try
                {
                    HandleCommand(ex, command.Span);
                }
#pragma warning disable CA1031 // A command that trips a bug answers Kalshi's "Internal error"; the connection lives on.
                catch (Exception)
#pragma warning restore CA1031
                {
                    ReplyError(null, 17, "Internal error");
                }
            });
        }
    }

    // ---- commands (always under the exchange gate) ------------------------------------------

    internal void HandleCommand(KalshiExchange exchange, ReadOnlySpan<byte> text)
    {
        // Text must be text (as for REST bodies): Kalshi's code 1, with the problem named.
        if (TextCheck.JsonTextProblem(text, "command") is { } problem)
        {
            ReplyError(null, 1, "Unable to process message: " + problem);
            return;
        }
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(text);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            ReplyError(null, 1, "Unable to process message");
            return;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                ReplyError(null, 1, "Unable to process message");
                return;
            }
            long? id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt64(out var idValue)
                ? idValue
                : null;
            var cmd = root.TryGetProperty("cmd", out var cmdElement) && cmdElement.ValueKind == JsonValueKind.String ? cmdElement.GetString() : null;
            JsonElement? parameters = root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? p : null;
            switch (cmd)
            {
                case "subscribe":
                    Subscribe(exchange, id, parameters);
                    break;
                case "unsubscribe":
                    Unsubscribe(id, parameters);
                    break;
                case "update_subscription":
                    UpdateSubscription(exchange, id, parameters);
                    break;
                case "list_subscriptions":
                    ListSubscriptions(id);
                    break;
                default:
                    ReplyError(id, 5, "Unknown command");
                    break;
            }
        }
    }

    private void Subscribe(KalshiExchange exchange, long? id, JsonElement? parameters)
    {
        if (parameters is not { } ps)
        {
            ReplyError(id, 2, "Params required");
            return;
        }
        if (!ps.TryGetProperty("channels", out var channels) || channels.ValueKind != JsonValueKind.Array || channels.GetArrayLength() == 0)
        {
            ReplyError(id, 3, "Channels required");
            return;
        }
        if (!TryReadMarkets(ps, out var markets))
        {
            ReplyError(id, 11, "Invalid parameter");
            return;
        }
        if (markets is not null && !AllMarketsExist(exchange, markets))
        {
            ReplyError(id, 16, "Market not found");
            return;
        }
        var useYesPrice = ps.TryGetProperty("use_yes_price", out var yp) && yp.ValueKind == JsonValueKind.True;
        foreach (var channelElement in channels.EnumerateArray())
        {
            var name = channelElement.ValueKind == JsonValueKind.String ? channelElement.GetString() : null;
            if (name is null || !ChannelNames.TryGetValue(name, out var channel))
            {
                ReplyError(id, 8, "Unknown channel name");
                continue;
            }
            if (HasChannel(channel))
            {
                ReplyError(id, 6, "Already subscribed");
                continue;
            }
            if (channel == WsChannel.OrderbookDelta && markets is null)
            {
                ReplyError(id, 14, "Market Ticker required");
                continue;
            }
            // Lifecycle and order group updates ignore market filters, as at Kalshi.
            var filtered = markets is not null && channel is not (WsChannel.MarketLifecycle or WsChannel.OrderGroupUpdates);
            var sub = new WsSubscription(_nextSid++, channel, name, filtered ? [.. markets!] : null, useYesPrice);
            _subscriptions[sub.Sid] = sub;
            Reply(id, new JsonObject { ["type"] = "subscribed", ["msg"] = new JsonObject { ["channel"] = name, ["sid"] = sub.Sid } });
            if (channel == WsChannel.OrderbookDelta)
            {
                foreach (var market in markets!) SendSnapshot(exchange, sub, market);
            }
        }
    }

    private void Unsubscribe(long? id, JsonElement? parameters)
    {
        if (parameters is not { } ps)
        {
            ReplyError(id, 2, "Params required");
            return;
        }
        if (!ps.TryGetProperty("sids", out var sids) || sids.ValueKind != JsonValueKind.Array || sids.GetArrayLength() == 0)
        {
            ReplyError(id, 4, "Subscription IDs required");
            return;
        }
        foreach (var sidElement in sids.EnumerateArray())
        {
            if (sidElement.ValueKind != JsonValueKind.Number || !sidElement.TryGetInt64(out var sid) || !_subscriptions.Remove(sid, out var sub))
            {
                ReplyError(id, 7, "Unknown subscription ID");
                continue;
            }
            var frame = new JsonObject { ["sid"] = sid };
            if (sub.HasSeq) frame["seq"] = sub.Seq;
            frame["type"] = "unsubscribed";
            Reply(id, frame);
        }
    }

    private void UpdateSubscription(KalshiExchange exchange, long? id, JsonElement? parameters)
    {
        if (parameters is not { } ps)
        {
            ReplyError(id, 2, "Params required");
            return;
        }
        long sid;
        if (ps.TryGetProperty("sid", out var sidElement) && sidElement.ValueKind == JsonValueKind.Number && sidElement.TryGetInt64(out var single))
        {
            sid = single;
        }
        else if (ps.TryGetProperty("sids", out var sids) && sids.ValueKind == JsonValueKind.Array && sids.GetArrayLength() == 1
                 && sids[0].ValueKind == JsonValueKind.Number && sids[0].TryGetInt64(out var first))
        {
            sid = first;
        }
        else
        {
            ReplyError(id, 12, "Exactly one subscription ID is required");
            return;
        }
        if (!ps.TryGetProperty("action", out var actionElement) || actionElement.ValueKind != JsonValueKind.String)
        {
            ReplyError(id, 15, "Action required");
            return;
        }
        if (!_subscriptions.TryGetValue(sid, out var sub))
        {
            ReplyError(id, 7, "Unknown subscription ID");
            return;
        }
        if (!TryReadMarkets(ps, out var markets))
        {
            ReplyError(id, 11, "Invalid parameter");
            return;
        }
        switch (actionElement.GetString())
        {
            case "add_markets":
            case "delete_markets":
            {
                var adding = actionElement.GetString() == "add_markets";
                if (markets is null)
                {
                    ReplyError(id, 14, "Market Ticker required");
                    return;
                }
                if (adding && !AllMarketsExist(exchange, markets))
                {
                    ReplyError(id, 16, "Market not found");
                    return;
                }
                if (sub.Markets is null)
                {
                    // A subscription to every market has nothing to add, and cannot drop one.
                    if (!adding)
                    {
                        ReplyError(id, 11, "Invalid parameter");
                        return;
                    }
                }
                else if (adding)
                {
                    foreach (var market in markets)
                    {
                        if (sub.Markets.Add(market) && sub.Channel == WsChannel.OrderbookDelta) SendSnapshot(exchange, sub, market);
                    }
                }
                else
                {
                    foreach (var market in markets) sub.Markets.Remove(market);
                }
                ReplyOk(id, sub);
                break;
            }
            case "get_snapshot":
            {
                if (sub.Channel != WsChannel.OrderbookDelta || sub.Markets is null)
                {
                    ReplyError(id, 13, "Unsupported action");
                    return;
                }
                var targets = markets ?? [.. sub.Markets];
                foreach (var market in targets)
                {
                    if (sub.Markets.Contains(market)) SendSnapshot(exchange, sub, market);
                }
                ReplyOk(id, sub);
                break;
            }
            default:
                ReplyError(id, 13, "Unsupported action");
                break;
        }
    }

    private void ListSubscriptions(long? id)
    {
        var list = new JsonArray();
        foreach (var sub in _subscriptions.Values.OrderBy(s => s.Sid))
            list.Add(new JsonObject { ["channel"] = sub.ChannelName, ["sid"] = sub.Sid });
        Reply(id, new JsonObject { ["type"] = "ok", ["msg"] = list });
    }

    private void SendSnapshot(KalshiExchange exchange, WsSubscription sub, string market)
    {
        var ticker = new MarketTicker(market);
        var book = exchange.GetBook(ticker) ?? new BookSnapshot(ticker, [], []);
        IReadOnlyList<BookLevel> noBids = book.NoBids;
        if (sub.UseYesPrice)
            noBids = [.. book.NoBids.Select(l => new BookLevel(l.Price.Complement, l.Count)).OrderBy(l => l.Price)];
        var msg = new JsonObject
        {
            ["market_ticker"] = market,
            ["market_id"] = SubscriptionHub.MarketId(ticker),
            ["yes_dollars_fp"] = KalshiWire.Levels(book.YesBids),
            ["no_dollars_fp"] = KalshiWire.Levels(noBids),
        };
        SendData(sub, "orderbook_snapshot", msg);
    }

    private void ReplyOk(long? id, WsSubscription sub)
    {
        var frame = new JsonObject { ["sid"] = sub.Sid };
        // Replies show the subscription's current seq without consuming one: data messages stay gap-free.
        if (sub.HasSeq) frame["seq"] = sub.Seq;
        frame["type"] = "ok";
        var markets = new JsonArray();
        if (sub.Markets is not null)
        {
            foreach (var m in sub.Markets.Order(StringComparer.Ordinal)) markets.Add(m);
        }
        frame["msg"] = new JsonObject { ["market_tickers"] = markets };
        Reply(id, frame);
    }

    private void Reply(long? id, JsonObject frame)
    {
        var withId = new JsonObject();
        if (id is { } value) withId["id"] = value;
        foreach (var (key, node) in frame.ToList())
        {
            frame.Remove(key);
            withId[key] = node;
        }
        Enqueue(withId);
    }

    private void ReplyError(long? id, int code, string message) =>
        Reply(id, new JsonObject { ["type"] = "error", ["msg"] = new JsonObject { ["code"] = code, ["msg"] = message } });

    private static bool TryReadMarkets(JsonElement ps, out List<string>? markets)
    {
        markets = null;
        var list = new List<string>();
        if (ps.TryGetProperty("market_ticker", out var single))
        {
            if (single.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(single.GetString())) return false;
            list.Add(single.GetString()!);
        }
        if (ps.TryGetProperty("market_tickers", out var many))
        {
            if (many.ValueKind != JsonValueKind.Array) return false;
            foreach (var item in many.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString())) return false;
                list.Add(item.GetString()!);
            }
        }
        if (list.Count > 0) markets = [.. list.Distinct(StringComparer.Ordinal)];
        return true;
    }

    private static bool AllMarketsExist(KalshiExchange exchange, List<string> markets)
    {
        foreach (var market in markets)
        {
            if (market.Length > 256 || market.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return false;
            if (!MarketTicker.TryCreate(market, out var ticker) || exchange.GetMarket(ticker) is null) return false;
        }
        return true;
    }
}
