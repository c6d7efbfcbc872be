using System.Globalization;
using System.Text;
using Fillwise.Testing;

namespace Fillwise.App.Tests.Control.Fuzz;

/// <summary>One request to the control API: a POST (or a GET with an odd query), its body as bytes, and whether it carries the token.</summary>
internal sealed record ControlRequest(HttpMethod Method, string Path, byte[]? Body, bool Authorized = true)
{
    public override string ToString() =>
        $"{Method} {Path}{(Authorized ? "" : " (no token)")} {(Body is null ? "" : Encoding.UTF8.GetString(Body))}";
}

/// <summary>
/// Random and boundary requests for every POST of the control API (and the GETs that read a query):
/// sane values often enough that orders reach the venue and fill, and beside them every field at and
/// past its bounds, wrong JSON types, lone surrogates, invalid UTF-8, malformed JSON and huge numbers.
/// A JSON field's value is written as raw JSON text, so a test can write what no serializer would.
/// </summary>
internal sealed class ControlRequests(FuzzPicks v)
{
    private static readonly string Ticker = ControlFuzzWorld.Ticker.Value;

    /// <summary>Position ids the engine has shown (GET /state), so closes sometimes name a real one.</summary>
    public List<string> KnownPositions { get; } = [];

    public ControlRequest Next() => v.Weighted(
        (25, SaneOrder),
        (30, KalshiOrder),
        (8, InstrumentOrder),
        (8, Close),
        (2, () => Post("/api/v1/emergency-stop", OptionalBody("reason"))),
        (6, () => Post("/api/v1/kill-switch/reset", v.Chance(70) ? Bytes("""{"confirm":"RESET"}""") : OptionalBody("confirm"))),
        (2, () => Post("/api/v1/reconciliation/allow", v.Chance(50) ? null : Raw())),
        (6, ArbOpen),
        (4, ArbClose),
        (5, DryRunSwitch),
        (2, () => Post("/api/v1/cleanup", v.Chance(70) ? null : Raw())),
        (4, OddQuery),
        (4, () => Unauthorized(v.Chance(70) ? KalshiOrder() : Close())),
        (9, () => Post("/api/v1/orders", Raw())));

    private static ControlRequest Post(string path, byte[]? body) => new(HttpMethod.Post, path, body);

    private ControlRequest Unauthorized(ControlRequest request) => request with { Authorized = false };

    /// <summary>An order the engine should send: a few contracts at a price near the book (0.40 bid, 0.50 ask), a short timeout.</summary>
    private ControlRequest SaneOrder() => Post("/api/v1/orders", Json(
        ("ticker", Quote(Ticker)),
        ("side", Quote(v.Pick(["yes", "no"]))),
        ("count", Quote(Fixed(v.Random.Next(1, 500) / 100m))),
        ("limit_price_dollars", Quote(Fixed(v.Random.Next(40, 61) / 100m))),
        ("fill_timeout_s", v.Chance(50) ? null : v.Pick(["0.05", "0.1"]))));

    /// <summary>{"ticker","side","count","limit_price_dollars",...}: each field sane, odd, of the wrong type or missing.</summary>
    private ControlRequest KalshiOrder() => Post("/api/v1/orders", Json(
        ("ticker", v.Chance(85) ? Quote(v.Weighted((90, () => Ticker), (4, () => ControlFuzzWorld.Closed.Value), (3, () => "KXNOPE-1"), (3, () => Ticker.ToLowerInvariant()))) : AnyValue()),
        ("side", v.Chance(85) ? Quote(v.Pick(["yes", "no"])) : AnyValue()),
        ("count", v.Chance(80) ? Quote(Count()) : AnyValue()),
        ("limit_price_dollars", v.Chance(80) ? Quote(ContractPrice()) : AnyValue()),
        ("stop_loss_dollars", v.Chance(75) ? null : v.Chance(60) ? Quote(ContractPrice()) : AnyValue()),
        ("take_profit_dollars", v.Chance(80) ? null : v.Chance(60) ? Quote(ContractPrice()) : AnyValue()),
        ("fill_timeout_s", v.Chance(60) ? null : FillTimeout())));

