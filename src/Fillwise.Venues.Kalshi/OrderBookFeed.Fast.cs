using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    // What follows an object member: another one, the object's end, or something else.
    private enum Member
    {
        More,
        Last,
        Bad,
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
        if (!Literal(s, ref i, ",\"msg\":{\"market_ticker\":\""u8)) return false;
        var tickerStart = i;
        if (!SkipStringBody(s, ref i)) return false;
        delta.Book = Lookup(s[tickerStart..(i - 1)]); // early: its cache misses overlap with parsing the rest
        if (Literal(s, ref i, ",\"market_id\":\""u8) && !SkipStringBody(s, ref i)) return false;
        if (!Literal(s, ref i, ",\"price_dollars\":\""u8) || !ReadTick(s, ref i, out delta.Tick)) return false;
        if (!Literal(s, ref i, ",\"delta_fp\":\""u8) || !ReadSignedCentis(s, ref i, out delta.Centis)) return false;
        if (!ReadSide(s, ref i, out delta.Side)) return false;
        if (Literal(s, ref i, ",\"ts_ms\":"u8) && !SkipLong(s, ref i)) return false;
        return i == s.Length - 2 && s[i] == (byte)'}' && s[i + 1] == (byte)'}';
    }

    /// <summary>For tests: whether a frame takes the straight-line path (and not the general scanner).</summary>
    internal bool ScansAsKalshiLayout(ReadOnlySpan<byte> frame) => TryScanCanonical(frame, out _, out _, out _);

    private static readonly ulong SideKeyWord = BinaryPrimitives.ReadUInt64LittleEndian(",\"side\":"u8);
    private static readonly ulong YesWord = BinaryPrimitives.ReadUInt64LittleEndian("\"yes\"\0\0\0"u8);
    private static readonly ulong NoWord = BinaryPrimitives.ReadUInt64LittleEndian("\"no\"\0\0\0\0"u8);

    /// <summary>
    /// <c>,"side":"yes"</c> or <c>,"side":"no"</c> by two word compares, with no jump on which one it is:
    /// the side of consecutive deltas is a coin toss, so a branch on it would mispredict half the time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadSide(ReadOnlySpan<byte> s, ref int i, out OutcomeSide side)
    {
        if (s.Length - i < 16) return ReadSideByLiterals(s, ref i, out side);
        var key = BinaryPrimitives.ReadUInt64LittleEndian(s[i..]);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(s[(i + 8)..]);
        var yes = (value & 0xFF_FFFF_FFFFUL) == YesWord;
        var no = (value & 0xFFFF_FFFFUL) == NoWord;
        var yesBit = yes ? 1 : 0; // setcc, not a jump
        side = (OutcomeSide)(1 - yesBit);
        i += 12 + yesBit;
        return key == SideKeyWord && (yes | no);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ReadSideByLiterals(ReadOnlySpan<byte> s, ref int i, out OutcomeSide side)
    {
        side = OutcomeSide.Yes;
        if (Literal(s, ref i, ",\"side\":\"yes\""u8)) return true;
        side = OutcomeSide.No;
        return Literal(s, ref i, ",\"side\":\"no\""u8);
    }

    /// <summary>
    /// Steps over the rest of a string whose opening quote is behind i; false on an escape or a control
    /// character. 32 bytes per compare: a ticker or a market id is one or two of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SkipStringBody(ReadOnlySpan<byte> s, ref int i)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var quote = Vector256.Create((byte)'"');
            var backslash = Vector256.Create((byte)'\\');
            var space = Vector256.Create((byte)0x20);
            while (s.Length - i >= 32)
            {
                var v = Vector256.Create(s.Slice(i, 32));
                var stops = (Vector256.Equals(v, quote) | Vector256.Equals(v, backslash) | Vector256.LessThan(v, space)).ExtractMostSignificantBits();
                if (stops != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(stops);
                    if (s[at] != (byte)'"') return false;
                    i = at + 1;
                    return true;
                }
                i += 32;
            }
        }
        return StringBody(s, ref i, out _);
    }

    /// <summary>
    /// A price string's body and closing quote: the usual "0.4700" read in place, anything else by
    /// <see cref="TryParseTick"/> on the text up to the next quote (same answers: both refuse a quote inside).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ReadTick(ReadOnlySpan<byte> s, ref int i, out int tick)
    {
        if (s.Length - i > 6 && s[i + 6] == (byte)'"' && TryParseTick(s.Slice(i, 6), out tick))
        {
            i += 7;
            return true;
        }
        if (!NumberText(s, ref i, out var text))
        {
            tick = 0;
            return false;
        }
        return TryParseTick(text, out tick);
    }

    /// <summary>
    /// A size change's body and closing quote: the usual "-12.00" read in place (sign without a jump),
    /// anything else by <see cref="TryParseSignedCentis"/> on the text up to the next quote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadSignedCentis(ReadOnlySpan<byte> s, ref int i, out long centis)
    {
        var start = i;
        // Room for a sign, up to eight whole digits, the point, two decimals and the quote in two words.
        if (s.Length - i >= 16)
        {
            var negative = s[i] == (byte)'-' ? 1 : 0; // setcc: the sign of consecutive deltas is a coin toss
            var k = i + negative;
            var w = BinaryPrimitives.ReadUInt64LittleEndian(s[k..]);
            var digits = DigitsInWord(w);
            if (digits is > 0 and < 8 && s[k + digits] == (byte)'.' && s[k + digits + 3] == (byte)'"')
            {
                var d1 = unchecked((uint)(s[k + digits + 1] - (byte)'0'));
                var d2 = unchecked((uint)(s[k + digits + 2] - (byte)'0'));
                if (d1 <= 9 && d2 <= 9)
                {
                    var v = unchecked((long)((ParseEightDigits(w, digits) * 100) + (d1 * 10) + d2));
                    centis = unchecked((v ^ -negative) + negative); // negate when negative, without a jump
                    i = k + digits + 4;
                    return true;
                }
            }
        }
        i = start;
        if (!NumberText(s, ref i, out var text))
        {
            centis = 0;
            return false;
        }
        return TryParseSignedCentis(text, out centis);
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
        var n = DigitRun(s, i) - i;
        if (n == 0 || (n > 1 && s[i] == (byte)'0')) return false;
        if (n > 18) return ReadLong(s, ref i, out _); // may not fit a long: the checked parser decides
        i += n;
        return true;
    }

    /// <summary>The index of the first non-digit at or after <paramref name="i"/>: eight bytes per step (a timestamp is 13 digits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DigitRun(ReadOnlySpan<byte> s, int i)
    {
        while (s.Length - i >= 8)
        {
            var w = BinaryPrimitives.ReadUInt64LittleEndian(s[i..]);
            // A byte is a digit iff its high nibble is 3 and stays 3 after adding 6. A carry out of a
            // non-digit byte can only spoil the bytes after it, never which byte is the first non-digit.
            var notDigit = ((w & 0xF0F0F0F0F0F0F0F0UL) ^ 0x3030303030303030UL) | ((unchecked(w + 0x0606060606060606UL) & 0xF0F0F0F0F0F0F0F0UL) ^ 0x3030303030303030UL);
            if (notDigit != 0) return i + (BitOperations.TrailingZeroCount(notDigit) >> 3);
            i += 8;
        }
        while (i < s.Length && unchecked((uint)(s[i] - (byte)'0')) <= 9) i++;
        return i;
    }

    /// <summary>How many of the word's bytes, from its first, are ASCII digits (0 to 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DigitsInWord(ulong w)
    {
        var notDigit = ((w & 0xF0F0F0F0F0F0F0F0UL) ^ 0x3030303030303030UL) | ((unchecked(w + 0x0606060606060606UL) & 0xF0F0F0F0F0F0F0F0UL) ^ 0x3030303030303030UL);
        return notDigit == 0 ? 8 : BitOperations.TrailingZeroCount(notDigit) >> 3;
    }

    /// <summary>
    /// The value of the first <paramref name="count"/> (1 to 7) bytes of the word, all ASCII digits, first
    /// byte most significant: the digits are moved to the top as if led by zeros, then combined pairwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ParseEightDigits(ulong w, int count)
    {
        unchecked
        {
            var v = (w - 0x3030303030303030UL) << ((8 - count) * 8);
            v = ((v * 10) + (v >> 8)) & 0x00FF00FF00FF00FFUL;
            v = ((v * 100) + (v >> 16)) & 0x0000FFFF0000FFFFUL;
            return ((v * 10000) + (v >> 32)) & 0xFFFFFFFFUL;
        }
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
                        var next = AfterMember(s, ref i);
                        if (next == Member.More) continue;
                        if (next == Member.Last) break;
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
            var after = AfterMember(s, ref i);
            if (after == Member.More) continue;
            if (after == Member.Last) break;
            return Scan.GiveUp;
        }
        SkipWs(s, ref i);
        var complete = i == s.Length && isDelta && sid >= 0 && seq >= 0 && haveTicker && havePrice && haveDelta && haveSide;
        return complete ? Scan.Delta : Scan.GiveUp;
    }

    /// <summary>Steps over the ',' or '}' after an object member (and the white space before it).</summary>
    private static Member AfterMember(ReadOnlySpan<byte> s, ref int i)
    {
        SkipWs(s, ref i);
        if (i >= s.Length) return Member.Bad;
        var c = s[i];
        if (c is not ((byte)',' or (byte)'}')) return Member.Bad;
        i++;
        return c == (byte)',' ? Member.More : Member.Last;
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
