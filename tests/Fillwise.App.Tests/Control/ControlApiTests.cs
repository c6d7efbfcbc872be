using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Venues;
using Fillwise.Domain.Venues;
using Fillwise.Testing;

namespace Fillwise.App.Tests.Control;

public sealed class ControlApiTests : IAsyncLifetime
{
    private const string Token = "test-token-0123456789abcdef";
    private readonly ScriptedVenue _venue = new("kalshi") { Knows = id => id.Symbol.StartsWith("KXTEST-1:", StringComparison.Ordinal) };
    private TradingEngine _engine = null!;
    private ControlHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(_venue)]), new InMemoryJournal(), TimeProvider.System,
            new TradingEngineOptions { EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(20) } });
        await _engine.StartAsync(CancellationToken.None);
        _host = await ControlHost.StartAsync(new ControlContext(_engine, ControlToken.Resolve(Token, Path.GetTempPath()), "paper", "kalshi", TimeSpan.FromSeconds(30)), 0, CancellationToken.None);
        _http = new HttpClient { BaseAddress = _host.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _engine.DisposeAsync();
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    [Fact]
    public async Task The_dashboard_page_is_served_without_secrets()
    {
        var response = await _http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("/api/v1/state", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        var response = await _http.GetAsync(new Uri("/api/v1/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic dGVzdA==")]
    public async Task Without_the_token_nothing_happens(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = new StringContent("""{"ticker":"KXTEST-1","side":"yes","count":"10","limit_price_dollars":"0.45"}""", Encoding.UTF8, "application/json"),
        };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(Token, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_venue.Orders);
        Assert.Empty(_engine.Snapshot().OpenOrders);
        Assert.Equal(0, _venue.SubmitCalls);
    }

    [Theory]
    [InlineData("""{"ticker":"KXTEST-1","side":"yes","count":"10","limit_price_dollars":"1.50"}""", "'1.50'")]
    [InlineData("""{"ticker":"KXTEST-1","side":"yes","count":"10","limit_price_dollars":"0"}""", "outside (0, 1)")]
    [InlineData("""{"ticker":"KXTEST-1","side":"yes","count":"0","limit_price_dollars":"0.45"}""", "more than zero")]
    [InlineData("""{"ticker":"KXNOPE","side":"yes","count":"10","limit_price_dollars":"0.45"}""", "KXNOPE")]
    [InlineData("""{"ticker":"KXTEST-1","side":"maybe","count":"10","limit_price_dollars":"0.45"}""", "'side'")]
    [InlineData("""{"ticker":"KXTEST-1","side":"yes","count":10,"limit_price_dollars":"0.45"}""", "'count' must be a string")]
    [InlineData("""{"ticker":"KXTEST-1","side":"yes","count":"10","limit_price_dollars":"0.45","fill_timeout_s":-1}""", "fill_timeout_s")]
    [InlineData("""{"ticker":"KXTEST-1",""", "not valid JSON")]
    [InlineData("""[1,2]""", "JSON object")]
    public async Task Bad_orders_get_a_400_naming_the_problem_and_nothing_is_sent(string body, string named)
    {
        var response = await _http.SendAsync(Authorized(HttpMethod.Post, "/api/v1/orders", body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>();
        Assert.Contains(named, message, StringComparison.Ordinal);
        Assert.Empty(_venue.Orders);
        Assert.Empty(_engine.Snapshot().OpenOrders);
        Assert.Equal(0, _venue.SubmitCalls);
    }

    [Fact]
    public async Task An_order_is_placed_and_confirmed_and_shows_in_the_state()
    {
        _venue.OnSubmit = (_, _) => new SubmitScript(SubmitKind.Accept, FillNow: 6);
        var response = await _http.SendAsync(Authorized(HttpMethod.Post, "/api/v1/orders",
            """{"ticker":"KXTEST-1","side":"yes","count":"10.00","limit_price_dollars":"0.4500","stop_loss_dollars":"0.40","fill_timeout_s":0.3}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("partial", outcome["outcome"]!.GetValue<string>());
        Assert.Equal("10.00", outcome["requested"]!.GetValue<string>());
        Assert.Equal("6.00", outcome["filled"]!.GetValue<string>());
        Assert.Equal("0.4500", outcome["avg_fill_price_dollars"]!.GetValue<string>());

        var state = JsonNode.Parse(await (await _http.SendAsync(Authorized(HttpMethod.Get, "/api/v1/state"))).Content.ReadAsStringAsync())!;
        var position = state["positions"]!.AsArray().Single()!;
        Assert.Equal("6.00", position["contracts"]!.GetValue<string>());
        Assert.Equal("10.00", position["requested_contracts"]!.GetValue<string>());
        Assert.Equal("0.4000", position["stop_loss_dollars"]!.GetValue<string>());
        Assert.False(position["closing"]!.GetValue<bool>());
        Assert.Equal(1, state["metrics"]!["entry_orders_partial_filled"]!.GetValue<long>());
        Assert.Empty(state["open_orders"]!.AsArray());
    }

    [Fact]
    public async Task Closing_an_unknown_position_is_a_404()
    {
        var response = await _http.SendAsync(Authorized(HttpMethod.Post, "/api/v1/positions/KXTEST-1/close"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Text_that_is_not_valid_unicode_is_a_400_naming_the_field()
    {
        foreach (var body in new[] { Encoding.UTF8.GetBytes("""{"ticker":"\ud800","side":"yes"}"""), [.. Encoding.UTF8.GetBytes("""{"ticker":"KX"""), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")] })
        {
            var request = Authorized(HttpMethod.Post, "/api/v1/orders");
            request.Content = new ByteArrayContent(body);
            var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>();
            Assert.True(message.Contains("'ticker'", StringComparison.Ordinal) || message.Contains("UTF-8", StringComparison.Ordinal), message);
        }
        Assert.Equal(0, _venue.SubmitCalls);
    }

    [Fact]
    public async Task An_oversized_order_is_denied_before_anything_is_journaled_or_sent()
    {
        var response = await _http.SendAsync(Authorized(HttpMethod.Post, "/api/v1/orders",
            """{"ticker":"KXTEST-1","side":"yes","count":"999999999999999.99","limit_price_dollars":"0.30"}"""));
        var outcome = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("denied", outcome["outcome"]!.GetValue<string>());
        Assert.Contains("sanity bound", outcome["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, _venue.SubmitCalls);
    }

    [Fact]
    public async Task A_client_that_goes_away_leaves_its_order_followed_and_canceled_at_the_timeout()
    {
        using (var gone = new CancellationTokenSource())
        {
            // The client goes away once its order is on the venue and the engine is waiting for fills.
            _venue.OnSubmit = (_, _) =>
            {
                gone.CancelAfter(TimeSpan.FromMilliseconds(30));
                return new SubmitScript(SubmitKind.Accept, FillNow: 2);
            };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _http.SendAsync(Authorized(HttpMethod.Post, "/api/v1/orders",
                """{"ticker":"KXTEST-1","side":"yes","count":"10.00","limit_price_dollars":"0.45","fill_timeout_s":0.5}"""), gone.Token));
        }
        var order = Assert.Single(_venue.Orders);
        for (var i = 0; i < 200 && order.State == Domain.Orders.VenueOrderState.Open; i++) await Task.Delay(20);
        Assert.Equal(Domain.Orders.VenueOrderState.Canceled, order.State);
        Assert.Equal(Quantity.Of(2), Assert.Single(_engine.Snapshot().OpenLots).Quantity);
    }

    [Fact]
    public async Task One_position_is_closed_by_its_position_id()
    {
        _venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        foreach (var _ in new[] { 1, 2 })
            await _http.SendAsync(Authorized(HttpMethod.Post, "/api/v1/orders", """{"ticker":"KXTEST-1","side":"yes","count":"5.00","limit_price_dollars":"0.45"}"""));
        var lots = _engine.Snapshot().OpenLots;
        Assert.Equal(2, lots.Count);
        _venue.SetBid(lots[0].Instrument, 0.44m);
        var response = await _http.SendAsync(Authorized(HttpMethod.Post, $"/api/v1/positions/{lots[0].Id}/close"));
        var outcome = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("filled", outcome["outcome"]!.GetValue<string>());
        Assert.Equal(lots[0].Id.Value, outcome["position_id"]!.GetValue<string>());
        Assert.Equal(lots[1].Id, Assert.Single(_engine.Snapshot().OpenLots).Id);
    }

    [Fact]
    public async Task An_unreachable_venue_shows_the_last_known_balance_as_stale_never_zero()
    {
        var fresh = JsonNode.Parse(await (await _http.SendAsync(Authorized(HttpMethod.Get, "/api/v1/state"))).Content.ReadAsStringAsync())!;
        Assert.Equal("1000.0000", fresh["balance_dollars"]!.GetValue<string>());
        Assert.False(fresh["balance_stale"]!.GetValue<bool>());

        _venue.AccountError = "connection refused";
        await _engine.Accounts.RefreshAsync(CancellationToken.None);
        var state = JsonNode.Parse(await (await _http.SendAsync(Authorized(HttpMethod.Get, "/api/v1/state"))).Content.ReadAsStringAsync())!;
        Assert.Equal("1000.0000", state["balance_dollars"]!.GetValue<string>());
        Assert.True(state["balance_stale"]!.GetValue<bool>());
        Assert.Equal("connection refused", state["balance_error"]!.GetValue<string>());
        Assert.NotNull(state["balance_as_of"]);
    }
}
