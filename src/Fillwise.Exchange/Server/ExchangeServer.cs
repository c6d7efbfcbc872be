using System.Net;
using System.Net.WebSockets;
using Fillwise.Exchange.Agents;
using Fillwise.Exchange.Core;
using Fillwise.Exchange.Perp.Agents;
using Fillwise.Exchange.Perp.Aster;
using Fillwise.Exchange.Perp.Lighter;
using Fillwise.Exchange.Server.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fillwise.Exchange.Server;

/// <summary>
/// The built-in exchange served on Kalshi's wire API (REST v2 + WebSocket v2) plus the admin API,
/// on 127.0.0.1. Every touch of the exchange goes through one lock.
/// </summary>
public sealed class ExchangeServer : IAsyncDisposable
{
    public const string WebSocketPath = "/trade-api/ws/v2";

    private readonly WebApplication _app;
    private readonly ExchangeGate _gate;
    private readonly FaultInjector _faults;
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;
    private MarketAgents? _agents;
    private int _disposed;
    private int _agentsStarted;
    private long _agentSteps;
    private long _agentStepLimit = long.MaxValue;
    private readonly List<(long Steps, TaskCompletionSource Reached)> _stepWaiters = [];

    private ExchangeServer(WebApplication app, ExchangeGate gate, FaultInjector faults, ExchangeServerOptions options, AsterVenue aster, LighterVenue lighter)
    {
        _app = app;
        _gate = gate;
        _faults = faults;
        Options = options;
        Aster = aster;
        Lighter = lighter;
    }

    /// <summary>The built-in Lighter-like perp venue served at /lighter (admin at /sim/v1/perp/lighter).</summary>
    public LighterVenue Lighter { get; }

    /// <summary>http://127.0.0.1:PORT/lighter (REST paths follow as /api/v1/...)</summary>
    public string LighterRestUrl => BaseUrl + LighterVenue.Prefix;

    /// <summary>ws://127.0.0.1:PORT/lighter/stream</summary>
    public string LighterWebSocketUrl => "ws" + BaseUrl["http".Length..] + LighterVenue.StreamPath;

    /// <summary>http://127.0.0.1:PORT/sim/v1/perp/lighter</summary>
    public string LighterAdminUrl => BaseUrl + LighterVenue.AdminPrefix;

    /// <summary>The built-in Aster-compatible perp venue served at /aster (admin at /sim/v1/perp/aster).</summary>
    public AsterVenue Aster { get; }

    /// <summary>http://127.0.0.1:PORT/aster/fapi (ccxt's fapi url; REST paths follow as /v3/...)</summary>
    public string AsterRestUrl => BaseUrl + AsterVenue.Prefix + "/fapi";

    /// <summary>ws://127.0.0.1:PORT/aster/ws (streams follow as /&lt;listenKey&gt; or /&lt;symbol&gt;@depth)</summary>
    public string AsterWebSocketUrl => "ws" + BaseUrl["http".Length..] + AsterVenue.Prefix + "/ws";

    /// <summary>http://127.0.0.1:PORT/sim/v1/perp/aster</summary>
    public string AsterAdminUrl => BaseUrl + AsterVenue.AdminPrefix;

    public ExchangeServerOptions Options { get; }

    public int Port { get; private set; }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>http://127.0.0.1:PORT/trade-api/v2</summary>
    public string RestBaseUrl => BaseUrl + TradeApi.Prefix;

    /// <summary>ws://127.0.0.1:PORT/trade-api/ws/v2</summary>
    public string WebSocketUrl => "ws" + BaseUrl["http".Length..] + WebSocketPath;

    /// <summary>http://127.0.0.1:PORT/sim/v1</summary>
    public string AdminUrl => BaseUrl + AdminApi.Prefix;

    /// <summary>
    /// The hosted exchange. It is not thread-safe and the server is using it: touch it only
    /// through <see cref="WithExchange{T}"/>, which takes the server's lock.
    /// </summary>
    public KalshiExchange Exchange => _gate.Exchange;

