using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi;

public enum BookFeedOutcome
{
    /// <summary>A delta was applied.</summary>
    DeltaApplied,

    /// <summary>A snapshot replaced the book and cleared its stale flag.</summary>
    SnapshotApplied,

    /// <summary>The delta's book is stale (waiting for a snapshot): dropped.</summary>
    DroppedStale,

    /// <summary>seq skipped on this sid: its books are now stale; ask for get_snapshot.</summary>
    Gap,

    /// <summary>The delta would drive a level negative: the book is now stale; ask for get_snapshot.</summary>
    Inconsistent,

    /// <summary>A seq at or below the last one on this sid (a duplicate): ignored.</summary>
    Duplicate,

    /// <summary>A delta for a market with no snapshot yet.</summary>
    UnknownMarket,

    /// <summary>Not an orderbook_snapshot or orderbook_delta message: parse it elsewhere.</summary>
    NotBookMessage,

    /// <summary>A book message that could not be read.</summary>
    Malformed,
}

/// <summary>What one message did. <see cref="Book"/> is the market it touched, if any.</summary>
public readonly record struct BookFeedResult(BookFeedOutcome Outcome, long Sid, long Seq, OrderBook? Book)
{
    public bool NeedsSnapshot => Outcome is BookFeedOutcome.Gap or BookFeedOutcome.Inconsistent;
}

/// <summary>
/// Applies Kalshi orderbook_snapshot / orderbook_delta WebSocket messages straight from UTF-8 bytes to
/// price-indexed books, checking seq per sid. The delta path parses with Utf8JsonReader and allocates
/// nothing. A gap on a sid marks every book of that sid stale: the lost message could have been for any
/// of its markets. Stale books drop deltas until a fresh snapshot arrives. Single-threaded.
/// </summary>
public sealed partial class OrderBookFeed
{
    private static ReadOnlySpan<byte> TypeKey => "type"u8;
    private static ReadOnlySpan<byte> SidKey => "sid"u8;
    private static ReadOnlySpan<byte> SeqKey => "seq"u8;
    private static ReadOnlySpan<byte> MsgKey => "msg"u8;
    private static ReadOnlySpan<byte> TickerKey => "market_ticker"u8;
    private static ReadOnlySpan<byte> PriceKey => "price_dollars"u8;
    private static ReadOnlySpan<byte> DeltaKey => "delta_fp"u8;
    private static ReadOnlySpan<byte> SideKey => "side"u8;
    private static ReadOnlySpan<byte> DeltaType => "orderbook_delta"u8;
    private static ReadOnlySpan<byte> SnapshotType => "orderbook_snapshot"u8;

    private readonly Dictionary<string, OrderBook> _books = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long> _lastSeqBySid = [];
    private long _cachedSid = -1; // the sid of the last seq-checked message; its seq lives in _cachedSeq
    private long _cachedSeq;
    private readonly int _ticksPerDollar;
    private readonly int _priceDecimals;

    // Books with their ticker's UTF-8 bytes, found through an open-addressing table of indexes
    // (+1, 0 = empty) keyed by a hash of the bytes: usually one compare per lookup.
    private (byte[] Utf8, OrderBook Book)[] _byBytes = [];
    private int[] _byteSlots = new int[4];

    public OrderBookFeed(int ticksPerDollar = OrderBook.DefaultTicksPerDollar)
    {
        _ticksPerDollar = ticksPerDollar;
        _priceDecimals = ticksPerDollar switch { 100 => 2, 1_000 => 3, 10_000 => 4, _ => throw new ArgumentOutOfRangeException(nameof(ticksPerDollar)) };
    }

    public IReadOnlyCollection<OrderBook> Books => _books.Values;

    public OrderBook? Book(MarketTicker ticker) => _books.GetValueOrDefault(ticker.Value);

