using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>
/// The parameters of an Aster request (query string and urlencoded body, in the order sent), and
/// the exact text that was signed: every pair as it came over the wire, the signature pair left out.
/// </summary>
internal sealed class AsterRequest
{
    private readonly List<(string Key, string Value)> _params;

    private AsterRequest(List<(string Key, string Value)> parameters, string signedText, AsterError? error)
    {
        _params = parameters;
        SignedText = signedText;
        Error = error;
    }

    /// <summary>The raw pairs without the signature, joined by '&amp;': what a V3 signature covers.</summary>
    public string SignedText { get; }

    /// <summary>Set when the request could not be read (duplicate or malformed parameters).</summary>
    public AsterError? Error { get; }

    public static async Task<AsterRequest> ReadAsync(HttpContext http, int maxBodyBytes)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var query = q >= 0 ? raw[(q + 1)..] : string.Empty;
        var body = string.Empty;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var buffer = new byte[maxBodyBytes + 1];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await http.Request.Body.ReadAsync(buffer.AsMemory(read), http.RequestAborted);
                if (n == 0) break;
                read += n;
            }
            if (read > maxBodyBytes) return new AsterRequest([], string.Empty, new AsterError(413, -1101, "Request body too large."));
            body = Encoding.UTF8.GetString(buffer, 0, read);
        }

        var pairs = new List<(string, string)>();
        var signed = new List<string>();
        foreach (var part in Split(query).Concat(Split(body)))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(eq >= 0 ? part[..eq] : part);
            var value = eq >= 0 ? Decode(part[(eq + 1)..]) : string.Empty;
            if (key is null || value is null) return new AsterRequest([], string.Empty, AsterErrors.IllegalCharacters(part.Length > 40 ? part[..40] : part));
            if (pairs.Exists(p => p.Item1 == key)) return new AsterRequest([], string.Empty, new AsterError(400, -1101, $"Duplicate values for parameter '{key}'."));
            pairs.Add((key, value));
            if (key != "signature") signed.Add(part);
        }
        return new AsterRequest(pairs, string.Join('&', signed), null);
    }

    private static IEnumerable<string> Split(string text) => text.Split('&', StringSplitOptions.RemoveEmptyEntries);

    private static string? Decode(string text)
    {
        try
        {
            var decoded = Uri.UnescapeDataString(text.Replace('+', ' '));
            return decoded.Any(char.IsControl) ? null : decoded;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    public string? Get(string name)
    {
        foreach (var (k, v) in _params)
            if (k == name) return v.Length == 0 ? null : v;
        return null;
    }

    public bool Has(string name) => Get(name) is not null;

    /// <summary>A whole number parameter; an error when present but not a number.</summary>
    public bool TryLong(string name, out long? value, out AsterError? error)
    {
        value = null;
        error = null;
        var text = Get(name);
        if (text is null) return true;
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
        {
            value = v;
            return true;
        }
        error = AsterErrors.BadParameter(name);
        return false;
    }
}
