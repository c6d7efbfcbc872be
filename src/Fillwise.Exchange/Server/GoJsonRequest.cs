using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Server;

/// <summary>
/// Reads request bodies the way Kalshi's Go backend decodes them, so type mismatches and broken
/// JSON get the same flat errors ("json: cannot unmarshal number into Go struct field X.count of type string").
/// </summary>
internal static class GoJsonRequest
{
    /// <summary>The body's root object, or the flat bad_request Kalshi answers.</summary>
    public static async Task<(JsonElement Root, KalshiJsonResult? Error)> ReadObjectAsync(HttpContext http, string structName, int maxBytes)
    {
        if (http.Request.ContentLength is long declared && declared > maxBytes)
            return (default, KalshiErrors.Flat("http: request body too large"));
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted);
                if (read == 0) break;
                if (buffer.Length + read > maxBytes) return (default, KalshiErrors.Flat("http: request body too large"));
                buffer.Write(chunk, 0, read);
            }
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException)
        {
            return (default, KalshiErrors.Flat("http: request body too large"));
        }

        if (body.Length == 0) return (default, KalshiErrors.Flat("EOF"));
        // Text must be text: checked once here, so every string read from the body decodes.
        if (Core.TextCheck.JsonTextProblem(body, "request body") is { } problem) return (default, KalshiErrors.Flat(problem));
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return (default, KalshiErrors.Flat(SyntaxMessage(ex)));
        }
        using (doc)
        {
            var root = doc.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object)
                return (default, KalshiErrors.Flat($"json: cannot unmarshal {GoKind(root)} into Go value of type main.{structName}"));
            return (root, null);
        }
    }

    /// <summary>The body as Go struct <paramref name="structName"/>: its fields, or (null and) the flat bad_request Kalshi answers.</summary>
    public static async Task<(GoStruct? Fields, KalshiJsonResult? Error)> ReadStructAsync(HttpContext http, string structName, int maxBytes)
    {
        var (root, error) = await ReadObjectAsync(http, structName, maxBytes);
        return error is null ? (new GoStruct(root, structName), null) : (null, error);
    }

    private static string SyntaxMessage(JsonException ex) =>
        ex.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("incomplete", StringComparison.OrdinalIgnoreCase)
            ? "unexpected end of JSON input"
            : "invalid character looking for beginning of value";

    public static string GoKind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };
}

/// <summary>Typed field access on one decoded object; the first type mismatch becomes Kalshi's flat error.</summary>
internal sealed class GoStruct(JsonElement obj, string structName)
{
    public KalshiJsonResult? Error { get; private set; }

    public JsonElement Element { get; } = obj;

    public bool Has(string field) => Element.TryGetProperty(field, out var e) && e.ValueKind != JsonValueKind.Null;

    public string? String(string field)
    {
        if (!Element.TryGetProperty(field, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind == JsonValueKind.String) return e.GetString();
        Fail(field, e, "string");
        return null;
    }

    public bool? Bool(string field)
    {
        if (!Element.TryGetProperty(field, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.GetBoolean();
        Fail(field, e, "bool");
        return null;
    }

    public long? Int(string field)
    {
        if (!Element.TryGetProperty(field, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var value)) return value;
        if (e.ValueKind == JsonValueKind.Number)
        {
            Error ??= KalshiErrors.Flat($"json: cannot unmarshal number {e.GetRawText()} into Go struct field {structName}.{field} of type int64");
            return null;
        }
        Fail(field, e, "int64");
        return null;
    }

    public JsonElement? Array(string field)
    {
        if (!Element.TryGetProperty(field, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind == JsonValueKind.Array) return e;
        Fail(field, e, "[]" + field);
        return null;
    }

    /// <summary>An array element that must be an object.</summary>
    public static GoStruct? Item(JsonElement item, string structName, out KalshiJsonResult? error)
    {
        error = null;
        if (item.ValueKind == JsonValueKind.Object) return new GoStruct(item, structName);
        error = KalshiErrors.Flat($"json: cannot unmarshal {GoJsonRequest.GoKind(item)} into Go value of type main.{structName}");
        return null;
    }

    private void Fail(string field, JsonElement e, string goType) =>
        Error ??= KalshiErrors.Flat(string.Create(CultureInfo.InvariantCulture,
            $"json: cannot unmarshal {GoJsonRequest.GoKind(e)} into Go struct field {structName}.{field} of type {goType}"));
}
