using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Fillwise.Venues.Kalshi.Tests;

public sealed class SigningTests
{
    private const long Ts = 1718000000000;

    [Fact]
    public void Payload_is_timestamp_method_and_path_without_query()
    {
        Assert.Equal("1718000000000GET/trade-api/v2/portfolio/orders",
            KalshiRequestSigner.SigningPayload(Ts, "GET", "/trade-api/v2/portfolio/orders?limit=5"));
        Assert.Equal("1718000000000DELETE/trade-api/v2/portfolio/events/orders/abc",
            KalshiRequestSigner.SigningPayload(Ts, "delete", "/trade-api/v2/portfolio/events/orders/abc?market_ticker=X"));
    }

    [Theory]
    [InlineData("TEST_ONLY_kalshi_key_pkcs1.pem")]
    [InlineData("TEST_ONLY_kalshi_key_pkcs8.pem")]
    public void Signature_verifies_with_the_public_key_using_PSS_SHA256(string file)
    {
        using var signer = KalshiRequestSigner.FromPemFile(TestKeys.KeyId, Path.Combine(TestKeys.Dir, file));
        var headers = signer.Sign("GET", "/trade-api/v2/portfolio/orders?limit=5", Ts);
        Assert.Equal(TestKeys.KeyId, headers.KeyId);
        Assert.Equal("1718000000000", headers.TimestampMs);
        Assert.True(TestKeys.Verify("1718000000000GET/trade-api/v2/portfolio/orders", headers.Signature));
        Assert.False(TestKeys.Verify("1718000000000GET/trade-api/v2/portfolio/orders?limit=5", headers.Signature));
    }

    [Fact]
    public void Signature_is_PSS_with_MGF1_SHA256_and_a_32_byte_salt()
    {
        using var signer = TestKeys.Signer();
        var payload = Encoding.UTF8.GetBytes("1718000000000GET/trade-api/v2/portfolio/orders");
        var sig = Convert.FromBase64String(signer.Sign("GET", "/trade-api/v2/portfolio/orders?limit=5", Ts).Signature);

        // Decode EMSA-PSS by hand (RFC 8017 §9.1.2) to read the salt length the signer used.
        using var pub = TestKeys.PublicKey();
        var p = pub.ExportParameters(false);
        var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(p.Exponent, isUnsigned: true, isBigEndian: true);
        var m = BigInteger.ModPow(new BigInteger(sig, isUnsigned: true, isBigEndian: true), e, n);
        var modBits = (int)n.GetBitLength();
        var emLen = (modBits - 1 + 7) / 8;
        var em = new byte[emLen];
        var mb = m.ToByteArray(isUnsigned: true, isBigEndian: true);
        mb.CopyTo(em, emLen - mb.Length);

        const int hLen = 32;
        Assert.Equal(0xBC, em[^1]);
        var maskedDb = em[..(emLen - hLen - 1)];
        var h = em[(emLen - hLen - 1)..^1];
        var dbMask = Mgf1(h, maskedDb.Length);
        var db = new byte[maskedDb.Length];
        for (var i = 0; i < db.Length; i++) db[i] = (byte)(maskedDb[i] ^ dbMask[i]);
        db[0] &= (byte)(0xFF >> ((8 * emLen) - (modBits - 1)));
        var one = Array.IndexOf(db, (byte)1);
        Assert.All(db[..one], b => Assert.Equal(0, b));
        var salt = db[(one + 1)..];
        Assert.Equal(32, salt.Length);

        var mPrime = new byte[8 + hLen + salt.Length];
        SHA256.HashData(payload).CopyTo(mPrime, 8);
        salt.CopyTo(mPrime, 8 + hLen);
        Assert.Equal(h, SHA256.HashData(mPrime));
    }

