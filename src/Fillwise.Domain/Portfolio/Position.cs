using Fillwise.Domain.Values;

namespace Fillwise.Domain.Portfolio;

/// <summary>An execution as a position sees it: a buy adds contracts, a sell takes them away.</summary>
public sealed record PositionFill(TradeId TradeId, VenueOrderId? OrderId, TradeAction Action, Contracts Count, ContractPrice Price, Money Fee, DateTimeOffset Time);

public enum ExitKind
{
    /// <summary>Contracts sold on the venue.</summary>
    Sale,
    /// <summary>The market settled: $1 per winning contract, $0 per losing one.</summary>
    Settlement,
}

/// <summary>
/// Contracts that left a position through one exit order (or settlement), with the PnL they booked.
/// GrossPnl = proceeds - cost basis of those contracts; Fees = this exit's fees plus the share of
/// entry fees those contracts carried; RealizedPnl = GrossPnl - Fees.
/// </summary>
public sealed record PositionExit(
    VenueOrderId? OrderId,
    ExitKind Kind,
    Contracts Count,
    Money Proceeds,
    Money CostBasis,
    Money Fees,
    DateTimeOffset Time)
{
    public Money GrossPnl => Proceeds - CostBasis;

    public Money RealizedPnl => GrossPnl - Fees;

    /// <summary>Average price per contract of this exit, exact to 6 places.</summary>
    public decimal AveragePrice => Math.Round(Proceeds.Dollars / Count.Value, Money.DefaultRoundDecimals, MidpointRounding.AwayFromZero);
}

/// <summary>
/// A holding of one outcome of one market, built from fills only. Entry price is average cost:
/// every buy adds its cost to one pool, and each exit takes the pro-rata share of that pool (and of
/// the entry fees) for the contracts it removes; the last exit takes exactly what is left, so a
/// position closed in many partial exits books the same total as one exit at the same prices.
/// </summary>
public sealed class Position
{
    private readonly HashSet<TradeId> _tradeIds = [];
    private readonly List<PositionExit> _exits = [];

    public Position(MarketTicker ticker, OutcomeSide side, DateTimeOffset openedAt)
    {
        Ticker = ticker;
        Side = side;
        OpenedAt = openedAt;
    }

    public MarketTicker Ticker { get; }
    public OutcomeSide Side { get; }
    public DateTimeOffset OpenedAt { get; }
    public DateTimeOffset? ClosedAt { get; private set; }

    public Contracts Contracts { get; private set; } = Contracts.Zero;

    /// <summary>Cost basis of the contracts still held.</summary>
    public Money Cost { get; private set; } = Money.Zero;

    /// <summary>Entry fees not yet charged to an exit.</summary>
    public Money OpenEntryFees { get; private set; } = Money.Zero;

    /// <summary>Every fee paid on this position, entries and exits.</summary>
    public Money FeesPaid { get; private set; } = Money.Zero;

    public Contracts BoughtTotal { get; private set; } = Contracts.Zero;
    public Contracts SoldTotal { get; private set; } = Contracts.Zero;

    public IReadOnlyList<PositionExit> Exits => _exits;

    public bool IsClosed => ClosedAt is not null;

    /// <summary>Average cost per contract held, exact to 6 places; null when flat.</summary>
    public decimal? AverageEntryPrice => Contracts.IsZero ? null : Math.Round(Cost.Dollars / Contracts.Value, Money.DefaultRoundDecimals, MidpointRounding.AwayFromZero);

    public Money RealizedPnl => _exits.Aggregate(Money.Zero, (sum, e) => sum + e.RealizedPnl);

    public Money GrossRealizedPnl => _exits.Aggregate(Money.Zero, (sum, e) => sum + e.GrossPnl);

    /// <summary>Applies one fill; a trade id seen before is ignored and false is returned.</summary>
    public bool Apply(PositionFill fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        // A replayed fill is ignored even after the position closed (reconnects replay fills).
        if (_tradeIds.Contains(fill.TradeId)) return false;
        if (IsClosed) throw new DomainException($"position {Ticker} {Side.ToWire()} is closed; fill {fill.TradeId} belongs to a new position");
        if (fill.Count.IsZero) throw new DomainException($"fill {fill.TradeId} has a count of zero");

        if (fill.Action == TradeAction.Buy)
        {
            _tradeIds.Add(fill.TradeId);
            Contracts += fill.Count;
            BoughtTotal += fill.Count;
            Cost += fill.Price * fill.Count;
            OpenEntryFees += fill.Fee;
            FeesPaid += fill.Fee;
            return true;
        }

        if (fill.Count > Contracts)
            throw new DomainException($"fill {fill.TradeId} sells {fill.Count} of position {Ticker} {Side.ToWire()} holding {Contracts}");

        _tradeIds.Add(fill.TradeId);
        SoldTotal += fill.Count;
        FeesPaid += fill.Fee;
        BookExit(fill.OrderId, ExitKind.Sale, fill.Count, fill.Price * fill.Count, fill.Fee, fill.Time);
        return true;
    }

    /// <summary>The market settled: the remaining contracts pay $1 each if <paramref name="result"/> is our side, else nothing.</summary>
    public void Settle(OutcomeSide result, DateTimeOffset time)
    {
        if (IsClosed) throw new DomainException($"position {Ticker} {Side.ToWire()} is already closed");
        if (Contracts.IsZero)
        {
            ClosedAt = time;
            return;
        }
        var payout = result == Side ? Money.FromDollars(Contracts.Value) : Money.Zero;
        BookExit(null, ExitKind.Settlement, Contracts, payout, Money.Zero, time);
    }

    private void BookExit(VenueOrderId? orderId, ExitKind kind, Contracts count, Money proceeds, Money exitFee, DateTimeOffset time)
    {
        var all = count == Contracts;
        var costShare = all ? Cost : Money.Round(Cost.Dollars * count.Value / Contracts.Value);
        var feeShare = all ? OpenEntryFees : Money.Round(OpenEntryFees.Dollars * count.Value / Contracts.Value);
        Cost -= costShare;
        OpenEntryFees -= feeShare;
        Contracts -= count;

        // Several fills of one exit order are one exit.
        if (kind == ExitKind.Sale && orderId is not null && _exits.Count > 0 && _exits[^1] is { Kind: ExitKind.Sale } last && last.OrderId == orderId)
        {
            _exits[^1] = last with
            {
                Count = last.Count + count,
                Proceeds = last.Proceeds + proceeds,
                CostBasis = last.CostBasis + costShare,
                Fees = last.Fees + exitFee + feeShare,
                Time = time,
            };
        }
        else
        {
            _exits.Add(new PositionExit(orderId, kind, count, proceeds, costShare, exitFee + feeShare, time));
        }

        if (Contracts.IsZero) ClosedAt = time;
    }
}
