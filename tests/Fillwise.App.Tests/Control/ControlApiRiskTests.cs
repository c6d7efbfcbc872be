using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Alerts;
using Fillwise.App.Control;
using Fillwise.App.Hosting;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Alerts;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Fillwise.Testing;

namespace Fillwise.App.Tests.Control;

/// <summary>The control API's risk side (issue 11): emergency stop, reset, cleanup, the event stream, and alerts in Discord's shape.</summary>
public sealed class ControlApiRiskTests : IAsyncLifetime
{
    private const string Token = "test-token-0123456789abcdef";
    private readonly ScriptedVenue _venue = new("kalshi") { Knows = id => id.Symbol.StartsWith("KXTEST-1:", StringComparison.Ordinal) };
    private readonly WebhookCatcher _discord = new("/api/webhooks/");
    private readonly HttpClient _alertHttp = new();
    private TradingEngine _engine = null!;
    private ControlHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(_venue)]), new InMemoryJournal(), TimeProvider.System,
            new TradingEngineOptions { EntryConfirmation = ConfirmationOptions.Default with { FillTimeout = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(20) } },
            alertSinks: [new DiscordWebhookSink(_alertHttp, _discord.Url)]);
        await _engine.StartAsync(CancellationToken.None);
        _host = await ControlHost.StartAsync(new ControlContext(_engine, ControlToken.Resolve(Token, Path.GetTempPath()), "paper", "kalshi", TimeSpan.FromSeconds(30)), 0, CancellationToken.None);
        _http = new HttpClient { BaseAddress = _host.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _engine.DisposeAsync();
        await _discord.DisposeAsync();
        _alertHttp.Dispose();
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

    [Theory]
    [InlineData("/api/v1/emergency-stop")]
    [InlineData("/api/v1/kill-switch/reset")]
    [InlineData("/api/v1/cleanup")]
    public async Task Without_the_token_a_risk_call_changes_nothing(string path)
    {
        var resting = _venue.ExternalResting(new Domain.Instruments.InstrumentId("kalshi", "KXTEST-1:yes"), OrderSide.Buy, 3, 0.10m);
        var (status, _) = await SendAsync(HttpMethod.Post, path, """{"confirm":"RESET"}""", authorized: false);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(TradingMode.Active, _engine.Trading.Status.Mode);
        Assert.False(_engine.KillSwitch.IsTripped);
        Assert.Equal(VenueOrderState.Open, resting.State);
    }

    [Fact]
    public async Task An_emergency_stop_halts_cancels_alerts_in_discords_shape_and_is_reset_only_with_the_word()
    {
        var resting = _venue.ExternalResting(new Domain.Instruments.InstrumentId("kalshi", "KXTEST-1:yes"), OrderSide.Buy, 3, 0.10m);
        using var events = await OpenEventsAsync();

        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/emergency-stop", """{"reason":"going to lunch"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["active"]!.GetValue<bool>());
        Assert.Equal("emergency_stop", body["condition"]!.GetValue<string>());
        Assert.Equal("halted", body["trading_state"]!.GetValue<string>());
        Assert.Equal(VenueOrderState.Canceled, resting.State);
        var state = (await SendAsync(HttpMethod.Get, "/api/v1/state")).Body!;
        Assert.True(state["kill_switch"]!["active"]!.GetValue<bool>());

        // The alert reached "Discord" in its shape, with nothing secret in it.
        await Eventually(() => _discord.Bodies.Any(b => b["embeds"]?[0]?["title"]?.GetValue<string>().StartsWith("KILL SWITCH", StringComparison.Ordinal) == true));
        var alert = _discord.Bodies.First(b => b["embeds"]![0]!["title"]!.GetValue<string>().StartsWith("KILL SWITCH", StringComparison.Ordinal));
        Assert.Contains("KILL SWITCH ACTIVATED: emergency_stop", alert["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var embed = alert["embeds"]![0]!;
        Assert.Equal(DiscordWebhookSink.Colour(AlertSeverity.Critical), embed["color"]!.GetValue<int>());
        Assert.Contains(embed["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "Reason" && f["value"]!.GetValue<string>().Contains("going to lunch", StringComparison.Ordinal));
        var text = alert.ToJsonString();
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-webhook-token", text, StringComparison.Ordinal);

        // The stream told its reader.
        Assert.Contains("event: kill_switch", await ReadUntilAsync(events, "event: kill_switch"), StringComparison.Ordinal);

        // A reset needs the word; then trading is active again.
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/api/v1/kill-switch/reset", """{"confirm":"yes"}""")).Status);
        Assert.True(_engine.KillSwitch.IsTripped);
        var reset = await SendAsync(HttpMethod.Post, "/api/v1/kill-switch/reset", """{"confirm":"RESET"}""");
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Equal("active", reset.Body!["trading_state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cleanup_cancels_every_resting_order_and_says_how_many()
    {
        var instrument = new Domain.Instruments.InstrumentId("kalshi", "KXTEST-1:yes");
        var a = _venue.ExternalResting(instrument, OrderSide.Buy, 3, 0.10m);
        var b = _venue.ExternalResting(instrument, OrderSide.Buy, 2, 0.11m);
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/cleanup");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body!["canceled"]!.GetValue<int>());
        Assert.Equal(0, body["errors"]!.GetValue<int>());
        Assert.Equal((VenueOrderState.Canceled, VenueOrderState.Canceled), (a.State, b.State));
        Assert.Equal(0, (await SendAsync(HttpMethod.Post, "/api/v1/cleanup")).Body!["canceled"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_reset_when_nothing_tripped_is_refused_with_409()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/kill-switch/reset", """{"confirm":"RESET"}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("not tripped", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<StreamReader> OpenEventsAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await ReadUntilAsync(reader, "event: hello");
        return reader;
    }

    private static async Task<string> ReadUntilAsync(StreamReader reader, string wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line.StartsWith(wanted, StringComparison.Ordinal)) return seen.ToString();
        }
        return seen.ToString();
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition());
    }
}