    /// <summary>The scenario's market agents (none for "empty"); like the exchange, read it only inside <see cref="WithExchange{T}"/>.</summary>
    public MarketAgents Agents => _agents ?? throw new InvalidOperationException("server not started");

    /// <summary>Steps the scenario's agents have made since they started.</summary>
    public long AgentSteps => Interlocked.Read(ref _agentSteps);

    /// <summary>
    /// Lets agents held by <see cref="ExchangeServerOptions.AgentsWaitForStart"/> trade from the next
    /// step on; with <paramref name="steps"/>, for that many steps only, after which the world holds
    /// still (the clock's expiries still run).
    /// </summary>
    public void StartAgents(long? steps = null)
    {
        if (steps is { } n) ArgumentOutOfRangeException.ThrowIfNegative(n);
        Interlocked.Exchange(ref _agentStepLimit, steps ?? long.MaxValue);
        Interlocked.Exchange(ref _agentsStarted, 1);
    }

    /// <summary>Completes once the agents have made <paramref name="steps"/> steps since they started.</summary>
    public Task WaitForAgentStepsAsync(long steps, CancellationToken ct)
    {
        lock (_stepWaiters)
        {
            if (AgentSteps >= steps) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _stepWaiters.Add((steps, reached));
            return reached.Task.WaitAsync(ct);
        }
    }

    private void CountAgentStep()
    {
        lock (_stepWaiters)
        {
            var steps = Interlocked.Increment(ref _agentSteps);
            for (var i = _stepWaiters.Count - 1; i >= 0; i--)
            {
                if (_stepWaiters[i].Steps > steps) continue;
                _stepWaiters[i].Reached.TrySetResult();
                _stepWaiters.RemoveAt(i);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> under the exchange lock; events it causes reach WebSocket subscribers.</summary>
    public T WithExchange<T>(Func<KalshiExchange, T> action) => _gate.Run(action);

    public void WithExchange(Action<KalshiExchange> action) => _gate.Run(action);

    /// <summary>The faults in force (the admin API's PUT /faults sets the same thing).</summary>
    public FaultSettings Faults
    {
        get => _faults.Settings;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Validate() is { } why) throw new ArgumentException(why, nameof(value));
            _faults.Settings = value;
        }
    }

    /// <summary>Open WebSocket connections.</summary>
    public int WebSocketConnections => _gate.Run(_ => _gate.Hub.SessionCount);

    /// <summary>The last error the background loop hit (it keeps running), for diagnostics.</summary>
    public Exception? LastBackgroundError { get; private set; }

    public static async Task<ExchangeServer> StartAsync(ExchangeServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);

        var time = options.TimeProvider;
        var hub = new SubscriptionHub(time);
        if (options.Maintenance?.Validate() is { } badWindow) throw new ArgumentException(badWindow, nameof(options));
        var exchange = new KalshiExchange(time, options.Seed, hub) { Maintenance = options.Maintenance };
        var gate = new ExchangeGate(exchange, hub);
        var faults = new FaultInjector(options.Seed);
        var authenticator = new KalshiAuthenticator(time, options.SignatureSkew);
        var limiter = new TokenBucketRateLimiter(time, options.RateLimitTier);
        var pipeline = new TradeApiPipeline(authenticator, limiter, faults, time);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ExchangeServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        // No log providers: the exchange logs nothing that could carry a key, and tests stay quiet.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Kestrel's own cap sits well above ours, so an oversized body is drained and answered with
            // Kalshi's bad_request instead of a reset connection; far bigger ones are cut off.
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes * 8L;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(3));

        var app = builder.Build();
        var aster = new AsterVenue(options.Aster ?? new AsterVenueOptions { TimeProvider = time, Seed = options.Seed });
        var lighter = new LighterVenue(options.Lighter ?? new LighterVenueOptions { TimeProvider = time, Seed = options.Seed });
        var server = new ExchangeServer(app, gate, faults, options, aster, lighter);
        server._agentsStarted = options.AgentsWaitForStart ? 0 : 1;
        app.UseWebSockets();
        // Perp venues first: the Kalshi admin's catch-all under /sim/v1 must not swallow /sim/v1/perp/...
        aster.Map(app);
        lighter.Map(app);
        new TradeApi(gate, pipeline, options).Map(app);
        new AdminApi(gate, authenticator, faults, options).Map(app);
        app.Map(WebSocketPath, TradeApi.Async(http => server.AcceptWebSocketAsync(http, authenticator)));

