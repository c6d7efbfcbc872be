using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>One market: its grid, both bid ladders, its prints and statistics.</summary>
internal sealed class Market
{
    /// <summary>Trades kept per market for reads; older prints are dropped (the tape is informational).</summary>
    public const int MaxTradesKept = 50_000;

    private readonly Price[] _prices;

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
        _prices = new Price[tickCount];
        for (var t = 1; t < tickCount; t++) _prices[t] = Price.FromDollars(t * TickSize);
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
    public long VolumeLots { get; set; }

    /// <summary>Σ YES contracts held (= Σ NO contracts held), in lots.</summary>
    public long OpenInterestLots { get; set; }

    public List<TradeView> Trades { get; } = [];

    /// <summary>Every account that has traded or rested here, for settlement and closing.</summary>
    public List<MarketPosition> Positions { get; } = [];

    public OrderBookLadder Ladder(BookSide side) => side == BookSide.Bid ? Yes : No;

    public OrderBookLadder Opposite(BookSide side) => side == BookSide.Bid ? No : Yes;

    public Price PriceOf(int tick) => _prices[tick];

    /// <summary>Dollars for a sum of (tick × lots).</summary>
    public decimal Dollars(long tickLots) => tickLots * TickSize / 100m;

    public void RecordTrade(TradeView trade)
    {
        if (Trades.Count >= MaxTradesKept) Trades.RemoveRange(0, MaxTradesKept / 10);
        Trades.Add(trade);
    }
}
