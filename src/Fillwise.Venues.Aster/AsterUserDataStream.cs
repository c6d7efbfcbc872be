using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Aster;

/// <summary>A position as ACCOUNT_UPDATE reports it.</summary>
public sealed record AsterPositionUpdate(InstrumentId Instrument, decimal Quantity, Price EntryPrice, Money AccumulatedRealized);

/// <summary>What the user-data stream says, mapped.</summary>
public abstract record AsterStreamEvent
{
    /// <summary>ORDER_TRADE_UPDATE: the order as it stands, and the fill when the execution was a TRADE.</summary>
    public sealed record OrderUpdate(AsterOrder Order, string Execution, PerpFill? Fill, Money RealizedPnl) : AsterStreamEvent;

    /// <summary>ACCOUNT_UPDATE: the wallet balance and the positions that changed (reason ORDER, FUNDING_FEE, ...).</summary>
    public sealed record AccountUpdate(string Reason, Money WalletBalance, IReadOnlyList<AsterPositionUpdate> Positions, DateTimeOffset Time) : AsterStreamEvent;

    /// <summary>The stream was (re)connected after a drop: anything since <paramref name="Since"/> may be missed; ask REST.</summary>
    public sealed record ResyncNeeded(DateTimeOffset Since) : AsterStreamEvent;

    /// <summary>The listenKey expired; the stream reconnects with a new one (a ResyncNeeded follows).</summary>
    public sealed record ListenKeyExpired(DateTimeOffset Time) : AsterStreamEvent;
}

/// <summary>
/// Aster's user-data stream: a listenKey (POST), kept alive (PUT every
/// <see cref="AsterClientOptions.ListenKeyKeepAlive"/>), its WebSocket read into typed events;
/// on any drop or expiry it reconnects with seeded backoff and a fresh listenKey and says
/// <see cref="AsterStreamEvent.ResyncNeeded"/>, because frames sent meanwhile are gone.
/// </summary>
public sealed class AsterUserDataStream : IAsyncDisposable
{
    private readonly AsterAccountClient _account;
    private readonly AsterTransport _transport;
    private readonly AsterSocket _socket;
    private readonly Channel<AsterStreamEvent> _events = Channel.CreateUnbounded<AsterStreamEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private Task _keepAlive = Task.CompletedTask;
    // The last moment the stream was known whole: its latest frame, or the connect when none came since.
    private DateTimeOffset _lastSeen;

    internal AsterUserDataStream(AsterAccountClient account, AsterTransport transport, Func<System.Net.WebSockets.ClientWebSocket>? socketFactory)
    {
        _account = account;
        _transport = transport;
        _socket = new AsterSocket(transport, socketFactory);
    }

    /// <summary>Successful connects so far (1 = never dropped).</summary>
    public int Connections => _socket.Connections;

    public bool IsConnected => _socket.IsConnected;

