using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Domain.Instruments;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;
using Fillwise.Testing;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;
using Fillwise.Storage;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// The whole system over loopback: the built-in exchange on 127.0.0.1, a trader engine connected
/// through the real Kalshi client (REST + WebSocket), and a second account that provides liquidity
/// through the same client.
/// </summary>
internal sealed class AcceptanceWorld : IAsyncDisposable
{
    public static readonly MarketTicker Ticker = new("KXACCEPT-26-T1");
    private readonly HttpClient _adminHttp = new();
    private readonly List<IAsyncDisposable> _owned = [];

    private AcceptanceWorld(ExchangeServer exchange, string dataDirectory)
    {
        Exchange = exchange;
        DataDirectory = dataDirectory;
        Admin = new AdminClient(_adminHttp, exchange.AdminUrl);
    }

    public ExchangeServer Exchange { get; }
    public AdminClient Admin { get; }
    public string DataDirectory { get; }
    public AdminAccount TraderAccount { get; private set; } = null!;
    public KalshiConnection Liquidity { get; private set; } = null!;
    public string LiquidityUserId { get; private set; } = null!;

    public static async Task<AcceptanceWorld> StartAsync(int seed = 1)
    {
        var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Seed = seed, Scenario = ExchangeScenario.Empty });
        var data = Path.Combine(Path.GetTempPath(), "fillwise-acceptance", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var world = new AcceptanceWorld(exchange, data);
        await world.Admin.CreateMarketAsync(new AdminMarketRequest(Ticker, "KXACCEPT-26", "Acceptance market", DateTimeOffset.UtcNow.AddHours(2)));
        world.TraderAccount = await world.Admin.CreateAccountAsync(Money.Parse("1000.00"));
        var liquidity = await world.Admin.CreateAccountAsync(Money.Parse("10000.00"));
        world.LiquidityUserId = liquidity.UserId;
        world.Liquidity = world.Connect(liquidity);
        return world;
    }

    public KalshiConnection Connect(AdminAccount account, HttpMessageHandler? handler = null)
    {
        var env = KalshiEnvironment.Parse(Exchange.RestBaseUrl);
        var signer = KalshiRequestSigner.FromPem(account.ApiKeyId, account.PrivateKeyPem, TimeProvider.System);
        var connection = KalshiConnection.Create(env, signer, TimeProvider.System,
            new KalshiRestOptions { RequestTimeout = TimeSpan.FromSeconds(5), BackoffBase = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(200) },
            new KalshiWebSocketOptions { ReconnectBase = TimeSpan.FromMilliseconds(50) }, handler);
        _owned.Add(connection);
        return connection;
    }

    /// <summary>
    /// Starts a trader engine on the trader account with a journal in <see cref="DataDirectory"/>:
    /// rebuilt from that journal and checked with the venue before it returns, as at any start.
    /// </summary>
    public async Task<Trader> StartTraderAsync(HttpMessageHandler? handler = null, TradingEngineOptions? options = null, bool stream = true,
        IEnumerable<Fillwise.Engine.Alerts.IAlertSink>? alerts = null)
    {
        var connection = Connect(TraderAccount, handler);
        var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(DataDirectory));
        var log = new ListLoggerProvider();
        var engine = new TradingEngine(new VenueRegistry([connection.Connection]), journal, TimeProvider.System, options ?? Options, log, alerts);
        var trader = new Trader(connection, journal, engine, log);
        await trader.StartAsync(stream);
        return trader;
    }

    /// <summary>The engine's instrument for an outcome of the acceptance market.</summary>
    public static InstrumentId Outcome(OutcomeSide side = OutcomeSide.Yes) => KalshiInstruments.Outcome(Ticker, side);

    public static TradingEngineOptions Options { get; } = new()
    {
        ExitCheckInterval = TimeSpan.FromMilliseconds(100),
        SettlementCheckInterval = TimeSpan.FromMilliseconds(200),
        EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(3), PollInterval = TimeSpan.FromMilliseconds(200), ResolveTimeout = TimeSpan.FromSeconds(10) },
        ExitConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromSeconds(1), PollInterval = TimeSpan.FromMilliseconds(200) },
    };

    /// <summary>Liquidity: a resting V2 order of the second account.</summary>
    public Task<KalshiOrderAck> RestAsync(BookSide side, string yesPrice, decimal count) =>
        Liquidity.Rest.CreateOrderAsync(new KalshiCreateOrder(Ticker, side, Contracts.Of(count), ContractPrice.Parse(yesPrice), VenueTimeInForce.GoodTillCanceled,
            new ClientOrderId($"liq-{Guid.NewGuid():N}")));

    public async Task<AdminAccountState> TraderOnVenueAsync() => await Admin.GetAccountAsync(TraderAccount.UserId);

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
        await Exchange.DisposeAsync();
        _adminHttp.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A running engine with its journal; dispose to stop it (or to "crash" it).</summary>
internal sealed class Trader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loops;

    public Trader(KalshiConnection connection, SqliteJournal journal, TradingEngine engine, ListLoggerProvider log)
    {
        Connection = connection;
        Journal = journal;
        Engine = engine;
        Log = log;
    }

    public KalshiConnection Connection { get; }
    public SqliteJournal Journal { get; }
    public TradingEngine Engine { get; }
    public ListLoggerProvider Log { get; }
    public StartReport Started { get; private set; } = null!;

    /// <summary>Lots as the engine's readers see them.</summary>
    public IReadOnlyList<LotView> OpenLots => Engine.Snapshot().OpenLots;

    public IReadOnlyList<LotView> ClosedLots => Engine.Snapshot().ClosedLots;

    public async Task StartAsync(bool stream)
    {
        if (stream) await Connection.StartAsync(CancellationToken.None);
        Started = await Engine.StartAsync(CancellationToken.None);
        _loops = Task.Run(() => Engine.RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loops is not null) await _loops;
        await Engine.DisposeAsync();
        await Journal.DisposeAsync();
        _stop.Dispose();
        // A journal write that failed is an anomaly the engine reports; in a story it is a bug.
        var failed = Engine.Anomalies.Recent.Where(a => a.Kind == Fillwise.Engine.Anomalies.JournalWriteFailed).ToList();
        if (failed.Count > 0) throw new InvalidOperationException("journal writes failed: " + string.Join("; ", failed.Select(a => a.Detail)));
    }
}

internal static class Eventually
{
    /// <summary>Polls until the condition holds (the engine and the venue talk asynchronously).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting until {what}{(state is null ? "" : $" ({state()})")}");
    }
}
