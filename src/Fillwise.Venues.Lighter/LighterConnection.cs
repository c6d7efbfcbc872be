using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// One connection to a Lighter-compatible venue: the client, its stream (account channels) and the
/// engine-facing adapter, built the same way for the built-in venue and (with a real signer) Lighter.
/// </summary>
public sealed class LighterConnection : IAsyncDisposable
{
    private readonly HttpClient _http;

    private LighterConnection(HttpClient http, LighterClient client, LighterStream stream)
    {
        _http = http;
        Client = client;
        Stream = stream;
        Venue = new LighterVenueAdapter(client, stream, client.Options.TimeProvider);
        Connection = VenueConnection.Of(Venue);
    }

    public LighterClient Client { get; }

    public LighterStream Stream { get; }

    public LighterVenueAdapter Venue { get; }

    /// <summary>The adapter as the engine holds a venue: its four ports.</summary>
    public VenueConnection Connection { get; }

    /// <param name="handler">Optional HTTP handler (tests use it to lose answers on purpose).</param>
    public static LighterConnection Create(LighterClientOptions options, LighterCredentials credentials, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        var client = new LighterClient(http, options, credentials);
        return new LighterConnection(http, client, client.OpenStream());
    }

    /// <summary>Loads the markets and opens the stream (reconnecting on its own) with the account channels.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Stream.StartAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _http.Dispose();
    }
}
