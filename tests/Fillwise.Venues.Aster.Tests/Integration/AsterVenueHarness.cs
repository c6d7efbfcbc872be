using System.Net.Http.Json;
using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Exchange.Perp.Aster;
using Fillwise.Exchange.Server;

namespace Fillwise.Venues.Aster.Tests.Integration;

/// <summary>The built-in exchange on 127.0.0.1:0 with a ZECUSDT market at Aster's rules, and traders made through its admin API.</summary>
internal sealed class AsterVenueHarness : IAsyncDisposable
{
    public const string Symbol = "ZECUSDT";
    public static readonly InstrumentId Zec = new("aster", Symbol);

    private readonly List<string> _files = [];
    private readonly List<IAsyncDisposable> _owned = [];

    private AsterVenueHarness(ExchangeServer server, TimeProvider time)
    {
        Server = server;
        Time = time;
    }

    public ExchangeServer Server { get; }

    public TimeProvider Time { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<AsterVenueHarness> StartAsync(TimeProvider? time = null, decimal fundingHours = 8, AsterVenueOptions? venue = null)
    {
        time ??= TimeProvider.System;
        var server = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Port = 0,
            Seed = 11,
            TimeProvider = time,
            Aster = venue ?? new AsterVenueOptions { TimeProvider = time, Seed = 11, HeartbeatInterval = TimeSpan.FromSeconds(5) },
        });
        var h = new AsterVenueHarness(server, time);
        var created = await h.Http.PostAsJsonAsync(server.AsterAdminUrl + "/markets", new
        {
            symbol = Symbol, tick_size = "0.01", step_size = "0.001", min_quantity = "0.001", min_notional = "5",
            mark_price = "514.00", funding_rate = "0.0001", funding_interval_hours = fundingHours,
        });
        created.EnsureSuccessStatusCode();
        return h;
    }

    /// <summary>A new account; its credentials go through a file, as --aster-credentials reads them.</summary>
    public async Task<(long Id, AsterClient Client)> NewTraderAsync(string balance = "10000", Func<AsterClientOptions, AsterClientOptions>? tweak = null)
    {
        var (id, file, options) = await NewAccountAsync(balance);
        var client = new AsterClient(Http, tweak?.Invoke(options) ?? options, AsterCredentials.Load(file));
        await client.MarketData.GetInstrumentsAsync(CancellationToken.None);
        return (id, client);
    }

    /// <summary>A new account connected the way the engine connects: client, user-data stream and the adapter on its four ports.</summary>
    public async Task<(long Id, AsterConnection Connection)> NewConnectionAsync(string balance = "10000")
    {
        var (id, file, options) = await NewAccountAsync(balance);
        var connection = AsterConnection.Create(options, AsterCredentials.Load(file));
        _owned.Add(connection);
        await connection.StartAsync(CancellationToken.None);
        return (id, connection);
    }

    private async Task<(long Id, string CredentialsFile, AsterClientOptions Options)> NewAccountAsync(string balance)
    {
        var response = await Http.PostAsJsonAsync(Server.AsterAdminUrl + "/accounts", new { balance });
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = long.Parse(doc.RootElement.GetProperty("account_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var file = Path.Combine(Path.GetTempPath(), $"fillwise-aster-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, doc.RootElement.GetProperty("credentials").GetRawText());
        _files.Add(file);
        return (id, file, new AsterClientOptions
        {
            RestBaseUrl = new Uri(Server.AsterRestUrl),
            WebSocketBaseUrl = new Uri(Server.AsterWebSocketUrl),
            TimeProvider = Time,
            Seed = (int)id,
            MinBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        });
    }

    /// <summary>PUT /sim/v1/perp/aster/faults.</summary>
    public async Task SetFaultsAsync(string json)
    {
        var r = await Http.PutAsync(Server.AsterAdminUrl + "/faults", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
    }

    /// <summary>GET /sim/v1/perp/aster/accounts/{id}: the venue's truth.</summary>
    public async Task<JsonElement> AccountAsync(long id)
    {
        var text = await Http.GetStringAsync($"{Server.AsterAdminUrl}/accounts/{id}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Places an order as any trader through the admin API.</summary>
    public async Task<JsonElement> AdminOrderAsync(long id, string side, string price, string quantity, bool ioc = false)
    {
        var response = await Http.PostAsJsonAsync($"{Server.AsterAdminUrl}/accounts/{id}/orders", new { symbol = Symbol, side, price, quantity, ioc });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
        await Server.DisposeAsync();
        Http.Dispose();
        foreach (var f in _files) File.Delete(f);
    }
}
