using System.Net.WebSockets;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// The Lighter client, split by resource: <see cref="MarketData"/> (public), <see cref="Orders"/>
/// (transactions through sendTx, with nonces and the transaction budget; order and trade reads) and
/// <see cref="Account"/>, and the stream. Works against the built-in venue
/// (http://127.0.0.1:PORT/lighter, ws://127.0.0.1:PORT/lighter/stream); against real Lighter its
/// reads work, its transactions need Lighter's signer in place of <see cref="LighterSigner"/> (README).
/// </summary>
public sealed class LighterClient
{
    public const int MainnetChainId = 304;

    private readonly LighterTransport _transport;
    private readonly LighterAuthTokens? _auth;
    private readonly Func<ClientWebSocket>? _socketFactory;

    public LighterClient(HttpClient http, LighterClientOptions options, LighterCredentials? credentials, Func<ClientWebSocket>? socketFactory = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } why) throw new ArgumentException(why, nameof(options));
        Options = options;
        _transport = new LighterTransport(http, options);
        _socketFactory = socketFactory;
        if (credentials is not null)
        {
            Signer = new LighterSigner(credentials, options.ChainId ?? credentials.ChainId ?? MainnetChainId);
            _auth = new LighterAuthTokens(Signer, options.TimeProvider, options.AuthTokenLifetime);
        }
        MarketData = new LighterMarketDataClient(_transport);
        Orders = new LighterOrdersClient(_transport, MarketData, Signer, _auth, new LighterTxBudget(options.TimeProvider, options.TransactionsPerMinute));
        Account = new LighterAccountClient(_transport, MarketData, Signer, _auth);
    }

    public LighterClientOptions Options { get; }

    /// <summary>Null for a public-data-only client.</summary>
    public LighterSigner? Signer { get; }

    public LighterMarketDataClient MarketData { get; }

    public LighterOrdersClient Orders { get; }

    public LighterAccountClient Account { get; }

    /// <summary>A stream with the account channels (when there are credentials); not started: call StartAsync.</summary>
    public LighterStream OpenStream() => new(_transport, MarketData, _auth, Signer?.Credentials.AccountIndex, _socketFactory);
}
