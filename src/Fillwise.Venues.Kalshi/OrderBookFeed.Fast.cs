using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// The hot path's scanner: reads the common shape of an orderbook_delta frame (a flat object with a
/// flat msg object, unescaped strings) in one strict forward pass. Anything it does not fully
/// understand (escapes, arrays, nesting, odd whitespace at the end, another type) makes it give up,
/// and the Utf8JsonReader path decides; so it never accepts what that path would reject.
/// </summary>
public sealed partial class OrderBookFeed
{
    /// <summary>Tests turn the scanner off to compare it with the reader path.</summary>
    internal bool UseFastPath { get; set; } = true;

    private enum Scan
    {
        Delta,
        GiveUp,
    }

    // Keys the scanner acts on; anything else is skipped.
    private enum Key
    {
        Other,
        Type,
        Sid,
        Seq,
        Msg,
        Ticker,
        Price,
        Delta,
        Side,
    }

    // A string ends at its closing quote; a backslash or control character first means give up.
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>
    /// Kalshi's own layout (type, sid, seq, then msg with market_ticker, optional market_id, price_dollars,
    /// delta_fp, side, optional ts_ms, compact) as one straight run of literal compares, no key dispatch.
    /// False only means "not exactly this layout": <see cref="TryScanDelta"/> then reads the frame from the
    /// start. Every frame this accepts is one that TryScanDelta accepts with the same fields.
    /// </summary>
    private bool TryScanCanonical(ReadOnlySpan<byte> s, out long sid, out long seq, out DeltaFields delta)
    {
        sid = -1;
        seq = -1;
        delta = default;
        var i = 0;
        if (!Literal(s, ref i, "{\"type\":\"orderbook_delta\",\"sid\":"u8) || !ReadLong(s, ref i, out sid)) return false;
        if (!Literal(s, ref i, ",\"seq\":"u8) || !ReadLong(s, ref i, out seq)) return false;
        if (!Literal(s, ref i, ",\"msg\":{\"market_ticker\":\""u8) || !StringBody(s, ref i, out var ticker)) return false;
        delta.Book = Lookup(ticker); // early: its cache misses overlap with parsing the rest
        if (Literal(s, ref i, ",\"market_id\":\""u8) && !StringBody(s, ref i, out _)) return false;
        // Price and size: up to the next quote is enough, since both parsers refuse a backslash or a
        // control character (which would have ended the string early or made it invalid).
        if (!Literal(s, ref i, ",\"price_dollars\":\""u8) || !NumberText(s, ref i, out var price) || !TryParseTick(price, out delta.Tick)) return false;
        if (!Literal(s, ref i, ",\"delta_fp\":\""u8) || !NumberText(s, ref i, out var change) || !TryParseSignedCentis(change, out delta.Centis)) return false;
        if (Literal(s, ref i, ",\"side\":\"yes\""u8)) delta.Side = OutcomeSide.Yes;
        else if (Literal(s, ref i, ",\"side\":\"no\""u8)) delta.Side = OutcomeSide.No;
        else return false;
        if (Literal(s, ref i, ",\"ts_ms\":"u8) && !SkipLong(s, ref i)) return false;
        if (i != s.Length - 2 || s[i] != (byte)'}' || s[i + 1] != (byte)'}') return false;
        return true;
    }

