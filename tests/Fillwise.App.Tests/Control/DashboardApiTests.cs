using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.App.Dashboard;
using Fillwise.App.Hosting;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Fillwise.Testing;

namespace Fillwise.App.Tests.Control;

/// <summary>
/// What the dashboard reads and does beyond /state (issue 13): its built files with the headers that
/// keep the token in the page, recent fills and alerts, PnL and quote samples, live quotes per
/// position, and the dry-run switch of a live engine.
/// </summary>
public sealed class DashboardApiTests : IAsyncLifetime
{
    private const string Token = "test-token-0123456789abcdef";
    private readonly ScriptedVenue _venue = new("kalshi") { Knows = id => id.Symbol.StartsWith("KXTEST-1:", StringComparison.Ordinal) };
    private readonly InMemoryJournal _journal = new();
    private TradingEngine _engine = null!;
    private ControlHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(_venue)]), _journal, TimeProvider.System,
            new TradingEngineOptions { EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(20) } });
        await _engine.StartAsync(CancellationToken.None);
        await StartHostAsync("paper");
    }

    private async Task StartHostAsync(string mode)
    {
        _host = await ControlHost.StartAsync(new ControlContext(_engine, ControlToken.Resolve(Token, Path.GetTempPath()), mode, "kalshi", TimeSpan.FromSeconds(30))
        {
            HistoryInterval = TimeSpan.FromMilliseconds(50),
        }, 0, CancellationToken.None);
        _http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = _host.BaseUrl };
    }

    private async Task RestartHostAsync(string mode)
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await StartHostAsync(mode);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _engine.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body = null, bool authorized = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorized) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(20);
        }
        Assert.Fail($"timed out waiting until {what}");
    }

    [Fact]
    public async Task The_page_and_its_files_are_served_compressed_with_headers_that_keep_the_token_in_the_page()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        await using var zip = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        var html = await new StreamReader(zip).ReadToEndAsync();
        Assert.Contains("/assets/dashboard.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, html, StringComparison.Ordinal);

        // Every built file is there, and a second read with its ETag is a 304.
        Assert.Contains("assets/dashboard.js", DashboardAssets.All.Keys);
        Assert.Contains("assets/dashboard.css", DashboardAssets.All.Keys);
        using var script = await _http.GetAsync(new Uri("/assets/dashboard.js", UriKind.Relative));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/assets/dashboard.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await _http.SendAsync(again)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(new Uri("/assets/nothing.js", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("gzip, deflate, br", "br", true)]
    [InlineData("gzip;q=1.0, br;q=0", "br", false)]
    [InlineData("GZIP", "gzip", true)]
    [InlineData("identity", "gzip", false)]
    public void Accept_encoding_is_read_with_its_refusals(string header, string coding, bool accepted) =>
        Assert.Equal(accepted, DashboardAssets.Accepts(header, coding));

    [Theory]
    [InlineData("/api/v1/fills")]
    [InlineData("/api/v1/alerts")]
    [InlineData("/api/v1/history")]
    public async Task The_dashboards_reads_need_the_token(string path) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, path, authorized: false)).Status);

    [Fact]
    public async Task A_fill_an_alert_the_pnl_and_the_positions_quotes_are_kept_for_the_dashboard()
    {
        _venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        var (status, outcome) = await SendAsync(HttpMethod.Post, "/api/v1/orders",
            """{"ticker":"KXTEST-1","side":"yes","count":"5.00","limit_price_dollars":"0.4500","stop_loss_dollars":"0.30","take_profit_dollars":"0.60"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("filled", outcome!["outcome"]!.GetValue<string>());
        var instrument = _engine.Snapshot().OpenLots.Single().Instrument;
        _venue.SetBid(instrument, 0.44m, 0.46m);

        await Eventually(async () => (await SendAsync(HttpMethod.Get, "/api/v1/fills")).Body!["fills"]!.AsArray().Count == 1, "the fill is kept");
        var fill = (await SendAsync(HttpMethod.Get, "/api/v1/fills")).Body!["fills"]![0]!;
        Assert.Equal("5.00", fill["fill_quantity"]!.GetValue<string>());
        Assert.Equal("entry", fill["purpose"]!.GetValue<string>());

        var state = (await SendAsync(HttpMethod.Get, "/api/v1/state")).Body!;
        var quote = state["positions"]![0]!["quote"]!;
        Assert.Equal("0.4400", quote["bid"]!.GetValue<string>());
        Assert.Equal("0.4600", quote["ask"]!.GetValue<string>());
        Assert.False(state["dry_run"]!.GetValue<bool>());
        Assert.NotNull(state["as_of"]);
        Assert.NotNull(state["open_orders"]);

        await Eventually(async () => (await SendAsync(HttpMethod.Get, "/api/v1/history")).Body!["prices"]!.AsArray()
            .Any(p => p!["instrument"]!.GetValue<string>() == instrument.ToString() && p["points"]!.AsArray().Any(x => x!["bid"]?.GetValue<string>() == "0.4400")), "the quote is sampled");
        var history = (await SendAsync(HttpMethod.Get, "/api/v1/history")).Body!;
        var pnl = history["pnl"]!.AsArray();
        Assert.NotEmpty(pnl);
        var last = pnl[^1]!["time"]!.GetValue<string>();
        var later = (await SendAsync(HttpMethod.Get, $"/api/v1/history?since={Uri.EscapeDataString(last)}")).Body!;
        Assert.All(later["pnl"]!.AsArray(), p => Assert.True(DateTimeOffset.Parse(p!["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse(last, System.Globalization.CultureInfo.InvariantCulture)));

        await SendAsync(HttpMethod.Post, "/api/v1/emergency-stop", """{"reason":"lunch"}""");
        await Eventually(async () => (await SendAsync(HttpMethod.Get, "/api/v1/alerts")).Body!["alerts"]!.AsArray().Any(a => a!["kind"]!.GetValue<string>() == "kill_switch"), "the alert is kept");
    }

    [Theory]
    [InlineData("/api/v1/fills?limit=0", "'limit'")]
    [InlineData("/api/v1/fills?limit=abc", "'limit'")]
    [InlineData("/api/v1/alerts?limit=100000", "'limit'")]
    [InlineData("/api/v1/history?since=yesterday", "'since'")]
    public async Task A_bad_query_is_a_400_that_names_it(string path, string named)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_is_refused_outside_live_mode()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/dry-run", """{"dry_run":true}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("paper", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(TradingMode.Active, _engine.Trading.Status.Mode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"dry_run":"yes"}""")]
    [InlineData("""{"dry_run":false,"confirm":5}""")]
    [InlineData("""{"dry_run":tru""")]
    public async Task A_bad_dry_run_request_is_a_400_and_changes_nothing(string body)
    {
        await RestartHostAsync("live");
        var (status, answer) = await SendAsync(HttpMethod.Post, "/api/v1/dry-run", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_request", answer!["error"]!.GetValue<string>());
        Assert.False(DryRun.IsOn(_engine));
    }

    [Fact]
    public async Task In_live_mode_a_dry_run_stops_new_orders_and_real_trading_needs_the_word_and_survives_a_restart()
    {
        await RestartHostAsync("live");
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/dry-run", """{"dry_run":true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["dry_run"]!.GetValue<bool>());
        Assert.Equal("halted", body["trading_state"]!.GetValue<string>());
        var state = (await SendAsync(HttpMethod.Get, "/api/v1/state")).Body!;
        Assert.True(state["dry_run"]!.GetValue<bool>());
        Assert.Contains("dry run", state["trading_state_reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // Nothing new reaches the venue.
        var (_, outcome) = await SendAsync(HttpMethod.Post, "/api/v1/orders", """{"ticker":"KXTEST-1","side":"yes","count":"1.00","limit_price_dollars":"0.4500"}""");
        Assert.Equal("denied", outcome!["outcome"]!.GetValue<string>());
        Assert.Equal(0, _venue.SubmitCalls);

        // A restart of the engine on the same journal keeps the dry run.
        await _engine.Recorder.FlushAsync(CancellationToken.None);
        await using (var again = new TradingEngine(new VenueRegistry([VenueConnection.Of(_venue)]), _journal, TimeProvider.System))
        {
            await DryRun.RestoreAsync(again, _journal, CancellationToken.None);
            Assert.True(DryRun.IsOn(again));
        }

        // Real trading back on: only with the word.
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/api/v1/dry-run", """{"dry_run":false}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/api/v1/dry-run", """{"dry_run":false,"confirm":"live"}""")).Status);
        Assert.True(DryRun.IsOn(_engine));
        (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/dry-run", """{"dry_run":false,"confirm":"LIVE"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body!["dry_run"]!.GetValue<bool>());
        Assert.Equal("active", body["trading_state"]!.GetValue<string>());
    }
}
