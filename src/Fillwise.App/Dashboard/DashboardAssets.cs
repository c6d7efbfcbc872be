using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Fillwise.App.Dashboard;

/// <summary>
/// The dashboard's built files (src/Fillwise.Dashboard, built by Vite into this assembly's resources):
/// GET / is the page, GET /assets/... its script and style. Served compressed (Brotli or gzip, made
/// once per process), with an ETag, never cached without a check, and with headers that keep the
/// start URL's token from leaving the page (no referrer) and the page from running foreign code.
/// The files hold no data and no secret.
/// </summary>
public static class DashboardAssets
{
    private const string Prefix = "Fillwise.Dashboard/";

    /// <summary>Only this host's own files run; the page talks only to this host.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly Lazy<IReadOnlyDictionary<string, Asset>> Files = new(Load);

    /// <summary>One built file, with its compressed forms.</summary>
    public sealed record Asset(string Path, string ContentType, byte[] Raw, byte[] Gzip, byte[] Brotli, string ETag);

    /// <summary>The built files by their path ("index.html", "assets/dashboard.js").</summary>
    public static IReadOnlyDictionary<string, Asset> All => Files.Value;

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) => Serve(http, "index.html"));
        app.MapGet("/assets/{name}", (HttpContext http, string name) => Serve(http, "assets/" + name));
    }

    private static IResult Serve(HttpContext http, string path)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        if (All.Count == 0)
            return Results.Text("the dashboard was not built into this program (src/Fillwise.Dashboard); the control API under /api/v1 works", "text/plain; charset=utf-8", statusCode: 503);
        if (!All.TryGetValue(path, out var asset)) return Results.Text("not found", "text/plain; charset=utf-8", statusCode: 404);

        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.Vary = "Accept-Encoding";
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(e => e.Trim() == asset.ETag)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        var accepted = http.Request.Headers.AcceptEncoding;
        var (body, encoding) = Accepts(accepted, "br") ? (asset.Brotli, "br") : Accepts(accepted, "gzip") ? (asset.Gzip, "gzip") : (asset.Raw, null);
        if (encoding is not null) headers.ContentEncoding = encoding;
        return Results.Bytes(body, asset.ContentType);
    }

    /// <summary>Whether an Accept-Encoding header takes a coding (a q of 0 refuses it).</summary>
    public static bool Accepts(StringValues header, string coding)
    {
        foreach (var value in header)
        {
            if (value is null) continue;
            foreach (var part in value.Split(','))
            {
                var pieces = part.Split(';', StringSplitOptions.TrimEntries);
                if (!string.Equals(pieces[0], coding, StringComparison.OrdinalIgnoreCase)) continue;
                var refused = pieces.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
                return !refused;
            }
        }
        return false;
    }

    private static Dictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var raw = copy.ToArray();
            var path = name[Prefix.Length..];
            files[path] = new Asset(path, ContentType(path), raw, Gzip(raw), Brotli(raw), $"\"{Convert.ToHexStringLower(SHA256.HashData(raw))[..32]}\"");
        }
        return files;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zip = new GZipStream(output, CompressionLevel.Optimal)) zip.Write(raw);
        return output.ToArray();
    }

    /// <summary>
    /// Quality 6: within 10 % of Brotli's smallest on the script at a twentieth of the time (tens of
    /// milliseconds, not a second and more on a busy machine: the first visitor would wait for it).
    /// </summary>
    private static byte[] Brotli(byte[] raw)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(raw.Length)];
        if (!BrotliEncoder.TryCompress(raw, output, out var written, quality: 6, window: 22)) throw new InvalidOperationException("Brotli could not compress a dashboard file");
        return output[..written];
    }

    private static string ContentType(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