    /// <summary>Starts the stream; completes once the first connection is up (or throws when <paramref name="ct"/> ends first).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        _run = _socket.RunAsync(ConnectUrlAsync, ConnectedAsync, FrameAsync, _stop.Token);
        _keepAlive = KeepAliveAsync(_stop.Token);
        await _firstConnect.Task.WaitAsync(ct);
    }

    public async IAsyncEnumerable<AsterStreamEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in _events.Reader.ReadAllAsync(ct)) yield return e;
    }

    public bool TryRead(out AsterStreamEvent? e) => _events.Reader.TryRead(out e);

    private async Task<Uri> ConnectUrlAsync(CancellationToken ct)
    {
        var key = await _account.CreateListenKeyAsync(ct);
        return new Uri(_transport.Options.WebSocketBaseUrl.ToString().TrimEnd('/') + "/" + key);
    }

    private Task ConnectedAsync(bool reconnect)
    {
        var now = _transport.Time.GetUtcNow();
        if (reconnect) _events.Writer.TryWrite(new AsterStreamEvent.ResyncNeeded(_lastSeen == default ? now : _lastSeen));
        _lastSeen = now;
        _firstConnect.TrySetResult();
        return Task.CompletedTask;
    }

    private async Task KeepAliveAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(_transport.Options.ListenKeyKeepAlive, _transport.Time, ct);
                try
                {
                    await _account.KeepAliveListenKeyAsync(ct);
                }
                catch (AsterApiException)
                {
                    // The key is gone or the venue is unreachable: the stream's reconnect makes a new one.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private Task FrameAsync(ReadOnlyMemory<byte> frame)
    {
        _lastSeen = _transport.Time.GetUtcNow();
        using var doc = JsonDocument.Parse(frame);
        var root = doc.RootElement;
        var type = AsterJson.OptStr(root, "e");
        var venue = _transport.Options.Venue;
        switch (type)
        {
            case "ORDER_TRADE_UPDATE":
                _events.Writer.TryWrite(OrderUpdate(root.GetProperty("o"), venue));
                break;
            case "ACCOUNT_UPDATE":
                _events.Writer.TryWrite(AccountUpdate(root, venue));
                break;
            case "listenKeyExpired":
                _events.Writer.TryWrite(new AsterStreamEvent.ListenKeyExpired(AsterJson.Time(root, "E")));
                throw new IOException("listenKey expired: reconnect with a new one");
        }
        return Task.CompletedTask;
    }

    internal static AsterStreamEvent.OrderUpdate OrderUpdate(JsonElement o, string venue)
    {
        var instrument = new InstrumentId(venue, AsterJson.Str(o, "s"));
        var side = AsterJson.Side(AsterJson.Str(o, "S"));
        var type = AsterJson.Str(o, "o") == "MARKET" ? AsterOrderType.Market : AsterOrderType.Limit;
        var price = AsterJson.Price(o, "p");
        var executed = AsterJson.Qty(o, "z");
        var average = AsterJson.Dec(o, "ap");
        var clientId = AsterJson.ClientId(AsterJson.OptStr(o, "c"));
        var time = AsterJson.Time(o, "T");
        var order = new AsterOrder(AsterJson.Long(o, "i"), clientId, instrument, side, type, AsterJson.TimeInForce(AsterJson.OptStr(o, "f")),
            type == AsterOrderType.Limit && !price.IsZero ? price : null, AsterJson.Qty(o, "q"), executed, average,
            Money.Round(average * executed.Value, Money.MaxDecimals), AsterJson.Status(AsterJson.Str(o, "X")), AsterJson.Bool(o, "R"), time, time);
        var execution = AsterJson.Str(o, "x");
        PerpFill? fill = null;
        if (execution == "TRADE")
        {
            fill = new PerpFill(new TradeId(AsterJson.Long(o, "t").ToString(CultureInfo.InvariantCulture)), instrument, side, AsterJson.Qty(o, "l"),
                AsterJson.Price(o, "L"), AsterJson.Money(o, "n"), AsterJson.Bool(o, "m"), time, order.VenueOrderId, clientId);
        }
        var realized = o.TryGetProperty("rp", out _) ? AsterJson.Money(o, "rp") : Money.Zero;
        return new AsterStreamEvent.OrderUpdate(order, execution, fill, realized);
    }

    internal static AsterStreamEvent.AccountUpdate AccountUpdate(JsonElement root, string venue)
    {
        var a = root.GetProperty("a");
        var wallet = Money.Zero;
        foreach (var b in a.GetProperty("B").EnumerateArray())
            if (AsterJson.OptStr(b, "a") == "USDT") wallet = AsterJson.Money(b, "wb");
        var positions = new List<AsterPositionUpdate>();
        foreach (var p in a.GetProperty("P").EnumerateArray())
            positions.Add(new AsterPositionUpdate(new InstrumentId(venue, AsterJson.Str(p, "s")), AsterJson.Dec(p, "pa"), AsterJson.Price(p, "ep"), AsterJson.Money(p, "cr")));
        return new AsterStreamEvent.AccountUpdate(AsterJson.Str(a, "m"), wallet, positions, AsterJson.Time(root, "E"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_run, _keepAlive);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _events.Writer.TryComplete();
        _stop.Dispose();
    }
}
