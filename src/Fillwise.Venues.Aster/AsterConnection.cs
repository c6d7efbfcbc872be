using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>
/// One authenticated connection to an Aster-compatible venue: the client, its user-data stream and
/// the engine-facing adapter, built the same way for real Aster and the built-in venue.
/// </summary>
public sealed class AsterConnection : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();

    private AsterConnection(HttpClient http, AsterClient client, AsterVenueAdapterOptions? adapterOptions)
    {
        _http = http;
        Client = client;
        Stream = client.OpenUserDataStream();
        Venue = new AsterVenueAdapter(client, Stream, adapterOptions);
        Connection = VenueConnection.Of(Venue);
    }

    public AsterClient Client { get; }

    public AsterUserDataStream Stream { get; }

    public AsterVenueAdapter Venue { get; }

    /// <summary>The adapter as the engine holds a venue: its four ports.</summary>
    public VenueConnection Connection { get; }

    /// <param name="handler">Optional HTTP handler (tests use it to lose answers on purpose).</param>
    public static AsterConnection Create(AsterClientOptions options, AsterCredentials credentials, HttpMessageHandler? handler = null,
        AsterVenueAdapterOptions? adapterOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        return new AsterConnection(http, new AsterClient(http, options, credentials), adapterOptions);
    }

    /// <summary>
    /// Reads the instruments and opens the user-data stream (listenKey, keepalive, reconnects).
    /// Waits up to <paramref name="wait"/> for the stream's first connection; a venue that cannot
    /// be reached now does not stop the start (reconciliation at start says so, and the stream keeps trying).
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        try
        {
            await Client.MarketData.GetInstrumentsAsync(cancellationToken);
        }
        catch (AsterApiException)
        {
            // Read again when an instrument is first asked for.
        }
        var connected = Stream.StartAsync(_stop.Token);
        await Task.WhenAny(connected, Task.Delay(wait ?? TimeSpan.FromSeconds(10), Client.Options.TimeProvider, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Venue.DisposeAsync();
        await Stream.DisposeAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
