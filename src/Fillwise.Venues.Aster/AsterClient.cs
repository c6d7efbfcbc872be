using System.Net.WebSockets;
using Fillwise.Domain.Instruments;

namespace Fillwise.Venues.Aster;

/// <summary>
/// The Aster futures client, split by resource: <see cref="MarketData"/> (public), <see cref="Orders"/>
/// and <see cref="Account"/> (V3-signed), the user-data stream and depth feeds. One rate limiter is
/// shared by all of them. Works against real Aster (the default URLs) and, unchanged, against the
/// built-in venue (http://127.0.0.1:PORT/aster/fapi and ws://127.0.0.1:PORT/aster/ws).
/// </summary>
public sealed class AsterClient
{
    private readonly AsterTransport _transport;
    private readonly Func<ClientWebSocket>? _socketFactory;

    public AsterClient(HttpClient http, AsterClientOptions options, AsterCredentials? credentials, Func<ClientWebSocket>? socketFactory = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } why) throw new ArgumentException(why, nameof(options));
        Options = options;
        Limiter = new AsterRateLimiter(options.TimeProvider, options.WeightPerMinute, options.OrdersPerMinute);
        Signer = credentials is null ? null : new AsterSigner(credentials, options.TimeProvider);
        _transport = new AsterTransport(http, options, Signer, Limiter);
        _socketFactory = socketFactory;
        MarketData = new AsterMarketDataClient(_transport);
        Orders = new AsterOrdersClient(_transport, MarketData);
        Account = new AsterAccountClient(_transport);
    }

    public AsterClientOptions Options { get; }

    public AsterRateLimiter Limiter { get; }

    /// <summary>Null for a public-data-only client.</summary>
    public AsterSigner? Signer { get; }

    public AsterMarketDataClient MarketData { get; }

    public AsterOrdersClient Orders { get; }

    public AsterAccountClient Account { get; }

    /// <summary>A user-data stream (not started: call StartAsync).</summary>
    public AsterUserDataStream OpenUserDataStream() => new(Account, _transport, _socketFactory);

    /// <summary>A depth feed for one instrument (not started: call StartAsync).</summary>
    public AsterDepthFeed OpenDepthFeed(Instrument instrument, int snapshotDepth = 1000) =>
        new(instrument, MarketData, _transport, snapshotDepth, _socketFactory);
}
