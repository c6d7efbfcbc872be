using System.Globalization;
using System.Text;
using System.Text.Json;
using Nethereum.Signer;
using Nethereum.Util;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>Lighter's transaction types (lighter-python's constants) that the venue executes.</summary>
internal static class LighterTxType
{
    public const int CreateOrder = 14;
    public const int CancelOrder = 15;
    public const int CancelAllOrders = 16;

    /// <summary>The integer fields of each type's tx_info, in the order they are signed (Lighter's own struct order).</summary>
    public static readonly IReadOnlyDictionary<int, string[]> Fields = new Dictionary<int, string[]>
    {
        [CreateOrder] = ["AccountIndex", "ApiKeyIndex", "MarketIndex", "ClientOrderIndex", "BaseAmount", "Price", "IsAsk", "Type", "TimeInForce",
            "ReduceOnly", "TriggerPrice", "OrderExpiry", "ExpiredAt", "Nonce"],
        [CancelOrder] = ["AccountIndex", "ApiKeyIndex", "MarketIndex", "Index", "ExpiredAt", "Nonce"],
        [CancelAllOrders] = ["AccountIndex", "ApiKeyIndex", "TimeInForce", "Time", "ExpiredAt", "Nonce"],
    };
}

/// <summary>
/// A transaction as sendTx carries it: its type, the integer fields of its tx_info, and the
/// signature (tx_info's "Sig", base64). Lighter signs with its own Schnorr scheme over Poseidon;
/// this venue uses the project's own scheme (README): secp256k1 (Nethereum) over the Keccak-256 of
/// the canonical text <c>lighter-fw/1|chainId|txType|Name=value|...</c> in the order above.
/// </summary>
internal sealed class LighterTransaction
{
    private readonly Dictionary<string, long> _fields;

    private LighterTransaction(int type, Dictionary<string, long> fields, string signature)
    {
        Type = type;
        _fields = fields;
        Signature = signature;
    }

    public int Type { get; }

    public string Signature { get; }

    public long this[string field] => _fields[field];

    public long AccountIndex => _fields["AccountIndex"];

    public int ApiKeyIndex => (int)_fields["ApiKeyIndex"];

    public long Nonce => _fields["Nonce"];

    public long ExpiredAt => _fields["ExpiredAt"];

    /// <summary>The transaction, or why it cannot be read (unknown type, a field missing, not an integer, or unknown).</summary>
    public static LighterTransaction? Parse(string? typeText, string? info, out string error)
    {
        error = string.Empty;
        if (!int.TryParse(typeText, NumberStyles.None, CultureInfo.InvariantCulture, out var type) || !LighterTxType.Fields.TryGetValue(type, out var names))
        {
            error = $"tx_type '{Cut(typeText)}' is not a transaction this venue executes (14 create order, 15 cancel order, 16 cancel all orders)";
            return null;
        }
        if (string.IsNullOrEmpty(info))
        {
            error = "tx_info is missing";
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(info);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "tx_info must be a JSON object";
                return null;
            }
            var fields = new Dictionary<string, long>(StringComparer.Ordinal);
            string? signature = null;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "Sig")
                {
                    signature = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                    continue;
                }
                if (Array.IndexOf(names, p.Name) < 0)
                {
                    error = $"tx_info field '{Cut(p.Name)}' is not part of transaction type {type}";
                    return null;
                }
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out var v))
                {
                    error = $"tx_info field {p.Name} must be an integer";
                    return null;
                }
                if (!fields.TryAdd(p.Name, v))
                {
                    error = $"tx_info field {p.Name} is given twice";
                    return null;
                }
            }
            foreach (var n in names)
            {
                if (fields.ContainsKey(n)) continue;
                error = $"tx_info field {n} is missing";
                return null;
            }
            if (string.IsNullOrEmpty(signature))
            {
                error = "tx_info field Sig is missing";
                return null;
            }
            return new LighterTransaction(type, fields, signature);
        }
        catch (JsonException)
        {
            error = "tx_info is not JSON";
            return null;
        }
    }

    /// <summary>The text that is signed: chain, type and every field in the type's order.</summary>
    public string CanonicalText(int chainId)
    {
        var text = new StringBuilder("lighter-fw/1|");
        text.Append(chainId.ToString(CultureInfo.InvariantCulture)).Append('|').Append(Type.ToString(CultureInfo.InvariantCulture));
        foreach (var n in LighterTxType.Fields[Type]) text.Append('|').Append(n).Append('=').Append(_fields[n].ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>The transaction's hash (hex): Keccak-256 of the canonical text and the signature; the same for the same signed transaction.</summary>
    public string Hash(int chainId) => Convert.ToHexString(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(CanonicalText(chainId) + "|" + Signature))).ToLowerInvariant();

    private static string Cut(string? text) => text is null ? string.Empty : text.Length > 40 ? text[..40] : text;
}

/// <summary>Signature checks for transactions and auth tokens (secp256k1 recovery, Nethereum).</summary>
internal static class LighterSignatures
{
    /// <summary>The address that signed <paramref name="text"/> with the 65-byte base64 signature, lower-case; null when malformed.</summary>
    public static string? Recover(string text, string signatureBase64)
    {
        try
        {
            var bytes = Convert.FromBase64String(signatureBase64);
            return bytes.Length == 65 ? Recover(text, bytes) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string? RecoverHex(string text, string signatureHex)
    {
        if (signatureHex.Length != 130 || !signatureHex.All(Uri.IsHexDigit)) return null;
        return Recover(text, Convert.FromHexString(signatureHex));
    }

    private static string? Recover(string text, byte[] bytes)
    {
        try
        {
            var v = bytes[64];
            if (v < 27) v += 27;
            if (v is not (27 or 28)) return null;
            var signature = EthECDSASignatureFactory.FromComponents(bytes[..32], bytes[32..64], v);
            var digest = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
            return EthECKey.RecoverFromSignature(signature, digest).GetPublicAddress().ToLowerInvariant();
        }
#pragma warning disable CA1031 // Any decoding or curve failure means one thing to the venue: the signature is not valid.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>What an auth token signs: <c>lighter-fw/auth|chainId|deadline:account:apiKey</c>.</summary>
    public static string AuthText(int chainId, long deadline, long account, int apiKey) =>
        string.Create(CultureInfo.InvariantCulture, $"lighter-fw/auth|{chainId}|{deadline}:{account}:{apiKey}");
}
