using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>
/// A user's cash and per-market books, in micro-dollars (exact: Money keeps 6 places). Balance is free
/// cash: collateral for resting orders is moved to Held.
/// </summary>
internal sealed class Account(string id, bool retainHistory)
{
    public string Id { get; } = id;

    /// <summary>Agents do not keep finished orders and fills (nobody reads them), so long demo runs stay small.</summary>
    public bool RetainHistory { get; } = retainHistory;

    public long Balance { get; set; }
    public long Held { get; set; }
    public long Deposits { get; set; }
    public int RestingOrders { get; set; }

    public Dictionary<Market, MarketPosition> Positions { get; } = [];
    public ChunkedList<Order> Orders { get; } = new();
    public ChunkedList<FillRecord> Fills { get; } = new();
    public List<SettlementView> Settlements { get; } = [];
    public HashSet<string> ClientOrderIds { get; } = new(StringComparer.Ordinal);
    public List<OrderGroup> Groups { get; } = [];

    public MarketPosition PositionIn(Market market)
    {
        if (!Positions.TryGetValue(market, out var position))
        {
            position = new MarketPosition(this, market);
            Positions.Add(market, position);
            market.Positions.Add(position);
        }
        return position;
    }
}

/// <summary>
/// A user's position in one market (signed lots: + YES, - NO) with average-cost exposure, realized
/// PnL, fees, and the resting orders' collateral.
/// </summary>
/// <remarks>
/// Collateral rule: a bid holds p per contract, an ask (1 - p), except contracts that would reduce the
/// opposite position: those need no cash (a YES+NO pair redeems for $1). Which resting contracts are
/// exempt is chosen worst-case: the exemption goes to the most expensive ones, so the cash held is the
/// cost of the cheapest contracts that would open new exposure. Any fill order then keeps the free
/// balance non-negative (each reducing fill returns at least the extra collateral it forces).
/// </remarks>
internal sealed class MarketPosition(Account account, Market market)
{
    public Account Account { get; } = account;
    public Market Market { get; } = market;

    public long Lots { get; set; }
    // Micro-dollars.
    public long Exposure { get; set; }
    public long Realized { get; set; }
    public long Fees { get; set; }
    /// <summary>Grows with every fill, whatever the cash: 128 bits, so no amount of churning can overflow it.</summary>
    public Int128 TotalTraded { get; set; }
    public int RestingCount { get; set; }
    public DateTimeOffset LastUpdated { get; set; }

    /// <summary>Collateral currently held for this market's resting orders.</summary>
    public long Held { get; set; }

    // Resting (or about-to-rest) contracts by side, with Σ tick × lots on each side's own leg.
    public long BidLots { get; private set; }
    public long BidTickLots { get; private set; }
    public long AskLots { get; private set; }
    public long AskTickLots { get; private set; }
    private long[]? _bidsByYesTick;
    private long[]? _asksByYesTick;
    // Bounds of every tick ever used on each side: the cheapest-contracts scan starts there instead of
    // at the end of the grid (all non-zero entries lie within).
    private int _lowestBidTick = int.MaxValue;
    private int _highestAskTick;

    public void AddResting(BookSide side, int yesTick, long lots)
    {
        var n = Market.TickCount;
        if (side == BookSide.Bid)
        {
            BidLots += lots;
            BidTickLots += yesTick * lots;
            if (yesTick < _lowestBidTick) _lowestBidTick = yesTick;
            (_bidsByYesTick ??= new long[n + 1])[yesTick] += lots;
        }
        else
        {
            AskLots += lots;
            AskTickLots += (n - yesTick) * lots;
            if (yesTick > _highestAskTick) _highestAskTick = yesTick;
            (_asksByYesTick ??= new long[n + 1])[yesTick] += lots;
        }
    }

    public void RemoveResting(BookSide side, int yesTick, long lots) => AddResting(side, yesTick, -lots);

    /// <summary>Nothing rests any more (the market closed): the tally starts again from zero.</summary>
    public void ClearResting()
    {
        BidLots = BidTickLots = AskLots = AskTickLots = 0;
        if (_bidsByYesTick is not null) Array.Clear(_bidsByYesTick);
        if (_asksByYesTick is not null) Array.Clear(_asksByYesTick);
        _lowestBidTick = int.MaxValue;
        _highestAskTick = 0;
    }

    /// <summary>The cash that must be held for the resting contracts given the current position.</summary>
    public long RequiredCollateral()
    {
        var n = Market.TickCount;
        long tickLots = 0;

        var shortNo = Lots < 0 ? -Lots : 0;
        var openingBids = BidLots - shortNo;
        if (openingBids > 0)
        {
            if (shortNo == 0) tickLots += BidTickLots;
            else tickLots += CheapestTickLots(_bidsByYesTick!, openingBids, ascending: true, n, _lowestBidTick);
        }

        var longYes = Lots > 0 ? Lots : 0;
        var openingAsks = AskLots - longYes;
        if (openingAsks > 0)
        {
            if (longYes == 0) tickLots += AskTickLots;
            else tickLots += CheapestTickLots(_asksByYesTick!, openingAsks, ascending: false, n, _highestAskTick);
        }
        return Market.Micros(tickLots);
    }

    /// <summary>Σ leg tick × lots of the cheapest <paramref name="lots"/> contracts on one side.</summary>
    private static long CheapestTickLots(long[] byYesTick, long lots, bool ascending, int n, int from)
    {
        long sum = 0;
        if (ascending)
        {
            for (var t = Math.Max(1, from); t < n && lots > 0; t++)
            {
                var take = Math.Min(byYesTick[t], lots);
                sum += take * t;
                lots -= take;
            }
        }
        else
        {
            // Asks are NO bids at n - t: the cheapest are the highest yes ticks.
            for (var t = Math.Min(n - 1, from); t > 0 && lots > 0; t--)
            {
                var take = Math.Min(byYesTick[t], lots);
                sum += take * (n - t);
                lots -= take;
            }
        }
        return sum;
    }
}
