using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Portfolio;

public enum PositionSide
{
    Long,
    Short,
}

/// <summary>An execution as a lot sees it: on the entry side it adds, on the other side it exits (for <paramref name="Reason"/>).</summary>
public sealed record LotFill(TradeId TradeId, VenueOrderId? OrderId, OrderSide Side, Quantity Quantity, Price Price, Money Commission, DateTimeOffset Time,
    ExitReason Reason = ExitReason.Manual);

public enum ExitKind
{
    /// <summary>Units traded away on the venue.</summary>
    Trade,
    /// <summary>The instrument settled (an event contract pays 1 or 0): no order, no commission.</summary>
    Settlement,
}

/// <summary>
/// Units that left a lot through one exit order (or settlement), with the PnL they booked.
/// <see cref="EntryValue"/> is their share of what the entry cost (long) or brought (short);
/// <see cref="ExitValue"/> what the exit brought (long) or cost (short); Fees = this exit's
/// commissions plus the share of entry commissions those units carried; RealizedPnl = GrossPnl - Fees.
/// </summary>
public sealed record LotExit(
    VenueOrderId? OrderId,
    ExitKind Kind,
    ExitReason Reason,
    PositionSide Side,
    Quantity Quantity,
    Money ExitValue,
    Money EntryValue,
    Money Fees,
    DateTimeOffset Time)
{
    public Money GrossPnl => Side == PositionSide.Long ? ExitValue - EntryValue : EntryValue - ExitValue;

    public Money RealizedPnl => GrossPnl - Fees;

    /// <summary>Average exit price per unit, exact to 12 places.</summary>
    public Price AveragePrice => Price.Of(Math.Round(ExitValue.Dollars / Quantity.Value, Price.MaxDecimals, MidpointRounding.AwayFromZero));
}

/// <summary>
/// One position as the strategy opened it (a lot): one entry's fills on one instrument, long or
/// short, and the exits that took them away. Built from fills only. Entry price is average cost:
/// every entry fill adds to one pool, and each exit takes the pro-rata share of that pool (and of
/// the entry commissions) for the units it removes; the last exit takes exactly what is left, so a
/// lot closed in many partial exits books the same total as one exit at the same prices. Lots of
/// one instrument add up to the venue's position there.
/// </summary>
public sealed class Lot
{
    private readonly HashSet<TradeId> _tradeIds = [];
    private readonly List<LotExit> _exits = [];
    // Every change of size with its time, so funding settled at a past moment is charged on what was held then.
    private readonly List<(DateTimeOffset Time, decimal Change)> _sizes = [];
    private readonly HashSet<string> _fundingIds = new(StringComparer.Ordinal);

    public Lot(PositionId id, InstrumentId instrument, PositionSide side, DateTimeOffset openedAt)
    {
        Id = id;
        Instrument = instrument;
        Side = side;
        OpenedAt = openedAt;
    }

    public PositionId Id { get; }
    public InstrumentId Instrument { get; }
    public PositionSide Side { get; }
    public DateTimeOffset OpenedAt { get; }
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>The side whose fills add to this lot (buy for a long).</summary>
    public OrderSide EntrySide => Side == PositionSide.Long ? OrderSide.Buy : OrderSide.Sell;

    /// <summary>The side that takes units out (sell for a long).</summary>
    public OrderSide ExitSide => EntrySide.Opposite();

    public Quantity Quantity { get; private set; } = Quantity.Zero;

    /// <summary>Entry value of the units still held.</summary>
    public Money EntryValue { get; private set; } = Money.Zero;

    /// <summary>Entry commissions not yet charged to an exit.</summary>
    public Money OpenEntryFees { get; private set; } = Money.Zero;

    /// <summary>Every commission paid on this lot, entries and exits.</summary>
    public Money FeesPaid { get; private set; } = Money.Zero;

    public Quantity EnteredTotal { get; private set; } = Quantity.Zero;
    public Quantity ExitedTotal { get; private set; } = Quantity.Zero;

    public IReadOnlyList<LotExit> Exits => _exits;

    public bool IsClosed => ClosedAt is not null;

    /// <summary>Average entry price of the units held, exact to 12 places; null when flat.</summary>
    public Price? AverageEntryPrice => Quantity.IsZero ? null : Price.Of(Math.Round(EntryValue.Dollars / Quantity.Value, Price.MaxDecimals, MidpointRounding.AwayFromZero));

    public Money RealizedPnl => _exits.Aggregate(Money.Zero, (sum, e) => sum + e.RealizedPnl);

    /// <summary>
    /// Funding this lot paid on a perpetual (negative: received), apart from realized PnL as the
    /// venues report it: price PnL and fees in <see cref="RealizedPnl"/>, funding here.
    /// </summary>
    public Money FundingPaid { get; private set; } = Money.Zero;

    /// <summary>Realized PnL less funding paid: what the lot made, all told.</summary>
    public Money NetPnl => RealizedPnl - FundingPaid;

    /// <summary>Units held just before <paramref name="time"/> (what a funding settlement at that moment is charged on).</summary>
    public Quantity QuantityAt(DateTimeOffset time)
    {
        var held = 0m;
        foreach (var (at, change) in _sizes)
            if (at < time) held += change;
        return held > 0m ? Quantity.Of(held) : Quantity.Zero;
    }

    /// <summary>Books this lot's share of one funding settlement; false (nothing changes) when that settlement was booked here before.</summary>
    public bool ApplyFunding(string paymentId, Money paid)
    {
        ArgumentException.ThrowIfNullOrEmpty(paymentId);
        if (!_fundingIds.Add(paymentId)) return false;
        FundingPaid += paid;
        return true;
    }

