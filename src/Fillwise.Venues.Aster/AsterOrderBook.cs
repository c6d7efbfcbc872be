using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Aster;

/// <summary>What applying one depthUpdate frame did.</summary>
public enum AsterBookApply
{
    Applied,
    /// <summary>Not synced yet (no snapshot): the caller buffers the frame.</summary>
    NotSynced,
    /// <summary>Older than the snapshot (u below lastUpdateId): dropped, harmless.</summary>
    Stale,
    /// <summary>pu did not follow the last u (or the first frame did not straddle the snapshot): the book is unsynced; resync from REST.</summary>
    Gap,
    /// <summary>Not a depthUpdate for this symbol.</summary>
    Ignored,
}

/// <summary>
/// One symbol's book kept from Aster's diff stream, Binance-style: a REST snapshot (lastUpdateId),
/// then depthUpdate frames whose levels carry absolute quantities (0 removes the level). Continuity:
/// the first frame after the snapshot must straddle it (U ≤ lastUpdateId + 1 ≤ ... u ≥ lastUpdateId,
/// or pu = lastUpdateId), every later frame's pu must equal the previous frame's u; anything else is
/// a gap and the book goes unsynced until the next snapshot. Prices and quantities are kept as
/// integers in the instrument's precision and parsed straight from the frame's UTF-8 bytes.
/// </summary>
public sealed class AsterOrderBook
{
    private readonly List<(long Price, long Qty)> _bids = []; // ascending: best last
    private readonly List<(long Price, long Qty)> _asks = []; // descending: best last
    private readonly byte[] _symbol;
    private readonly int _priceDecimals;
    private readonly int _quantityDecimals;
    private readonly decimal _priceUnit;
    private readonly decimal _quantityUnit;
    private bool _first;

    public AsterOrderBook(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        Instrument = instrument;
        _symbol = System.Text.Encoding.UTF8.GetBytes(instrument.Id.Symbol);
        _priceDecimals = instrument.PriceDecimals;
        _quantityDecimals = instrument.QuantityDecimals;
        _priceUnit = Pow10(-_priceDecimals);
        _quantityUnit = Pow10(-_quantityDecimals);
    }

    public Instrument Instrument { get; }

    public bool IsSynced { get; private set; }

    /// <summary>The u of the last applied frame (or the snapshot's lastUpdateId).</summary>
    public long LastUpdateId { get; private set; }

    public int Gaps { get; private set; }

    public int BidLevels => _bids.Count;

    public int AskLevels => _asks.Count;

    public AsterLevel? BestBid => _bids.Count == 0 ? null : Level(_bids[^1]);

    public AsterLevel? BestAsk => _asks.Count == 0 ? null : Level(_asks[^1]);

    public IReadOnlyList<AsterLevel> Bids(int depth) => Top(_bids, depth);

    public IReadOnlyList<AsterLevel> Asks(int depth) => Top(_asks, depth);

    public void LoadSnapshot(AsterDepth depth)
    {
        ArgumentNullException.ThrowIfNull(depth);
        _bids.Clear();
        _asks.Clear();
        foreach (var l in depth.Bids) Set(_bids, Scale(l.Price.Value, _priceDecimals), Scale(l.Quantity.Value, _quantityDecimals), ascending: true);
        foreach (var l in depth.Asks) Set(_asks, Scale(l.Price.Value, _priceDecimals), Scale(l.Quantity.Value, _quantityDecimals), ascending: false);
        LastUpdateId = depth.LastUpdateId;
        IsSynced = true;
        _first = true;
    }

    /// <summary>Marks the book unsynced (a reconnect: frames may have been missed).</summary>
    public void Invalidate() => IsSynced = false;

