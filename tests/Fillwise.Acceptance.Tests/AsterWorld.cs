using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Engine;
using Fillwise.Engine.Venues;
using Fillwise.Exchange.Server;
using Fillwise.Storage;
using Fillwise.Testing;
using Fillwise.Venues.Aster;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// The built-in Aster venue on 127.0.0.1 with a ZECUSDT market at Aster's rules, a trader engine
/// connected through the real Aster client (REST + user-data WebSocket) on the venue ports, and a
/// second account that provides liquidity through the venue's admin API.
/// </summary>
internal sealed class AsterWorld : IAsyncDisposable
{
    public const string Symbol = "ZECUSDT";
    public static readonly InstrumentId Zec = new("aster", Symbol);
    private readonly HttpClient _http = new();

    private AsterWorld(ExchangeServer exchange, string dataDirectory)
    {
        Exchange = exchange;
        DataDirectory = dataDirectory;
    }

    public ExchangeServer Exchange { get; }
    public string DataDirectory { get; }
    public long TraderId { get; private set; }
    public string TraderCredentialsFile { get; private set; } = null!;
    public long LiquidityId { get; private set; }

    public static async Task<AsterWorld> StartAsync(int seed = 1)
    {
        var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions { Seed = seed, Scenario = ExchangeScenario.Empty });
        var data = Path.Combine(Path.GetTempPath(), "fillwise-acceptance-aster", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var world = new AsterWorld(exchange, data);
        (await world._http.PostAsJsonAsync(exchange.AsterAdminUrl + "/markets", new
        {
            symbol = Symbol, tick_size = "0.01", step_size = "0.001", min_quantity = "0.001", min_notional = "5",
            mark_price = "514.00", funding_rate = "0.0001", funding_interval_hours = 8,
        })).EnsureSuccessStatusCode();
        (world.TraderId, var credentials) = await world.AccountAsync("10000");
        world.TraderCredentialsFile = Path.Combine(data, "aster-trader.json");
        await File.WriteAllTextAsync(world.TraderCredentialsFile, credentials);
        (world.LiquidityId, _) = await world.AccountAsync("100000");
        return world;
    }

    private async Task<(long Id, string Credentials)> AccountAsync(string balance)
    {
        var response = await _http.PostAsJsonAsync(Exchange.AsterAdminUrl + "/accounts", new { balance });
        response.EnsureSuccessStatusCode();
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (long.Parse(root.GetProperty("account_id").GetString()!, CultureInfo.InvariantCulture), root.GetProperty("credentials").GetRawText());
    }

    /// <summary>Starts a trader engine on the trader account: its journal in <see cref="DataDirectory"/>, rebuilt and reconciled before it returns.</summary>
    public async Task<AsterTrader> StartTraderAsync(TradingEngineOptions options)
    {
        var connection = AsterConnection.Create(new AsterClientOptions
        {
            RestBaseUrl = new Uri(Exchange.AsterRestUrl),
            WebSocketBaseUrl = new Uri(Exchange.AsterWebSocketUrl),
            RequestTimeout = TimeSpan.FromSeconds(5),
            MinBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(300),
        }, AsterCredentials.Load(TraderCredentialsFile));
        var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(DataDirectory));
        var log = new ListLoggerProvider();
        var engine = new TradingEngine(new VenueRegistry([connection.Connection]), journal, TimeProvider.System, options, log);
        var trader = new AsterTrader(connection, journal, engine, log);
        await trader.StartAsync();
        return trader;
    }

    /// <summary>Liquidity: an order of the second account (IOC takes what it meets, the rest expires; otherwise it rests).</summary>
    public async Task<JsonElement> LiquidityOrderAsync(string side, string price, string quantity, bool ioc = false)
    {
        var response = await _http.PostAsJsonAsync($"{Exchange.AsterAdminUrl}/accounts/{LiquidityId}/orders", new { symbol = Symbol, side, price, quantity, ioc });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>GET /sim/v1/perp/aster/accounts/{trader}: the venue's truth.</summary>
    public async Task<JsonElement> TraderOnVenueAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync($"{Exchange.AsterAdminUrl}/accounts/{TraderId}")).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        await Exchange.DisposeAsync();
        _http.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A running engine on Aster with its journal; dispose to stop it.</summary>
internal sealed class AsterTrader(AsterConnection connection, SqliteJournal journal, TradingEngine engine, ListLoggerProvider log) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loops;

    public AsterConnection Connection { get; } = connection;
    public SqliteJournal Journal { get; } = journal;
    public TradingEngine Engine { get; } = engine;
    public ListLoggerProvider Log { get; } = log;
    public StartReport Started { get; private set; } = null!;

    public async Task StartAsync()
    {
        await Connection.StartAsync(CancellationToken.None);
        Started = await Engine.StartAsync(CancellationToken.None);
        _loops = Task.Run(() => Engine.RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loops is not null) await _loops;
        await Engine.DisposeAsync();
        await Connection.DisposeAsync();
        await Journal.DisposeAsync();
        _stop.Dispose();
        // A journal write that failed is an anomaly the engine reports; in a story it is a bug.
        var failed = Engine.Anomalies.Recent.Where(a => a.Kind == Fillwise.Engine.Anomalies.JournalWriteFailed).ToList();
        if (failed.Count > 0) throw new InvalidOperationException("journal writes failed: " + string.Join("; ", failed.Select(a => a.Detail)));
    }
}
