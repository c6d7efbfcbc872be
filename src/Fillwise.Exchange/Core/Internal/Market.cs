using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>One market: its grid, both bid ladders, its prints and statistics.</summary>
internal sealed class Market
{
    /// <summary>Trades kept per market for reads; older prints are dropped (the tape is informational).</summary>
    public const int MaxTradesKept = 50_000;

    private readonly ContractPrice[] _prices;
    private readonly long _microsPerTickLot;
    private readonly decimal[] _takerFactor;
    private readonly decimal[] _makerFactor;
    private readonly decimal _takerHalfFactor;

    public Market(KalshiExchange exchange, MarketDefinition definition, int tickCount)
    {
        Exchange = exchange;
        Definition = definition;
        Ticker = definition.Ticker;
        TickCount = tickCount;
        TickSize = definition.TickSize;
        Fees = new KalshiFeeModel(definition.FeeType, definition.FeeMultiplier);
        Yes = new OrderBookLadder(tickCount);
        No = new OrderBookLadder(tickCount);
        _prices = new ContractPrice[tickCount];
        for (var t = 1; t < tickCount; t++) _prices[t] = ContractPrice.FromDollars(t * TickSize);
        _microsPerTickLot = (long)(TickSize * 10_000m);
        BasisPointsPerTick = _microsPerTickLot;
        // fee = ceil_to_0.0001(rate x multiplier x C x P x (1 - P)): the per-tick factor is exact in decimal.
        _takerFactor = new decimal[tickCount];
        _makerFactor = new decimal[tickCount];
        var taker = Fees.Rate(isTaker: true) * Fees.Multiplier;
        var maker = Fees.Rate(isTaker: false) * Fees.Multiplier;
        for (var t = 1; t < tickCount; t++)
        {
            var p = t * TickSize;
            _takerFactor[t] = taker * p * (1m - p);
            _makerFactor[t] = maker * p * (1m - p);
        }
        _takerHalfFactor = taker * 0.25m;
        HasMakerFees = maker != 0m;
    }

    public KalshiExchange Exchange { get; }
    public MarketDefinition Definition { get; }
    public MarketTicker Ticker { get; }

    /// <summary>Ticks per dollar: a YES tick y and a NO tick n cross when y + n &gt;= TickCount.</summary>
    public int TickCount { get; }
    public decimal TickSize { get; }
    public KalshiFeeModel Fees { get; }
    public OrderBookLadder Yes { get; }
    public OrderBookLadder No { get; }

    public MarketStatus Status { get; set; } = MarketStatus.Active;
    public OutcomeSide? Result { get; set; }
    public int LastYesTick { get; set; }
    /// <summary>Grows with every fill for the market's whole life: 128 bits, never overflows.</summary>
    public Int128 VolumeLots { get; set; }

    /// <summary>Σ YES contracts held (= Σ NO contracts held), in lots.</summary>
    public long OpenInterestLots { get; set; }

    public ChunkedList<TradeRecord> Trades { get; } = new();

    /// <summary>Every account that has traded or rested here, for settlement and closing.</summary>
    public List<MarketPosition> Positions { get; } = [];

    public OrderBookLadder Ladder(BookSide side) => side == BookSide.Bid ? Yes : No;

    public OrderBookLadder Opposite(BookSide side) => side == BookSide.Bid ? No : Yes;

    public ContractPrice PriceOf(int tick) => _prices[tick];

    /// <summary>Micro-dollars for a sum of (tick × lots): tick × TickSize × lots / 100 × 10^6, exact.</summary>
    public long Micros(long tickLots) => tickLots * _microsPerTickLot;

    public bool HasMakerFees { get; }

    /// <summary>Ticks in $0.0001 units (1 on the finest grid, 100 on a cent grid).</summary>
    public long BasisPointsPerTick { get; }

    /// <summary>
    /// Kalshi's fee for one fill, in micro-dollars: KalshiFeeModel's formula (rounded up to $0.0001)
    /// with the per-tick factor precomputed; a test pins it to <see cref="KalshiFeeModel.Fee"/>.
    /// </summary>
    public long FeeMicros(long lots, int yesTick, bool isTaker)
    {
        // The decimal multiply and ceiling cost more than the rest of a fill: a small direct-mapped
        // cache of exact results (key = tick and lots, both checked) answers the repeats.
        if ((ulong)lots >= 1UL << 40) return CeilToBasisPoint((isTaker ? _takerFactor : _makerFactor)[yesTick] * lots);
        var key = ((long)yesTick << 41) | (lots << 1) | (isTaker ? 1L : 0L);
        var slot = (int)(unchecked((ulong)key * 0x9E3779B97F4A7C15UL) >> (64 - FeeCacheBits));
        ref var entry = ref _feeCache[slot];
        if (entry.Key == key + 1) return entry.Fee;
        var fee = CeilToBasisPoint((isTaker ? _takerFactor : _makerFactor)[yesTick] * lots);
        // Key + 1 so the zeroed array never matches.
        entry = new FeeCacheEntry(key + 1, fee);
        return fee;
    }

    /// <summary>The taker fee at $0.50, where p(1 - p) peaks.</summary>
    public long TakerFeeAtHalfMicros(long lots)
    {
        if (lots == _lastHalfLots) return _lastHalfFee;
        var fee = CeilToBasisPoint(_takerHalfFactor * lots);
        (_lastHalfLots, _lastHalfFee) = (lots, fee);
        return fee;
    }

    private const int FeeCacheBits = 9;
    private readonly FeeCacheEntry[] _feeCache = new FeeCacheEntry[1 << FeeCacheBits];
    private long _lastHalfLots = -1;
    private long _lastHalfFee;

    private readonly record struct FeeCacheEntry(long Key, long Fee);

    // factor × lots is the fee in hundredths of a dollar-contract; × 100 gives $0.0001 units.
    private static long CeilToBasisPoint(decimal factorTimesLots) => (long)decimal.Ceiling(factorTimesLots * 100m) * 100;

    public void RecordTrade(TradeRecord trade)
    {
        if (Trades.Count >= MaxTradesKept) Trades.RemoveFirst(MaxTradesKept / 10);
        Trades.Add(trade);
    }
}
