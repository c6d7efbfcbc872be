using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Fillwise.Venues.Lighter;

/// <summary>What the Lighter stream says, mapped.</summary>
public abstract record LighterStreamEvent
{
    /// <summary>One of our orders as it stands now (account_all_orders).</summary>
    public sealed record OrderUpdate(LighterOrder Order) : LighterStreamEvent;

    /// <summary>One of our trades (account_all_trades).</summary>
    public sealed record TradeUpdate(LighterTrade Trade) : LighterStreamEvent;

    /// <summary>A position that changed (account_all_positions).</summary>
    public sealed record PositionUpdate(LighterPosition Position) : LighterStreamEvent;

    /// <summary>A public trade of a watched market (trade channel).</summary>
    public sealed record PublicTrade(LighterTrade Trade) : LighterStreamEvent;

    /// <summary>The stream was (re)connected after a drop: anything since <paramref name="Since"/> may be missed; ask REST.</summary>
    public sealed record ResyncNeeded(DateTimeOffset Since) : LighterStreamEvent;
}

/// <summary>
/// Lighter's WebSocket: the account channels (orders, trades, positions; subscribed with an auth
/// token) and the order-book and trade channels of watched markets. On any drop it reconnects after
/// a seeded, doubling backoff, subscribes everything again (fresh snapshots) and says
/// <see cref="LighterStreamEvent.ResyncNeeded"/>; a book whose update does not continue from its last
/// nonce is resubscribed for a new snapshot (a resync request), its quotes flagged meanwhile.
/// </summary>
public sealed class LighterStream : IAsyncDisposable
{
    private readonly LighterTransport _transport;
    private readonly LighterMarketDataClient _markets;
    private readonly LighterAuthTokens? _auth;
    private readonly long? _account;
    private readonly Func<ClientWebSocket>? _socketFactory;
    private readonly Channel<LighterStreamEvent> _events = System.Threading.Channels.Channel.CreateUnbounded<LighterStreamEvent>();
    private readonly ConcurrentDictionary<int, LighterOrderBook> _books = new();
    private readonly ConcurrentDictionary<int, byte> _tradeMarkets = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClientWebSocket? _socket;
    private Task _run = Task.CompletedTask;
    private DateTimeOffset _lastFrame;
    private int _connections;
    private int _resubscribes;
    private int _opened;

    internal LighterStream(LighterTransport transport, LighterMarketDataClient markets, LighterAuthTokens? auth, long? account, Func<ClientWebSocket>? socketFactory)
    {
        _transport = transport;
        _markets = markets;
        _auth = auth;
        _account = account;
        _socketFactory = socketFactory;
    }

    /// <summary>Called for every event as it is read, before it is queued (the adapter keeps its caches with it).</summary>
    public Action<LighterStreamEvent>? Observer { get; set; }

    /// <summary>Successful connects so far (1 = never dropped).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Books resubscribed after a nonce gap.</summary>
    public int Resubscribes => Volatile.Read(ref _resubscribes);

    public bool IsConnected { get; private set; }

    /// <summary>The last error message the venue sent on the stream (a refused subscription), for diagnostics.</summary>
    public string? LastError { get; private set; }

