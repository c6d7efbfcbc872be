using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// One authenticated connection to a Kalshi-compatible venue: the REST client, the WebSocket
/// client (subscribed to the private channels) and the engine-facing adapter, built the same way
/// for production, demo and the built-in exchange.
/// </summary>
public sealed class KalshiConnection : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private Task? _socketLoop;

    private KalshiConnection(HttpClient http, KalshiRequestSigner signer, KalshiRestClient rest, KalshiWebSocketClient ws, TimeProvider time)
    {
        _http = http;
        Signer = signer;
        Rest = rest;
        WebSocket = ws;
        Venue = new KalshiVenueAdapter(rest, ws, time);
        Connection = VenueConnection.Of(Venue);
    }

    public KalshiRequestSigner Signer { get; }
    public KalshiRestClient Rest { get; }
    public KalshiWebSocketClient WebSocket { get; }
    public KalshiVenueAdapter Venue { get; }

    /// <summary>The adapter as the engine holds a venue: its four ports.</summary>
    public VenueConnection Connection { get; }

    /// <param name="handler">Optional HTTP handler (tests use it to lose answers on purpose).</param>
    public static KalshiConnection Create(KalshiEnvironment environment, KalshiRequestSigner signer, TimeProvider time,
        KalshiRestOptions? restOptions = null, KalshiWebSocketOptions? wsOptions = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        var health = new KalshiClientHealth();
        var rest = new KalshiRestClient(http, environment, signer, restOptions, time, health);
        var ws = new KalshiWebSocketClient(environment, signer, wsOptions, time, health);
        return new KalshiConnection(http, signer, rest, ws, time);
    }

    /// <summary>Opens the WebSocket (reconnecting on its own) and subscribes the private channels.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WebSocket.SubscribeAsync(KalshiChannels.Fill, null, cancellationToken);
        await WebSocket.SubscribeAsync(KalshiChannels.UserOrders, null, cancellationToken);
        _socketLoop = Task.Run(() => WebSocket.RunAsync(_stop.Token), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socketLoop is not null)
        {
            try
            {
                await _socketLoop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        await WebSocket.DisposeAsync();
        Rest.Dispose();
        Signer.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }
}
