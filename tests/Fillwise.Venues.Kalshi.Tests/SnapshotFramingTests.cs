using System.Text;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi.Tests;

public class SnapshotFramingTests
{
    [Theory]
    // Kalshi (and the built-in exchange) put msg last; an empty side arrives as [].
    [InlineData("""{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXT-1","market_id":"m","yes_dollars_fp":[],"no_dollars_fp":[]}}""", null)]
    [InlineData("""{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXT-1","yes_dollars_fp":[["0.4700","3.00"]],"no_dollars_fp":[["0.4800","2.00"]]}}""", "0.4700")]
    [InlineData("""{"msg":{"market_ticker":"KXT-1","yes_dollars_fp":[["0.4700","3.00"]]},"type":"orderbook_snapshot","sid":1,"seq":1}""", "0.4700")]
    public void A_snapshot_applies_wherever_msg_stands_in_the_frame(string frame, string? bestYesBid)
    {
        var feed = new OrderBookFeed();
        var result = feed.Apply(Encoding.UTF8.GetBytes(frame));
        Assert.Equal(BookFeedOutcome.SnapshotApplied, result.Outcome);
        Assert.False(result.Book!.IsStale);
        Assert.Equal(bestYesBid, result.Book.BestBid(OutcomeSide.Yes)?.ToString());
    }
}

public class SignatureReuseTests
{
    [Fact]
    public void A_recent_signature_of_the_same_path_is_reused_and_a_stale_one_is_not()
    {
        var clock = new Fillwise.Testing.ManualTimeProvider();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var signer = KalshiRequestSigner.FromPem("k", rsa.ExportPkcs8PrivateKeyPem(), clock);
        var first = signer.SignReusing("POST", "/trade-api/v2/portfolio/events/orders", TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Same(first, signer.SignReusing("post", "/trade-api/v2/portfolio/events/orders?x=1", TimeSpan.FromSeconds(1)));
        Assert.NotSame(first, signer.SignReusing("GET", "/trade-api/v2/portfolio/events/orders", TimeSpan.FromSeconds(1)));
        clock.Advance(TimeSpan.FromMilliseconds(600));
        var later = signer.SignReusing("POST", "/trade-api/v2/portfolio/events/orders", TimeSpan.FromSeconds(1));
        Assert.NotEqual(first.TimestampMs, later.TimestampMs);
        // Still a valid Kalshi signature over its own timestamp.
        var payload = System.Text.Encoding.UTF8.GetBytes(KalshiRequestSigner.SigningPayload(long.Parse(later.TimestampMs, System.Globalization.CultureInfo.InvariantCulture), "POST", "/trade-api/v2/portfolio/events/orders"));
        Assert.True(rsa.VerifyData(payload, Convert.FromBase64String(later.Signature), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pss));
        Assert.NotSame(later, signer.SignReusing("POST", "/trade-api/v2/portfolio/events/orders", TimeSpan.Zero));
    }

    [Fact]
    public async Task By_default_every_request_is_signed_anew_and_reuse_is_an_opt_in()
    {
        Assert.Equal(TimeSpan.Zero, new KalshiRestOptions().SignatureReuse);
        static async Task<IReadOnlyList<string>> TwoBalanceReads(KalshiRestOptions options)
        {
            var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(200, """{"balance":100,"balance_dollars":"1.0000","portfolio_value":0,"updated_ts":1}"""), options);
            using (client)
            {
                await client.GetBalanceAsync();
                await client.GetBalanceAsync();
            }
            return handler.Seen.Where(r => r.PathAndQuery.EndsWith("/portfolio/balance", StringComparison.Ordinal))
                .Select(r => r.Headers[KalshiAuthHeaders.SignatureHeader]).ToList();
        }
        // RSA-PSS salts every signature: two requests signed anew never carry the same one.
        var fresh = await TwoBalanceReads(Clients.FastOptions);
        Assert.NotEqual(fresh[0], fresh[1]);
        var reused = await TwoBalanceReads(Clients.FastOptions with { SignatureReuse = TimeSpan.FromMinutes(1) });
        Assert.Equal(reused[0], reused[1]);
    }
}
