using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.App.Tests.Control.Fuzz;
using Fillwise.Domain.Orders;

namespace Fillwise.App.Tests.Control;

/// <summary>
/// Issue 17's findings on the engine's side, against a real engine trading the built-in exchange
/// over loopback (the book: yes bids at 0.40, asks at 0.50).
/// </summary>
public sealed class ControlApiIntegrityTests : IAsyncLifetime
{
    private ControlFuzzWorld _world = null!;

    public async Task InitializeAsync() => _world = await ControlFuzzWorld.StartAsync(seed: 17, fillTimeout: TimeSpan.FromSeconds(1));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, byte[] body, CancellationToken ct = default)
    {
        using var request = _world.Authorized(HttpMethod.Post, path);
        request.Content = new ByteArrayContent(body);
        using var response = await _world.Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Finding_3_an_oversized_count_is_denied_before_it_is_journaled_or_sent_and_the_next_order_trades()
    {
        var (_, denied) = await PostAsync("/api/v1/orders", Utf8($$"""{"ticker":"{{ControlFuzzWorld.Ticker}}","side":"yes","count":"999999999999999.99","limit_price_dollars":"0.30"}"""));
        Assert.Equal("denied", denied!["outcome"]!.GetValue<string>());
        Assert.Contains("sanity bound", denied["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_world.Journal.Intents);
        Assert.Empty(_world.VenueOrders());

        var (status, filled) = await PostAsync("/api/v1/orders", Utf8($$"""{"ticker":"{{ControlFuzzWorld.Ticker}}","side":"yes","count":"2.00","limit_price_dollars":"0.50"}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("filled", "2.00"), (filled!["outcome"]!.GetValue<string>(), filled["filled"]!.GetValue<string>()));
        Assert.NotNull(filled["order_id"]?.GetValue<string>());
        Assert.Single(_world.VenueOrders());
    }

    [Fact]
    public async Task Finding_4_a_client_that_hangs_up_mid_order_leaves_the_remainder_canceled_on_the_venue_at_the_timeout()
    {
        using (var gone = new CancellationTokenSource())
        {
            var placing = PostAsync("/api/v1/orders", Utf8($$"""{"ticker":"{{ControlFuzzWorld.Ticker}}","side":"yes","count":"3.00","limit_price_dollars":"0.45","fill_timeout_s":1.5}"""), gone.Token);
            // The client goes away once its order rests on the venue and the engine is waiting for fills.
            for (var i = 0; i < 200 && !_world.VenueOrders().Any(o => o.Status == VenueOrderStatus.Resting); i++) await Task.Delay(10);
            Assert.Contains(_world.VenueOrders(), o => o.Status == VenueOrderStatus.Resting);
            await gone.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => placing);
        }
        var order = Assert.Single(_world.VenueOrders());
        Assert.Equal(VenueOrderStatus.Resting, order.Status);
        for (var i = 0; i < 300 && _world.VenueOrders().Single().Status == VenueOrderStatus.Resting; i++) await Task.Delay(20);
        Assert.Equal(VenueOrderStatus.Canceled, _world.VenueOrders().Single().Status);
        // The engine hears of the cancel a moment after the venue book shows it (the cancel's answer, the stream).
        for (var i = 0; i < 250 && _world.Engine.Snapshot().OpenOrders.Count > 0; i++) await Task.Delay(20);
        Assert.Empty(_world.Engine.Snapshot().OpenOrders);
    }

    [Theory]
    [InlineData("/api/v1/orders", """{"\udfff\ud800":"yes"}""")]
    [InlineData("/api/v1/orders", """{"ticker":"KXFUZZ-26-T1","side":"yes","count":"1","limit_price_dollars":"0.45","note":["\ud800"]}""")]
    [InlineData("/api/v1/orders", """{"instrument":"kalshi:KXFUZZ-26-T1:yes","x\udc00":1}""")]
    [InlineData("/api/v1/arb/open", """{"symbol":"ZEC","\ud800":"aster"}""")]
    [InlineData("/api/v1/arb/close", """{"\ud800":"x"}""")]
    [InlineData("/api/v1/dry-run", """{"dry_run":true,"\ud800":1}""")]
    [InlineData("/api/v1/emergency-stop", """{"\ud800":"x"}""")]
    [InlineData("/api/v1/kill-switch/reset", """{"confirm":"RESET","\ud800":"x"}""")]
    public async Task Finding_5_a_lone_surrogate_in_any_field_name_or_nested_string_is_a_400_naming_it_and_changes_nothing(string path, string body)
    {
        var (status, answer) = await PostAsync(path, Utf8(body));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not valid text", answer!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_world.Journal.Intents);
        Assert.Empty(_world.VenueOrders());
        Assert.False(_world.Engine.KillSwitch.Status().Tripped);
    }

    [Fact]
    public async Task A_body_past_the_limit_without_a_content_length_is_refused_as_too_large_and_changes_nothing()
    {
        using var request = _world.Authorized(HttpMethod.Post, "/api/v1/orders");
        var padding = new string(' ', App.Control.ControlApi.MaxBodyBytes);
        request.Content = new StreamContent(new MemoryStream(Utf8($$"""{"ticker":"{{ControlFuzzWorld.Ticker}}",{{padding}}"side":"yes"}""")));
        request.Headers.TransferEncodingChunked = true;
        using var response = await _world.Http.SendAsync(request);
        // The host's own body limit (ControlHost) stops the read: a 413, never a 500.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_world.Journal.Intents);
        Assert.Empty(_world.VenueOrders());
    }
}
