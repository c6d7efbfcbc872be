using System.Buffers.Text;
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
            if (!ReadString(s, ref i, out var key) || !Expect(s, ref i, (byte)':')) return Scan.GiveUp;
            SkipWs(s, ref i);
            if (i >= s.Length) return Scan.GiveUp;
            if (key.SequenceEqual("msg"u8))
            {
                if (!Expect(s, ref i, (byte)'{')) return Scan.GiveUp;
                while (true)
                {
                    if (!ReadString(s, ref i, out var k) || !Expect(s, ref i, (byte)':')) return Scan.GiveUp;
                    SkipWs(s, ref i);
                    if (i >= s.Length) return Scan.GiveUp;
                    if (k.SequenceEqual("market_ticker"u8))
                    {
                        if (!ReadString(s, ref i, out var v)) return Scan.GiveUp;
                        delta.Book = Lookup(v);
                        haveTicker = true;
                    }
                    else if (k.SequenceEqual("price_dollars"u8))
                    {
                        if (!ReadString(s, ref i, out var v) || !TryParseTick(v, out delta.Tick)) return Scan.GiveUp;
                        havePrice = true;
                    }
                    else if (k.SequenceEqual("delta_fp"u8))
                    {
                        if (!ReadString(s, ref i, out var v) || !TryParseCentis(v, allowNegative: true, out delta.Centis)) return Scan.GiveUp;
                        haveDelta = true;
                    }
                    else if (k.SequenceEqual("side"u8))
                    {
                        if (!ReadString(s, ref i, out var v)) return Scan.GiveUp;
                        if (v.SequenceEqual("yes"u8)) delta.Side = OutcomeSide.Yes;
                        else if (v.SequenceEqual("no"u8)) delta.Side = OutcomeSide.No;
                        else return Scan.GiveUp;
                        haveSide = true;
                    }
                    else if (!SkipScalar(s, ref i))
                    {
                        return Scan.GiveUp;
                    }
                    SkipWs(s, ref i);
                    if (i >= s.Length) return Scan.GiveUp;
                    if (s[i] == (byte)',') { i++; continue; }
                    if (s[i] == (byte)'}') { i++; break; }
                    return Scan.GiveUp;
                }
            }
            else if (key.SequenceEqual("type"u8))
            {
                if (!ReadString(s, ref i, out var v) || !v.SequenceEqual("orderbook_delta"u8)) return Scan.GiveUp;
                isDelta = true;
            }
            else if (key.SequenceEqual("sid"u8))
            {
                if (!ReadLong(s, ref i, out sid)) return Scan.GiveUp;
            }
            else if (key.SequenceEqual("seq"u8))
            {
                if (!ReadLong(s, ref i, out seq)) return Scan.GiveUp;
            }
            else if (!SkipScalar(s, ref i))
            {
                return Scan.GiveUp;
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

    private static void SkipWs(ReadOnlySpan<byte> s, ref int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') i++;
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
        var start = i + 1;
        var len = s[start..].IndexOfAny((byte)'"', (byte)'\\');
        if (len < 0 || s[start + len] != (byte)'"') return false;
        value = s.Slice(start, len);
        if (value.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0) return false;
        i = start + len + 1;
        return true;
    }

    private static bool ReadLong(ReadOnlySpan<byte> s, ref int i, out long value)
    {
        value = 0;
        var end = i;
        while (end < s.Length && s[end] is >= (byte)'0' and <= (byte)'9') end++;
        var digits = s[i..end];
        // JSON forbids leading zeros; fractions and exponents go to the reader path.
        if (digits.IsEmpty || (digits.Length > 1 && digits[0] == (byte)'0')) return false;
        if (!Utf8Parser.TryParse(digits, out value, out var used) || used != digits.Length) return false;
        i = end;
        return true;
    }

    /// <summary>Skips a string, a plain integer, true, false or null; anything else: give up.</summary>
    private static bool SkipScalar(ReadOnlySpan<byte> s, ref int i)
    {
        var c = s[i];
        if (c == (byte)'"') return ReadString(s, ref i, out _);
        if (c is >= (byte)'0' and <= (byte)'9') return ReadLong(s, ref i, out _);
        ReadOnlySpan<byte> literal = c switch { (byte)'t' => "true"u8, (byte)'f' => "false"u8, (byte)'n' => "null"u8, _ => default };
        if (literal.IsEmpty || !s[i..].StartsWith(literal)) return false;
        i += literal.Length;
        return true;
    }
}