    /// <summary>{"instrument":"venue:symbol","side":"buy|sell","quantity","limit_price",...} in the engine's neutral terms.</summary>
    private ControlRequest InstrumentOrder() => Post("/api/v1/orders", Json(
        ("instrument", v.Chance(80) ? Quote(v.Weighted((60, () => $"kalshi:{Ticker}:{v.Pick(["yes", "no"])}"), (10, () => "aster:ZECUSDT"), (10, () => "kalshi:"),
            (10, () => "nocolon"), (10, () => v.OddText()))) : AnyValue()),
        ("side", v.Chance(85) ? Quote(v.Pick(["buy", "sell", "yes", "BUY"])) : AnyValue()),
        ("quantity", v.Chance(80) ? Quote(Count()) : AnyValue()),
        ("limit_price", v.Chance(80) ? Quote(ContractPrice()) : AnyValue()),
        ("post_only", v.Chance(70) ? null : v.Pick(["true", "false", "\"yes\"", "1", "null"])),
        ("fill_timeout_s", v.Chance(60) ? null : FillTimeout())));

    private ControlRequest Close()
    {
        var id = v.Weighted(
            (35, () => KnownPositions.Count > 0 ? Uri.EscapeDataString(v.Pick(KnownPositions)) : Ticker),
            (25, () => Ticker),
            (10, () => "KXNOPE-1"),
            (10, () => Uri.EscapeDataString(v.OddText() is { Length: > 0 } t ? t : "x")),
            (5, () => "%00"),
            (5, () => "%FF%FE"),
            (5, () => "%ED%A0%80"),
            (5, () => new string('p', 300)));
        return Post($"/api/v1/positions/{id}/close", v.Chance(80) ? null : Raw());
    }

    private ControlRequest ArbOpen() => Post("/api/v1/arb/open", v.Chance(20) ? Raw() : Json(
        ("symbol", v.Chance(80) ? Quote(v.Pick(["ZEC", "zec", "ZEC-USD", "", "Z€C"])) : AnyValue()),
        ("long_venue", v.Chance(80) ? Quote(v.Pick(["aster", "lighter", "kalshi", "nowhere"])) : AnyValue()),
        ("short_venue", v.Chance(80) ? Quote(v.Pick(["aster", "lighter", "kalshi"])) : AnyValue()),
        ("quantity", v.Chance(80) ? Quote(Count()) : AnyValue()),
        ("reason", v.Chance(60) ? null : AnyValue())));

    private ControlRequest ArbClose() => Post("/api/v1/arb/close", v.Chance(20) ? Raw() : Json(
        ("symbol", v.Chance(80) ? Quote(v.Pick(["ZEC", "", "x y"])) : AnyValue()),
        ("venues", v.Weighted((50, () => "[\"aster\",\"lighter\"]"), (10, () => "[\"aster\"]"), (10, () => $"[{Quote(v.BadText())},\"aster\"]"), (10, () => "[1,2]"), (20, AnyValue))),
        ("reason", v.Chance(70) ? Quote(v.Pick(["manual", "spread_flipped", "nonsense"])) : AnyValue())));

    private ControlRequest DryRunSwitch() => Post("/api/v1/dry-run", v.Chance(15) ? Raw() : Json(
        ("dry_run", v.Weighted((25, () => "true"), (65, () => "false"), (10, AnyValue))),
        ("confirm", v.Chance(80) ? Quote("LIVE") : v.Chance(50) ? null : AnyValue())));

    private ControlRequest OddQuery()
    {
        var path = v.Pick(["/api/v1/fills", "/api/v1/alerts", "/api/v1/history", "/api/v1/arb/" + Uri.EscapeDataString(v.OddText() is { Length: > 0 } t ? t : "x")]);
        var query = v.Pick(["", "?limit=0", "?limit=-1", "?limit=99999999999999999999", "?limit=%FF", "?since=" + Uri.EscapeDataString(v.OddText()), "?since=9999-99-99", "?limit=5"]);
        return new ControlRequest(HttpMethod.Get, path + query, null);
    }

    /// <summary>An optional body with one string field (none at all, often).</summary>
    private byte[]? OptionalBody(string field) => v.Weighted<byte[]?>((40, () => null), (30, () => Json((field, v.Chance(50) ? Quote(v.OddText()) : AnyValue()))), (30, Raw));

