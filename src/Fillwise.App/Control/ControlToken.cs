using System.Security.Cryptography;
using System.Text;

namespace Fillwise.App.Control;

/// <summary>
/// The control API's bearer token: given on the command line, or generated once into
/// &lt;data&gt;/control-token (mode 0600) and reused. It is a secret: never logged, never in an error.
/// Generated from the OS's cryptographic RNG on purpose: a seeded token would be guessable.
/// </summary>
public sealed class ControlToken
{
    private readonly byte[] _bytes;

    private ControlToken(string value, string? filePath)
    {
        Value = value;
        FilePath = filePath;
        _bytes = Encoding.UTF8.GetBytes(value);
    }

    public string Value { get; }

    /// <summary>The file the token is kept in (full path); null when it was given (command line or settings) and no file was read or written.</summary>
    public string? FilePath { get; }

    public static ControlToken Resolve(string? given, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(given)) return new ControlToken(given.Trim(), null);
        Hosting.DataFolder.Prepare(dataDirectory);
        var path = Path.GetFullPath(Path.Combine(dataDirectory, "control-token"));
        if (File.Exists(path))
        {
            Hosting.DataFolder.KeepPrivate(path);
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 16) return new ControlToken(existing, path);
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        Hosting.DataFolder.WriteSecret(path, token);
        return new ControlToken(token, path);
    }

    /// <summary>Checks an Authorization header value in constant time.</summary>
    public bool Accepts(string? authorizationHeader)
    {
        const string prefix = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var presented = Encoding.UTF8.GetBytes(authorizationHeader[prefix.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _bytes);
    }

    public override string ToString() => "[control token]";
}
