using Fillwise.Domain.Perp;

namespace Fillwise.Exchange.Perp.Core.Internal;

/// <summary>An account's holding in one market: the position math (shared with the engine's domain) and its totals.</summary>
internal sealed class PerpHolding(PerpMarket market)
{
    public PerpMarket Market { get; } = market;
    public PositionAccounting Book { get; set; }
    public decimal Realized { get; set; }
    public decimal Fees { get; set; }
    public decimal Funding { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Open orders of this account in this market.</summary>
    public int OpenOrders { get; set; }
}

/// <summary>An account inside the core: wallet balance, holdings, its orders and what it keeps for queries.</summary>
internal sealed class PerpAccount(long id, decimal balance, bool retainHistory)
{
    public long Id { get; } = id;

    /// <summary>Deposits + realized PnL − fees − funding (Binance's wallet balance).</summary>
    public decimal Balance { get; set; } = balance;

    public bool RetainHistory { get; } = retainHistory;

    public Dictionary<PerpMarket, PerpHolding> Holdings { get; } = [];

    public Dictionary<long, PerpOrder> OpenOrders { get; } = [];

    /// <summary>Every order this account placed that it still remembers, by id and by client order id.</summary>
    public Dictionary<long, PerpOrder> Orders { get; } = [];

    public Dictionary<string, PerpOrder> ByClientId { get; } = new(StringComparer.Ordinal);

    public Queue<PerpOrder> OrderHistory { get; } = new();

    public List<PerpFillView> Fills { get; } = [];

    public List<PerpFundingView> Funding { get; } = [];

    /// <summary>Margin held by opening orders: Σ remaining × price / leverage (kept up to date on every change).</summary>
    public decimal OpenOrderNotional { get; set; }

    public PerpHolding Holding(PerpMarket market)
    {
        if (!Holdings.TryGetValue(market, out var h))
        {
            h = new PerpHolding(market);
            Holdings[market] = h;
        }
        return h;
    }
}
