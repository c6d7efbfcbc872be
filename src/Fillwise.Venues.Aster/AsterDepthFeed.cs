using Fillwise.Domain.Instruments;

namespace Fillwise.Venues.Aster;

/// <summary>
/// One symbol's live book: the depth diff stream (&lt;symbol&gt;@depth) applied to an
/// <see cref="AsterOrderBook"/>, synced from a REST snapshot at start, after every reconnect and on
/// every gap (frames that arrive while the snapshot is fetched are buffered and replayed).
/// </summary>
public sealed class AsterDepthFeed : IAsyncDisposable
{
    private readonly AsterMarketDataClient _markets;
    private readonly AsterTransport _transport;
    private readonly AsterSocket _socket;
    private readonly Lock _gate = new();
    private readonly List<byte[]> _buffer = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _snapshotDepth;
    private Task _run = Task.CompletedTask;
    private int _resyncing;

    internal AsterDepthFeed(Instrument instrument, AsterMarketDataClient markets, AsterTransport transport, int snapshotDepth,
        Func<System.Net.WebSockets.ClientWebSocket>? socketFactory)
    {
        Book = new AsterOrderBook(instrument);
        _markets = markets;
        _transport = transport;
        _snapshotDepth = snapshotDepth;
        _socket = new AsterSocket(transport, socketFactory);
    }

    /// <summary>The book; read it inside <see cref="Read{T}"/> (the feed writes it from its own task).</summary>
    internal AsterOrderBook Book { get; }

    /// <summary>Snapshots taken (1 at start; more after gaps and reconnects).</summary>
    public int Snapshots { get; private set; }

    public int Connections => _socket.Connections;

    /// <summary>Connected and synced: the book can be traded on. False while a gap or a reconnect is being mended.</summary>
    public bool IsLive
    {
        get
        {
            lock (_gate) return _socket.IsConnected && Book.IsSynced;
        }
    }

    /// <summary>When the book last changed (a snapshot or a diff applied), by the client's clock; null before the first sync.</summary>
    public DateTimeOffset? LastUpdate { get; private set; }

    public T Read<T>(Func<AsterOrderBook, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_gate) return read(Book);
    }

    /// <summary>Starts the feed; completes once the book is synced the first time.</summary>
    /// <summary>Completes when the book is first synced (snapshot and diffs agree).</summary>
    public Task Synced => _synced.Task;

    public async Task StartAsync(CancellationToken ct)
    {
        var stream = _transport.Options.WebSocketBaseUrl.ToString().TrimEnd('/') + "/" + Book.Instrument.Id.Symbol.ToLowerInvariant() + "@depth";
        _run = _socket.RunAsync(_ => Task.FromResult(new Uri(stream)), Connected, Frame, _stop.Token);
        await _synced.Task.WaitAsync(ct);
    }

    private Task Connected(bool reconnect)
    {
        lock (_gate) Book.Invalidate();
        _ = ResyncAsync();
        return Task.CompletedTask;
    }

    private Task Frame(ReadOnlyMemory<byte> frame)
    {
        lock (_gate)
        {
            switch (Book.Apply(frame.Span))
            {
                case AsterBookApply.Applied:
                    LastUpdate = _transport.Time.GetUtcNow();
                    break;
                case AsterBookApply.NotSynced:
                    _buffer.Add(frame.ToArray());
                    break;
                case AsterBookApply.Gap:
                    _buffer.Clear();
                    _ = ResyncAsync();
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private async Task ResyncAsync()
    {
        if (Interlocked.Exchange(ref _resyncing, 1) == 1) return;
        try
        {
            for (var attempt = 1; !_stop.IsCancellationRequested; attempt++)
            {
                try
                {
                    var depth = await _markets.GetDepthAsync(Book.Instrument.Id.Symbol, _snapshotDepth, _stop.Token);
                    lock (_gate)
                    {
                        Book.LoadSnapshot(depth);
                        Snapshots++;
                        LastUpdate = _transport.Time.GetUtcNow();
                        var buffered = _buffer.ToArray();
                        _buffer.Clear();
                        foreach (var frame in buffered)
                        {
                            if (Book.Apply(frame) == AsterBookApply.Gap) break;
                        }
                        if (!Book.IsSynced) continue;
                    }
                    _synced.TrySetResult();
                    return;
                }
                catch (AsterApiException)
                {
                    await Task.Delay(_transport.Backoff(attempt), _transport.Time, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            Interlocked.Exchange(ref _resyncing, 0);
        }
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
        _stop.Dispose();
    }
}
