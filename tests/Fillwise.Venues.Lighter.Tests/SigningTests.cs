using System.Text;
using System.Text.Json;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Testing;
using FsCheck;
using FsCheck.Fluent;
using Nethereum.Signer;
using Nethereum.Util;

namespace Fillwise.Venues.Lighter.Tests;

/// <summary>Credentials, the project's own Lighter signing scheme, client order indexes and Lighter's codes.</summary>
public sealed class SigningTests
{
    private const string Key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    private const string Address = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23";

    private static string? Recover(string text, byte[] signature) =>
        EthECKey.RecoverFromSignature(EthECDSASignatureFactory.FromComponents(signature[..32], signature[32..64], signature[64]),
            Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text))).GetPublicAddress().ToLowerInvariant();

    [Fact]
    public void A_create_order_is_signed_over_its_fields_in_Lighters_struct_order_and_recovers_to_the_api_key()
    {
        var signer = new LighterSigner(LighterCredentials.FromPrivateKey(7, 2, Key), 304);
        var expiredAt = new DateTimeOffset(2026, 3, 1, 12, 10, 0, TimeSpan.Zero);
        var tx = signer.CreateOrder(0, 123, 2311, 513_760, isAsk: false, type: 0, timeInForce: 2, reduceOnly: false, orderExpiry: -1, nonce: 5, expiredAt);
        Assert.Equal((LighterTxType.CreateOrder, 5L), (tx.Type, tx.Nonce));
        using var info = JsonDocument.Parse(tx.Info);
        var names = info.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["AccountIndex", "ApiKeyIndex", "MarketIndex", "ClientOrderIndex", "BaseAmount", "Price", "IsAsk", "Type", "TimeInForce",
            "ReduceOnly", "TriggerPrice", "OrderExpiry", "ExpiredAt", "Nonce", "Sig"], names);
        var canonical = $"lighter-fw/1|304|14|AccountIndex=7|ApiKeyIndex=2|MarketIndex=0|ClientOrderIndex=123|BaseAmount=2311|Price=513760|IsAsk=0|Type=0|TimeInForce=2"
                        + $"|ReduceOnly=0|TriggerPrice=0|OrderExpiry=-1|ExpiredAt={expiredAt.ToUnixTimeMilliseconds()}|Nonce=5";
        var signature = Convert.FromBase64String(info.RootElement.GetProperty("Sig").GetString()!);
        Assert.Equal(65, signature.Length);
        Assert.Equal(Address, Recover(canonical, signature));
        // The hash is known before any answer (a lost answer still has a hash to look for), and it is deterministic.
        Assert.Equal(tx.Hash, signer.CreateOrder(0, 123, 2311, 513_760, false, 0, 2, false, -1, 5, expiredAt).Hash);
        Assert.NotEqual(tx.Hash, signer.CreateOrder(0, 123, 2311, 513_760, false, 0, 2, false, -1, 6, expiredAt).Hash);
    }

    [Fact]
    public void An_auth_token_is_deadline_account_key_and_a_signature_over_them()
    {
        var signer = new LighterSigner(LighterCredentials.FromPrivateKey(7, 2, Key), 304);
        var deadline = new DateTimeOffset(2026, 3, 1, 12, 10, 0, TimeSpan.Zero);
        var parts = signer.AuthToken(deadline).Split(':');
        Assert.Equal([deadline.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "7", "2"], parts[..3]);
        Assert.Equal(Address, Recover($"lighter-fw/auth|304|{parts[0]}:7:2", Convert.FromHexString(parts[3])));
    }

    [Fact]
    public void Credentials_load_from_the_admin_answer_or_its_credentials_and_never_show_the_key()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fillwise-lighter-test-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(file, $$$"""{"account_id":"7","credentials":{"venue":"lighter","account_index":7,"api_key_index":2,"private_key":"{{{Key}}}","chain_id":304}}""");
            var whole = LighterCredentials.Load(file);
            Assert.Equal((7L, 2, 304, Address), (whole.AccountIndex, whole.ApiKeyIndex, whole.ChainId!.Value, whole.Address));
            Assert.DoesNotContain(Key[2..], whole.ToString(), StringComparison.OrdinalIgnoreCase);

            File.WriteAllText(file, $$"""{"account_index":"7","api_key_index":"2","private_key":"{{Key[2..]}}"}""");
            var inner = LighterCredentials.Load(file);
            Assert.Equal((7L, 2, (int?)null), (inner.AccountIndex, inner.ApiKeyIndex, inner.ChainId));

            foreach (var (json, names) in new[]
                     {
                         ($$"""{"api_key_index":2,"private_key":"{{Key}}"}""", "account_index"),
                         ($$"""{"account_index":7,"api_key_index":300,"private_key":"{{Key}}"}""", "api_key_index"),
                         ($$"""{"account_index":7.5,"api_key_index":2,"private_key":"{{Key}}"}""", "account_index"),
                         ("""{"account_index":7,"api_key_index":2}""", "private_key"),
                         ($$"""{"account_index":7,"api_key_index":2,"private_key":"{{Key[..40]}}zz"}""", "private_key"),
                         ($$"""{"account_index":7,"api_key_index":2,"private_key":"0x{{new string('a', 80)}}"}""", "signer library"),
                         ("not json", "not JSON"),
                     })
            {
                File.WriteAllText(file, json);
                var e = Assert.Throws<LighterCredentialsException>(() => LighterCredentials.Load(file));
                Assert.Contains(names, e.Message, StringComparison.Ordinal);
                Assert.Contains(file, e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(Key[2..20], e.Message, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Contains("cannot read", Assert.Throws<LighterCredentialsException>(() => LighterCredentials.Load(file)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_order_index_is_a_pure_48_bit_function_of_the_id_and_never_0()
    {
        Assert.Equal(LighterClientOrderIndex.Of(new ClientOrderId("fw-1796010843432-8da5b3-g20-1")), LighterClientOrderIndex.Of(new ClientOrderId("fw-1796010843432-8da5b3-g20-1")));
        PropertyCheck.Run(Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(0, 100_000).ToArbitrary(), (start, n) =>
        {
            var id = new ClientOrderId($"fw-{start}-8da5b3-g20-{n}");
            var index = LighterClientOrderIndex.Of(id);
            return index is >= 1 and <= LighterClientOrderIndex.Max && index == LighterClientOrderIndex.Of(new ClientOrderId(id.Value));
        }));
    }

    [Theory]
    [InlineData(21706, RejectionReason.BelowMinimumSize)]
    [InlineData(21701, RejectionReason.InvalidQuantity)]
    [InlineData(21702, RejectionReason.InvalidPrice)]
    [InlineData(21733, RejectionReason.InvalidPrice)]
    [InlineData(21734, RejectionReason.InvalidPrice)]
    [InlineData(21739, RejectionReason.InsufficientBalance)]
    [InlineData(21732, RejectionReason.ReduceOnlyWouldIncrease)]
    [InlineData(21728, RejectionReason.DuplicateClientOrderId)]
    [InlineData(23000, RejectionReason.RateLimited)]
    [InlineData(21506, RejectionReason.RateLimited)]
    [InlineData(21717, RejectionReason.RateLimited)]
    [InlineData(21103, RejectionReason.AuthenticationFailed)]
    [InlineData(21104, RejectionReason.AuthenticationFailed)]
    [InlineData(20001, RejectionReason.Other)]
    public void Lighters_codes_map_to_the_engines_reasons(int code, RejectionReason reason) =>
        Assert.Equal(reason, LighterErrorCodes.Reason(code));

    [Fact]
    public void Terminal_statuses_with_nothing_filled_are_refusals_and_canceled_post_only_is_a_re_price()
    {
        Assert.Equal(RejectionReason.PostOnlyWouldCross, LighterErrorCodes.StatusReason("canceled-post-only"));
        Assert.Equal(RejectionReason.ReduceOnlyWouldIncrease, LighterErrorCodes.StatusReason("canceled-reduce-only"));
        Assert.Equal(RejectionReason.InsufficientBalance, LighterErrorCodes.StatusReason("canceled-margin-not-allowed"));
        Assert.Null(LighterErrorCodes.StatusReason("canceled"));
        Assert.Null(LighterErrorCodes.StatusReason("canceled-not-enough-liquidity"));
        Assert.Null(LighterErrorCodes.StatusReason("filled"));
    }
}
