using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Agents;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// The built-in Lighter-like venue: the perp core with Lighter's rules (fees of the account tier,
/// hourly funding, no reduce-only waiver of the minimums), its REST API under <c>/lighter/api/v1</c>
/// (sendTx with sequential nonces per API key and a transaction budget per minute; acceptance is not
/// execution: the sequencer executes each transaction after the execution delay), its account and
/// order-book WebSocket channels at <c>/lighter/stream</c>, and the admin API under
/// <c>/sim/v1/perp/lighter</c>. One lock around the core and this layer's own state.
/// </summary>
public sealed partial class LighterVenue : Server.IPerpAdminHost
{
    public const string Prefix = "/lighter";
    public const string ApiPrefix = Prefix + "/api/v1";
    public const string StreamPath = Prefix + "/stream";
    public const string AdminPrefix = "/sim/v1/perp/lighter";

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, LighterMarket> _markets = new(StringComparer.Ordinal);
    private readonly List<LighterMarket> _byIndex = [];
    private Task _sequencing = Task.CompletedTask;
    private int _started;

    public LighterVenue(LighterVenueOptions? options = null)
    {
        Options = options ?? new LighterVenueOptions();
        if (Options.Validate() is { } why) throw new ArgumentException(why, nameof(options));
        Exchange = new PerpExchange(Options.Rules, Options.TimeProvider, Options.Seed);
        Hub = new LighterStreamHub();
        Events = new LighterEvents(this);
        Exchange.Listener = Events;
        Accounts = new LighterAccounts(Options.Seed);
        Faults = new FaultInjector(unchecked(Options.Seed * 23 + 7));
        Budget = new LighterTxBudget(Options.TimeProvider, Options.Budget);
        Sequencer = new LighterSequencer(Options.TimeProvider);
        Tape = new LighterTape(Exchange.Rules.HistoryPerAccount);
    }

    public LighterVenueOptions Options { get; }

    /// <summary>The core; not thread-safe: touch it only inside <see cref="Run{T}"/>.</summary>
    public PerpExchange Exchange { get; }

    internal LighterStreamHub Hub { get; }

    internal LighterEvents Events { get; }

    internal LighterAccounts Accounts { get; }

    internal FaultInjector Faults { get; }

    internal LighterTxBudget Budget { get; }

    internal LighterSequencer Sequencer { get; }

    internal LighterTape Tape { get; }

    /// <summary>The last error the sequencer hit executing a transaction (it keeps going), for diagnostics.</summary>
    public Exception? LastExecutionError { get; private set; }

    /// <summary>The demo agents (none until <see cref="StartAgents"/>).</summary>
    public PerpMarketAgents? Agents { get; private set; }

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

    /// <summary>Holds the sequencer: sendTx still accepts, nothing executes until <see cref="ReleaseExecution"/>.</summary>
    public void HoldExecution() => Sequencer.Hold();

    public void ReleaseExecution() => Sequencer.Release();

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

    // ---- markets (under the lock) ------------------------------------------------------------

    /// <summary>Markets by index (creation order), with their scaling; the view inside is as of when first seen.</summary>
    internal IReadOnlyList<LighterMarket> Markets()
    {
        Refresh();
        return _byIndex;
    }

    internal LighterMarket? MarketAt(long index)
    {
        Refresh();
        return index >= 0 && index < _byIndex.Count ? _byIndex[(int)index] : null;
    }

    internal LighterMarket? MarketOf(string symbol)
    {
        if (!_markets.ContainsKey(symbol)) Refresh();
        return _markets.GetValueOrDefault(symbol);
    }

    /// <summary>The market with its mark, funding and last price as they are now.</summary>
    internal LighterMarket Fresh(LighterMarket m) => m with { View = Exchange.GetMarket(m.Symbol)! };

    private void Refresh()
    {
        var all = Exchange.GetMarkets();
        for (var i = _byIndex.Count; i < all.Count; i++)
        {
            var m = new LighterMarket(i, all[i]);
            _byIndex.Add(m);
            _markets[m.Symbol] = m;
        }
    }

    // ---- admin host ----------------------------------------------------------------------------

    string Server.IPerpAdminHost.AdminPrefix => AdminPrefix;

    FaultInjector Server.IPerpAdminHost.Faults => Faults;

    TimeProvider Server.IPerpAdminHost.Time => Options.TimeProvider;

    decimal Server.IPerpAdminHost.DefaultFundingIntervalHours => 1m;

    /// <summary>Lighter writes amounts as integers at 10^-decimals: the tick and the step must be powers of ten, prices fit a uint32.</summary>
    string? Server.IPerpAdminHost.CheckMarket(PerpMarketDefinition definition) => CheckMarket(definition);