    /// <summary>Bodies no endpoint should choke on: not JSON, not text, not an object, too deep, empty.</summary>
    private byte[] Raw() => v.Weighted(
        (10, () => v.Bytes(200)),
        (10, () => Bytes("{\"ticker\":" + Quote(Ticker))),
        (5, () => Array.Empty<byte>()),
        (5, () => Bytes("[1,2,3]")),
        (5, () => Bytes("\"just a string\"")),
        (5, () => Bytes("null")),
        (5, () => Bytes(new string('[', 200) + new string(']', 200))),
        (5, () => Bytes("{\"ticker\":\"" + Ticker + "\",\"ticker\":\"KXOTHER\"}")),
        (10, InvalidUtf8),
        (5, () => Bytes("{\"side\":1e999999}")),
        (5, () => Bytes("{\"count\":\"1\"}  trailing")),
        (5, () => Bytes("{" + Quote(v.BadText()) + ":\"yes\"}")));

    /// <summary>A sane order whose text carries bytes that are not UTF-8 (a lone 0xFF, a cut sequence, an encoded surrogate, an overlong form).</summary>
    private byte[] InvalidUtf8()
    {
        var bad = v.Pick<byte[]>([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80]]);
        var field = v.Pick(["ticker", "side", "count", "limit_price_dollars"]);
        var sane = $$"""{"ticker":"{{Ticker}}","side":"yes","count":"1.00","limit_price_dollars":"0.45"}""";
        var at = sane.IndexOf("\"" + field + "\":\"", StringComparison.Ordinal) + field.Length + 4;
        return [.. Encoding.UTF8.GetBytes(sane[..at]), .. bad, .. Encoding.UTF8.GetBytes(sane[at..])];
    }

    /// <summary>Any JSON value at all, as text: wrong types, odd strings, lone surrogates, huge numbers.</summary>
    private string AnyValue() => v.Weighted(
        (10, () => Quote(v.OddText())),
        (10, () => Quote(v.BadText())),
        (5, () => "null"),
        (5, () => v.Pick(["true", "false"])),
        (10, () => v.Pick(["0", "-1", "1e308", "-1e308", "1e999", "0.1", "99999999999999999999999999999999999"])),
        (5, () => "{}"),
        (5, () => "[\"yes\"]"),
        (10, () => Quote(Count())),
        (10, () => Quote(ContractPrice())));

    /// <summary>A count: mostly 1 to 20 contracts, often at or far past any sane bound, or not a count.</summary>
    private string Count() => v.Weighted(
        (40, () => Fixed(v.Random.Next(1, 2_000) / 100m)),
        (10, () => v.Random.Next(1, 20).ToString(CultureInfo.InvariantCulture)),
        (4, () => "0"),
        (4, () => "-1.00"),
        (4, () => "0.001"),
        (4, () => "999999999999999.99"),
        (4, () => "100000.01"),
        (4, () => "79228162514264337593543950335"),
        (4, () => "1" + new string('0', 40)),
        (3, () => "1e3"),
        (3, () => "NaN"),
        (3, () => "Infinity"),
        (3, () => " 5"),
        (3, () => "5."),
        (3, () => "٣"),
        (4, () => v.OddText()));

    /// <summary>A price in dollars: on and off the cent grid, at and past (0, 1), and not a price.</summary>
    private string ContractPrice() => v.Weighted(
        (40, () => Fixed(v.Random.Next(30, 70) / 100m)),
        (10, () => Fixed(v.Random.Next(1, 100) / 100m)),
        (5, () => "0"),
        (5, () => "1"),
        (5, () => "1.50"),
        (5, () => "-0.10"),
        (5, () => "0.00001"),
        (5, () => "0.455"),
        (5, () => "99999999999999999999999999999"),
        (5, () => "0x1F"),
        (5, () => v.OddText()));

    private string FillTimeout() => v.Weighted(
        (60, () => v.Pick(["0.05", "0.1", "0.2"])),
        (40, () => v.Pick(["0", "-1", "3600.0001", "1e308", "\"5\"", "true", "1e-300"])));

    private static string Fixed(decimal value) => value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>A JSON object of the fields given (a null value leaves the field out).</summary>
    private static byte[] Json(params (string Name, string? Value)[] fields) =>
        Bytes("{" + string.Join(",", fields.Where(f => f.Value is not null).Select(f => Quote(f.Name) + ":" + f.Value)) + "}");

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A JSON string literal; anything outside printable ASCII is a \u escape, so a lone surrogate survives as one.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c is >= ' ' and <= '~') sb.Append(c);
            else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb.Append('"').ToString();
    }
}
