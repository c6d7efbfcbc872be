using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Fillwise.Exchange.Server;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Server;

public sealed class AuthTests
{
    [Fact]
    public async Task Good_signature_is_accepted_and_the_query_string_is_not_signed()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();

        var balance = await h.GetAsync(alice, "/portfolio/balance");
        Assert.Equal(HttpStatusCode.OK, balance.Status);
        Assert.Equal(100000L, (long)balance.Json["balance"]!);
        Assert.Equal("1000.0000", (string?)balance.Json["balance_dollars"]);

        var withQuery = await h.GetAsync(alice, "/portfolio/orders?limit=5&status=resting");
        Assert.Equal(HttpStatusCode.OK, withQuery.Status);

        // A client that signs the query as well is refused, as Kalshi refuses it.
        var signedQuery = await h.SendAsync(null, HttpMethod.Get, "/portfolio/orders?limit=5",
            tweak: r => TestSigner.Sign(r, alice, signQuery: true));
        Assert.Equal(401, signedQuery.Code);
        Assert.Equal("INCORRECT_API_KEY_SIGNATURE", (string?)signedQuery.Json["error"]!["details"]);
    }

    [Fact]
    public async Task Wrong_key_unknown_key_missing_headers_and_stale_timestamp_get_kalshis_401_bodies()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        using var otherKey = RSA.Create(2048);

        var wrongKey = await h.GetAsync(alice with { Key = otherKey }, "/portfolio/balance");
        Assert.Equal(401, wrongKey.Code);
        Assert.Equal("""{"error":{"code":"authentication_error","message":"authentication_error","details":"INCORRECT_API_KEY_SIGNATURE"}}""", wrongKey.Text);

        var unknown = await h.GetAsync(alice with { ApiKeyId = "00000000-0000-0000-0000-000000000000" }, "/portfolio/balance");
        Assert.Equal(401, unknown.Code);
        Assert.Equal("NOT_FOUND", (string?)unknown.Json["error"]!["details"]);

        var missing = await h.GetAsync(null, "/portfolio/balance");
        Assert.Equal(401, missing.Code);
        Assert.Equal("signature_is_missing_from_headers", (string?)missing.Json["error"]!["code"]);

        var partial = await h.SendAsync(null, HttpMethod.Get, "/portfolio/balance",
            tweak: r => r.Headers.Add("KALSHI-ACCESS-KEY", alice.ApiKeyId));
        Assert.Equal("signature_is_missing_from_headers", (string?)partial.Json["error"]!["code"]);

        var stale = await h.SendAsync(null, HttpMethod.Get, "/portfolio/balance",
            tweak: r => TestSigner.Sign(r, alice, DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds()));
        Assert.Equal(401, stale.Code);
        Assert.Equal("header_timestamp_expired", (string?)stale.Json["error"]!["code"]);

        var future = await h.SendAsync(null, HttpMethod.Get, "/portfolio/balance",
            tweak: r => TestSigner.Sign(r, alice, DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds()));
        Assert.Equal("header_timestamp_expired", (string?)future.Json["error"]!["code"]);

        var garbage = await h.SendAsync(null, HttpMethod.Get, "/portfolio/balance", tweak: r =>
        {
            r.Headers.Add("KALSHI-ACCESS-KEY", alice.ApiKeyId);
            r.Headers.Add("KALSHI-ACCESS-TIMESTAMP", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            r.Headers.Add("KALSHI-ACCESS-SIGNATURE", "not base64 !!");
        });
        Assert.Equal("INCORRECT_API_KEY_SIGNATURE", (string?)garbage.Json["error"]!["details"]);

        // Public market data needs no signature.
        Assert.Equal(HttpStatusCode.OK, (await h.GetAsync(null, "/markets")).Status);
    }

    [Fact]
    public async Task Skew_window_follows_the_injected_clock()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await ServerHarness.StartAsync(new ExchangeServerOptions { TimeProvider = clock, RateLimitTier = RateLimitTier.Unlimited });
        var alice = await h.NewAccountAsync();
        var signedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var first = await h.SendAsync(null, HttpMethod.Get, "/portfolio/balance", tweak: r => TestSigner.Sign(r, alice, signedAt));
        Assert.Equal(200, first.Code);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(200, (await h.SendAsync(null, HttpMethod.Get, "/portfolio/balance", tweak: r => TestSigner.Sign(r, alice, signedAt))).Code);
        clock.Advance(TimeSpan.FromSeconds(2));
        var late = await h.SendAsync(null, HttpMethod.Get, "/portfolio/balance", tweak: r => TestSigner.Sign(r, alice, signedAt));
        Assert.Equal("header_timestamp_expired", (string?)late.Json["error"]!["code"]);
    }

    [Fact]
    public async Task WebSocket_upgrade_needs_a_valid_signature()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        using var ok = await h.ConnectAsync(alice);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, ok.State);

        using var anonymous = new System.Net.WebSockets.ClientWebSocket();
        anonymous.Options.CollectHttpResponseDetails = true;
        var ex = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(
            () => anonymous.ConnectAsync(new Uri(h.Server.WebSocketUrl), CancellationToken.None));
        Assert.NotNull(ex);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
    }
}