    /// <summary>Registers a market before its snapshot, so it is known (and stale) from the start.</summary>
    public OrderBook GetOrAdd(MarketTicker ticker)
    {
        if (!_books.TryGetValue(ticker.Value, out var book))
        {
            book = new OrderBook(ticker, _ticksPerDollar);
            _books.Add(ticker.Value, book);
            _byBytes = [.. _byBytes, (book.TickerUtf8, book)];
            _byteSlots = BuildSlots(_byBytes); // markets are added rarely; lookups happen per message
        }
        return book;
    }

    /// <summary>After a reconnect sids start over and every book needs a fresh snapshot.</summary>
    public void ResetConnection()
    {
        _lastSeqBySid.Clear();
        _cachedSid = -1;
        foreach (var b in _books.Values)
        {
            b.MarkStale();
            b.Sid = -1;
        }
    }

    /// <summary>Forgets a sid's seq baseline (after unsubscribe, or a replayed stream): its next message starts a new count.</summary>
    public void ForgetSequence(long sid)
    {
        _lastSeqBySid.Remove(sid);
        if (_cachedSid == sid) _cachedSid = -1;
    }

    /// <summary>The stale books of one sid (for get_snapshot).</summary>
    public IEnumerable<OrderBook> StaleBooks(long sid) => _books.Values.Where(b => b.IsStale && b.Sid == sid);

