using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fillwise.Venues.Kalshi;

/// <summary>The three authentication headers of one request. ToString never shows the signature.</summary>
public sealed record KalshiAuthHeaders(string KeyId, string TimestampMs, string Signature)
{
    public const string KeyHeader = "KALSHI-ACCESS-KEY";
    public const string TimestampHeader = "KALSHI-ACCESS-TIMESTAMP";
    public const string SignatureHeader = "KALSHI-ACCESS-SIGNATURE";

    public override string ToString() => $"KalshiAuthHeaders {{ KeyId = {KeyId}, TimestampMs = {TimestampMs}, Signature = *** }}";
}

/// <summary>A key file could not be used. The message names the file, never its content.</summary>
public sealed class KalshiKeyException : Exception
{
    public KalshiKeyException(string message) : base(message) { }

    public KalshiKeyException(string message, Exception inner) : base(message, inner) { }

    public KalshiKeyException() { }
}

/// <summary>
/// Signs Kalshi requests: RSA-PSS, SHA-256, MGF1-SHA-256, salt = 32 bytes, over
/// timestamp_ms + METHOD + path, where path is the full URL path (with /trade-api/v2) and no query.
/// The key is loaded once; it never appears in ToString, logs or exception messages.
/// </summary>
public sealed class KalshiRequestSigner : IDisposable
{
    private readonly RSA _key;
    private readonly TimeProvider _time;
    private readonly object _gate = new(); // RSA instances are not documented as thread-safe
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long At, KalshiAuthHeaders Headers)> _recent = new(StringComparer.Ordinal);

    private KalshiRequestSigner(string keyId, RSA key, TimeProvider time)
    {
        KeyId = keyId;
        _key = key;
        _time = time;
    }

    public string KeyId { get; }

    /// <summary>Loads a PKCS#1 ("BEGIN RSA PRIVATE KEY") or PKCS#8 ("BEGIN PRIVATE KEY") PEM file.</summary>
    public static KalshiRequestSigner FromPemFile(string keyId, string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            // The inner exception only carries OS text about the path, never file content.
            throw new KalshiKeyException($"Kalshi private key file '{path}' cannot be read: {e.GetType().Name}", e);
        }
        return FromPem(keyId, pem, $"Kalshi private key file '{path}'", time);
    }

    /// <summary>Loads a PEM held in memory (e.g. from the built-in exchange's account API).</summary>
    public static KalshiRequestSigner FromPem(string keyId, string pem, TimeProvider? time = null) =>
        FromPem(keyId, pem, "Kalshi private key PEM", time);

    private static KalshiRequestSigner FromPem(string keyId, string pem, string what, TimeProvider? time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            // Deliberately no inner exception: crypto messages could quote parts of the input.
            throw new KalshiKeyException($"{what} is not a PKCS#1 or PKCS#8 RSA private key in PEM form");
        }
        try
        {
            // A PEM holding only a public key imports fine but cannot sign: find out now, not at first order.
            rsa.SignData([0], HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            throw new KalshiKeyException($"{what} holds no usable RSA private key");
        }
        return new KalshiRequestSigner(keyId, rsa, time ?? TimeProvider.System);
    }

    /// <summary>The exact string that is signed: timestamp + METHOD + path without query.</summary>
    public static string SigningPayload(long timestampMs, string method, string pathAndQuery)
    {
        var q = pathAndQuery.IndexOfAny(['?', '#']);
        var path = q >= 0 ? pathAndQuery[..q] : pathAndQuery;
        return timestampMs.ToString(CultureInfo.InvariantCulture) + method.ToUpperInvariant() + path;
    }

    /// <summary>Signs a request at the current time of the injected clock.</summary>
    public KalshiAuthHeaders Sign(string method, string pathAndQuery) =>
        Sign(method, pathAndQuery, _time.GetUtcNow().ToUnixTimeMilliseconds());

    public KalshiAuthHeaders Sign(string method, string pathAndQuery, long timestampMs)
    {
        var payload = Encoding.UTF8.GetBytes(SigningPayload(timestampMs, method, pathAndQuery));
        byte[] signature;
        lock (_gate) signature = _key.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        return new KalshiAuthHeaders(KeyId, timestampMs.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(signature));
    }

    /// <summary>
    /// A signature for METHOD + path made at most <paramref name="maxAge"/> ago, or a fresh one.
    /// Kalshi signs timestamp + METHOD + path only (no body, no nonce) and accepts a timestamp within
    /// seconds of its clock, so a recent signature of the same path is as valid as a new one; reusing
    /// it keeps the ~1 ms RSA operation off the order path. A zero age always signs anew.
    /// </summary>
    public KalshiAuthHeaders SignReusing(string method, string pathAndQuery, TimeSpan maxAge)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (maxAge <= TimeSpan.Zero) return Sign(method, pathAndQuery, now);
        var key = CacheKey(method, pathAndQuery);
        if (_recent.TryGetValue(key, out var cached) && now >= cached.At && now - cached.At < (long)maxAge.TotalMilliseconds)
            return cached.Headers;
        var fresh = Sign(method, pathAndQuery, now);
        _recent[key] = (now, fresh);
        return fresh;
    }

    /// <summary>Signs METHOD + path now and keeps it for <see cref="SignReusing"/> (a background refresh of hot paths).</summary>
    public void Prewarm(string method, string pathAndQuery)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _recent[CacheKey(method, pathAndQuery)] = (now, Sign(method, pathAndQuery, now));
    }

    private static string CacheKey(string method, string pathAndQuery)
    {
        var q = pathAndQuery.IndexOfAny(['?', '#']);
        return method.ToUpperInvariant() + (q >= 0 ? pathAndQuery[..q] : pathAndQuery);
    }

    public void Dispose() => _key.Dispose();

    public override string ToString() => $"KalshiRequestSigner {{ KeyId = {KeyId} }}";
}
