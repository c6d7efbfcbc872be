using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fillwise.Exchange.Core;

/// <summary>
/// Text the exchange takes in must be text: valid UTF-8 on the wire, no lone surrogate in a JSON
/// escape. Checked once where bytes come in (REST bodies, WebSocket commands), so every string read
/// afterwards decodes, and every string stored can be written back as JSON.
/// </summary>
internal static class TextCheck
{
    /// <summary>The index of the first unpaired surrogate, or null when the text is well-formed UTF-16.</summary>
    public static int? FindLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return i;
        }
        return null;
    }

    /// <summary>The offset of the first byte that is not valid UTF-8, or null.</summary>
    public static int? FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return null;
    }

    /// <summary>
    /// What is wrong with the encoding of a JSON text (<paramref name="what"/> names it in the
    /// message), or null. Syntax errors are left to the parser, which reports them in its own words.
    /// </summary>
    public static string? JsonTextProblem(ReadOnlySpan<byte> json, string what)
    {
        if (System.Text.Unicode.Utf8.IsValid(json))
        {
            // Fast path: no backslash, no escape, nothing more to check.
            if (json.IndexOf((byte)'\\') < 0) return null;
        }
        else
        {
            var at = FindInvalidUtf8(json) ?? 0;
            return string.Create(CultureInfo.InvariantCulture, $"{what} is not valid UTF-8 (byte 0x{json[at]:x2} at offset {at})");
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{what} has a lone surrogate in a \\u escape (a string at offset {reader.TokenStartIndex}); text must be valid Unicode");
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the parser that follows says where.
        }
        return null;
    }
}