    private static byte[] Mgf1(byte[] seed, int length)
    {
        var output = new List<byte>();
        for (var counter = 0; output.Count < length; counter++)
        {
            var c = new byte[] { (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter };
            output.AddRange(SHA256.HashData([.. seed, .. c]));
        }
        return [.. output.Take(length)];
    }

    [Fact]
    public void Timestamp_comes_from_the_injected_clock()
    {
        var clock = new Fillwise.Testing.ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Ts));
        using var signer = TestKeys.Signer(clock);
        Assert.Equal("1718000000000", signer.Sign("GET", "/trade-api/v2/exchange/status").TimestampMs);
    }

    [Fact]
    public void Missing_key_file_error_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "fillwise-no-such-key-" + Guid.NewGuid() + ".pem");
        var e = Assert.Throws<KalshiKeyException>(() => KalshiRequestSigner.FromPemFile("k", path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_key_file_error_names_the_path_but_not_the_content()
    {
        var path = Path.Combine(Path.GetTempPath(), "fillwise-garbage-" + Guid.NewGuid() + ".pem");
        const string secret = "SUPERSECRETCONTENT1234567890";
        File.WriteAllText(path, "-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----\n");
        try
        {
            var e = Assert.Throws<KalshiKeyException>(() => KalshiRequestSigner.FromPemFile("k", path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Public_key_only_is_refused_with_the_path()
    {
        var e = Assert.Throws<KalshiKeyException>(() => KalshiRequestSigner.FromPemFile("k", TestKeys.PublicPath));
        Assert.Contains(TestKeys.PublicPath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_never_shows_the_signature_or_key()
    {
        using var signer = TestKeys.Signer();
        var h = signer.Sign("GET", "/trade-api/v2/x", Ts);
        Assert.DoesNotContain(h.Signature, h.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", signer.ToString(), StringComparison.Ordinal);
    }
}

public sealed class EnvironmentTests
{
    [Fact]
    public void Named_environments()
    {
        Assert.Equal("https://external-api.kalshi.com/trade-api/v2", KalshiEnvironment.Parse("kalshi").RestBase.ToString());
        Assert.Equal("wss://external-api-ws.kalshi.com/trade-api/ws/v2", KalshiEnvironment.Parse("kalshi").WebSocket.ToString());
        Assert.Equal("https://external-api.demo.kalshi.co/trade-api/v2", KalshiEnvironment.Parse("kalshi-demo").RestBase.ToString());
        Assert.Equal("wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2", KalshiEnvironment.Parse("kalshi-demo").WebSocket.ToString());
        Assert.True(KalshiEnvironment.Parse("kalshi").IsProduction);
        Assert.False(KalshiEnvironment.Parse("kalshi-demo").IsProduction);
    }

    [Fact]
    public void Custom_base_url_derives_the_websocket_url()
    {
        var env = KalshiEnvironment.Parse("http://127.0.0.1:9000/trade-api/v2");
        Assert.Equal("ws://127.0.0.1:9000/trade-api/ws/v2", env.WebSocket.ToString());
        Assert.Equal("/trade-api/v2", env.RestPathPrefix);
        Assert.Equal("/trade-api/ws/v2", env.WebSocketPath);
        Assert.Equal("http://127.0.0.1:9000/trade-api/v2/portfolio/orders?limit=5", env.RestUri("/portfolio/orders?limit=5").ToString());
        Assert.Equal("wss://venue.example/trade-api/ws/v2", KalshiEnvironment.Parse("https://venue.example/trade-api/v2/").WebSocket.ToString());
    }

    [Theory]
    [InlineData("ftp://x/trade-api/v2")]
    [InlineData("http://127.0.0.1:9000/api")]
    [InlineData("nonsense")]
    public void Bad_venue_is_refused(string venue) => Assert.Throws<ArgumentException>(() => KalshiEnvironment.Parse(venue));

    [Fact]
    public void Client_refuses_an_HttpClient_with_BaseAddress()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9000/trade-api/v2/") };
        Assert.Throws<ArgumentException>(() => new KalshiRestClient(http, Clients.Local, TestKeys.Signer()));
    }
}
