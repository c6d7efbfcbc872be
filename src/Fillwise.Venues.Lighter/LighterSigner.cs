using System.Globalization;
using System.Text;
using Nethereum.Signer;
using Nethereum.Util;

namespace Fillwise.Venues.Lighter;

/// <summary>Lighter's transaction types (lighter-python's constants) this client sends.</summary>
public static class LighterTxType
{
    public const int CreateOrder = 14;
    public const int CancelOrder = 15;
    public const int CancelAllOrders = 16;
}

/// <summary>A signed transaction ready for sendTx: its type, its tx_info JSON, its hash and the nonce it uses.</summary>
public sealed record LighterSignedTx(int Type, string Info, string Hash, long Nonce);

/// <summary>
/// Signs Lighter transactions and auth tokens with the project's own scheme (what the built-in venue
/// checks; README): the transaction's integer fields, in Lighter's struct order, make the canonical
/// text <c>lighter-fw/1|chainId|txType|Name=value|...</c>; its Keccak-256 is signed with secp256k1
/// (Nethereum), and the 65-byte signature (r, s, v) travels base64 as tx_info's "Sig". The hash is
/// Keccak-256 of the canonical text and the signature, so the client knows a transaction's hash
/// even when sendTx's answer is lost. A real Lighter signer replaces this class (README).
/// </summary>
public sealed class LighterSigner(LighterCredentials credentials, int chainId)
{
    public LighterCredentials Credentials { get; } = credentials;

    public int ChainId { get; } = chainId;

    public LighterSignedTx CreateOrder(int marketIndex, long clientOrderIndex, long baseAmount, long price, bool isAsk, int type, int timeInForce,
        bool reduceOnly, long orderExpiry, long nonce, DateTimeOffset expiredAt) =>
        Sign(LighterTxType.CreateOrder, nonce,
        [
            ("AccountIndex", Credentials.AccountIndex), ("ApiKeyIndex", Credentials.ApiKeyIndex), ("MarketIndex", marketIndex),
            ("ClientOrderIndex", clientOrderIndex), ("BaseAmount", baseAmount), ("Price", price), ("IsAsk", isAsk ? 1 : 0), ("Type", type),
            ("TimeInForce", timeInForce), ("ReduceOnly", reduceOnly ? 1 : 0), ("TriggerPrice", 0), ("OrderExpiry", orderExpiry),
            ("ExpiredAt", expiredAt.ToUnixTimeMilliseconds()), ("Nonce", nonce),
        ]);

    /// <summary>Cancels by order index or client order index (Lighter takes either in Index).</summary>
    public LighterSignedTx CancelOrder(int marketIndex, long index, long nonce, DateTimeOffset expiredAt) =>
        Sign(LighterTxType.CancelOrder, nonce,
        [
            ("AccountIndex", Credentials.AccountIndex), ("ApiKeyIndex", Credentials.ApiKeyIndex), ("MarketIndex", marketIndex), ("Index", index),
            ("ExpiredAt", expiredAt.ToUnixTimeMilliseconds()), ("Nonce", nonce),
        ]);

    /// <summary>Cancels every open order of the account at once (time in force 0: immediate).</summary>
    public LighterSignedTx CancelAll(long nonce, DateTimeOffset expiredAt) =>
        Sign(LighterTxType.CancelAllOrders, nonce,
        [
            ("AccountIndex", Credentials.AccountIndex), ("ApiKeyIndex", Credentials.ApiKeyIndex), ("TimeInForce", 0), ("Time", 0),
            ("ExpiredAt", expiredAt.ToUnixTimeMilliseconds()), ("Nonce", nonce),
        ]);

    /// <summary>An auth token for private reads and account channels: <c>deadline:account:apiKey:signature-hex</c> (deadline in Unix seconds).</summary>
    public string AuthToken(DateTimeOffset deadline)
    {
        var seconds = deadline.ToUnixTimeSeconds();
        var text = string.Create(CultureInfo.InvariantCulture, $"lighter-fw/auth|{ChainId}|{seconds}:{Credentials.AccountIndex}:{Credentials.ApiKeyIndex}");
        var signature = SignBytes(text);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}:{Credentials.AccountIndex}:{Credentials.ApiKeyIndex}:{Convert.ToHexString(signature).ToLowerInvariant()}");
    }

    /// <summary>The text that is signed for a transaction of <paramref name="type"/> with these fields, in this order.</summary>
    public static string CanonicalText(int chainId, int type, IReadOnlyList<(string Name, long Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var text = new StringBuilder("lighter-fw/1|");
        text.Append(chainId.ToString(CultureInfo.InvariantCulture)).Append('|').Append(type.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in fields) text.Append('|').Append(name).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private LighterSignedTx Sign(int type, long nonce, IReadOnlyList<(string Name, long Value)> fields)
    {
        var canonical = CanonicalText(ChainId, type, fields);
        var signature = Convert.ToBase64String(SignBytes(canonical));
        var info = new StringBuilder("{");
        foreach (var (name, value) in fields) info.Append('"').Append(name).Append("\":").Append(value.ToString(CultureInfo.InvariantCulture)).Append(',');
        info.Append("\"Sig\":\"").Append(signature).Append("\"}");
        var hash = Convert.ToHexString(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(canonical + "|" + signature))).ToLowerInvariant();
        return new LighterSignedTx(type, info.ToString(), hash, nonce);
    }

    /// <summary>r (32) ‖ s (32) ‖ v (27/28) over Keccak-256 of the text.</summary>
    private byte[] SignBytes(string text)
    {
        var digest = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
        var signature = Credentials.Key.SignAndCalculateV(digest);
        var bytes = new byte[65];
        var r = signature.R;
        var s = signature.S;
        r.CopyTo(bytes, 32 - r.Length);
        s.CopyTo(bytes, 64 - s.Length);
        bytes[64] = signature.V[0];
        return bytes;
    }
}
