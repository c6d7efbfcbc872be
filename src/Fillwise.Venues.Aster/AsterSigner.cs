using System.Globalization;
using System.Text;
using Nethereum.ABI.EIP712;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Nethereum.Util;
using TypedDomain = Nethereum.ABI.EIP712.Domain;

namespace Fillwise.Venues.Aster;

/// <summary>
/// Aster's V3 request signature, as ccxt 4.5.84 and Aster's docs make it: the parameters, prefixed
/// with nonce (microseconds), user and signer and urlencoded in order, are the <c>msg</c> of an
/// EIP-712 <c>Message(string msg)</c> in the domain AsterSignTransaction / version 1 / chainId 1666
/// / verifying contract 0x0; the 65-byte signature (v = 27/28) is appended as <c>signature</c>.
/// Nethereum does the EIP-712 encoding, Keccak-256 and secp256k1 signing.
/// </summary>
public sealed class AsterSigner(AsterCredentials credentials, TimeProvider time)
{
    public const string DomainName = "AsterSignTransaction";
    public const string DomainVersion = "1";
    public const int ChainId = 1666;
    public const string VerifyingContract = "0x0000000000000000000000000000000000000000";

    private static readonly Dictionary<string, MemberDescription[]> Types = new()
    {
        ["EIP712Domain"] =
        [
            new() { Name = "name", Type = "string" },
            new() { Name = "version", Type = "string" },
            new() { Name = "chainId", Type = "uint256" },
            new() { Name = "verifyingContract", Type = "address" },
        ],
        ["Message"] = [new() { Name = "msg", Type = "string" }],
    };

    private readonly Lock _gate = new();
    private long _lastNonce;

    public AsterCredentials Credentials { get; } = credentials;

    /// <summary>
    /// The next nonce: the clock in microseconds, strictly above the last one handed out, so two
    /// requests in the same microsecond (or ccxt's same millisecond) never share one.
    /// </summary>
    public long NextNonce()
    {
        var now = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        lock (_gate)
        {
            _lastNonce = Math.Max(now, _lastNonce + 1);
            return _lastNonce;
        }
    }

    /// <summary>The signed parameter string: nonce, user, signer, the parameters in order, then signature.</summary>
    public string SignParameters(IEnumerable<KeyValuePair<string, string>> parameters, long? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var text = new StringBuilder();
        text.Append("nonce=").Append((nonce ?? NextNonce()).ToString(CultureInfo.InvariantCulture))
            .Append("&user=").Append(Credentials.User)
            .Append("&signer=").Append(Credentials.Signer);
        foreach (var (key, value) in parameters) text.Append('&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        var message = text.ToString();
        return message + "&signature=" + Sign(message);
    }

    /// <summary>The 0x signature of <paramref name="message"/> (65 bytes, hex).</summary>
    public string Sign(string message) => EthECDSASignature.CreateStringSignature(Credentials.Key.SignAndCalculateV(Digest(message)));

    /// <summary>The EIP-712 digest of a Message(string msg) in Aster's domain.</summary>
    public static byte[] Digest(string message)
    {
        var typed = new TypedData<TypedDomain>
        {
            Domain = new TypedDomain { Name = DomainName, Version = DomainVersion, ChainId = ChainId, VerifyingContract = VerifyingContract },
            Types = Types,
            PrimaryType = "Message",
            Message = [new MemberValue { TypeName = "string", Value = message }],
        };
        return Sha3Keccack.Current.CalculateHash(Eip712TypedDataEncoder.Current.EncodeTypedData(typed));
    }
}
