using Nethereum.ABI.EIP712;
using TypedDomain = Nethereum.ABI.EIP712.Domain;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;
using Nethereum.Util;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>
/// Aster's V3 request signature, checked the way the venue checks it: the request's urlencoded
/// parameters, exactly as sent and without the signature pair, are the <c>msg</c> of an EIP-712
/// <c>Message(string msg)</c> under the domain AsterSignTransaction / version 1 / chainId 1666 /
/// verifying contract 0x0; the address recovered from the 65-byte signature must be the
/// <c>signer</c>. Nethereum does the EIP-712 encoding, Keccak and secp256k1 recovery.
/// </summary>
internal static class AsterSignatureCheck
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

    /// <summary>The 32-byte digest that is signed for <paramref name="message"/>.</summary>
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

    /// <summary>The address that signed <paramref name="message"/>, lower-case; null when the signature is malformed.</summary>
    public static string? Recover(string message, string signatureHex)
    {
        var hex = signatureHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? signatureHex[2..] : signatureHex;
        if (hex.Length != 130 || !hex.All(Uri.IsHexDigit)) return null;
        try
        {
            var bytes = Convert.FromHexString(hex);
            var v = bytes[64];
            if (v < 27) v += 27;
            if (v is not (27 or 28)) return null;
            var signature = EthECDSASignatureFactory.FromComponents(bytes[..32], bytes[32..64], v);
            return EthECKey.RecoverFromSignature(signature, Digest(message)).GetPublicAddress().ToLowerInvariant();
        }
#pragma warning disable CA1031 // Any decoding or curve failure means one thing to the venue: the signature is not valid.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>Signs as a wallet would (used to hand out test vectors and by the admin's own checks).</summary>
    public static string Sign(string message, EthECKey key) =>
        EthECDSASignature.CreateStringSignature(key.SignAndCalculateV(Digest(message)));
}
