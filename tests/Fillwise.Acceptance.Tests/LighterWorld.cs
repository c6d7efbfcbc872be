using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Engine;
using Fillwise.Engine.Venues;
using Fillwise.Exchange.Perp.Lighter;
using Fillwise.Exchange.Perp.Server;
using Fillwise.Exchange.Server;
using Fillwise.Storage;
using Fillwise.Testing;
using Fillwise.Venues.Lighter;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// The built-in Lighter-like venue on 127.0.0.1 with seed 003's ZEC market (3 size and 3 price
/// decimals, 0.05 ZEC / 10 USDC minimums, Premium fees), a trader engine connected through the real
/// Lighter client (REST, sendTx, account channels) on the venue ports, and a second account that
/// provides liquidity through the venue's admin API.
/// </summary>
internal sealed class LighterWorld : IAsyncDisposable
{
    public const string Symbol = "ZEC";
    public static readonly InstrumentId Zec = new("lighter", Symbol);
    private readonly HttpClient _http = new();

    private LighterWorld(ExchangeServer exchange, string dataDirectory)
    {
        Exchange = exchange;
        DataDirectory = dataDirectory;
        Admin = new PerpAdminClient(_http, exchange.LighterAdminUrl);
    }

    public ExchangeServer Exchange { get; }
    public string DataDirectory { get; }
    public PerpAdminClient Admin { get; }
    public long TraderId { get; private set; }
    public string TraderCredentialsFile { get; private set; } = null!;
    public long LiquidityId { get; private set; }

    /// <param name="fundingRate">Per interval; "0" keeps funding out of a story that is not about it.</param>
    /// <param name="fundingHours">The interval; a fraction (0.001 h = 3.6 s) lets a story see funding settle.</param>
    public static async Task<LighterWorld> StartAsync(int seed = 1, string fundingRate = "0", decimal fundingHours = 1)
    {
        var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Seed = seed,
            Scenario = ExchangeScenario.Empty,
            Lighter = new LighterVenueOptions { Seed = seed, Tier = LighterAccountTier.Premium },
        });
        var data = Path.Combine(Path.GetTempPath(), "fillwise-acceptance-lighter", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var world = new LighterWorld(exchange, data);
        await world.Admin.CreateMarketAsync(new JsonObject
        {
            ["symbol"] = Symbol, ["tick_size"] = "0.001", ["step_size"] = "0.001", ["min_quantity"] = "0.05", ["min_notional"] = "10",
            ["mark_price"] = "514.000", ["funding_rate"] = fundingRate, ["funding_interval_hours"] = fundingHours,
        });
        var trader = await world.Admin.CreateAccountAsync("10000");
        world.TraderId = trader.AccountId;
        world.TraderCredentialsFile = Path.Combine(data, "lighter-trader.json");
        await File.WriteAllTextAsync(world.TraderCredentialsFile, trader.CredentialsJson);
        world.LiquidityId = (await world.Admin.CreateAccountAsync("100000")).AccountId;
        return world;
    }

    /// <summary>Starts a trader engine on the trader account: its journal in <see cref="DataDirectory"/>, rebuilt and reconciled before it returns.</summary>
    public async Task<PerpTrader<LighterConnection>> StartTraderAsync(TradingEngineOptions options)
    {
        var connection = LighterConnection.Create(new LighterClientOptions
        {
            RestBaseUrl = new Uri(Exchange.LighterRestUrl),
            WebSocketUrl = new Uri(Exchange.LighterWebSocketUrl),
            RequestTimeout = TimeSpan.FromSeconds(5),
            MinBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(300),
            TransactionsPerMinute = 4000,
            PollInterval = TimeSpan.FromMilliseconds(20),
            ExecutionWait = TimeSpan.FromSeconds(5),
        }, LighterCredentials.Load(TraderCredentialsFile));
        var journal = await SqliteJournal.OpenAsync(new SqliteJournalOptions(DataDirectory));
        var log = new ListLoggerProvider();
        var engine = new TradingEngine(new VenueRegistry([connection.Connection]), journal, TimeProvider.System, options, log);
        var trader = new PerpTrader<LighterConnection>(connection, connection.StartAsync, journal, engine, log);
        await trader.StartAsync();
        return trader;
    }

    /// <summary>Liquidity: an order of the second account (IOC takes what it meets, the rest expires; otherwise it rests).</summary>
    public Task<JsonElement> LiquidityOrderAsync(string side, string price, string quantity, bool ioc = false) =>
        Admin.PlaceOrderAsync(LiquidityId, new JsonObject { ["symbol"] = Symbol, ["side"] = side, ["price"] = price, ["quantity"] = quantity, ["ioc"] = ioc });

    /// <summary>GET /sim/v1/perp/lighter/accounts/{trader}: the venue's truth.</summary>
    public Task<JsonElement> TraderOnVenueAsync() => Admin.GetAccountAsync(TraderId);

    public static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

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
