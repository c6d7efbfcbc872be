using Fillwise.Testing;

namespace Fillwise.Venues.Aster.Tests;

public class SigningTests
{
    private const string Key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    private const string Wallet = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23";

    /// <summary>
    /// The vector ccxt 4.5.84 produced with this key and its clock fixed at 2026-01-01T00:00:00Z
    /// (aster.sign('v3/order', 'fapiPrivate', 'POST', {symbol, side, type, quantity, price, timeInForce})):
    /// our signer must produce the very same body, byte for byte.
    /// </summary>
    [Fact]
    public void The_signature_is_the_one_ccxt_makes_for_the_same_request()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var signer = new AsterSigner(AsterCredentials.FromPrivateKey(Key), clock);
        var body = signer.SignParameters([new("symbol", "ZECUSDT"), new("side", "BUY"), new("type", "LIMIT"), new("quantity", "0.100"), new("price", "514.000"), new("timeInForce", "GTC")]);
        Assert.Equal(
            "nonce=1767225600000000&user=0x2c7536e3605d9c16a7a3d7b1898e529396a65c23&signer=0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"
            + "&symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=0.100&price=514.000&timeInForce=GTC"
            + "&signature=0x2af13caa0f2ea4917e9573f623d091ed4a4a2b6dc2fc65700083ac0f13355a804a6c05f5d93161e229895b803a053ee21608b9bc9634a965700e05c7d77e1d191b",
            body);
    }

    [Fact]
    public void A_GET_with_no_parameters_matches_ccxt_too()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var signer = new AsterSigner(AsterCredentials.FromPrivateKey(Key), clock);
        Assert.EndsWith("&signature=0x26b5851be6cb8a28c8cc7e107fcb1de5f871c63d1de2e8a1facab2b5bf5177207b1f6dcf0a4bd8044e96581810877be022f713a088cd638985848e2009f3b46d1c",
            signer.SignParameters([]), StringComparison.Ordinal);
    }

    [Fact]
    public void Nonces_are_microseconds_and_never_repeat_within_one_clock_tick()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var signer = new AsterSigner(AsterCredentials.FromPrivateKey(Key), clock);
        var nonces = Enumerable.Range(0, 100).Select(_ => signer.NextNonce()).ToList();
        Assert.Equal(1767225600000000, nonces[0]);
        Assert.Equal(nonces.Count, nonces.Distinct().Count());
        Assert.True(nonces.SequenceEqual(nonces.Order()));
    }

    [Fact]
    public void Credentials_load_from_the_admin_answer_and_never_show_the_key()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aster-creds-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$$"""{"account_id":"1","credentials":{"venue":"aster","address":"{{{Wallet}}}","user":"{{{Wallet}}}","signer":"{{{Wallet}}}","private_key":"{{{Key}}}"}}""");
        try
        {
            var credentials = AsterCredentials.Load(path);
            Assert.Equal(Wallet, credentials.User);
            Assert.Equal(Wallet, credentials.Signer);
            Assert.DoesNotContain(Key[2..], credentials.ToString(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_signer_that_is_not_the_keys_address_is_refused_without_echoing_the_key()
    {
        var e = Assert.Throws<AsterCredentialsException>(() => AsterCredentials.FromPrivateKey(Key, signer: "0x0000000000000000000000000000000000000001"));
        Assert.DoesNotContain(Key[2..], e.Message, StringComparison.OrdinalIgnoreCase);
        var bad = Assert.Throws<AsterCredentialsException>(() => AsterCredentials.FromPrivateKey("0x1234"));
        Assert.Contains("private_key", bad.Message, StringComparison.Ordinal);
    }
}
