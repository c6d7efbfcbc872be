using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Domain.Instruments;
using Fillwise.Engine;
using Fillwise.Engine.Arbitrage;
using Fillwise.Engine.Venues;
using Fillwise.Exchange.Perp.Lighter;
using Fillwise.Exchange.Server;
using Fillwise.Storage;
using Fillwise.Testing;
using Fillwise.Venues.Aster;
using Fillwise.Venues.Lighter;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Both built-in perp venues in one exchange on 127.0.0.1 (Aster-compatible ZECUSDT at Aster's
/// rules: tick 0.01, step 0.001, 5 USDT minimum notional spared for reduce-only; Lighter-like ZEC
/// at Lighter's: 3 size and 3 price decimals, 0.05 ZEC / 10 USDC minimums for every order, Premium
/// fees), a trader account on each, a liquidity account on each, and a trader engine connected to
/// both through the real Aster and Lighter clients, with its control API over loopback HTTP.
/// </summary>
internal sealed class ArbWorld : IAsyncDisposable
{
    public const string Token = "acceptance-arb-token-0123456789abcdef";
    public static readonly InstrumentId AsterZec = new("aster", "ZECUSDT");
    public static readonly InstrumentId LighterZec = new("lighter", "ZEC");
    private readonly HttpClient _admin = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _files = [];

    private ArbWorld(ExchangeServer exchange, string data)
    {
        Exchange = exchange;
        DataDirectory = data;
    }

    public ExchangeServer Exchange { get; }
    public string DataDirectory { get; }
    public long AsterTrader { get; private set; }
    public long LighterTrader { get; private set; }
    public long AsterLiquidity { get; private set; }
    public long LighterLiquidity { get; private set; }
    private string _asterCredentials = null!;
    private string _lighterCredentials = null!;

    public static async Task<ArbWorld> StartAsync()
    {
        var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Seed = 3,
            Scenario = ExchangeScenario.Empty,
            Lighter = new LighterVenueOptions { Seed = 3, Tier = LighterAccountTier.Premium },
        });
        var data = Path.Combine(Path.GetTempPath(), "fillwise-acceptance-arb", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var world = new ArbWorld(exchange, data);
        await world.Admin("aster", HttpMethod.Post, "/markets", new
        {
            symbol = "ZECUSDT", tick_size = "0.01", step_size = "0.001", min_quantity = "0.001", min_notional = "5",
            mark_price = "514.00", funding_rate = "0.0001", funding_interval_hours = 8,
        });
        await world.Admin("lighter", HttpMethod.Post, "/markets", new
        {
            symbol = "ZEC", tick_size = "0.001", step_size = "0.001", min_quantity = "0.05", min_notional = "10",
            mark_price = "514.000", funding_rate = "0.00002", funding_interval_hours = 1,
        });
        (world.AsterTrader, world._asterCredentials) = await world.AccountAsync("aster", "100000");
        (world.LighterTrader, world._lighterCredentials) = await world.AccountAsync("lighter", "100000");
        (world.AsterLiquidity, _) = await world.AccountAsync("aster", "1000000");
        (world.LighterLiquidity, _) = await world.AccountAsync("lighter", "1000000");
        return world;
    }

    private async Task<(long Id, string CredentialsFile)> AccountAsync(string venue, string balance)
    {
        var root = await Admin(venue, HttpMethod.Post, "/accounts", new { balance });
        var file = Path.Combine(DataDirectory, $"{venue}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, root.GetProperty("credentials").GetRawText());
        _files.Add(file);
        return (long.Parse(root.GetProperty("account_id").GetString()!, CultureInfo.InvariantCulture), file);
    }

    private string AdminUrl(string venue) => venue == "aster" ? Exchange.AsterAdminUrl : Exchange.LighterAdminUrl;

    /// <summary>A request to a venue's admin API; the answer, or the test fails naming it.</summary>
    public async Task<JsonElement> Admin(string venue, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, AdminUrl(venue) + path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {venue}{path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sets the trader's position on a venue as if it had been opened earlier (signed: + long, − short).</summary>
    public Task Hold(string venue, string quantity, string entry) =>
        Admin(venue, HttpMethod.Put, $"/accounts/{(venue == "aster" ? AsterTrader : LighterTrader)}/positions/{Symbol(venue)}", new { quantity, entry_price = entry });

    public static string Symbol(string venue) => venue == "aster" ? "ZECUSDT" : "ZEC";

    /// <summary>An order of the venue's liquidity account (IOC takes what it meets and the rest expires; otherwise it rests).</summary>
    public Task<JsonElement> Liquidity(string venue, string side, string price, string quantity, bool ioc = false) =>
        Admin(venue, HttpMethod.Post, $"/accounts/{(venue == "aster" ? AsterLiquidity : LighterLiquidity)}/orders",
            new { symbol = Symbol(venue), side, price, quantity, ioc });

    /// <summary>The trader's account on a venue, as the venue holds it.</summary>
    public Task<JsonElement> TraderOn(string venue) => Admin(venue, HttpMethod.Get, $"/accounts/{(venue == "aster" ? AsterTrader : LighterTrader)}");

    public async Task<decimal> PositionOn(string venue)
    {
        var account = await TraderOn(venue);
        return account.GetProperty("positions").EnumerateArray()
            .Where(p => p.GetProperty("symbol").GetString() == Symbol(venue))
            .Sum(p => decimal.Parse(p.GetProperty("quantity").GetString()!, CultureInfo.InvariantCulture));
    }

    /// <summary>The trader's open orders on a venue.</summary>
    public async Task<IReadOnlyList<JsonElement>> OpenOrdersOn(string venue) => [.. (await TraderOn(venue)).GetProperty("open_orders").EnumerateArray()];

    /// <summary>Holds (or releases) the Lighter venue's sequencer: sendTx still accepts, nothing executes.</summary>
    public Task HoldLighter(bool held) => Admin("lighter", HttpMethod.Put, "/sequencer", new { held });

    /// <summary>Starts the trader engine on both venues, its journal in <see cref="DataDirectory"/>, and its control API.</summary>
    public async Task<ArbTrader> StartTraderAsync(TwoLegOptions arbitrage)
    {
        var aster = AsterConnection.Create(new AsterClientOptions
        {
            RestBaseUrl = new Uri(Exchange.AsterRestUrl),
            WebSocketBaseUrl = new Uri(Exchange.AsterWebSocketUrl),
            RequestTimeout = TimeSpan.FromSeconds(5),
            MinBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(300),
        }, AsterCredentials.Load(_asterCredentials));
        var lighter = LighterConnection.Create(new LighterClientOptions
        {
            RestBaseUrl = new Uri(Exchange.LighterRestUrl),
            WebSocketUrl = new Uri(Exchange.LighterWebSocketUrl),
            Seed = 7,
            MinBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
            TransactionsPerMinute = 4000,
            PollInterval = TimeSpan.FromMilliseconds(20),
            ExecutionWait = TimeSpan.FromSeconds(5),
        }, LighterCredentials.Load(_lighterCredentials));
        var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(DataDirectory));
        var log = new ListLoggerProvider();
        var options = AcceptanceWorld.Options with
        {
            Reconciliation = new Fillwise.Engine.Reconciliation.ReconciliationOptions { QuietPeriod = TimeSpan.FromMilliseconds(200) },
            Risk = Fillwise.Engine.Risk.RiskLimits.None,
            Arbitrage = arbitrage,
        };
        var engine = new TradingEngine(new VenueRegistry([aster.Connection, lighter.Connection]), journal, TimeProvider.System, options, log);
        var trader = new ArbTrader(aster, lighter, journal, engine, log);
        await trader.StartAsync(DataDirectory);
        return trader;
    }

    public async ValueTask DisposeAsync()
    {
        await Exchange.DisposeAsync();
        _admin.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The engine on both venues with its journal and its control API; dispose to stop it.</summary>
internal sealed class ArbTrader(AsterConnection aster, LighterConnection lighter, SqliteJournal journal, TradingEngine engine, ListLoggerProvider log) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loops;
    private ControlHost? _host;

    public TradingEngine Engine { get; } = engine;
    public ListLoggerProvider Log { get; } = log;
    public HttpClient Http { get; private set; } = null!;
    public StartReport Started { get; private set; } = null!;

    public async Task StartAsync(string data)
    {
        await aster.StartAsync(CancellationToken.None);
        await lighter.StartAsync(CancellationToken.None);
        Started = await Engine.StartAsync(CancellationToken.None);
        _loops = Task.Run(() => Engine.RunAsync(_stop.Token));
        _host = await ControlHost.StartAsync(new ControlContext(Engine, ControlToken.Resolve(ArbWorld.Token, data), "paper", "aster", TimeSpan.FromSeconds(30)), 0, CancellationToken.None);
        Http = new HttpClient { BaseAddress = _host.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ArbWorld.Token);
    }

    /// <summary>POST to the control API; the status and the JSON answer.</summary>
    public async Task<(int Status, JsonNode Body)> PostAsync(string path, string json)
    {
        using var response = await Http.PostAsync(new Uri("/api/v1" + path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public async Task<JsonNode> GetAsync(string path) => JsonNode.Parse(await Http.GetStringAsync(new Uri("/api/v1" + path, UriKind.Relative)))!;

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        await _stop.CancelAsync();
        if (_loops is not null) await _loops;
        await Engine.DisposeAsync();
        await aster.DisposeAsync();
        await lighter.DisposeAsync();
        await journal.DisposeAsync();
        _stop.Dispose();
        var failed = Engine.Anomalies.Recent.Where(a => a.Kind == Fillwise.Engine.Anomalies.JournalWriteFailed).ToList();
        if (failed.Count > 0) throw new InvalidOperationException("journal writes failed: " + string.Join("; ", failed.Select(a => a.Detail)));
    }
}
