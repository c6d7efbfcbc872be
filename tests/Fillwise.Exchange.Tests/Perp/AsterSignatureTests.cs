using Fillwise.Exchange.Perp.Aster;

namespace Fillwise.Exchange.Tests.Perp;

public class AsterSignatureTests
{
    /// <summary>Produced by ccxt 4.5.84's aster.sign() with this key and a fixed clock (see the client's signing tests).</summary>
    private const string CcxtBody =
        "nonce=1767225600000000&user=0x2c7536e3605d9c16a7a3d7b1898e529396a65c23&signer=0x2c7536e3605d9c16a7a3d7b1898e529396a65c23&symbol=ZECUSDT&side=BUY&type=LIMIT&quantity=0.100&price=514.000&timeInForce=GTC";

    private const string CcxtSignature =
        "0x2af13caa0f2ea4917e9573f623d091ed4a4a2b6dc2fc65700083ac0f13355a804a6c05f5d93161e229895b803a053ee21608b9bc9634a965700e05c7d77e1d191b";

    [Fact]
    public void A_signature_made_by_ccxt_recovers_to_its_wallet()
    {
        Assert.Equal("0x2c7536e3605d9c16a7a3d7b1898e529396a65c23", AsterSignatureCheck.Recover(CcxtBody, CcxtSignature));
    }

    [Fact]
    public void Any_change_to_the_signed_text_recovers_someone_else()
    {
        Assert.NotEqual("0x2c7536e3605d9c16a7a3d7b1898e529396a65c23", AsterSignatureCheck.Recover(CcxtBody.Replace("0.100", "0.200", StringComparison.Ordinal), CcxtSignature));
        Assert.Null(AsterSignatureCheck.Recover(CcxtBody, "0x1234"));
    }

    [Fact]
    public void Nonces_are_refused_when_replayed_stale_or_older_than_the_last_hundred()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var micros = (now - DateTimeOffset.UnixEpoch).Ticks / 10;
        var window = new AsterNonceWindow(TimeSpan.FromSeconds(10), kept: 3);
        Assert.Null(window.Accept("u", micros, now));
        Assert.Contains("used before", window.Accept("u", micros, now), StringComparison.Ordinal);
        Assert.Contains("outside", window.Accept("u", micros - 11_000_000, now), StringComparison.Ordinal);
        Assert.Null(window.Accept("u", micros - 5, now)); // overtaken on the way: still fine
        Assert.Null(window.Accept("u", micros + 1, now));
        Assert.Contains("older", window.Accept("u", micros - 10, now), StringComparison.Ordinal);
        Assert.Null(window.Accept("other", micros, now)); // per user
    }
}