    /// <summary>Starts the stream; completes once the first connection is up and subscribed.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _markets.GetMarketsAsync(ct);
        Open();
        await _firstConnect.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Starts the stream without waiting and without reading the markets first (a venue that cannot
    /// be reached now is retried by the stream's own reconnects); completes when the first connection is up.
    /// </summary>
    public Task StartInBackground()
    {
        Open();
        return _firstConnect.Task;
    }

    private void Open()
    {
        if (Interlocked.Exchange(ref _opened, 1) == 0) _run = RunAsync(_stop.Token);
    }

    /// <summary>Follows a market's book (idempotent); subscribes at once when connected.</summary>
    public async Task WatchBookAsync(LighterMarketInfo market, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(market);
        // Watched already (the exit monitor asks for every open lot, every cycle): no new book.
        if (!_books.TryGetValue(market.MarketIndex, out var book))
        {
            var fresh = new LighterOrderBook(market);
            book = _books.GetOrAdd(market.MarketIndex, fresh);
            if (ReferenceEquals(book, fresh)) await SubscribeAsync(ChannelName("order_book", market.MarketIndex), null, ct);
        }
        // Back with the snapshot in, or after the wait (the stream keeps trying; later calls no longer wait).
        try
        {
            await book.FirstSnapshot.WaitAsync(BookWait, _transport.Time, ct);
        }
        catch (TimeoutException)
        {
            book.StopWaiting();
        }
    }

    /// <summary>How long <see cref="WatchBookAsync"/> waits for a book's first snapshot.</summary>
    public static readonly TimeSpan BookWait = TimeSpan.FromSeconds(5);

    /// <summary>Follows a market's public trades (idempotent).</summary>
    public async Task WatchTradesAsync(LighterMarketInfo market, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (!_tradeMarkets.TryAdd(market.MarketIndex, 0)) return;
        await SubscribeAsync(ChannelName("trade", market.MarketIndex), null, ct);
    }

    public LighterOrderBook? Book(int marketIndex) => _books.GetValueOrDefault(marketIndex);

    public async IAsyncEnumerable<LighterStreamEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in _events.Reader.ReadAllAsync(ct)) yield return e;
    }

    public bool TryRead(out LighterStreamEvent? e) => _events.Reader.TryRead(out e);

    private static string ChannelName(string name, long id) => name + "/" + id.ToString(CultureInfo.InvariantCulture);

    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            using var socket = _socketFactory?.Invoke() ?? new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(_transport.Options.WebSocketUrl, ct);
                _socket = socket;
                IsConnected = true;
                var n = Interlocked.Increment(ref _connections);
                failures = 0;
                await SubscribeAllAsync(ct);
                if (n > 1) Publish(new LighterStreamEvent.ResyncNeeded(_lastFrame == default ? _transport.Time.GetUtcNow() : _lastFrame));
                _firstConnect.TrySetResult();
                await ReadAsync(socket, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure of a connection (refused, cut, bad frame) means one thing: reconnect after a pause.
            catch (Exception)
#pragma warning restore CA1031
            {
                failures++;
            }
            finally
            {
                IsConnected = false;
                _socket = null;
                foreach (var book in _books.Values) book.Invalidate();
            }
            if (ct.IsCancellationRequested) break;
            try
            {
                await Task.Delay(_transport.Backoff(Math.Max(1, failures)), _transport.Time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task SubscribeAllAsync(CancellationToken ct)
    {
        if (_account is { } account && _auth is not null)
        {
            foreach (var name in new[] { "account_all_orders", "account_all_trades", "account_all_positions" })
                await SubscribeAsync(ChannelName(name, account), _auth.Current(), ct);
        }
        foreach (var index in _books.Keys) await SubscribeAsync(ChannelName("order_book", index), null, ct);
        foreach (var index in _tradeMarkets.Keys) await SubscribeAsync(ChannelName("trade", index), null, ct);
    }

    private async Task SubscribeAsync(string channel, string? auth, CancellationToken ct, string type = "subscribe")
    {
        var socket = _socket;
        if (socket is null || socket.State != WebSocketState.Open) return;
        var message = auth is null
            ? $$"""{"type":"{{type}}","channel":"{{channel}}"}"""
            : $$"""{"type":"{{type}}","channel":"{{channel}}","auth":"{{auth}}"}""";
        await _sendGate.WaitAsync(ct);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            // The connection is going; the reconnect subscribes again.
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private async Task ReadAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (socket.State == WebSocketState.Open && !ct.IsCancellationRequested)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(4096), ct);
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            if (result.MessageType == WebSocketMessageType.Close) return;
            _lastFrame = _transport.Time.GetUtcNow();
            await FrameAsync(buffer.WrittenMemory, ct);
        }
    }

    private async Task FrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(frame);
        var root = doc.RootElement;
        var type = LighterJson.OptStr(root, "type") ?? string.Empty;
        switch (type)
        {
            case "subscribed/order_book" or "update/order_book":
                await BookAsync(root, type.StartsWith("subscribed", StringComparison.Ordinal), ct);
                return;
            case "subscribed/account_all_orders" or "update/account_all_orders":
                foreach (var (market, o) in ByMarket(root, "orders")) Publish(new LighterStreamEvent.OrderUpdate(LighterWire.Order(o, market)));
                return;
            case "subscribed/account_all_trades" or "update/account_all_trades":
                foreach (var (market, t) in ByMarket(root, "trades")) Publish(new LighterStreamEvent.TradeUpdate(LighterWire.Trade(t, market)));
                return;
            case "subscribed/account_all_positions" or "update/account_all_positions":
                if (root.TryGetProperty("positions", out var positions) && positions.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in positions.EnumerateObject())
                        if (MarketOf(p.Name) is { } m) Publish(new LighterStreamEvent.PositionUpdate(LighterWire.Position(p.Value, m)));
                }
                return;
            case "update/trade":
                if (MarketOfChannel(root) is { } tm && root.TryGetProperty("trades", out var trades) && trades.ValueKind == JsonValueKind.Array)
                {
                    foreach (var t in trades.EnumerateArray()) Publish(new LighterStreamEvent.PublicTrade(LighterWire.Trade(t, tm)));
                }
                return;
            case "error":
                LastError = root.TryGetProperty("error", out var error) ? error.GetRawText() : root.GetRawText();
                return;
        }
    }

    private async Task BookAsync(JsonElement root, bool snapshot, CancellationToken ct)
    {
        if (MarketOfChannel(root) is not { } market || !_books.TryGetValue(market.MarketIndex, out var book) || !root.TryGetProperty("order_book", out var ob)) return;
        if (snapshot)
        {
            book.Reset(ob, _transport.Time.GetUtcNow());
            return;
        }
        if (book.Apply(ob, _transport.Time.GetUtcNow()) || !book.RequestResync()) return;
        // A gap: ask for a fresh snapshot, once; the updates meanwhile are ignored.
        {
            Interlocked.Increment(ref _resubscribes);
            var channel = ChannelName("order_book", market.MarketIndex);
            await SubscribeAsync(channel, null, ct, "unsubscribe");
            await SubscribeAsync(channel, null, ct);
        }
    }

    /// <summary>"order_book:0" → market 0.</summary>
    private LighterMarketInfo? MarketOfChannel(JsonElement root)
    {
        var channel = LighterJson.OptStr(root, "channel");
        var colon = channel?.LastIndexOf(':') ?? -1;
        return colon > 0 ? MarketOf(channel![(colon + 1)..]) : null;
    }

    private LighterMarketInfo? MarketOf(string index) =>
        int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? _markets.Market(i) : null;

    /// <summary>{"0":[...],"3":[...]}: each item with its market.</summary>
    private IEnumerable<(LighterMarketInfo Market, JsonElement Item)> ByMarket(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var groups) || groups.ValueKind != JsonValueKind.Object) yield break;
        foreach (var group in groups.EnumerateObject())
        {
            if (MarketOf(group.Name) is not { } market || group.Value.ValueKind != JsonValueKind.Array) continue;
            foreach (var item in group.Value.EnumerateArray()) yield return (market, item);
        }
    }

    private void Publish(LighterStreamEvent e)
    {
        Observer?.Invoke(e);
        _events.Writer.TryWrite(e);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _events.Writer.TryComplete();
        _stop.Dispose();
        _sendGate.Dispose();
    }
}
