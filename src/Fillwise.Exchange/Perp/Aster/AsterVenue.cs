using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Perp.Agents;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>
/// The built-in Aster-compatible venue: the perp core with Aster's rules, its futures REST API under
/// <c>/aster/fapi/v3</c> (V3 EIP-712 signatures, nonce window, Aster's error codes), its user-data
/// and depth WebSocket streams under <c>/aster/ws/...</c>, and the admin API under
/// <c>/sim/v1/perp/aster</c>. One lock around the core; events reach streams in order.
/// </summary>
public sealed class AsterVenue : Server.IPerpAdminHost
{
    public const string Prefix = "/aster";
    public const string AdminPrefix = "/sim/v1/perp/aster";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long AccountId, DateTimeOffset ExpiresAt)> _listenKeys = new(StringComparer.Ordinal);
    private readonly Random _keys;
    private readonly CancellationTokenSource _stopping = new();

    public AsterVenue(AsterVenueOptions? options = null)
    {
        Options = options ?? new AsterVenueOptions();
        Exchange = new PerpExchange(PerpVenueRules.Aster, Options.TimeProvider, Options.Seed);
        Hub = new AsterStreamHub(symbol => Exchange.GetMarket(symbol));
        Exchange.Listener = Hub;
        Accounts = new AsterAccounts(Options.Seed);
        Faults = new FaultInjector(unchecked(Options.Seed * 17 + 5));
        Nonces = new AsterNonceWindow(Options.NonceWindow);
        Limiter = new AsterRateLimiter(Options.TimeProvider, Options.WeightPerMinute, Options.OrdersPerMinute);
        _keys = new Random(unchecked(Options.Seed * 131 + 9));
    }

    public AsterVenueOptions Options { get; }

    /// <summary>The core; not thread-safe: touch it only inside <see cref="Run{T}"/>.</summary>
    public PerpExchange Exchange { get; }

    internal AsterStreamHub Hub { get; }

    internal AsterAccounts Accounts { get; }

    internal FaultInjector Faults { get; }

    internal AsterNonceWindow Nonces { get; }

    internal AsterRateLimiter Limiter { get; }

    /// <summary>The demo agents (none until <see cref="StartAgents"/>).</summary>
    public PerpMarketAgents? Agents { get; private set; }

    /// <summary>Faults on /aster/fapi traffic and its WebSockets (as the Kalshi side has them).</summary>
    public FaultSettings FaultSettings
    {
        get => Faults.Settings;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Validate() is { } why) throw new ArgumentException(why, nameof(value));
            Faults.Settings = value;
        }
    }

    public T Run<T>(Func<PerpExchange, T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_lock) return action(Exchange);
    }

    public void Run(Action<PerpExchange> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_lock) action(Exchange);
    }

    /// <summary>Creates an account with its wallet; the key is returned to the caller only.</summary>
    internal (long AccountId, AsterWallet Wallet) CreateAccount(Domain.Values.Money deposit)
    {
        lock (_lock)
        {
            var id = Exchange.CreateAccount(deposit);
            return (id, Accounts.Create(id));
        }
    }

    string Server.IPerpAdminHost.AdminPrefix => AdminPrefix;

    FaultInjector Server.IPerpAdminHost.Faults => Faults;

    TimeProvider Server.IPerpAdminHost.Time => Options.TimeProvider;

    (long AccountId, JsonObject Credentials) Server.IPerpAdminHost.CreateAccount(Domain.Values.Money deposit)
    {
        var (id, wallet) = CreateAccount(deposit);
        // What --aster-credentials reads: the account signs as its own wallet (user = signer), as ccxt does.
        return (id, new JsonObject
        {
            ["venue"] = "aster",
            ["address"] = wallet.Address,
            ["user"] = wallet.Address,
            ["signer"] = wallet.Address,
            ["private_key"] = wallet.PrivateKeyHex,
        });
    }

    /// <summary>Starts the demo crowd on the given markets (they must exist).</summary>
    public void StartAgents(IReadOnlyList<string> symbols, PerpAgentOptions? options = null)
    {
        lock (_lock) Agents = new PerpMarketAgents(Exchange, Options.Seed, symbols, options);
    }

    /// <summary>The host's periodic tick: funding due, agents, listenKey expiry.</summary>
    /// <param name="agents">Whether the demo agents trade in this step (false: only the venue's clock work, funding and expiries, as while paper's agents wait for the engine).</param>
    public void Step(bool agents = true)
    {
        lock (_lock)
        {
            Exchange.Advance();
            if (agents) Agents?.Step();
            ExpireListenKeys();
        }
    }

    public void Map(IEndpointRouteBuilder app)
    {
        new AsterRestApi(this).Map(app);
        new Server.PerpAdminApi(this, Options.MaxRequestBodyBytes).Map(app);
        app.Map(Prefix + "/ws/{stream}", (Func<HttpContext, string, Task<IResult>>)AcceptStreamAsync);
    }

    /// <summary>Ends every stream (the host is stopping).</summary>
    public void StopStreams()
    {
        if (!_stopping.IsCancellationRequested) _stopping.Cancel();
    }

    // ---- listen keys (under the lock) --------------------------------------------------------

    internal string OpenListenKey(long accountId)
    {
        var now = Options.TimeProvider.GetUtcNow();
        foreach (var (key, state) in _listenKeys)
        {
            // Aster answers the account's live key again, extended.
            if (state.AccountId == accountId && state.ExpiresAt > now)
            {
                _listenKeys[key] = (accountId, now + Options.ListenKeyLifetime);
                return key;
            }
        }
        var bytes = new byte[32];
        _keys.NextBytes(bytes);
        var listenKey = Convert.ToHexString(bytes);
        _listenKeys[listenKey] = (accountId, now + Options.ListenKeyLifetime);
        return listenKey;
    }

    internal bool KeepAlive(long accountId, string? listenKey)
    {
        var now = Options.TimeProvider.GetUtcNow();
        foreach (var (key, state) in _listenKeys)
        {
            if (state.AccountId != accountId || state.ExpiresAt <= now || (listenKey is not null && key != listenKey)) continue;
            _listenKeys[key] = (accountId, now + Options.ListenKeyLifetime);
            return true;
        }
        return false;
    }

    internal void CloseListenKey(long accountId, string? listenKey)
    {
        foreach (var key in _listenKeys.Where(k => k.Value.AccountId == accountId && (listenKey is null || k.Key == listenKey)).Select(k => k.Key).ToList())
        {
            _listenKeys.Remove(key);
            Hub.CloseListenKey(key, null);
        }
    }

    private void ExpireListenKeys()
    {
        var now = Options.TimeProvider.GetUtcNow();
        foreach (var (key, state) in _listenKeys.Where(k => k.Value.ExpiresAt <= now).ToList())
        {
            _listenKeys.Remove(key);
            Hub.CloseListenKey(key, new JsonObject { ["e"] = "listenKeyExpired", ["E"] = AsterWire.Ms(now), ["listenKey"] = key });
        }
    }

    private async Task<IResult> AcceptStreamAsync(HttpContext http, string stream)
    {
        if (!http.WebSockets.IsWebSocketRequest) return AsterErrors.Rejected("a WebSocket upgrade is required").ToResult();
        AsterStreamSession? session;
        lock (_lock)
        {
            var now = Options.TimeProvider.GetUtcNow();
            if (_listenKeys.TryGetValue(stream, out var state) && state.ExpiresAt > now)
            {
                session = new AsterStreamSession(state.AccountId, stream, null, Options.WebSocketBufferCapacity, Options.TimeProvider);
            }
            else
            {
                var at = stream.IndexOf('@', StringComparison.Ordinal);
                var symbol = at > 0 ? stream[..at].ToUpperInvariant() : null;
                var kind = at > 0 ? stream[(at + 1)..] : null;
                session = symbol is not null && kind is "depth" or "depth@100ms" or "depth@250ms" or "depth@500ms" && Exchange.HasMarket(symbol)
                    ? new AsterStreamSession(null, null, symbol, Options.WebSocketBufferCapacity, Options.TimeProvider)
                    : null;
            }
        }
        if (session is null) return AsterErrors.InvalidListenKey().ToResult();

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = Options.HeartbeatInterval,
            KeepAliveTimeout = Options.HeartbeatInterval * 3,
        });
        lock (_lock) Hub.Add(session);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
        try
        {
            await session.RunAsync(socket, Faults, linked.Token);
        }
        finally
        {
            lock (_lock) Hub.Remove(session);
        }
        return Results.Empty;
    }
}