    /// <summary>Applies one WebSocket text frame.</summary>
    public BookFeedResult Apply(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return ApplyCore(utf8);
        }
        catch (Exception e) when (e is JsonException or OverflowException or ArgumentException or FormatException or InvalidOperationException)
        {
            // Bad input never escapes as an exception: the receive loop must keep running.
            return new BookFeedResult(BookFeedOutcome.Malformed, -1, -1, null);
        }
    }

    private BookFeedResult ApplyCore(ReadOnlySpan<byte> utf8)
    {
        if (UseFastPath
            && (TryScanCanonical(utf8, out var fastSid, out var fastSeq, out var fastDelta)
                || TryScanDelta(utf8, out fastSid, out fastSeq, out fastDelta) == Scan.Delta))
            return ApplyDelta(fastSid, fastSeq, fastDelta);
        return ApplyWithReader(utf8);
    }

    // Kept out of ApplyCore: the reader's large struct would otherwise be zeroed on every fast-path call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private BookFeedResult ApplyWithReader(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Result(BookFeedOutcome.NotBookMessage);

        var kind = 0; // 0 unknown, 1 delta, 2 snapshot, 3 other
        long sid = -1, seq = -1;
        var msgStart = -1L;
        var msgEnd = -1L;
        var delta = default(DeltaFields);
        var deltaParsed = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(TypeKey))
            {
                reader.Read();
                kind = reader.ValueTextEquals(DeltaType) ? 1 : reader.ValueTextEquals(SnapshotType) ? 2 : 3;
                if (kind == 3) return Result(BookFeedOutcome.NotBookMessage);
            }
            else if (reader.ValueTextEquals(SidKey))
            {
                reader.Read();
                if (!reader.TryGetInt64(out sid)) return Result(BookFeedOutcome.Malformed);
            }
            else if (reader.ValueTextEquals(SeqKey))
            {
                reader.Read();
                if (!reader.TryGetInt64(out seq)) return Result(BookFeedOutcome.Malformed);
            }
            else if (reader.ValueTextEquals(MsgKey))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject) return Result(BookFeedOutcome.Malformed);
                if (kind == 1)
                {
                    if (!ReadDelta(ref reader, out delta)) return Result(BookFeedOutcome.Malformed, sid, seq);
                    deltaParsed = true;
                }
                else
                {
                    // type not seen yet (or a snapshot): remember where msg starts and come back.
                    msgStart = reader.TokenStartIndex;
                    reader.Skip();
                    // Kalshi puts msg last: slice exactly its value, not the frame's closing brace.
                    msgEnd = reader.BytesConsumed;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (kind is 0 or 3) return Result(BookFeedOutcome.NotBookMessage);
        if (sid < 0 || seq < 0) return Result(BookFeedOutcome.Malformed, sid, seq);

        if (kind == 2)
        {
            if (msgStart < 0) return Result(BookFeedOutcome.Malformed, sid, seq);
            return ApplySnapshot(utf8[(int)msgStart..(int)msgEnd], sid, seq);
        }

        if (!deltaParsed)
        {
            if (msgStart < 0) return Result(BookFeedOutcome.Malformed, sid, seq);
            var msgReader = new Utf8JsonReader(utf8[(int)msgStart..]);
            msgReader.Read();
            if (!ReadDelta(ref msgReader, out delta)) return Result(BookFeedOutcome.Malformed, sid, seq);
        }

        return ApplyDelta(sid, seq, delta);
    }

    private BookFeedResult ApplyDelta(long sid, long seq, DeltaFields delta)
    {
        var seqOutcome = CheckSeq(sid, seq);
        var book = delta.Book;
        if (seqOutcome == BookFeedOutcome.Duplicate) return new(BookFeedOutcome.Duplicate, sid, seq, book);
        if (seqOutcome == BookFeedOutcome.Gap)
        {
            MarkSidStale(sid);
            book?.MarkStale();
            return new(BookFeedOutcome.Gap, sid, seq, book);
        }
        if (book is null) return new(BookFeedOutcome.UnknownMarket, sid, seq, null);
        book.Sid = sid;
        return book.ApplyDelta(delta.Side, delta.Tick, delta.Centis) switch
        {
            BookApplyResult.Applied => Touch(book, BookFeedOutcome.DeltaApplied, sid, seq),
            BookApplyResult.DroppedStale => new(BookFeedOutcome.DroppedStale, sid, seq, book),
            _ => new(BookFeedOutcome.Inconsistent, sid, seq, book),
        };
    }

    private static BookFeedResult Touch(OrderBook book, BookFeedOutcome outcome, long sid, long seq)
    {
        book.LastSeq = seq;
        return new(outcome, sid, seq, book);
    }

    private static BookFeedResult Result(BookFeedOutcome outcome, long sid = -1, long seq = -1) => new(outcome, sid, seq, null);

    /// <summary>seq rises by exactly one per sid; the first message of a sid sets the baseline.</summary>
    private BookFeedOutcome CheckSeq(long sid, long seq)
    {
        long last;
        if (sid == _cachedSid)
        {
            last = _cachedSeq; // hot path: one busy subscription, no dictionary work
        }
        else if (!_lastSeqBySid.TryGetValue(sid, out last))
        {
            Remember(sid, seq);
            return BookFeedOutcome.DeltaApplied;
        }
        if (seq <= last) return BookFeedOutcome.Duplicate;
        Remember(sid, seq); // after a gap, later messages are judged against this one
        return seq == last + 1 ? BookFeedOutcome.DeltaApplied : BookFeedOutcome.Gap;
    }

    private void Remember(long sid, long seq)
    {
        if (_cachedSid >= 0 && _cachedSid != sid) _lastSeqBySid[_cachedSid] = _cachedSeq; // write back the old hot sid
        if (_cachedSid != sid) _lastSeqBySid[sid] = seq;
        _cachedSid = sid;
        _cachedSeq = seq;
    }

    private void MarkSidStale(long sid)
    {
        foreach (var b in _books.Values)
        {
            if (b.Sid == sid) b.MarkStale();
        }
    }

    private struct DeltaFields
    {
        public OrderBook? Book;
        public int Tick;
        public long Centis;
        public OutcomeSide Side;
    }

    private bool ReadDelta(ref Utf8JsonReader reader, out DeltaFields delta)
    {
        delta = default;
        bool haveTicker = false, havePrice = false, haveDelta = false, haveSide = false;
        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth) break;
            if (reader.TokenType != JsonTokenType.PropertyName) return false;
            if (reader.ValueTextEquals(TickerKey))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String) return false;
                delta.Book = reader.ValueIsEscaped ? _books.GetValueOrDefault(reader.GetString()!) : Lookup(reader.ValueSpan);
                haveTicker = true;
            }
            else if (reader.ValueTextEquals(PriceKey))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !TryParseTick(reader.ValueSpan, out delta.Tick)) return false;
                havePrice = true;
            }
            else if (reader.ValueTextEquals(DeltaKey))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !TryParseCentis(reader.ValueSpan, allowNegative: true, out delta.Centis)) return false;
                haveDelta = true;
            }
            else if (reader.ValueTextEquals(SideKey))
            {
                reader.Read();
                if (reader.ValueTextEquals("yes"u8)) delta.Side = OutcomeSide.Yes;
                else if (reader.ValueTextEquals("no"u8)) delta.Side = OutcomeSide.No;
                else return false;
                haveSide = true;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return haveTicker && havePrice && haveDelta && haveSide;
    }

    private static int[] BuildSlots((byte[] Utf8, OrderBook Book)[] entries)
    {
        var slots = new int[Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)entries.Length * 4))];
        var mask = slots.Length - 1;
        for (var n = 0; n < entries.Length; n++)
        {
            var h = TickerHash(entries[n].Utf8) & mask;
            while (slots[h] != 0) h = (h + 1) & mask;
            slots[h] = n + 1;
        }
        return slots;
    }

    /// <summary>
    /// Length and the first and last 8 bytes through CRC32-C (one instruction each where the CPU has it):
    /// tickers of one event differ only in their last bytes, so every input bit must reach the low bits.
    /// </summary>
    private static int TickerHash(ReadOnlySpan<byte> t)
    {
        if (t.Length >= 8)
        {
            var h = BitOperations.Crc32C((uint)t.Length, BinaryPrimitives.ReadUInt64LittleEndian(t));
            return (int)(BitOperations.Crc32C(h, BinaryPrimitives.ReadUInt64LittleEndian(t[^8..])) & int.MaxValue);
        }
        var small = (uint)t.Length;
        foreach (var b in t) small = BitOperations.Crc32C(small, b);
        return (int)(small & int.MaxValue);
    }

    /// <summary>The book whose ticker is exactly these bytes, or null. Open addressing over a table kept a quarter full.</summary>
    private OrderBook? Lookup(ReadOnlySpan<byte> ticker)
    {
        var entries = _byBytes;
        var slots = _byteSlots;
        var mask = slots.Length - 1;
        var h = TickerHash(ticker) & mask;
        while (true)
        {
            var slot = slots[h];
            if (slot == 0) return null;
            var (utf8, candidate) = entries[slot - 1];
            if (ticker.SequenceEqual(utf8)) return candidate;
            h = (h + 1) & mask;
        }
    }

    private BookFeedResult ApplySnapshot(ReadOnlySpan<byte> msg, long sid, long seq)
    {
        // Snapshots are rare: a JsonDocument is fine here.
        using var doc = JsonDocument.Parse(msg.ToArray());
        var root = doc.RootElement;
        var tickerText = root.TryGetProperty("market_ticker", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (string.IsNullOrEmpty(tickerText)) return Result(BookFeedOutcome.Malformed, sid, seq);
        MarketTicker ticker;
        try
        {
            ticker = new MarketTicker(tickerText);
        }
        catch (Fillwise.Domain.DomainException)
        {
            return Result(BookFeedOutcome.Malformed, sid, seq);
        }
        // A snapshot starts (or restarts) a sid's numbering; a gap before it no longer matters.
        var known = sid == _cachedSid ? _cachedSeq : _lastSeqBySid.GetValueOrDefault(sid, seq);
        Remember(sid, Math.Max(seq, known));
        var book = GetOrAdd(ticker);
        if (!TryFill(root, "yes_dollars_fp", OutcomeSide.Yes, book, clear: true) || !TryFill(root, "no_dollars_fp", OutcomeSide.No, book, clear: false))
        {
            book.MarkStale();
            return new(BookFeedOutcome.Malformed, sid, seq, book);
        }
        book.Sid = sid;
        book.CompleteSnapshot();
        return Touch(book, BookFeedOutcome.SnapshotApplied, sid, seq);
    }

    private bool TryFill(JsonElement root, string field, OutcomeSide side, OrderBook book, bool clear)
    {
        if (clear) book.ClearForSnapshot();
        if (!root.TryGetProperty(field, out var levels) || levels.ValueKind == JsonValueKind.Null) return true; // empty side may be omitted
        if (levels.ValueKind != JsonValueKind.Array) return false;
        foreach (var level in levels.EnumerateArray())
        {
            if (level.ValueKind != JsonValueKind.Array || level.GetArrayLength() != 2
                || level[0].ValueKind != JsonValueKind.String || level[1].ValueKind != JsonValueKind.String) return false;
            if (!TryParseTick(Encoding.UTF8.GetBytes(level[0].GetString()!), out var tick)) return false;
            if (!TryParseCentis(Encoding.UTF8.GetBytes(level[1].GetString()!), allowNegative: false, out var centis)) return false;
            book.SetLevel(side, tick, centis);
        }
        return true;
    }

    /// <summary>"0.4500" / "0.450" → tick; extra decimals beyond the book's tick must be zeros; (0, 1) only.</summary>
    internal bool TryParseTick(ReadOnlySpan<byte> text, out int tick)
    {
        tick = 0;
        if (text.Length < 3 || text[0] != (byte)'0' || text[1] != (byte)'.') return false;
        if (text.Length == 6 && _priceDecimals == 4)
        {
            // The usual "0.4700" on the 0.0001 grid: four digits at once, same answers as the loop below.
            var d0 = unchecked((uint)(text[2] - (byte)'0'));
            var d1 = unchecked((uint)(text[3] - (byte)'0'));
            var d2 = unchecked((uint)(text[4] - (byte)'0'));
            var d3 = unchecked((uint)(text[5] - (byte)'0'));
            if (d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9) return false;
            var v = (int)((d0 * 1000) + (d1 * 100) + (d2 * 10) + d3);
            if (v <= 0 || v >= _ticksPerDollar) return false;
            tick = v;
            return true;
        }
        var frac = text[2..];
        var value = 0;
        for (var i = 0; i < frac.Length; i++)
        {
            var d = frac[i] - (byte)'0';
            if (unchecked((uint)d) > 9) return false; // unchecked: a byte below '0' must read as "not a digit", not overflow
            if (i < _priceDecimals) value = (value * 10) + d;
            else if (d != 0) return false; // finer than the book's tick
        }
        for (var i = frac.Length; i < _priceDecimals; i++) value *= 10;
        if (value <= 0 || value >= _ticksPerDollar) return false;
        tick = value;
        return true;
    }

    /// <summary>"-54.00" / "3" / "3.5" → hundredths of a contract; at most 2 decimals, at most 15 integer digits.</summary>
    internal static bool TryParseCentis(ReadOnlySpan<byte> text, bool allowNegative, out long centis)
    {
        centis = 0;
        if (text.IsEmpty) return false;
        var negative = text[0] == (byte)'-';
        if (negative)
        {
            if (!allowNegative) return false;
            text = text[1..];
        }
        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        var frac = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.IsEmpty || whole.Length > 15 || frac.Length > 2 || (dot >= 0 && frac.IsEmpty)) return false;
        if (!Utf8Parser.TryParse(whole, out ulong w, out var used) || used != whole.Length) return false;
        long f = 0;
        for (var i = 0; i < 2; i++)
        {
            var d = i < frac.Length ? frac[i] - (byte)'0' : 0;
            if (unchecked((uint)d) > 9) return false; // unchecked: a byte below '0' must read as "not a digit", not overflow
            f = (f * 10) + d;
        }
        var v = ((long)w * 100) + f;
        centis = negative ? -v : v;
        return true;
    }
}
