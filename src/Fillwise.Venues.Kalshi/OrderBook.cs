using System.Numerics;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi;

/// <summary>What applying a change did to a book.</summary>
public enum BookApplyResult
{
    Applied,

    /// <summary>The book is stale (waiting for a snapshot): the change was dropped.</summary>
    DroppedStale,

    /// <summary>The change would make a level negative: our copy is wrong, so the book is now stale.</summary>
    Inconsistent,
}

/// <summary>Best bids and derived best asks of both outcomes at one moment.</summary>
public readonly record struct TopOfBook(MarketTicker Ticker, ContractPrice? BestYesBid, Contracts YesBidSize, ContractPrice? BestNoBid, Contracts NoBidSize, bool IsStale)
{
    /// <summary>A YES ask at p is a NO bid at 1 - p.</summary>
    public ContractPrice? BestYesAsk => BestNoBid?.Complement;

    public ContractPrice? BestNoAsk => BestYesBid?.Complement;
}

/// <summary>
/// One market's book as Kalshi publishes it: a YES bid ladder and a NO bid ladder, each on its own
/// outcome's price scale (a NO bid at 0.40 is a YES ask at 0.60). Levels live in arrays indexed by
/// price tick, sizes in hundredths of a contract, so an update is O(1); a bitmap of non-empty levels
/// finds the next best bid when the best empties. Single writer: the feed that owns it.
/// </summary>
public sealed class OrderBook
{
    /// <summary>0.0001: Kalshi's finest tick since March 2026.</summary>
    public const int DefaultTicksPerDollar = 10_000;

    private readonly Ladder _yes;
    private readonly Ladder _no;
    private readonly Ladder[] _bySide; // indexed by OutcomeSide: the hot path picks a side without a jump

    public OrderBook(MarketTicker ticker, int ticksPerDollar = DefaultTicksPerDollar)
    {
        if (ticksPerDollar is not (100 or 1_000 or 10_000))
            throw new ArgumentOutOfRangeException(nameof(ticksPerDollar), "ticks per dollar must be 100, 1000 or 10000");
        Ticker = ticker;
        TickerUtf8 = System.Text.Encoding.UTF8.GetBytes(ticker.Value);
        TicksPerDollar = ticksPerDollar;
        _yes = new Ladder(ticksPerDollar);
        _no = new Ladder(ticksPerDollar);
        _bySide = [_yes, _no];
        IsStale = true; // nothing is known until the first snapshot
    }

    public MarketTicker Ticker { get; }

    internal byte[] TickerUtf8 { get; }

    public int TicksPerDollar { get; }

    /// <summary>True until a snapshot arrives, and again after a sequence gap or an inconsistent delta.</summary>
    public bool IsStale { get; private set; }

    /// <summary>The WebSocket subscription (sid) this book's updates come on, -1 if none yet.</summary>
    public long Sid { get; internal set; } = -1;

    /// <summary>Sequence number of the last message applied to this book.</summary>
    public long LastSeq { get; internal set; }

    /// <summary>Changes applied since creation (snapshots and deltas).</summary>
    public long Version { get; private set; }

    public void MarkStale() => IsStale = true;

    // ------------------------------------------------------------ writes

    /// <summary>Replaces both ladders and clears the stale flag.</summary>
    public void ApplySnapshot(IEnumerable<KalshiBookLevel> yesBids, IEnumerable<KalshiBookLevel> noBids)
    {
        _yes.Clear();
        _no.Clear();
        foreach (var l in yesBids) _yes.Set(TickOf(l.Price), Centis(l.Count));
        foreach (var l in noBids) _no.Set(TickOf(l.Price), Centis(l.Count));
        IsStale = false;
        Version++;
    }

    internal void ClearForSnapshot()
    {
        _yes.Clear();
        _no.Clear();
    }

    internal void SetLevel(OutcomeSide side, int tick, long centis) => (side == OutcomeSide.Yes ? _yes : _no).Set(tick, centis);

    internal void CompleteSnapshot()
    {
        IsStale = false;
        Version++;
    }

    /// <summary>Adds a signed change (in contracts, 2 decimals) to one level.</summary>
    public BookApplyResult ApplyDelta(OutcomeSide side, ContractPrice price, decimal deltaContracts)
    {
        var centis = deltaContracts * 100m;
        if (centis != decimal.Truncate(centis)) throw new ArgumentException($"delta {deltaContracts} has more than 2 decimal places", nameof(deltaContracts));
        return ApplyDelta(side, TickOf(price), (long)centis);
    }

    /// <summary>The hot path: tick index and hundredths of a contract, no allocation.</summary>
    public BookApplyResult ApplyDelta(OutcomeSide side, int tick, long deltaCentis)
    {
        if (IsStale) return BookApplyResult.DroppedStale;
        if (unchecked((uint)tick - 1) >= (uint)(TicksPerDollar - 1)) throw new ArgumentOutOfRangeException(nameof(tick));
        var ladder = _bySide[(int)side];
        var next = ladder.Size(tick) + deltaCentis;
        if (next < 0)
        {
            IsStale = true; // a missed message or a bug: only a snapshot can fix it
            return BookApplyResult.Inconsistent;
        }
        ladder.Set(tick, next);
        Version++;
        return BookApplyResult.Applied;
    }

    // ------------------------------------------------------------ reads

    public ContractPrice? BestBid(OutcomeSide side) => PriceOf((side == OutcomeSide.Yes ? _yes : _no).Best);

