using System.Globalization;
using System.Text.Json;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// Field readers for Kalshi answers. The current *_dollars / *_fp strings win; legacy integer cents or
/// counts are read only when the new field is absent. Values are parsed exactly by the Domain parsers;
/// anything malformed is an Unknown-outcome error that names the field and the value.
/// </summary>
internal static class KalshiJson
{
    public static KalshiApiException Malformed(string field, string? value, string why) =>
        new(KalshiErrorKind.Unknown, $"Kalshi answer field '{field}' has malformed value '{Truncate(value)}': {why}");

    public static KalshiApiException Missing(string field) =>
        new(KalshiErrorKind.Unknown, $"Kalshi answer lacks required field '{field}'");

    private static string? Truncate(string? s) => s is { Length: > 80 } ? s[..80] + "…" : s;

    public static bool Has(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    /// <summary>A string field, or the raw text of a number (so "3" and 3 read alike, exactly).</summary>
    public static string? Raw(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => null,
            _ => throw Malformed(name, v.GetRawText(), "expected a string or number"),
        };
    }

    public static string RequiredString(JsonElement obj, string name) =>
        Raw(obj, name) is { Length: > 0 } s ? s : throw Missing(name);

    public static string? OptionalString(JsonElement obj, string name) =>
        Raw(obj, name) is { Length: > 0 } s ? s : null;

