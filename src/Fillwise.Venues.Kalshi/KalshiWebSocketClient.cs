using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi;

public sealed record KalshiWebSocketOptions
{
    public TimeSpan ReconnectBase { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Client pings; the server's own pings are answered by ClientWebSocket automatically.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    public int RandomSeed { get; init; } = 23;

    /// <summary>Emit an <see cref="OrderBookUpdated"/> per applied delta (off = snapshots and stale events only).</summary>
    public bool EmitBookUpdates { get; init; } = true;

    /// <summary>
    /// A get_snapshot not answered within this long is asked again (the request or its answer can be
    /// lost, or refused with an error), so a stale book never stays stale for want of a retry.
    /// </summary>
    public TimeSpan SnapshotRetryAfter { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>Kalshi's WebSocket channels this client understands.</summary>
public static class KalshiChannels
{
    public const string OrderbookDelta = "orderbook_delta";
    public const string Ticker = "ticker";
    public const string Trade = "trade";
    public const string Fill = "fill";
    public const string UserOrders = "user_orders";
    public const string MarketPositions = "market_positions";
}

/// <summary>
/// The authenticated Kalshi WebSocket: one subscription per channel per connection (grown with
/// update_subscription add_markets), seq-checked books with get_snapshot on a gap, reconnect with
/// seeded-jitter backoff and resubscription, and a <see cref="WsResyncNeeded"/> after every reconnect.
/// Events arrive through <see cref="Events"/>. Call <see cref="RunAsync"/> once; it returns when canceled.
/// </summary>
public sealed class KalshiWebSocketClient : IAsyncDisposable
{
    private readonly KalshiEnvironment _env;
    private readonly KalshiRequestSigner _signer;
    private readonly TimeProvider _time;
    private readonly Random _jitter;
    private readonly Channel<KalshiWsEvent> _events = Channel.CreateUnbounded<KalshiWsEvent>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly object _gate = new();

    // Desired state survives reconnects: channel -> markets (empty set = no market filter).
    private readonly Dictionary<string, HashSet<string>> _desired = new(StringComparer.Ordinal);

    // Per connection.
    private readonly Dictionary<string, long> _sidByChannel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _sent = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _pendingSubscribe = [];
    // Books waiting for the snapshot asked for them: (sid, ticker) -> when it was (last) asked for.
    private readonly Dictionary<(long Sid, string Ticker), long> _awaitingSnapshot = [];
    private ClientWebSocket? _socket;
    private long _nextId;
    private int _connection;
    private DateTimeOffset? _lastMessageAt;

    public KalshiWebSocketClient(KalshiEnvironment environment, KalshiRequestSigner signer, KalshiWebSocketOptions? options = null,
        TimeProvider? time = null, KalshiClientHealth? health = null)
    {
        _env = environment;
        _signer = signer;
        Options = options ?? new KalshiWebSocketOptions();
        _time = time ?? TimeProvider.System;
        Health = health ?? new KalshiClientHealth();
        _jitter = new Random(Options.RandomSeed);
    }

    public KalshiWebSocketOptions Options { get; }

    public KalshiClientHealth Health { get; }

    public ChannelReader<KalshiWsEvent> Events => _events.Reader;

    /// <summary>
    /// The books, written by the receive loop. Read them from the event consumer only as a hint;
    /// <see cref="OrderBookUpdated.Top"/> is the thread-safe copy.
    /// </summary>
    public OrderBookFeed Books { get; } = new();

    public bool IsConnected => _socket?.State == WebSocketState.Open;

    /// <summary>Test hook: frames for which this returns true are discarded as if lost in transit.</summary>
    internal Func<ReadOnlyMemory<byte>, bool>? DropIncomingFrame { get; set; }

    /// <summary>Bad messages seen (also reported as <see cref="WsBadMessage"/>).</summary>
    public long BadMessages => Health.BadMessages;

    /// <summary>Adds markets to a channel's subscription (or subscribes to a channel with no market filter).</summary>
    public async Task SubscribeAsync(string channel, IEnumerable<MarketTicker>? markets = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        var tickers = markets?.Select(m => m.Value).ToList() ?? [];
        if (channel == KalshiChannels.OrderbookDelta)
        {
            // Books are created by their first snapshot, on the receive loop: the feed has a single writer.
            if (tickers.Count == 0) throw new ArgumentException("orderbook_delta needs market tickers", nameof(markets));
        }
        lock (_gate)
        {
            if (!_desired.TryGetValue(channel, out var set)) _desired[channel] = set = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(tickers);
        }
        if (IsConnected) await SyncSubscriptionAsync(channel, ct).ConfigureAwait(false);
    }

    /// <summary>Connects, and keeps reconnecting with backoff, until <paramref name="ct"/> is canceled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var connection = ++_connection;
            var reason = "closed";
            var connectedAt = _time.GetTimestamp();
            var wasConnected = false;
            try
            {
                using var socket = await ConnectAsync(ct).ConfigureAwait(false);
                wasConnected = true;
                await OnConnectedAsync(socket, connection, ct).ConfigureAwait(false);
                using var connectionDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var watchdog = RetryUnansweredSnapshotsAsync(connectionDone.Token);
                try
                {
                    await ReceiveLoopAsync(socket, ct).ConfigureAwait(false);
                }
                finally
                {
                    await connectionDone.CancelAsync().ConfigureAwait(false);
                    await watchdog.ConfigureAwait(false);
                }
                reason = $"server closed ({socket.CloseStatus} {socket.CloseStatusDescription})";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or HttpRequestException or InvalidOperationException)
            {
                reason = $"{e.GetType().Name}: {e.Message}";
            }
            finally
            {
                lock (_gate) _socket = null;
            }

            var now = _time.GetUtcNow();
            _lastMessageAt ??= now;
            Publish(new WsDisconnected(connection, reason, now));
            // A connection that lived a while resets the backoff; a flapping one grows it.
            failures = wasConnected && _time.GetElapsedTime(connectedAt) > TimeSpan.FromSeconds(30) ? 1 : failures + 1;
            try
            {
                await Task.Delay(Backoff(failures), _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        _events.Writer.TryComplete();
    }

    private async Task<ClientWebSocket> ConnectAsync(CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            var auth = _signer.Sign("GET", _env.WebSocketPath);
            socket.Options.SetRequestHeader(KalshiAuthHeaders.KeyHeader, auth.KeyId);
            socket.Options.SetRequestHeader(KalshiAuthHeaders.TimestampHeader, auth.TimestampMs);
            socket.Options.SetRequestHeader(KalshiAuthHeaders.SignatureHeader, auth.Signature);
            socket.Options.KeepAliveInterval = Options.KeepAliveInterval;
            using var timeout = new CancellationTokenSource(Options.ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            await socket.ConnectAsync(_env.WebSocket, linked.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task OnConnectedAsync(ClientWebSocket socket, int connection, CancellationToken ct)
    {
        List<string> channels;
        lock (_gate)
        {
            _socket = socket;
            _sidByChannel.Clear();
            _sent.Clear();
            _pendingSubscribe.Clear();
            _awaitingSnapshot.Clear(); // a new connection's subscriptions bring fresh snapshots
            channels = [.. _desired.Keys];
        }
        Books.ResetConnection();
        Publish(new WsConnected(connection, _time.GetUtcNow()));
        if (connection > 1)
        {
            // Anything from the last message we saw onwards may have been missed.
            Publish(new WsResyncNeeded(_lastMessageAt ?? _time.GetUtcNow(), connection));
        }
        foreach (var channel in channels) await SyncSubscriptionAsync(channel, ct).ConfigureAwait(false);
    }

    /// <summary>Brings one channel's live subscription up to the desired market set.</summary>
    private async Task SyncSubscriptionAsync(string channel, CancellationToken ct)
    {
        string? command = null;
        lock (_gate)
        {
            if (_socket is null || !_desired.TryGetValue(channel, out var want)) return;
            if (_pendingSubscribe.ContainsValue(channel)) return; // the "subscribed" reply will sync the rest
            var id = ++_nextId;
            if (!_sidByChannel.TryGetValue(channel, out var sid))
            {
                _pendingSubscribe[id] = channel;
                _sent[channel] = new HashSet<string>(want, StringComparer.Ordinal);
                command = Command(id, "subscribe", w =>
                {
                    w.WriteStartArray("channels");
                    w.WriteStringValue(channel);
                    w.WriteEndArray();
                    if (want.Count > 0) WriteTickers(w, want);
                });
            }
            else
            {
                var sent = _sent[channel];
                var missing = want.Where(t => !sent.Contains(t)).ToList();
                if (missing.Count == 0) return;
                sent.UnionWith(missing);
                command = Command(id, "update_subscription", w =>
                {
                    w.WriteNumber("sid", sid);
                    WriteTickers(w, missing);
                    w.WriteString("action", "add_markets");
                });
            }
        }
        await SendTextAsync(command, ct).ConfigureAwait(false);
    }

    private async Task RequestSnapshotAsync(long sid, IReadOnlyList<MarketTicker> markets, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            foreach (var m in markets) _awaitingSnapshot[(sid, m.Value)] = now;
        }
        await SendSnapshotRequestAsync(sid, [.. markets.Select(m => m.Value)], ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs beside the receive loop for one connection: asks again for every snapshot still unanswered
    /// after <see cref="KalshiWebSocketOptions.SnapshotRetryAfter"/>. It reads only the request table,
    /// never the books (those belong to the receive loop).
    /// </summary>
    private async Task RetryUnansweredSnapshotsAsync(CancellationToken ct)
    {
        var after = Options.SnapshotRetryAfter;
        try
        {
            while (true)
            {
                await Task.Delay(after / 2, _time, ct).ConfigureAwait(false);
                List<(long Sid, List<string> Tickers)> due;
                lock (_gate)
                {
                    var now = _time.GetTimestamp();
                    var overdue = _awaitingSnapshot.Where(kv => _time.GetElapsedTime(kv.Value, now) >= after).Select(kv => kv.Key).ToList();
                    foreach (var key in overdue) _awaitingSnapshot[key] = now;
                    due = [.. overdue.GroupBy(k => k.Sid).Select(g => (g.Key, g.Select(k => k.Ticker).ToList()))];
                }
                foreach (var (sid, tickers) in due)
                {
                    Health.RecordSnapshotRetry();
                    Publish(new OrderBookSnapshotRetried(sid, [.. tickers.Select(t => new MarketTicker(t))]));
                    await SendSnapshotRequestAsync(sid, tickers, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the connection ended: the next one subscribes afresh
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // the socket is going away; the receive loop reports why
        }
    }

    private async Task SendSnapshotRequestAsync(long sid, IReadOnlyList<string> tickers, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var command = Command(id, "update_subscription", w =>
        {
            w.WriteNumber("sid", sid);
            if (tickers.Count > 0) WriteTickers(w, tickers);
            w.WriteString("action", "get_snapshot");
        });
        await SendTextAsync(command, ct).ConfigureAwait(false);
    }

    private static void WriteTickers(Utf8JsonWriter w, IEnumerable<string> tickers)
    {
        w.WriteStartArray("market_tickers");
        foreach (var t in tickers) w.WriteStringValue(t);
        w.WriteEndArray();
    }

    private static string Command(long id, string cmd, Action<Utf8JsonWriter> writeParams)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("cmd", cmd);
            w.WriteStartObject("params");
            writeParams(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task SendTextAsync(string text, CancellationToken ct)
    {
        var socket = _socket;
        if (socket is null || socket.State != WebSocketState.Open) return; // resent on reconnect
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (socket.State == WebSocketState.Open)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct).ConfigureAwait(false);
                    return;
                }
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            _lastMessageAt = _time.GetUtcNow();
            if (DropIncomingFrame?.Invoke(buffer.WrittenMemory) == true) continue;
            await HandleMessageAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Handles one text frame. Internal for tests; never throws on bad input.</summary>
    internal async Task HandleMessageAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        if (message.Span.SequenceEqual("heartbeat"u8) || message.IsEmpty) return; // keepalive text, nothing to do

        var r = Books.Apply(message.Span);
        switch (r.Outcome)
        {
            case BookFeedOutcome.DeltaApplied:
                if (Options.EmitBookUpdates) Publish(new OrderBookUpdated(r.Book!.Top, r.Seq, false));
                return;
            case BookFeedOutcome.SnapshotApplied:
                lock (_gate) _awaitingSnapshot.Remove((r.Sid, r.Book!.Ticker.Value));
                Publish(new OrderBookUpdated(r.Book.Top, r.Seq, true));
                return;
            case BookFeedOutcome.Gap or BookFeedOutcome.Inconsistent:
            {
                var stale = Books.StaleBooks(r.Sid).Select(b => b.Ticker).ToList();
                if (r.Book is { } b && !stale.Contains(b.Ticker)) stale.Add(b.Ticker);
                Publish(new OrderBookStale(r.Sid, stale, r.Outcome == BookFeedOutcome.Gap ? $"seq gap at {r.Seq}" : $"negative level at seq {r.Seq}"));
                await RequestSnapshotAsync(r.Sid, stale, ct).ConfigureAwait(false);
                return;
            }
            case BookFeedOutcome.DroppedStale or BookFeedOutcome.Duplicate or BookFeedOutcome.UnknownMarket:
                return;
            case BookFeedOutcome.Malformed:
                ReportBad("unreadable order book message", message.Span);
                return;
        }

        try
        {
            using var doc = JsonDocument.Parse(message);
            await HandleOtherAsync(doc.RootElement, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            ReportBad("not JSON", message.Span);
        }
        catch (KalshiApiException e)
        {
            ReportBad(e.Message, message.Span);
        }
        catch (Exception e) when (e is Fillwise.Domain.DomainException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            ReportBad(e.Message, message.Span);
        }
    }

    private async Task HandleOtherAsync(JsonElement root, CancellationToken ct)
    {
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var msg = root.TryGetProperty("msg", out var m) ? m : default;
        switch (type)
        {
            case "subscribed":
            {
                var channel = KalshiJson.RequiredString(msg, "channel");
                var sid = KalshiJson.OptionalLong(msg, "sid") ?? KalshiJson.OptionalLong(root, "sid") ?? throw KalshiJson.Missing("sid");
                lock (_gate)
                {
                    _sidByChannel[channel] = sid;
                    if (KalshiJson.OptionalLong(root, "id") is { } id) _pendingSubscribe.Remove(id);
                    else foreach (var k in _pendingSubscribe.Where(p => p.Value == channel).Select(p => p.Key).ToList()) _pendingSubscribe.Remove(k);
                }
                Publish(new WsSubscribed(channel, sid));
                await SyncSubscriptionAsync(channel, ct).ConfigureAwait(false); // markets added while it was pending
                return;
            }
            case "error":
            {
                var id = KalshiJson.OptionalLong(root, "id");
                if (id is { } pid) lock (_gate) _pendingSubscribe.Remove(pid);
                Publish(new WsCommandError(id, (int)(KalshiJson.OptionalLong(msg, "code") ?? 0), KalshiJson.OptionalString(msg, "msg") ?? ""));
                return;
            }
            case "ok" or "unsubscribed" or "list_subscriptions":
                return;
            case "ticker" or "ticker_v2":
                Publish(TickerUpdate.From(msg));
                return;
            case "trade":
                Publish(new TradeUpdate(KalshiTrade.From(msg)));
                return;
            case "fill":
                Publish(FillUpdate.From(msg));
                return;
            case "user_order":
                Publish(new UserOrderUpdate(KalshiOrder.From(msg)));
                return;
            case "market_position":
                Publish(MarketPositionUpdate.From(msg));
                return;
            case null:
                ReportBad("message without type", []);
                return;
            default:
                return; // a channel we did not ask for in detail (lifecycle, order groups): ignored
        }
    }

    private void ReportBad(string reason, ReadOnlySpan<byte> message)
    {
        Health.RecordBadMessage();
        var excerpt = Encoding.UTF8.GetString(message.Length > 200 ? message[..200] : message);
        Publish(new WsBadMessage(reason, excerpt));
    }

    private void Publish(KalshiWsEvent e) => _events.Writer.TryWrite(e);

    private TimeSpan Backoff(int failures)
    {
        var exp = Options.ReconnectBase.Ticks * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = Math.Min(exp, Options.ReconnectMax.Ticks);
        double factor;
        lock (_gate) factor = 0.5 + (_jitter.NextDouble() * 0.5);
        return TimeSpan.FromTicks((long)(capped * factor));
    }

    public async ValueTask DisposeAsync()
    {
        var socket = _socket;
        if (socket is { State: WebSocketState.Open })
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "dispose", cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // closing is best effort
            }
        }
        _events.Writer.TryComplete();
        _sendLock.Dispose();
    }
}
