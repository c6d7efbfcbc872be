using System.Text.Json;
using Nethereum.Signer;

namespace Fillwise.Venues.Aster;

/// <summary>
/// What signs Aster V3 requests: the main wallet (<see cref="User"/>), the API wallet that signs
/// (<see cref="Signer"/>, the same address when the account signs as itself) and the signer's
/// secp256k1 private key. The key never appears in <see cref="ToString"/>, a log or an exception.
/// </summary>
public sealed class AsterCredentials
{
    private AsterCredentials(string user, string signer, EthECKey key)
    {
        User = user;
        Signer = signer;
        Key = key;
    }

    /// <summary>The main wallet address, lower-case 0x hex.</summary>
    public string User { get; }

    /// <summary>The API wallet address, lower-case 0x hex; the private key's address.</summary>
    public string Signer { get; }

    internal EthECKey Key { get; }

    /// <summary>From a 0x hex private key; user and signer default to the key's own address.</summary>
    public static AsterCredentials FromPrivateKey(string privateKeyHex, string? user = null, string? signer = null)
    {
        ArgumentNullException.ThrowIfNull(privateKeyHex);
        var hex = privateKeyHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? privateKeyHex[2..] : privateKeyHex;
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit)) throw new AsterCredentialsException("private_key must be 32 bytes of hex (0x + 64 digits)");
        EthECKey key;
        try
        {
            key = new EthECKey(Convert.FromHexString(hex), true);
        }
        catch (ArgumentException)
        {
            throw new AsterCredentialsException("private_key is not a valid secp256k1 key");
        }
        var own = key.GetPublicAddress().ToLowerInvariant();
        var signerAddress = (signer ?? own).ToLowerInvariant();
        if (signerAddress != own) throw new AsterCredentialsException($"signer {signerAddress} is not the address of private_key ({own})");
        var userAddress = (user ?? own).ToLowerInvariant();
        if (!IsAddress(userAddress)) throw new AsterCredentialsException("user must be a 0x address of 40 hex digits");
        return new AsterCredentials(userAddress, signerAddress, key);
    }

    /// <summary>
    /// Reads the JSON file `--aster-credentials` names: the <c>credentials</c> object the built-in
    /// venue's admin API returns ({"private_key","address","user"?,"signer"?}), or that object
    /// wrapped in the admin's whole answer. Errors name the file and the field, never the key.
    /// </summary>
    public static AsterCredentials Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AsterCredentialsException($"cannot read Aster credentials file {path}: {e.Message}");
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("credentials", out var inner)) root = inner;
            if (root.ValueKind != JsonValueKind.Object) throw new AsterCredentialsException($"{path}: expected a JSON object");
            var key = Field(root, "private_key") ?? throw new AsterCredentialsException($"{path}: private_key is missing");
            var user = Field(root, "user") ?? Field(root, "address");
            var signer = Field(root, "signer");
            return FromPrivateKey(key, user, signer);
        }
        catch (JsonException)
        {
            throw new AsterCredentialsException($"{path} is not JSON");
        }
        catch (AsterCredentialsException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new AsterCredentialsException($"{path}: {e.Message}");
        }
    }

    private static string? Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static bool IsAddress(string s) => s.Length == 42 && s.StartsWith("0x", StringComparison.Ordinal) && s[2..].All(Uri.IsHexDigit);

    public override string ToString() => $"aster user {User} signer {Signer} (key hidden)";
}

/// <summary>The credentials could not be read or do not fit together; the message never carries the key.</summary>
public sealed class AsterCredentialsException : Exception
{
    public AsterCredentialsException(string message) : base(message) { }

    public AsterCredentialsException() { }

    public AsterCredentialsException(string message, Exception inner) : base(message, inner) { }
}
