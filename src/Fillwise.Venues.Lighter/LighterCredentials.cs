using System.Text.Json;
using Nethereum.Signer;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// What signs Lighter transactions and auth tokens: the account index, the API key index and that
/// API key's private key. The built-in venue's keys are secp256k1 (the project's own scheme; a real
/// Lighter key is a 40-byte key of its own curve, see the README). The key never appears in
/// <see cref="ToString"/>, a log or an exception.
/// </summary>
public sealed class LighterCredentials
{
    private LighterCredentials(long accountIndex, int apiKeyIndex, EthECKey key, int? chainId)
    {
        AccountIndex = accountIndex;
        ApiKeyIndex = apiKeyIndex;
        Key = key;
        ChainId = chainId;
    }

    public long AccountIndex { get; }

    public int ApiKeyIndex { get; }

    /// <summary>The chain id the credentials are for, when the file says (the built-in venue writes it).</summary>
    public int? ChainId { get; }

    /// <summary>The address the key's signatures recover to (lower-case 0x hex).</summary>
    public string Address => Key.GetPublicAddress().ToLowerInvariant();

    internal EthECKey Key { get; }

    public static LighterCredentials FromPrivateKey(long accountIndex, int apiKeyIndex, string privateKeyHex, int? chainId = null)
    {
        ArgumentNullException.ThrowIfNull(privateKeyHex);
        if (accountIndex < 0) throw new LighterCredentialsException("account_index must not be negative");
        if (apiKeyIndex is < 0 or > 255) throw new LighterCredentialsException("api_key_index must be 0..255");
        var hex = privateKeyHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? privateKeyHex[2..] : privateKeyHex;
        if (hex.Length == 80) throw new LighterCredentialsException("private_key is 40 bytes: a real Lighter API key needs Lighter's signer library, which this client does not carry (README)");
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit)) throw new LighterCredentialsException("private_key must be 32 bytes of hex (0x + 64 digits)");
        try
        {
            return new LighterCredentials(accountIndex, apiKeyIndex, new EthECKey(Convert.FromHexString(hex), true), chainId);
        }
        catch (ArgumentException)
        {
            throw new LighterCredentialsException("private_key is not a valid secp256k1 key");
        }
    }

    /// <summary>
    /// Reads the JSON file `--lighter-credentials` names: the <c>credentials</c> object the built-in
    /// venue's admin API returns ({"account_index","api_key_index","private_key","chain_id"?}), or
    /// that object inside the admin's whole answer. Errors name the file and the field, never the key.
    /// </summary>
    public static LighterCredentials Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LighterCredentialsException($"cannot read Lighter credentials file {path}: {e.Message}");
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("credentials", out var inner)) root = inner;
            if (root.ValueKind != JsonValueKind.Object) throw new LighterCredentialsException("expected a JSON object");
            var account = Whole(root, "account_index") ?? throw new LighterCredentialsException("account_index is missing");
            var apiKey = Whole(root, "api_key_index") ?? throw new LighterCredentialsException("api_key_index is missing");
            var key = root.TryGetProperty("private_key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : throw new LighterCredentialsException("private_key is missing");
            var chain = Whole(root, "chain_id");
            if (apiKey is < 0 or > 255) throw new LighterCredentialsException("api_key_index must be 0..255");
            if (chain is < 0 or > int.MaxValue) throw new LighterCredentialsException("chain_id is out of range");
            return FromPrivateKey(account, (int)apiKey, key, (int?)chain);
        }
        catch (JsonException)
        {
            throw new LighterCredentialsException($"{path} is not JSON");
        }
        catch (LighterCredentialsException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new LighterCredentialsException($"{path}: {e.Message}");
        }
    }

    private static long? Whole(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var e)) return null;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v)) return v;
        if (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out v)) return v;
        throw new LighterCredentialsException($"{name} must be a whole number");
    }

    public override string ToString() => $"lighter account {AccountIndex} api key {ApiKeyIndex} (key hidden)";
}

/// <summary>The credentials could not be read or are not usable; the message never carries the key.</summary>
public sealed class LighterCredentialsException : Exception
{
    public LighterCredentialsException(string message) : base(message) { }

    public LighterCredentialsException() { }

    public LighterCredentialsException(string message, Exception inner) : base(message, inner) { }
}