    /// <summary>Funding booked in an earlier run (restart): the total only; the settlements' ids are kept by whoever books them.</summary>
    public void RestoreFunding(Money paid) => FundingPaid = paid;

    public Money GrossRealizedPnl => _exits.Aggregate(Money.Zero, (sum, e) => sum + e.GrossPnl);

    /// <summary>What the units held would book if closed at <paramref name="mark"/>, before exit commissions.</summary>
    public Money UnrealizedPnl(Price mark)
    {
        var atMark = mark * Quantity;
        return (Side == PositionSide.Long ? atMark - EntryValue : EntryValue - atMark) - OpenEntryFees;
    }

    /// <summary>Whether this trade id was applied to the lot (replays are ignored).</summary>
    public bool Knows(TradeId tradeId) => _tradeIds.Contains(tradeId);

    /// <summary>Applies one fill; a trade id seen before is ignored and false is returned.</summary>
    public bool Apply(LotFill fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        // A replayed fill is ignored even after the lot closed (reconnects replay fills).
        if (_tradeIds.Contains(fill.TradeId)) return false;
        if (IsClosed) throw new DomainException($"lot {Id} is closed; fill {fill.TradeId} belongs elsewhere");
        if (fill.Quantity.IsZero) throw new DomainException($"fill {fill.TradeId} has a quantity of zero");

        if (fill.Side == EntrySide)
        {
            _tradeIds.Add(fill.TradeId);
            _sizes.Add((fill.Time, fill.Quantity.Value));
            Quantity += fill.Quantity;
            EnteredTotal += fill.Quantity;
            EntryValue += fill.Price * fill.Quantity;
            OpenEntryFees += fill.Commission;
            FeesPaid += fill.Commission;
            return true;
        }

        if (fill.Quantity > Quantity)
            throw new DomainException($"fill {fill.TradeId} exits {fill.Quantity} of lot {Id} holding {Quantity}");

        _tradeIds.Add(fill.TradeId);
        ExitedTotal += fill.Quantity;
        FeesPaid += fill.Commission;
        BookExit(fill.OrderId, ExitKind.Trade, fill.Reason, fill.Quantity, fill.Price * fill.Quantity, fill.Commission, fill.Time);
        return true;
    }

    /// <summary>The instrument settled at <paramref name="price"/> per unit (an event contract: 1 or 0): the rest exits there.</summary>
    public void Settle(Price price, DateTimeOffset time)
    {
        if (IsClosed) throw new DomainException($"lot {Id} is already closed");
        if (Quantity.IsZero)
        {
            ClosedAt = time;
            return;
        }
        BookExit(null, ExitKind.Settlement, ExitReason.Settlement, Quantity, price * Quantity, Money.Zero, time);
    }

    /// <summary>Closes a lot that holds nothing (its entry never filled, or it was written off by reconciliation).</summary>
    public void CloseEmpty(DateTimeOffset time)
    {
        if (IsClosed) return;
        if (!Quantity.IsZero) throw new DomainException($"lot {Id} still holds {Quantity}");
        ClosedAt = time;
    }

    private void BookExit(VenueOrderId? orderId, ExitKind kind, ExitReason reason, Quantity quantity, Money exitValue, Money exitFee, DateTimeOffset time)
    {
        var all = quantity == Quantity;
        var entryShare = all ? EntryValue : Money.Round(EntryValue.Dollars * quantity.Value / Quantity.Value, Money.MaxDecimals);
        var feeShare = all ? OpenEntryFees : Money.Round(OpenEntryFees.Dollars * quantity.Value / Quantity.Value, Money.MaxDecimals);
        _sizes.Add((time, -quantity.Value));
        EntryValue -= entryShare;
        OpenEntryFees -= feeShare;
        Quantity -= quantity;

        // Several fills of one exit order are one exit.
        if (kind == ExitKind.Trade && orderId is not null && _exits.Count > 0 && _exits[^1] is { Kind: ExitKind.Trade } last && last.OrderId == orderId)
        {
            _exits[^1] = last with
            {
                Quantity = last.Quantity + quantity,
                ExitValue = last.ExitValue + exitValue,
                EntryValue = last.EntryValue + entryShare,
                Fees = last.Fees + exitFee + feeShare,
                Time = time,
            };
        }
        else
        {
            _exits.Add(new LotExit(orderId, kind, reason, Side, quantity, exitValue, entryShare, exitFee + feeShare, time));
        }

        if (Quantity.IsZero) ClosedAt = time;
    }
}

/// <summary>Why units left a lot.</summary>
public enum ExitReason
{
    StopLoss,
    TakeProfit,
    Manual,
    /// <summary>A partial entry the acceptance policy refused: what filled is sold again.</summary>
    AcceptancePolicy,
    KillSwitch,
    Settlement,
    /// <summary>Booked by reconciliation from the venue's facts (a fill made while we were away).</summary>
    Reconciliation,
    /// <summary>A two-leg operation closed or rolled back this leg.</summary>
    TwoLeg,
}

public static class ExitReasonText
{
    public static string ToWire(this ExitReason reason) => reason switch
    {
        ExitReason.StopLoss => "stop_loss",
        ExitReason.TakeProfit => "take_profit",
        ExitReason.AcceptancePolicy => "acceptance_policy",
        ExitReason.KillSwitch => "kill_switch",
        ExitReason.Settlement => "settlement",
        ExitReason.Reconciliation => "reconciliation",
        ExitReason.TwoLeg => "two_leg",
        _ => "manual",
    };

    public static bool TryParse(string? text, out ExitReason reason)
    {
        foreach (var r in Enum.GetValues<ExitReason>())
        {
            if (r.ToWire() == text)
            {
                reason = r;
                return true;
            }
        }
        reason = default;
        return false;
    }
}
