using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Strategies;
using Fillwise.Engine.Venues;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;
using Fillwise.Testing;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Dashboard.Tests;

/// <summary>
/// What `fillwise paper` runs, in this process: the built-in exchange on 127.0.0.1, the engine
/// connected to it through the real Kalshi client (REST + WebSocket), and the control host serving
/// the dashboard; plus a second account that trades against the engine through the same client.
/// </summary>
internal sealed class DashboardWorld : IAsyncDisposable
{
    public const string Token = "dashboard-test-token-0123456789";
    public static readonly MarketTicker Ticker = new("KXDASH-26-T1");
    private readonly HttpClient _http = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loops;
    private Task? _following;

    private DashboardWorld(ExchangeServer exchange)
    {
        Exchange = exchange;
        Admin = new AdminClient(_http, exchange.AdminUrl);
    }

    public ExchangeServer Exchange { get; }
    public AdminClient Admin { get; }
    public AdminAccount Trader { get; private set; } = null!;
    public KalshiConnection Liquidity { get; private set; } = null!;

    /// <summary>An account that sweeps the book (only with the whale follower).</summary>
    public KalshiConnection Whale { get; private set; } = null!;
    public TradingEngine Engine { get; private set; } = null!;
    public ControlHost Host { get; private set; } = null!;
    public ControlContext Control { get; private set; } = null!;

    /// <summary>The control host stops and starts again on the same port, as at an engine restart: every open stream is cut.</summary>
    public async Task<TimeSpan> RestartHostAsync(TimeSpan down)
    {
        var port = Host.BaseUrl.Port;
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await Host.DisposeAsync();
        var stopped = stopping.Elapsed;
        Host = null!;
        await Task.Delay(down);
        Host = await ControlHost.StartAsync(Control, port, CancellationToken.None);
        return stopped;
    }

    /// <summary>The URL `paper` prints: the dashboard with its token.</summary>
    public string StartUrl => $"{Host.BaseUrl}?token={Token}";

    /// <param name="whales">Also run the whale follower (GET /whales, whale events), as `paper` does.</param>
    public static async Task<DashboardWorld> StartAsync(int seed = 1, bool whales = false)
    {
        var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Seed = seed, Scenario = ExchangeScenario.Empty });
        var world = new DashboardWorld(exchange);
        try
        {
            await world.Admin.CreateMarketAsync(new AdminMarketRequest(Ticker, "KXDASH-26", "Dashboard market", DateTimeOffset.UtcNow.AddHours(2)));
            world.Trader = await world.Admin.CreateAccountAsync(Money.Parse("1000.00"));
            world.Liquidity = world.Connect(await world.Admin.CreateAccountAsync(Money.Parse("10000.00")));
            var trader = world.Connect(world.Trader);
            var journal = new InMemoryJournal();
            world.Engine = new TradingEngine(new VenueRegistry([trader.Connection]), journal, TimeProvider.System, new TradingEngineOptions
            {
                ExitCheckInterval = TimeSpan.FromMilliseconds(100),
                AccountRefreshInterval = TimeSpan.FromMilliseconds(500),
                EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(3), PollInterval = TimeSpan.FromMilliseconds(200) },
                ExitConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(1), PollInterval = TimeSpan.FromMilliseconds(200) },
            });
            await trader.StartAsync(CancellationToken.None);
            await world.Engine.StartAsync(CancellationToken.None);
            world._loops = Task.Run(() => world.Engine.RunAsync(world._stop.Token));
            WhaleFollower? follower = null;
            if (whales)
            {
                follower = new WhaleFollower(world.Engine, journal, KalshiInstruments.Venue, new WhaleOptions { FillTimeout = TimeSpan.FromSeconds(2), QuoteWait = TimeSpan.FromMilliseconds(500) });
                await follower.StartAsync(CancellationToken.None);
                world._following = Task.Run(() => follower.RunAsync(world._stop.Token));
                world.Whale = world.Connect(await world.Admin.CreateAccountAsync(Money.Parse("100000.00")));
            }
            world.Control = new ControlContext(world.Engine, ControlToken.Resolve(Token, Path.GetTempPath()), "paper", KalshiInstruments.Venue, TimeSpan.FromSeconds(30))
            {
                HistoryInterval = TimeSpan.FromMilliseconds(250),
                Whales = follower,
            };
            world.Host = await ControlHost.StartAsync(world.Control, 0, CancellationToken.None);
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    private KalshiConnection Connect(AdminAccount account)
    {
        var signer = KalshiRequestSigner.FromPem(account.ApiKeyId, account.PrivateKeyPem, TimeProvider.System);
        var connection = KalshiConnection.Create(KalshiEnvironment.Parse(Exchange.RestBaseUrl), signer, TimeProvider.System,
            new KalshiRestOptions { RequestTimeout = TimeSpan.FromSeconds(5), BackoffBase = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(200) },
            new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(50) });
        _owned.Add(connection);
        return connection;
    }

    /// <summary>The other side: a resting V2 order of the liquidity account (it trades at once when it crosses).</summary>
    public Task<KalshiOrderAck> TradeAgainstAsync(BookSide side, string yesPrice, decimal count) =>
        Liquidity.Rest.CreateOrderAsync(new KalshiCreateOrder(Ticker, side, Contracts.Of(count), ContractPrice.Parse(yesPrice), VenueTimeInForce.GoodTillCanceled,
            new ClientOrderId($"liq-{Guid.NewGuid():N}")));

    /// <summary>A whale: the whale account takes what is offered up to the price, at once (what it cannot take is canceled).</summary>
    public Task<KalshiOrderAck> SweepAsync(string yesPrice, decimal count) =>
        Whale.Rest.CreateOrderAsync(new KalshiCreateOrder(Ticker, BookSide.Bid, Contracts.Of(count), ContractPrice.Parse(yesPrice), VenueTimeInForce.ImmediateOrCancel,
            new ClientOrderId($"whale-{Guid.NewGuid():N}")));

    /// <summary>POST /api/v1/orders as a person or a script would (it answers when the order is filled or timed out).</summary>
    public async Task<JsonNode> PlaceEntryAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Host.BaseUrl, "/api/v1/orders"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task<AdminAccountState> TraderOnVenueAsync() => await Admin.GetAccountAsync(Trader.UserId);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (Host is not null) await Host.DisposeAsync();
        if (_loops is not null) await _loops;
        if (_following is not null) await _following;
        if (Engine is not null) await Engine.DisposeAsync();
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
        await Exchange.DisposeAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
