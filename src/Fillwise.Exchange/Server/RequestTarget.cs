using System.Globalization;
using Fillwise.Exchange.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fillwise.Exchange.Server;

/// <summary>
/// The request line's path and query must decode to text. ASP.NET would quietly turn a bad
/// percent-escape into U+FFFD (or leave it escaped); the exchange says what is wrong instead.
/// </summary>
internal static class RequestTarget
{
    /// <summary>Kalshi's bad_request naming the part that is not UTF-8, or null when the target is text.</summary>
    public static KalshiJsonResult? Check(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw.IndexOf('%', StringComparison.Ordinal) < 0) return null;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (Problem(query < 0 ? raw : raw[..query]) is { } inPath) return KalshiErrors.BadRequest("the request path " + inPath);
        if (query >= 0 && Problem(raw[(query + 1)..]) is { } inQuery) return KalshiErrors.BadRequest("the query string " + inQuery);
        return null;
    }

    private static string? Problem(string part)
    {
        var bytes = new List<byte>(part.Length);
        for (var i = 0; i < part.Length; i++)
        {
            if (part[i] == '%' && i + 2 < part.Length
                && byte.TryParse(part.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add((byte)(part[i] & 0xFF));
            }
        }
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        return TextCheck.FindInvalidUtf8(span) is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"is not valid UTF-8 once percent-decoded (byte 0x{span[at]:x2} at offset {at})")
            : null;
    }
}
