using System.Net.Http.Headers;
using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;
using Fillwise.Domain.Orders;
using Fillwise.Testing;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Tests.Control.Fuzz;

/// <summary>
/// A real engine behind its control API, trading the built-in exchange over loopback through the
/// real Kalshi client; a second account keeps a book on the market so sane orders fill. Each piece
/// the fuzz checks is reachable: the journal's intents, the venue's orders, the engine's state.
/// </summary>
internal sealed class ControlFuzzWorld : IAsyncDisposable
{
    public const string Token = "fuzz-control-token-0123456789abcdef";
    public static readonly MarketTicker Ticker = new("KXFUZZ-26-T1");
    public static readonly MarketTicker Closed = new("KXFUZZ-26-T2");

    private readonly HttpClient _adminHttp = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private Task _loops = Task.CompletedTask;

    private ControlFuzzWorld(ExchangeServer exchange) => Exchange = exchange;

    public ExchangeServer Exchange { get; }
    public InMemoryJournal Journal { get; } = new();
    public TradingEngine Engine { get; private set; } = null!;
    public ControlHost Host { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string TraderId { get; private set; } = null!;

    /// <param name="fillTimeout">How long an entry waits for fills before its remainder is canceled.</param>
    public static async Task<ControlFuzzWorld> StartAsync(int seed, TimeSpan fillTimeout, string mode = "live")
    {
        var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Seed = seed, Scenario = ExchangeScenario.Empty, RateLimitTier = RateLimitTier.Unlimited });
        var world = new ControlFuzzWorld(exchange);
        try
        {
            await world.SetUpAsync(fillTimeout, mode);
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(TimeSpan fillTimeout, string mode)
    {
        var admin = new AdminClient(_adminHttp, Exchange.AdminUrl);
        await admin.CreateMarketAsync(new AdminMarketRequest(Ticker, "KXFUZZ-26", "Fuzz market", DateTimeOffset.UtcNow.AddHours(2), FractionalTradingEnabled: true));
        await admin.CreateMarketAsync(new AdminMarketRequest(Closed, "KXFUZZ-26", "Fuzz market, closed", DateTimeOffset.UtcNow.AddHours(2)));
        await admin.CloseMarketAsync(Closed);
        var trader = await admin.CreateAccountAsync(Money.Parse("1000.00"));
        TraderId = trader.UserId;
        var liquidity = Connect(await admin.CreateAccountAsync(Money.Parse("100000.00")));
        // A book to trade against: yes bids at 0.40, yes asks at 0.50.
        foreach (var (side, price) in new[] { (BookSide.Bid, "0.40"), (BookSide.Ask, "0.50") })
            await liquidity.Rest.CreateOrderAsync(new KalshiCreateOrder(Ticker, side, Contracts.Of(50_000m), ContractPrice.Parse(price), VenueTimeInForce.GoodTillCanceled,
                new ClientOrderId($"liq-{side}")));

        var connection = Connect(trader);
        await connection.StartAsync(CancellationToken.None);
        Engine = new TradingEngine(new VenueRegistry([connection.Connection]), Journal, TimeProvider.System, new TradingEngineOptions
        {
            ExitCheckInterval = TimeSpan.FromMilliseconds(100),
            // Only a person trips it here (POST /emergency-stop): a trip the fuzz did not ask for would read as a change.
            KillSwitch = KillSwitchOptions.Off,
            EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = fillTimeout, PollInterval = TimeSpan.FromMilliseconds(20) },
            ExitConfirmation = ConfirmationOptions.Default with { FillTimeout = fillTimeout, PollInterval = TimeSpan.FromMilliseconds(20) },
        });
        await Engine.StartAsync(CancellationToken.None);
        _loops = Task.Run(() => Engine.RunAsync(_stop.Token));
        Host = await ControlHost.StartAsync(new ControlContext(Engine, ControlToken.Resolve(Token, Path.GetTempPath()), mode, KalshiInstruments.Venue, fillTimeout), 0,
            CancellationToken.None);
        Http = new HttpClient { BaseAddress = Host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
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

    /// <summary>Every order the trader's account ever had on the venue (any status).</summary>
    public IReadOnlyList<Exchange.Core.OrderView> VenueOrders() => Exchange.WithExchange(x => x.GetOrders(TraderId, new Exchange.Core.OrderQuery()));

    public HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
        }
        if (Engine is not null) await Engine.DisposeAsync();
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
        await Exchange.DisposeAsync();
        _adminHttp.Dispose();
        _stop.Dispose();
    }
}