    internal static string? CheckMarket(PerpMarketDefinition d)
    {
        if (!IsPowerOfTen(d.TickSize.Value)) return $"tick_size {d.TickSize} must be a power of ten (Lighter's prices are integers at supported_price_decimals)";
        if (!IsPowerOfTen(d.StepSize.Value)) return $"step_size {d.StepSize} must be a power of ten (Lighter's amounts are integers at supported_size_decimals)";
        var maxPrice = (d.MaxPrice ?? Price.Of(1_000_000m)).Value;
        if (maxPrice / d.TickSize.Value > uint.MaxValue) return $"max_price {maxPrice} is more than a uint32 of ticks (Lighter's prices are uint32): give a smaller max_price";
        return null;
    }

    private static bool IsPowerOfTen(decimal v)
    {
        if (v <= 0m) return false;
        while (v < 1m) v *= 10m;
        while (v > 1m && v % 10m == 0m) v /= 10m;
        return v == 1m;
    }

    (long AccountId, JsonObject Credentials) Server.IPerpAdminHost.CreateAccount(Money deposit)
    {
        LighterAccount account;
        lock (_lock)
        {
            var id = Exchange.CreateAccount(deposit);
            account = Accounts.Create(id);
        }
        var key = account.Keys[LighterAccounts.FirstApiKeyIndex];
        // What --lighter-credentials reads. A real Lighter API key is a 40-byte key of its own curve (README).
        return (account.Index, new JsonObject
        {
            ["venue"] = "lighter",
            ["account_index"] = account.Index,
            ["api_key_index"] = key.Index,
            ["private_key"] = key.PrivateKeyHex,
            ["api_key_address"] = key.Address,
            ["l1_address"] = account.L1Address,
            ["chain_id"] = Options.ChainId,
        });
    }

    // ---- hosting -------------------------------------------------------------------------------

    /// <summary>Starts the demo crowd on the given markets (they must exist).</summary>
    public void StartAgents(IReadOnlyList<string> symbols, PerpAgentOptions? options = null)
    {
        lock (_lock) Agents = new PerpMarketAgents(Exchange, Options.Seed, symbols, options);
    }

    /// <summary>The host's periodic tick: funding due, agents, good-till-time expiries.</summary>
    /// <param name="agents">Whether the demo agents trade in this step (false: only the venue's clock work, funding and expiries, as while paper's agents wait for the engine).</param>
    public void Step(bool agents = true)
    {
        lock (_lock)
        {
            Events.BeginBatch();
            try
            {
                Exchange.Advance();
                if (agents) Agents?.Step();
                ExpireOrders();
            }
            finally
            {
                Events.EndBatch();
            }
        }
    }

    public void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        new LighterRestApi(this).Map(app);
        new Server.PerpAdminApi(this, Options.MaxRequestBodyBytes).Map(app);
        app.MapPut(AdminPrefix + "/sequencer", (Func<HttpContext, Task<IResult>>)SequencerAsync);
        app.Map(StreamPath, (Func<HttpContext, Task<IResult>>)AcceptStreamAsync);
        Start();
    }

    /// <summary>Starts the sequencer (Map does; a venue used without a server calls it itself).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        _sequencing = Task.Run(() => Sequencer.RunAsync(tx => { lock (_lock) Execute(tx); }, e => LastExecutionError = e, _stopping.Token));
    }

    /// <summary>Ends every stream and the sequencer (the host is stopping).</summary>
    public void StopStreams()
    {
        if (!_stopping.IsCancellationRequested) _stopping.Cancel();
        Sequencer.Release();
    }

    /// <summary>PUT /sim/v1/perp/lighter/sequencer {"held":true|false}: hold or release execution.</summary>
    private async Task<IResult> SequencerAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(http.RequestAborted);
        bool held;
        try
        {
            var node = JsonNode.Parse(text.Length == 0 ? "{}" : text);
            if (node is not JsonObject o || o["held"] is not JsonValue v || !v.TryGetValue(out held))
                return KalshiErrors.BadRequest("the body must be {\"held\": true|false}");
        }
        catch (System.Text.Json.JsonException)
        {
            return KalshiErrors.BadRequest("the body is not JSON");
        }
        if (held) HoldExecution(); else ReleaseExecution();
        return new KalshiJsonResult(200, new JsonObject { ["held"] = Sequencer.IsHeld });
    }

    private async Task<IResult> AcceptStreamAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest) return LighterErrors.Param("upgrade", "a WebSocket upgrade is required").ToResult();
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = Options.HeartbeatInterval,
            KeepAliveTimeout = Options.HeartbeatInterval * 3,
        });
        var session = new LighterStreamSession(this, Options.WebSocketBufferCapacity, Options.TimeProvider);
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

    internal void WithLock(Action action)
    {
        lock (_lock) action();
    }

    internal T WithLock<T>(Func<T> action)
    {
        lock (_lock) return action();
    }

    internal static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
