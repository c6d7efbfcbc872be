using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Perp;

public enum PerpPositionSide
{
    Flat,
    Long,
    Short,
}

/// <summary>
/// Our position in one perpetual on one venue, built from fills (deduplicated by trade id) and
/// funding payments (deduplicated by id) only. Quantity is signed (+ long, − short); the entry
/// price is the average cost of what is open (see <see cref="PositionAccounting"/> for how closes
/// and flips through zero are booked). Realized PnL is price PnL only; fees and funding are kept
/// apart, as the venues report them: <see cref="NetPnl"/> puts them together.
/// </summary>
public sealed class PerpPosition
{
    private readonly HashSet<TradeId> _tradeIds = [];
    private readonly HashSet<string> _fundingIds = new(StringComparer.Ordinal);
    private readonly List<PerpFill> _fills = [];
    private readonly List<FundingPayment> _funding = [];
    private PositionAccounting _book;

    public PerpPosition(InstrumentId instrument) => Instrument = instrument;

    /// <summary>A position that was opened before we started counting (set up by hand, or adopted from the venue).</summary>
    public static PerpPosition Opened(InstrumentId instrument, decimal signedQuantity, Price entryPrice) =>
        new(instrument) { _book = PositionAccounting.Opened(signedQuantity, entryPrice) };

    public InstrumentId Instrument { get; }

    /// <summary>+ long, − short, 0 flat.</summary>
    public decimal SignedQuantity => _book.Quantity;

    /// <summary>|SignedQuantity|.</summary>
    public Quantity Size => Quantity.Of(Math.Abs(_book.Quantity));

    public PerpPositionSide Side => _book.Quantity switch
    {
        > 0m => PerpPositionSide.Long,
        < 0m => PerpPositionSide.Short,
        _ => PerpPositionSide.Flat,
    };

    public bool IsFlat => _book.IsFlat;

    /// <summary>Average cost of the open quantity, to <see cref="Price.MaxDecimals"/> places; zero when flat.</summary>
    public Price AverageEntryPrice => Price.Of(Math.Round(_book.AverageEntry, Price.MaxDecimals, MidpointRounding.AwayFromZero));

    /// <summary>What the open quantity cost (exact).</summary>
    public decimal Cost => _book.Cost;

    public PositionAccounting Accounting => _book;

    /// <summary>Price PnL booked by closes.</summary>
    public Money RealizedPnl { get; private set; } = Money.Zero;

    /// <summary>Every fee paid on fills (rebates negative).</summary>
    public Money FeesPaid { get; private set; } = Money.Zero;

    /// <summary>Funding paid (negative: received).</summary>
    public Money FundingPaid { get; private set; } = Money.Zero;

    /// <summary>Realized − fees − funding.</summary>
    public Money NetPnl => RealizedPnl - FeesPaid - FundingPaid;

    public IReadOnlyList<PerpFill> Fills => _fills;

    public IReadOnlyList<FundingPayment> FundingPayments => _funding;

    /// <summary>Price PnL of the open quantity at <paramref name="mark"/> (exact).</summary>
    public Money UnrealizedPnl(Price mark) => Money.FromDollars(_book.Unrealized(mark));

    public PerpFillOutcome Apply(PerpFill fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        if (fill.Instrument != Instrument || fill.Quantity.IsZero) return PerpFillOutcome.Refused;
        if (!_tradeIds.Add(fill.TradeId)) return PerpFillOutcome.Duplicate;
        var (next, realized) = _book.Apply(fill.Side, fill.Quantity, fill.Price);
        _book = next;
        RealizedPnl += Money.FromDollars(realized);
        FeesPaid += fill.Fee;
        _fills.Add(fill);
        return PerpFillOutcome.Applied;
    }

    /// <summary>Books a funding settlement; false when its id was booked before (nothing changes).</summary>
    public bool ApplyFunding(FundingPayment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.Instrument != Instrument) throw new DomainException($"funding for {payment.Instrument} applied to {Instrument}");
        if (!_fundingIds.Add(payment.Id)) return false;
        FundingPaid += payment.Amount;
        _funding.Add(payment);
        return true;
    }
}