        var scenario = options.Scenario == ExchangeScenario.Demo ? DemoScenario.Demo : DemoScenario.Empty;
        server._agents = gate.Run(ex => DemoScenario.Start(scenario, ex, options.Seed, new DemoScenarioOptions { StepInterval = options.AgentStepInterval }));
        if (options.Scenario == ExchangeScenario.Demo)
        {
            PerpDemo.Start(aster, options.PerpDemo);
            PerpDemo.Start(lighter, options.PerpDemo);
        }
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            // Port taken, cancelled...: release what was built before reporting it.
            lighter.StopStreams();
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                      ?? throw new InvalidOperationException("Kestrel reported no address");
        var uri = new Uri(address);
        server.Port = uri.Port;
        server.BaseUrl = $"http://127.0.0.1:{uri.Port}";
        server._background = server.RunBackgroundAsync(server._stopping.Token);
        return server;
    }

    /// <summary>The `fillwise exchange` command: start, print the URLs, serve until cancelled.</summary>
    public static async Task RunAsync(ExchangeServerOptions options, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        var server = await StartAsync(options, ct);
        await using (server)
        {
            await output.WriteLineAsync($"Fillwise exchange (scenario {options.Scenario.ToString().ToLowerInvariant()}, seed {options.Seed})");
            await output.WriteLineAsync($"  REST       {server.RestBaseUrl}");
            await output.WriteLineAsync($"  WebSocket  {server.WebSocketUrl}");
            await output.WriteLineAsync($"  Admin      {server.AdminUrl}");
            await output.WriteLineAsync($"  Aster REST {server.AsterRestUrl}/v3   WebSocket {server.AsterWebSocketUrl}   Admin {server.AsterAdminUrl}");
            await output.WriteLineAsync($"  Lighter REST {server.LighterRestUrl}/api/v1   WebSocket {server.LighterWebSocketUrl}   Admin {server.LighterAdminUrl}");
            await output.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C: stop cleanly.
            }
        }
    }

    private async Task<IResult> AcceptWebSocketAsync(HttpContext http, KalshiAuthenticator authenticator)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            return KalshiErrors.BadRequest("a WebSocket upgrade is required");
        if (RequestTarget.Check(http) is { } notText) return notText;
        var auth = authenticator.Authenticate(http.Request.Headers, "GET", TradeApiPipeline.SignedPath(http));
        if (auth.Error is not null) return auth.Error;

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = Options.HeartbeatInterval,
            // With a timeout set the server sends real ping frames and expects pongs, as Kalshi does.
            KeepAliveTimeout = Options.HeartbeatInterval * 3,
        });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
        var session = new WebSocketSession(auth.UserId!, Options.WebSocketBufferCapacity, Options.TimeProvider);
        await session.RunAsync(socket, _gate, _faults, linked.Token);
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "server stopping", CancellationToken.None)
                    .WaitAsync(TimeSpan.FromSeconds(1));
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
            {
                socket.Abort();
            }
        }
        return Results.Empty;
    }

    private async Task RunBackgroundAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Options.AgentStepInterval, Options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    var agentsTrade = Volatile.Read(ref _agentsStarted) == 1 && AgentSteps < Interlocked.Read(ref _agentStepLimit);
                    _gate.Run(ex =>
                    {
                        ex.OnClockTick();
                        if (agentsTrade) _agents?.Step();
                    });
                    if (agentsTrade) CountAgentStep();
                    // The perp crowd waits for the start too, so the books an engine first reads do not depend on how long it took to connect.
                    Aster.Step(agentsTrade);
                    Lighter.Step(agentsTrade);
                }
#pragma warning disable CA1031 // One bad tick must not stop expiries and agents for the rest of the run.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LastBackgroundError = ex;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync();
        Aster.StopStreams();
        Lighter.StopStreams();
        await _background;
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            _stopping.Dispose();
        }
    }
}