    /// <summary>Best ask of an outcome, derived from the other outcome's best bid: 1 - bid.</summary>
    public ContractPrice? BestAsk(OutcomeSide side) => BestBid(side.Opposite())?.Complement;

    public Contracts BestBidSize(OutcomeSide side)
    {
        var ladder = side == OutcomeSide.Yes ? _yes : _no;
        return ladder.Best < 0 ? Contracts.Zero : ToContracts(ladder.Size(ladder.Best));
    }

    /// <summary>Contracts bid at exactly this price (on the outcome's own scale).</summary>
    public Contracts BidSizeAt(OutcomeSide side, ContractPrice price) => ToContracts((side == OutcomeSide.Yes ? _yes : _no).Size(TickOf(price)));

    /// <summary>Contracts offered to buy this outcome at exactly <paramref name="price"/>: the other side's bids at 1 - price.</summary>
    public Contracts AskSizeAt(OutcomeSide side, ContractPrice price) => BidSizeAt(side.Opposite(), price.Complement);

    /// <summary>Bid levels from the best down, at most <paramref name="maxLevels"/>.</summary>
    public IReadOnlyList<KalshiBookLevel> Bids(OutcomeSide side, int maxLevels = int.MaxValue)
    {
        var ladder = side == OutcomeSide.Yes ? _yes : _no;
        var list = new List<KalshiBookLevel>();
        for (var t = ladder.Best; t > 0 && list.Count < maxLevels; t = ladder.NextBelow(t))
            list.Add(new KalshiBookLevel(PriceOf(t)!.Value, ToContracts(ladder.Size(t))));
        return list;
    }

    /// <summary>Ask levels of an outcome from the best up: the other side's bids, complemented.</summary>
    public IReadOnlyList<KalshiBookLevel> Asks(OutcomeSide side, int maxLevels = int.MaxValue) =>
        Bids(side.Opposite(), maxLevels).Select(l => l with { Price = l.Price.Complement }).ToList();

    /// <summary>Total contracts bid on an outcome at prices at or above <paramref name="minPrice"/>.</summary>
    public Contracts BidDepth(OutcomeSide side, ContractPrice minPrice)
    {
        var ladder = side == OutcomeSide.Yes ? _yes : _no;
        var min = TickOf(minPrice);
        long total = 0;
        for (var t = ladder.Best; t >= min && t > 0; t = ladder.NextBelow(t)) total += ladder.Size(t);
        return ToContracts(total);
    }

    public TopOfBook Top => new(Ticker, BestBid(OutcomeSide.Yes), BestBidSize(OutcomeSide.Yes), BestBid(OutcomeSide.No), BestBidSize(OutcomeSide.No), IsStale);

    public int LevelCount(OutcomeSide side) => (side == OutcomeSide.Yes ? _yes : _no).Count;

    // ------------------------------------------------------------ conversions

    public int TickOf(ContractPrice price)
    {
        var scaled = price.Dollars * TicksPerDollar;
        if (scaled != decimal.Truncate(scaled))
            throw new ArgumentException($"price {price} is finer than this book's tick 1/{TicksPerDollar}", nameof(price));
        return (int)scaled;
    }

    private ContractPrice? PriceOf(int tick) => tick <= 0 ? null : ContractPrice.FromDollars((decimal)tick / TicksPerDollar);

    private static long Centis(Contracts c) => (long)(c.Value * 100m);

    private static Contracts ToContracts(long centis) => Contracts.Of(centis / 100m);

    /// <summary>One side's bids: sizes by tick, a bitmap of non-empty ticks, and the best tick.</summary>
    private sealed class Ladder
    {
        private readonly long[] _size;
        private readonly ulong[] _nonEmpty;

        public Ladder(int ticksPerDollar)
        {
            _size = new long[ticksPerDollar + 1];
            _nonEmpty = new ulong[(ticksPerDollar >> 6) + 1];
        }

        /// <summary>Best (highest) non-empty tick, or -1.</summary>
        public int Best { get; private set; } = -1;

        public int Count { get; private set; }

        public long Size(int tick) => _size[tick];

        public void Set(int tick, long size)
        {
            var had = _size[tick] != 0;
            _size[tick] = size;
            if (size != 0)
            {
                if (!had)
                {
                    _nonEmpty[tick >> 6] |= 1UL << (tick & 63);
                    Count++;
                }
                Best = Math.Max(Best, tick); // a conditional move: whether a change is at the top is the data's coin toss
            }
            else if (had)
            {
                _nonEmpty[tick >> 6] &= ~(1UL << (tick & 63));
                Count--;
                if (tick == Best) Best = NextBelow(tick);
            }
        }

        /// <summary>The highest non-empty tick below <paramref name="tick"/>, or -1.</summary>
        public int NextBelow(int tick)
        {
            var t = tick - 1;
            if (t < 0) return -1;
            var word = t >> 6;
            var bits = _nonEmpty[word] & (ulong.MaxValue >> (63 - (t & 63)));
            while (true)
            {
                if (bits != 0) return (word << 6) + 63 - BitOperations.LeadingZeroCount(bits);
                if (--word < 0) return -1;
                bits = _nonEmpty[word];
            }
        }

        public void Clear()
        {
            Array.Clear(_size);
            Array.Clear(_nonEmpty);
            Best = -1;
            Count = 0;
        }
    }
}
