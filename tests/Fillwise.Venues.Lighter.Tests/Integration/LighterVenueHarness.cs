using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Exchange.Perp.Lighter;
using Fillwise.Exchange.Server;

namespace Fillwise.Venues.Lighter.Tests.Integration;

/// <summary>The built-in exchange on 127.0.0.1:0 with a ZEC market at Lighter's rules (3 size and 3 price decimals, 0.05 ZEC / 10 USDC minimums), and traders made through its admin API.</summary>
internal sealed class LighterVenueHarness : IAsyncDisposable
{
    public const string Symbol = "ZEC";
    public static readonly InstrumentId Zec = new("lighter", Symbol);

    private readonly List<string> _files = [];

    private LighterVenueHarness(ExchangeServer server, TimeProvider time)
    {
        Server = server;
        Time = time;
    }

    public ExchangeServer Server { get; }

    public TimeProvider Time { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<LighterVenueHarness> StartAsync(TimeProvider? time = null, LighterVenueOptions? venue = null, decimal fundingHours = 1)
    {
        time ??= TimeProvider.System;
        var server = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Port = 0,
            Seed = 13,
            TimeProvider = time,
            Lighter = venue ?? new LighterVenueOptions { TimeProvider = time, Seed = 13, Tier = LighterAccountTier.Premium, HeartbeatInterval = TimeSpan.FromSeconds(5) },
        });
        var h = new LighterVenueHarness(server, time);
        var created = await h.Http.PostAsJsonAsync(server.LighterAdminUrl + "/markets", new
        {
            symbol = Symbol, tick_size = "0.001", step_size = "0.001", min_quantity = "0.05", min_notional = "10",
            mark_price = "514.000", funding_rate = "0.000012", funding_interval_hours = fundingHours,
        });
        created.EnsureSuccessStatusCode();
        return h;
    }

    public LighterClientOptions Options(int seed) => new()
    {
        RestBaseUrl = new Uri(Server.LighterRestUrl),
        WebSocketUrl = new Uri(Server.LighterWebSocketUrl),
        TimeProvider = Time,
        Seed = seed,
        MinBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        TransactionsPerMinute = 4000,
        PollInterval = TimeSpan.FromMilliseconds(20),
        ExecutionWait = TimeSpan.FromSeconds(5),
    };

    /// <summary>A new account; its credentials go through a file, as --lighter-credentials reads them.</summary>
    public async Task<(long Id, string CredentialsFile)> NewAccountAsync(string balance = "10000")
    {
        var response = await Http.PostAsJsonAsync(Server.LighterAdminUrl + "/accounts", new { balance });
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = long.Parse(doc.RootElement.GetProperty("account_id").GetString()!, CultureInfo.InvariantCulture);
        var file = Path.Combine(Path.GetTempPath(), $"fillwise-lighter-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, doc.RootElement.GetProperty("credentials").GetRawText());
        _files.Add(file);
        return (id, file);
    }

    public async Task<(long Id, LighterClient Client)> NewTraderAsync(string balance = "10000", Func<LighterClientOptions, LighterClientOptions>? tweak = null)
    {
        var (id, file) = await NewAccountAsync(balance);
        var options = Options((int)id);
        var client = new LighterClient(Http, tweak?.Invoke(options) ?? options, LighterCredentials.Load(file));
        await client.MarketData.GetMarketsAsync(CancellationToken.None);
        return (id, client);
    }

    /// <summary>An account behind the engine's ports (client, stream with the account channels, adapter), started.</summary>
    public async Task<(long Id, LighterConnection Connection)> NewConnectionAsync(string balance = "10000", Func<LighterClientOptions, LighterClientOptions>? tweak = null)
    {
        var (id, file) = await NewAccountAsync(balance);
        var options = Options((int)id);
        var connection = LighterConnection.Create(tweak?.Invoke(options) ?? options, LighterCredentials.Load(file));
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await connection.StartAsync(start.Token);
        return (id, connection);
    }

    /// <summary>GET /sim/v1/perp/lighter/accounts/{id}: the venue's truth.</summary>
    public async Task<JsonElement> AccountAsync(long id)
    {
        var text = await Http.GetStringAsync($"{Server.LighterAdminUrl}/accounts/{id}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Places an order as any trader through the admin API (straight onto the book, no sendTx).</summary>
    public async Task<JsonElement> AdminOrderAsync(long id, string side, string price, string quantity, bool ioc = false)
    {
        var response = await Http.PostAsJsonAsync($"{Server.LighterAdminUrl}/accounts/{id}/orders", new { symbol = Symbol, side, price, quantity, ioc });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task SetPositionAsync(long id, string quantity, string entry)
    {
        var r = await Http.PutAsync($"{Server.LighterAdminUrl}/accounts/{id}/positions/{Symbol}",
            new StringContent($$"""{"quantity":"{{quantity}}","entry_price":"{{entry}}"}""", Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
    }

    public async Task SetFaultsAsync(string json)
    {
        var r = await Http.PutAsync(Server.LighterAdminUrl + "/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        // Connections closed first: the server then stops without waiting for idle keep-alives.
        Http.Dispose();
        await Server.DisposeAsync();
        foreach (var f in _files) File.Delete(f);
    }

    internal static async Task WaitUntil(Func<bool> condition, int seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("condition not met in time");
            await Task.Delay(20);
        }
    }

    internal static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > until) Assert.Fail("condition not met in time");
            await Task.Delay(20);
        }
    }
}
