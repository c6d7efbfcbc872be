using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Fillwise.App.Control;

/// <summary>
/// Reading a request body, the one way every endpoint does it: at most <see cref="MaxBodyBytes"/>
/// (with or without a Content-Length), a JSON object, and every field name and string in it valid
/// text. A lone surrogate (an escaped \ud800) or invalid UTF-8 anywhere is a problem named here, so
/// no endpoint meets it later as an exception while reading a field (it was a 500, issue 17).
/// </summary>
public static partial class ControlApi
{
    /// <summary>The body as a JSON object, or the problem with it named; no body at all is (null, null) when <paramref name="optional"/>.</summary>
    private static async Task<(JsonElement? Root, string? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken ct, bool optional = false)
    {
        if (request.ContentLength > MaxBodyBytes) return (null, $"body is larger than {MaxBodyBytes} bytes");
        var bytes = await ReadAtMostAsync(request.Body, MaxBodyBytes + 1, ct);
        if (bytes.Length > MaxBodyBytes) return (null, $"body is larger than {MaxBodyBytes} bytes");
        if (bytes.Length == 0) return optional ? (null, null) : (null, "a body is required: a JSON object");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            return (null, $"body is not valid JSON in UTF-8: {Printable(e.Message)}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, "body must be a JSON object");
            if (NotText(doc.RootElement, "body") is { } problem) return (null, problem);
            return (doc.RootElement.Clone(), null);
        }
    }

    private static async Task<byte[]> ReadAtMostAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while (buffer.Length < limit && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), ct)) > 0)
            buffer.Write(chunk, 0, read);
        return buffer.ToArray();
    }

    /// <summary>The first field name or string under <paramref name="element"/> that is not valid text, named; null when all are.</summary>
    private static string? NotText(JsonElement element, string where)
    {
        const string Why = "is not valid text (invalid UTF-8 or a lone surrogate)";
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"a field name in {where} {Why}";
                    }
                    if (NotText(property.Value, $"'{Printable(name)}'") is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (NotText(item, where) is { } inner) return inner;
                return null;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return $"{where} {Why}";
                }
            default:
                return null;
        }
    }
}
