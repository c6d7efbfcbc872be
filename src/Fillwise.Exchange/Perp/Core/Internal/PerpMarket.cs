using Fillwise.Domain.Orders;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Perp.Core.Internal;

/// <summary>A market inside the core: its grid as integers (ticks of price, lots of quantity) and its book.</summary>
internal sealed class PerpMarket
{
    private readonly List<PerpBookLevel> _changedBids = [];
    private readonly List<PerpBookLevel> _changedAsks = [];
    private readonly HashSet<(OrderSide, long)> _changed = [];

    public PerpMarket(PerpMarketDefinition definition, Instrument instrument, DateTimeOffset now)
    {
        Definition = definition;
        Instrument = instrument;
        Tick = definition.TickSize.Value;
        Step = definition.StepSize.Value;
        TickStep = Tick * Step;
        Mark = definition.MarkPrice;
        FundingRate = definition.FundingRate;
        FundingInterval = definition.FundingInterval;
        NextFundingTime = definition.FundingFromCreation ? now + definition.FundingInterval : FundingSchedule.NextSettlementAfter(now, definition.FundingInterval);
        MinTicks = (long)(instrument.MinPrice.Value / Tick);
        MaxTicks = (long)(instrument.MaxPrice.Value / Tick);
        MinLots = (long)decimal.Ceiling(definition.MinQuantity.Value / Step);
        MaxLots = definition.MaxQuantity is { } max ? (long)(max.Value / Step) : long.MaxValue / 4;
    }

    public PerpMarketDefinition Definition { get; set; }
    public Instrument Instrument { get; set; }
    public string Symbol => Definition.Symbol;
    public decimal Tick { get; }
    public decimal Step { get; }
    /// <summary>Tick × step: the quote value of one tick on one lot.</summary>
    public decimal TickStep { get; }
    public long MinTicks { get; }
    public long MaxTicks { get; }
    public long MinLots { get; set; }
    public long MaxLots { get; }

    public PerpBookSide Bids { get; } = new(OrderSide.Buy);
    public PerpBookSide Asks { get; } = new(OrderSide.Sell);

    public Price Mark { get; set; }
    public FundingRate FundingRate { get; set; }
    public TimeSpan FundingInterval { get; }
    public DateTimeOffset NextFundingTime { get; set; }
    public long? LastTradeTicks { get; set; }
    public long UpdateId { get; set; }

    public PerpBookSide SideOf(OrderSide side) => side == OrderSide.Buy ? Bids : Asks;

    public PerpBookSide Opposite(OrderSide side) => side == OrderSide.Buy ? Asks : Bids;

    public Price PriceOf(long ticks) => Price.Of(ticks * Tick);

    public Quantity QuantityOf(long lots) => Quantity.Of(lots * Step);

    /// <summary>Ticks of an on-grid price; false when off the grid.</summary>
    public bool TryTicks(Price price, out long ticks)
    {
        ticks = 0;
        if (price.Value % Tick != 0m) return false;
        var t = price.Value / Tick;
        if (t > long.MaxValue / 4) return false;
        ticks = (long)t;
        return true;
    }

    public bool TryLots(Quantity quantity, out long lots)
    {
        lots = 0;
        if (quantity.Value % Step != 0m) return false;
        var l = quantity.Value / Step;
        if (l > long.MaxValue / 4) return false;
        lots = (long)l;
        return true;
    }

    /// <summary>Ticks of the mark rounded toward the order's side (a buy's worst price rounds down, a sell's up).</summary>
    public long MarkBoundTicks(OrderSide side, decimal band)
    {
        var bound = side == OrderSide.Buy ? Mark.Value * (1m + band) : Mark.Value * (1m - band);
        var ticks = side == OrderSide.Buy ? decimal.Floor(bound / Tick) : decimal.Ceiling(bound / Tick);
        return Math.Clamp((long)ticks, MinTicks, MaxTicks);
    }

    public void NoteChanged(OrderSide side, long ticks) => _changed.Add((side, ticks));

    public bool HasChanges => _changed.Count > 0;

    /// <summary>The changed levels with their totals now; clears the record.</summary>
    public (IReadOnlyList<PerpBookLevel> Bids, IReadOnlyList<PerpBookLevel> Asks) TakeChanges()
    {
        _changedBids.Clear();
        _changedAsks.Clear();
        foreach (var (side, ticks) in _changed)
        {
            var level = new PerpBookLevel(PriceOf(ticks), QuantityOf(SideOf(side).LotsAt(ticks)));
            (side == OrderSide.Buy ? _changedBids : _changedAsks).Add(level);
        }
        _changed.Clear();
        _changedBids.Sort((a, b) => b.Price.CompareTo(a.Price));
        _changedAsks.Sort((a, b) => a.Price.CompareTo(b.Price));
        return ([.. _changedBids], [.. _changedAsks]);
    }
}
