using System.Globalization;
using System.Text.Json;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>Lighter's JSON to the client's values: amounts are exact decimal strings (or numbers read as their text), ids and times numbers.</summary>
internal static class LighterJson
{
    public static LighterApiException Bad(string name, string what = "Lighter's answer") =>
        new(VenueErrorKind.Unknown, 0, $"{what} has no usable '{name}'");

    public static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(name);

    public static string? OptStr(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long Long(JsonElement e, string name) => OptLong(e, name) ?? throw Bad(name);

    public static long? OptLong(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
        return null;
    }

    public static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>A decimal given as a string or as a JSON number (read from its text, never through a double).</summary>
    public static decimal? OptDec(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        var text = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        if (text is null) return null;
        if (FixedPoint.TryParse(text, 18, allowNegative: true, out var value, out _)) return value;
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) ? value : null;
    }

    public static decimal Dec(JsonElement e, string name) => OptDec(e, name) ?? throw Bad(name);

    public static Price Price(JsonElement e, string name) => Domain.Values.Price.TryOf(Dec(e, name), out var p, out _) ? p : throw Bad(name);

    public static Quantity Qty(JsonElement e, string name) => Domain.Values.Quantity.TryOf(Dec(e, name), out var q, out _) ? q : throw Bad(name);

    public static Money Money(JsonElement e, string name) => Domain.Values.Money.Round(Dec(e, name), Domain.Values.Money.MaxDecimals);

    public static Money? OptMoney(JsonElement e, string name) => OptDec(e, name) is { } d ? Domain.Values.Money.Round(d, Domain.Values.Money.MaxDecimals) : null;

    public static DateTimeOffset Ms(JsonElement e, string name) => DateTimeOffset.FromUnixTimeMilliseconds(Long(e, name));

    public static JsonElement Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v : throw Bad(name);
}
