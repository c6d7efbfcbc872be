using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Server;

/// <summary>
/// Kalshi's request signing: KALSHI-ACCESS-SIGNATURE = base64 RSA-PSS-SHA256 (salt = 32) over
/// timestamp_ms + METHOD + path (no query), with a small clock-skew window.
/// </summary>
internal sealed class KalshiAuthenticator(TimeProvider time, TimeSpan skew)
{
    public const string KeyHeader = "KALSHI-ACCESS-KEY";
    public const string TimestampHeader = "KALSHI-ACCESS-TIMESTAMP";
    public const string SignatureHeader = "KALSHI-ACCESS-SIGNATURE";

    private readonly ConcurrentDictionary<string, ApiKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Registers a public key (SubjectPublicKeyInfo or PKCS#1 PEM) that acts as <paramref name="userId"/>.</summary>
    public void Register(string apiKeyId, string userId, RSA publicKey) => _keys[apiKeyId] = new ApiKey(userId, publicKey);

    public static bool HasCredentials(IHeaderDictionary headers) =>
        headers.ContainsKey(KeyHeader) || headers.ContainsKey(SignatureHeader) || headers.ContainsKey(TimestampHeader);

    /// <summary>Checks the three headers against <paramref name="method"/> and <paramref name="path"/>; the error is Kalshi's 401.</summary>
    public AuthResult Authenticate(IHeaderDictionary headers, string method, string path)
    {
        var keyId = headers[KeyHeader].ToString();
        var timestampText = headers[TimestampHeader].ToString();
        var signatureText = headers[SignatureHeader].ToString();
        if (keyId.Length == 0 || timestampText.Length == 0 || signatureText.Length == 0)
            return AuthResult.Fail(KalshiErrors.Nested(401, "signature_is_missing_from_headers", "signature_is_missing_from_headers"));

        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestampMs))
            return AuthResult.Fail(KalshiErrors.Nested(401, "header_timestamp_expired", "header_timestamp_expired"));
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (Math.Abs(nowMs - timestampMs) > (long)skew.TotalMilliseconds)
            return AuthResult.Fail(KalshiErrors.Nested(401, "header_timestamp_expired", "header_timestamp_expired"));

        if (!_keys.TryGetValue(keyId, out var key))
            return AuthResult.Fail(KalshiErrors.Nested(401, "authentication_error", "authentication_error", "NOT_FOUND"));

        var signature = new byte[signatureText.Length];
        if (!Convert.TryFromBase64String(signatureText, signature, out var signatureLength) || !key.Verify(timestampText + method + path, signature.AsSpan(0, signatureLength)))
            return AuthResult.Fail(KalshiErrors.Nested(401, "authentication_error", "authentication_error", "INCORRECT_API_KEY_SIGNATURE"));

        return AuthResult.Ok(key.UserId);
    }

    private sealed class ApiKey(string userId, RSA publicKey)
    {
        private readonly Lock _gate = new();

        public string UserId { get; } = userId;

        public bool Verify(string message, ReadOnlySpan<byte> signature)
        {
            var data = Encoding.UTF8.GetBytes(message);
            // One RSA object per key; serialize its use rather than trust its thread-safety.
            lock (_gate)
            {
                try
                {
                    return publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
                }
                catch (CryptographicException)
                {
                    return false;
                }
            }
        }
    }
}

internal readonly record struct AuthResult(string? UserId, KalshiJsonResult? Error)
{
    public static AuthResult Ok(string userId) => new(userId, null);

    public static AuthResult Fail(KalshiJsonResult error) => new(null, error);
}