    /// <summary>Applies one depthUpdate frame (raw UTF-8 JSON).</summary>
    public AsterBookApply Apply(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return AsterBookApply.Ignored;
        long first = -1, last = -1, previous = -1;
        var isDepth = false;
        var symbolOk = false;
        // Levels are applied after the header is checked: remember where the arrays start.
        int bidsAt = -1, asksAt = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'e': isDepth = reader.ValueTextEquals("depthUpdate"u8); break;
                    case (byte)'s': symbolOk = reader.ValueTextEquals(_symbol); break;
                    case (byte)'U': first = reader.GetInt64(); break;
                    case (byte)'u': last = reader.GetInt64(); break;
                    case (byte)'b': bidsAt = (int)reader.TokenStartIndex; reader.Skip(); break;
                    case (byte)'a': asksAt = (int)reader.TokenStartIndex; reader.Skip(); break;
                    default: reader.Skip(); break;
                }
            }
            else if (name.Length == 2 && name[0] == 'p' && name[1] == 'u')
            {
                previous = reader.GetInt64();
            }
            else
            {
                reader.Skip();
            }
        }
        if (!isDepth || !symbolOk || last < 0) return AsterBookApply.Ignored;
        if (!IsSynced) return AsterBookApply.NotSynced;
        if (last < LastUpdateId) return AsterBookApply.Stale;
        var follows = _first
            ? previous == LastUpdateId || (first <= LastUpdateId + 1 && last >= LastUpdateId)
            : previous == LastUpdateId;
        if (!follows)
        {
            IsSynced = false;
            Gaps++;
            return AsterBookApply.Gap;
        }
        if (bidsAt >= 0) ApplyLevels(frame[bidsAt..], _bids, ascending: true);
        if (asksAt >= 0) ApplyLevels(frame[asksAt..], _asks, ascending: false);
        LastUpdateId = last;
        _first = false;
        return AsterBookApply.Applied;
    }

    private void ApplyLevels(ReadOnlySpan<byte> array, List<(long Price, long Qty)> side, bool ascending)
    {
        var reader = new Utf8JsonReader(array);
        reader.Read(); // [
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            reader.Read();
            var price = ParseScaled(reader.ValueSpan, _priceDecimals);
            reader.Read();
            var qty = ParseScaled(reader.ValueSpan, _quantityDecimals);
            reader.Read(); // ]
            Set(side, price, qty, ascending);
        }
    }

    private static void Set(List<(long Price, long Qty)> side, long price, long qty, bool ascending)
    {
        int low = 0, high = side.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var p = side[mid].Price;
            if (p == price)
            {
                if (qty == 0) side.RemoveAt(mid);
                else side[mid] = (price, qty);
                return;
            }
            if (ascending ? p < price : p > price) low = mid + 1;
            else high = mid - 1;
        }
        if (qty != 0) side.Insert(low, (price, qty));
    }

    /// <summary>A plain decimal string as an integer count of 10^-decimals; more places than that is a malformed frame.</summary>
    internal static long ParseScaled(ReadOnlySpan<byte> text, int decimals)
    {
        long whole = 0;
        var places = -1;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (places >= 0) throw new FormatException("two decimal points in a depth level");
                places = 0;
                continue;
            }
            if (c is < (byte)'0' or > (byte)'9') throw new FormatException("a depth level is not a plain decimal");
            if (places >= 0)
            {
                // Trailing zeros past the precision are fine ("514.5000" with 2 places); other digits are not.
                if (places >= decimals)
                {
                    if (c != '0') throw new FormatException("a depth level has more decimals than the instrument");
                    continue;
                }
                places++;
            }
            whole = checked(whole * 10 + (c - '0'));
        }
        for (var p = Math.Max(places, 0); p < decimals; p++) whole = checked(whole * 10);
        return whole;
    }

    private static long Scale(decimal value, int decimals) => (long)(value * Pow10(decimals));

    private static decimal Pow10(int exponent)
    {
        var r = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++) r *= 10m;
        return exponent >= 0 ? r : 1m / r;
    }

    private AsterLevel Level((long Price, long Qty) l) => new(Price.Of(l.Price * _priceUnit), Quantity.Of(l.Qty * _quantityUnit));

    private List<AsterLevel> Top(List<(long Price, long Qty)> side, int depth)
    {
        var list = new List<AsterLevel>(Math.Min(depth, side.Count));
        for (var i = side.Count - 1; i >= 0 && list.Count < depth; i--) list.Add(Level(side[i]));
        return list;
    }
}
