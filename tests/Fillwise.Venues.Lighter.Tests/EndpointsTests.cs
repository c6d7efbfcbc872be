namespace Fillwise.Venues.Lighter.Tests;

/// <summary>Where --lighter-url points: a built-in venue's REST base and the stream beside it, or real Lighter (which needs a signer this client lacks).</summary>
public class EndpointsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9000/lighter", "http://127.0.0.1:9000/lighter", "ws://127.0.0.1:9000/lighter/stream")]
    [InlineData("http://127.0.0.1:9000/lighter/api/v1/", "http://127.0.0.1:9000/lighter", "ws://127.0.0.1:9000/lighter/stream")]
    [InlineData("https://venue.example/lighter", "https://venue.example/lighter", "wss://venue.example/lighter/stream")]
    public void A_built_in_venues_rest_base_gives_its_stream(string given, string rest, string ws)
    {
        Assert.True(LighterEndpoints.TryParse(given, null, out var endpoints, out var problem), problem);
        Assert.Equal((rest, ws), (endpoints.Rest.ToString().TrimEnd('/'), endpoints.WebSocket.ToString()));
        Assert.False(endpoints.IsRealLighter);
    }

    [Theory]
    [InlineData("lighter")]
    [InlineData("https://mainnet.zklighter.elliot.ai")]
    [InlineData("https://testnet.zklighter.elliot.ai/api/v1")]
    public void Real_lighter_is_known_as_such(string given)
    {
        Assert.True(LighterEndpoints.TryParse(given, null, out var endpoints, out _));
        Assert.True(endpoints.IsRealLighter);
    }

    [Theory]
    [InlineData("", null, "must be 'lighter'")]
    [InlineData("ftp://127.0.0.1/lighter", null, "http(s)")]
    [InlineData("http://127.0.0.1:9000/lighter?x=1", null, "http(s)")]
    [InlineData("http://127.0.0.1:9000/lighter", "http://127.0.0.1:9000/lighter/stream", "ws://")]
    public void A_wrong_url_is_refused_saying_what_it_must_be(string given, string? ws, string said)
    {
        Assert.False(LighterEndpoints.TryParse(given, ws, out _, out var problem));
        Assert.Contains(said, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stream_can_be_given_apart()
    {
        Assert.True(LighterEndpoints.TryParse("http://127.0.0.1:9000/lighter", "ws://127.0.0.1:9001/other", out var endpoints, out _));
        Assert.Equal("ws://127.0.0.1:9001/other", endpoints.WebSocket.ToString());
    }
}