    public static bool? OptionalBool(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw Malformed(name, v.GetRawText(), "expected true or false"),
        };
    }

    public static long? OptionalLong(JsonElement obj, string name)
    {
        var raw = Raw(obj, name);
        if (raw is null) return null;
        return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw Malformed(name, raw, "expected an integer");
    }

    public static MarketTicker ReqTicker(JsonElement obj, params string[] names)
    {
        foreach (var n in names)
        {
            if (OptionalString(obj, n) is { } s) return Wrap(n, s, v => new MarketTicker(v));
        }
        throw Missing(names[0]);
    }

    public static VenueOrderId ReqOrderId(JsonElement obj, string name = "order_id") =>
        Wrap(name, RequiredString(obj, name), v => new VenueOrderId(v));

    public static ClientOrderId? OptionalClientOrderId(JsonElement obj, string name = "client_order_id") =>
        OptionalString(obj, name) is { } s ? Wrap(name, s, v => new ClientOrderId(v)) : null;

    private static T Wrap<T>(string field, string value, Func<string, T> make)
    {
        try
        {
            return make(value);
        }
        catch (Fillwise.Domain.DomainException e)
        {
            throw Malformed(field, value, e.Message);
        }
    }

    // ---- prices ----

    public static ContractPrice ReqPrice(JsonElement obj, string dollarsField, string? legacyCentsField = null) =>
        OptionalPrice(obj, dollarsField, legacyCentsField) ?? throw Missing(dollarsField);

    public static ContractPrice? OptionalPrice(JsonElement obj, string dollarsField, string? legacyCentsField = null)
    {
        var raw = Raw(obj, dollarsField);
        if (raw is not null)
            return Fillwise.Domain.Values.ContractPrice.TryParse(raw, out var p, out var why) ? p : throw Malformed(dollarsField, raw, why);
        if (legacyCentsField is null) return null;
        var cents = Raw(obj, legacyCentsField);
        if (cents is null) return null;
        if (!int.TryParse(cents, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c is < 1 or > 99)
            throw Malformed(legacyCentsField, cents, "expected integer cents 1..99");
        return Fillwise.Domain.Values.ContractPrice.FromCents(c);
    }

    /// <summary>A quote that may be "0.0000" (no bid) or "1.0000" (no ask): those read as null.</summary>
    public static ContractPrice? OptionalQuote(JsonElement obj, string dollarsField, string? legacyCentsField = null)
    {
        var raw = Raw(obj, dollarsField);
        if (raw is null && legacyCentsField is not null)
        {
            var cents = Raw(obj, legacyCentsField);
            if (cents is null) return null;
            if (!int.TryParse(cents, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c > 100)
                throw Malformed(legacyCentsField, cents, "expected integer cents 0..100");
            return c is 0 or 100 ? null : Fillwise.Domain.Values.ContractPrice.FromCents(c);
        }
        if (raw is null) return null;
        if (!Money.TryParse(raw, out var m, out var why)) throw Malformed(dollarsField, raw, why);
        if (m.Dollars == 0m || m.Dollars == 1m) return null;
        return Fillwise.Domain.Values.ContractPrice.TryParse(raw, out var p, out why) ? p : throw Malformed(dollarsField, raw, why);
    }

    // ---- counts ----

    public static Contracts ReqCount(JsonElement obj, string fpField, string? legacyField = null) =>
        OptionalCount(obj, fpField, legacyField) ?? throw Missing(fpField);

    public static Contracts? OptionalCount(JsonElement obj, string fpField, string? legacyField = null)
    {
        var raw = Raw(obj, fpField);
        if (raw is not null)
            return Contracts.TryParse(raw, out var c, out var why) ? c : throw Malformed(fpField, raw, why);
        if (legacyField is null) return null;
        var legacy = Raw(obj, legacyField);
        if (legacy is null) return null;
        if (!long.TryParse(legacy, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw Malformed(legacyField, legacy, "expected a non-negative integer count");
        return Contracts.Of(n);
    }

    // ---- money ----

    public static Money ReqMoney(JsonElement obj, string dollarsField, string? legacyCentsField = null) =>
        OptionalMoney(obj, dollarsField, legacyCentsField) ?? throw Missing(dollarsField);

    public static Money? OptionalMoney(JsonElement obj, string dollarsField, string? legacyCentsField = null)
    {
        var raw = Raw(obj, dollarsField);
        if (raw is not null)
            return Fillwise.Domain.Values.Money.TryParse(raw, out var m, out var why) ? m : throw Malformed(dollarsField, raw, why);
        return legacyCentsField is null ? null : OptionalCents(obj, legacyCentsField);
    }

    public static Money? OptionalCents(JsonElement obj, string centsField)
    {
        var cents = Raw(obj, centsField);
        if (cents is null) return null;
        return long.TryParse(cents, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c)
            ? Fillwise.Domain.Values.Money.FromCents(c)
            : throw Malformed(centsField, cents, "expected integer cents");
    }

    // ---- sides and times ----

    public static OutcomeSide? OptionalOutcome(JsonElement obj, string name)
    {
        var raw = OptionalString(obj, name);
        if (raw is null) return null;
        return DirectionText.TryParseOutcomeSide(raw, out var s) ? s : throw Malformed(name, raw, "expected yes or no");
    }

    public static BookSide? OptionalBookSide(JsonElement obj, string name)
    {
        var raw = OptionalString(obj, name);
        if (raw is null) return null;
        return DirectionText.TryParseBookSide(raw, out var s) ? s : throw Malformed(name, raw, "expected bid or ask");
    }

    /// <summary>The V2 direction (outcome_side, book_side), or derived from legacy side + action.</summary>
    public static (OutcomeSide Outcome, BookSide Book) Direction(JsonElement obj)
    {
        var outcome = OptionalOutcome(obj, "outcome_side");
        var book = OptionalBookSide(obj, "book_side");
        if (outcome is { } o && book is { } b) return (o, b);
        var side = OptionalOutcome(obj, "side") ?? outcome ?? throw Missing("outcome_side");
        var actionRaw = OptionalString(obj, "action");
        if (book is { } bb) return (side, bb);
        if (actionRaw is null) throw Missing("book_side");
        if (!DirectionText.TryParseAction(actionRaw, out var action)) throw Malformed("action", actionRaw, "expected buy or sell");
        return (side, new OrderDirection(action, side).BookSide);
    }

    public static DateTimeOffset? OptionalTime(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number)
        {
            // Unix seconds (ts) or milliseconds (*_ms): tell them apart by magnitude.
            if (!v.TryGetInt64(out var n)) throw Malformed(name, v.GetRawText(), "expected a Unix time");
            return n > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(n) : DateTimeOffset.FromUnixTimeSeconds(n);
        }
        var raw = v.GetString();
        if (string.IsNullOrEmpty(raw)) return null;
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : throw Malformed(name, raw, "expected an RFC 3339 time");
    }

    public static IEnumerable<JsonElement> Array(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return [];
        if (v.ValueKind != JsonValueKind.Array) throw Malformed(name, Truncate(v.GetRawText()), "expected an array");
        return v.EnumerateArray();
    }

    public static JsonElement Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v : throw Missing(name);
}
