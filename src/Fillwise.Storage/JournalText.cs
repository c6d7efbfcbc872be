using Fillwise.Engine.Journal;
using Fillwise.Domain.Portfolio;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fillwise.Domain.Values;

namespace Fillwise.Storage;

/// <summary>
/// The exact text forms the journal stores, and their strict parsers. Decimals use the Domain
/// formats (prices and quantities in their shortest exact form, money with at least 6 decimals); times are UTC with 100 ns
/// precision in a fixed-width form, so text order is time order.
/// </summary>
internal static class JournalText
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        if (text is not null && DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            time = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
            return true;
        }
        time = default;
        return false;
    }

    public static string Money(Money money) => money.ToString(Fillwise.Domain.Values.Money.DefaultRoundDecimals);

    public static string Side(PositionSide side) => side == PositionSide.Long ? "long" : "short";

    public static bool TryParseSide(string? text, out PositionSide side)
    {
        switch (text)
        {
            case "long": side = PositionSide.Long; return true;
            case "short": side = PositionSide.Short; return true;
            default: side = default; return false;
        }
    }

    /// <summary>Refuses anything that is not one well-formed JSON document, before it reaches the writer.</summary>
    public static void RequireJson(string? json, string paramName)
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        // Small documents (the usual case) are checked from the stack, without an allocation.
        var length = Encoding.UTF8.GetMaxByteCount(json.Length);
        byte[]? rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented ?? stackalloc byte[512];
        try
        {
            var written = Encoding.UTF8.GetBytes(json, buffer);
            var reader = new Utf8JsonReader(buffer[..written], new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read())
                throw new ArgumentException($"{paramName} is not JSON: it is empty", paramName);
            reader.Skip();
            if (reader.Read())
                throw new ArgumentException($"{paramName} is not one JSON document: text follows it", paramName);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{paramName} is not valid JSON: {e.Message}", paramName, e);
        }
        finally
        {
            if (rented is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static void RequireText(string? text, string paramName)
    {
        ArgumentNullException.ThrowIfNull(text, paramName);
        if (string.IsNullOrWhiteSpace(text))
            throw new ArgumentException($"{paramName} is empty", paramName);
    }
}