    /// <summary>The text of a string whose opening quote is behind i, up to its closing quote, for the number parsers only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NumberText(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        var len = s[i..].IndexOf((byte)'"');
        if (len < 0) return false;
        value = s.Slice(i, len);
        i += len + 1;
        return true;
    }

    /// <summary>Steps over <paramref name="literal"/> if the bytes at i are exactly it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Literal(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!s[i..].StartsWith(literal)) return false;
        i += literal.Length;
        return true;
    }

    /// <summary>What <see cref="ReadLong"/> accepts, without computing the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SkipLong(ReadOnlySpan<byte> s, ref int i)
    {
        var end = i;
        while (end < s.Length && unchecked((uint)(s[end] - (byte)'0')) <= 9) end++; // no dependency chain: counting only
        var n = end - i;
        if (n == 0 || (n > 1 && s[i] == (byte)'0')) return false;
        if (n > 18) return ReadLong(s, ref i, out _); // may not fit a long: the checked parser decides
        i += n;
        return true;
    }

    private Scan TryScanDelta(ReadOnlySpan<byte> s, out long sid, out long seq, out DeltaFields delta)
    {
        sid = -1;
        seq = -1;
        delta = default;
        var i = 0;
        bool isDelta = false, haveTicker = false, havePrice = false, haveDelta = false, haveSide = false;
        if (!Expect(s, ref i, (byte)'{')) return Scan.GiveUp;
        while (true)
        {
            if (!ReadKey(s, ref i, out var key)) return Scan.GiveUp;
            SkipWs(s, ref i);
            if (i >= s.Length) return Scan.GiveUp;
            switch (key)
            {
                case Key.Msg:
                    if (!Expect(s, ref i, (byte)'{')) return Scan.GiveUp;
                    while (true)
                    {
                        if (!ReadKey(s, ref i, out var k)) return Scan.GiveUp;
                        SkipWs(s, ref i);
                        if (i >= s.Length) return Scan.GiveUp;
                        scoped ReadOnlySpan<byte> v;
                        switch (k)
                        {
                            case Key.Ticker:
                                if (!ReadString(s, ref i, out v)) return Scan.GiveUp;
                                delta.Book = Lookup(v);
                                haveTicker = true;
                                break;
                            case Key.Price:
                                if (!ReadString(s, ref i, out v) || !TryParseTick(v, out delta.Tick)) return Scan.GiveUp;
                                havePrice = true;
                                break;
                            case Key.Delta:
                                if (!ReadString(s, ref i, out v) || !TryParseSignedCentis(v, out delta.Centis)) return Scan.GiveUp;
                                haveDelta = true;
                                break;
                            case Key.Side:
                                // A string is exactly "yes" iff the bytes start with "yes" and its quotes.
                                if (s[i..].StartsWith("\"yes\""u8)) (delta.Side, i) = (OutcomeSide.Yes, i + 5);
                                else if (s[i..].StartsWith("\"no\""u8)) (delta.Side, i) = (OutcomeSide.No, i + 4);
                                else return Scan.GiveUp;
                                haveSide = true;
                                break;
                            default:
                                if (!SkipScalar(s, ref i)) return Scan.GiveUp;
                                break;
                        }
                        SkipWs(s, ref i);
                        if (i >= s.Length) return Scan.GiveUp;
                        if (s[i] == (byte)',') { i++; continue; }
                        if (s[i] == (byte)'}') { i++; break; }
                        return Scan.GiveUp;
                    }
                    break;
                case Key.Type:
                    if (!s[i..].StartsWith("\"orderbook_delta\""u8)) return Scan.GiveUp;
                    i += 17;
                    isDelta = true;
                    break;
                case Key.Sid:
                    if (!ReadLong(s, ref i, out sid)) return Scan.GiveUp;
                    break;
                case Key.Seq:
                    if (!ReadLong(s, ref i, out seq)) return Scan.GiveUp;
                    break;
                default:
                    if (!SkipScalar(s, ref i)) return Scan.GiveUp;
                    break;
            }
            SkipWs(s, ref i);
            if (i >= s.Length) return Scan.GiveUp;
            if (s[i] == (byte)',') { i++; continue; }
            if (s[i] == (byte)'}') { i++; break; }
            return Scan.GiveUp;
        }
        SkipWs(s, ref i);
        var complete = i == s.Length && isDelta && sid >= 0 && seq >= 0 && haveTicker && havePrice && haveDelta && haveSide;
        return complete ? Scan.Delta : Scan.GiveUp;
    }

    /// <summary>
    /// Reads an object key. Known keys are matched with their closing quote in one compare (exact: a
    /// string ends at its first quote, so "side\"" can only be the key side); others are read as strings.
    /// Top-level keys only act on type/sid/seq/msg and msg keys only on the four delta fields (callers' switch). Reads the ':' too.
    /// </summary>
    private static bool ReadKey(ReadOnlySpan<byte> s, ref int i, out Key key)
    {
        key = Key.Other;
        SkipWs(s, ref i);
        if ((uint)(i + 1) >= (uint)s.Length || s[i] != (byte)'"') return ReadString(s, ref i, out _);
        var rest = s[(i + 1)..];
        var len = 0;
        switch (rest[0])
        {
            case (byte)'m':
                if (rest.StartsWith("market_ticker\""u8)) (key, len) = (Key.Ticker, 14);
                else if (rest.StartsWith("msg\""u8)) (key, len) = (Key.Msg, 4);
                break;
            case (byte)'p':
                if (rest.StartsWith("price_dollars\""u8)) (key, len) = (Key.Price, 14);
                break;
            case (byte)'d':
                if (rest.StartsWith("delta_fp\""u8)) (key, len) = (Key.Delta, 9);
                break;
            case (byte)'s':
                if (rest.StartsWith("side\""u8)) (key, len) = (Key.Side, 5);
                else if (rest.StartsWith("sid\""u8)) (key, len) = (Key.Sid, 4);
                else if (rest.StartsWith("seq\""u8)) (key, len) = (Key.Seq, 4);
                break;
            case (byte)'t':
                if (rest.StartsWith("type\""u8)) (key, len) = (Key.Type, 5);
                break;
        }
        if (key == Key.Other) return ReadString(s, ref i, out _) && Colon(s, ref i);
        i += 1 + len;
        return Colon(s, ref i);
    }

    /// <summary>
    /// The common "-12.00" shape inline; anything else (no digits, 16+ digits, odd fractions) goes to
    /// <see cref="TryParseCentis"/>, which gives the same answer for the inline shape.
    /// </summary>
    private static bool TryParseSignedCentis(ReadOnlySpan<byte> text, out long centis)
    {
        var k = !text.IsEmpty && text[0] == (byte)'-' ? 1 : 0;
        var first = k;
        long whole = 0;
        while (k < text.Length && unchecked((uint)(text[k] - (byte)'0')) <= 9) whole = unchecked((whole * 10) + (text[k++] - (byte)'0')); // wraps past 15 digits: general parser
        var wholeDigits = k - first;
        long frac = 0;
        var fracDigits = 0;
        if (k < text.Length && text[k] == (byte)'.')
        {
            k++;
            while (k < text.Length && unchecked((uint)(text[k] - (byte)'0')) <= 9 && fracDigits < 3)
            {
                frac = unchecked((frac * 10) + (text[k++] - (byte)'0'));
                fracDigits++;
            }
            if (fracDigits == 0) k = -1; // "3." : let the general parser decide
        }
        if (k != text.Length || wholeDigits is 0 or > 15 || fracDigits > 2)
            return TryParseCentis(text, allowNegative: true, out centis);
        if (fracDigits == 1) frac *= 10;
        var v = unchecked((whole * 100) + frac); // at most 15 + 2 digits: no overflow
        centis = first == 1 ? -v : v;
        return true;
    }

    /// <summary>The ':' after a key: compact JSON has it right there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Colon(ReadOnlySpan<byte> s, ref int i)
    {
        if ((uint)i < (uint)s.Length && s[i] == (byte)':')
        {
            i++;
            return true;
        }
        return Expect(s, ref i, (byte)':');
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SkipWs(ReadOnlySpan<byte> s, ref int i)
    {
        // Whitespace is at most ' ': one compare settles the usual case.
        while ((uint)i < (uint)s.Length && s[i] <= (byte)' ' && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') i++;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int i, byte c)
    {
        SkipWs(s, ref i);
        if (i >= s.Length || s[i] != c) return false;
        i++;
        return true;
    }

    /// <summary>A string without escapes or control characters (anything else: give up).</summary>
    private static bool ReadString(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        SkipWs(s, ref i);
        if (i >= s.Length || s[i] != (byte)'"') return false;
        i++;
        return StringBody(s, ref i, out value);
    }

    /// <summary>The rest of a string whose opening quote is behind i: no escapes, no control characters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool StringBody(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        // One vectorized search: the first quote, backslash or control character must be the closing quote.
        var len = s[i..].IndexOfAny(StringStops);
        if (len < 0 || s[i + len] != (byte)'"') return false;
        value = s.Slice(i, len);
        i += len + 1;
        return true;
    }

    private static bool ReadLong(ReadOnlySpan<byte> s, ref int i, out long value)
    {
        value = 0;
        var end = i;
        long v = 0;
        while (end < s.Length && unchecked((uint)(s[end] - (byte)'0')) <= 9) v = unchecked((v * 10) + (s[end++] - (byte)'0')); // wraps past 18 digits: reparsed below
        var n = end - i;
        // JSON forbids leading zeros; fractions and exponents go to the reader path.
        if (n == 0 || (n > 1 && s[i] == (byte)'0')) return false;
        if (n > 18)
        {
            // 18 digits cannot overflow a long; longer ones take the checked parser.
            if (!Utf8Parser.TryParse(s[i..end], out v, out var used) || used != n) return false;
        }
        value = v;
        i = end;
        return true;
    }

    /// <summary>Skips a string, a plain integer, true, false or null; anything else: give up.</summary>
    private static bool SkipScalar(ReadOnlySpan<byte> s, ref int i)
    {
        var c = s[i];
        if (c == (byte)'"') return ReadString(s, ref i, out _);
        if (c is >= (byte)'0' and <= (byte)'9') return SkipLong(s, ref i);
        ReadOnlySpan<byte> literal = c switch { (byte)'t' => "true"u8, (byte)'f' => "false"u8, (byte)'n' => "null"u8, _ => default };
        if (literal.IsEmpty || !s[i..].StartsWith(literal)) return false;
        i += literal.Length;
        return true;
    }
}
