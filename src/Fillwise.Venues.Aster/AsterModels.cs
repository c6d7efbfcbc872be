using Fillwise.Domain.Orders;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

public enum AsterOrderType
{
    Limit,
    Market,
}

/// <summary>Aster's timeInForce: GTX is post-only (a crossing GTX comes back EXPIRED).</summary>
public enum AsterTimeInForce
{
    GoodTillCanceled,
    ImmediateOrCancel,
    FillOrKill,
    PostOnly,
}

public enum AsterOrderStatus
{
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    Expired,
    Rejected,
}

/// <summary>An order to send. Quantity and price are in the instrument's own precision (checked before sending).</summary>
public sealed record AsterOrderRequest(
    InstrumentId Instrument,
    OrderSide Side,
    AsterOrderType Type,
    Quantity Quantity,
    Price? Price,
    ClientOrderId ClientOrderId,
    AsterTimeInForce TimeInForce = AsterTimeInForce.GoodTillCanceled,
    bool ReduceOnly = false);

/// <summary>Aster's view of one of our orders.</summary>
public sealed record AsterOrder(
    long OrderId,
    ClientOrderId? ClientOrderId,
    InstrumentId Instrument,
    OrderSide Side,
    AsterOrderType Type,
    AsterTimeInForce TimeInForce,
    Price? Price,
    Quantity OriginalQuantity,
    Quantity ExecutedQuantity,
    decimal AveragePrice,
    Money CumulativeQuote,
    AsterOrderStatus Status,
    bool ReduceOnly,
    DateTimeOffset Time,
    DateTimeOffset UpdateTime)
{
    public VenueOrderId VenueOrderId => new(OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Quantity RemainingQuantity => Quantity.Shortfall(OriginalQuantity, ExecutedQuantity);

    public bool IsOpen => Status is AsterOrderStatus.New or AsterOrderStatus.PartiallyFilled;

    /// <summary>A GTX that would have crossed: Aster's EXPIRED with nothing filled.</summary>
    public bool IsPostOnlyCross => TimeInForce == AsterTimeInForce.PostOnly && Status == AsterOrderStatus.Expired && ExecutedQuantity.IsZero;
}

/// <summary>Our position in one symbol as Aster reports it (positionRisk).</summary>
public sealed record AsterPosition(InstrumentId Instrument, decimal Quantity, Price EntryPrice, Price MarkPrice, Money UnrealizedPnl, DateTimeOffset UpdateTime);

/// <summary>The USDT balance (wallet = deposits + realized − fees − funding; available = what new orders may use).</summary>
public sealed record AsterBalance(string Asset, Money WalletBalance, Money AvailableBalance, Money UnrealizedPnl);

/// <summary>premiumIndex: mark price and the funding rate in force, with the next settlement.</summary>
public sealed record AsterPremiumIndex(InstrumentId Instrument, Price MarkPrice, FundingRate LastFundingRate, DateTimeOffset NextFundingTime, DateTimeOffset Time);

/// <summary>One depth level.</summary>
public readonly record struct AsterLevel(Price Price, Quantity Quantity);

/// <summary>A REST depth snapshot (lastUpdateId starts the diff stream).</summary>
public sealed record AsterDepth(InstrumentId Instrument, long LastUpdateId, IReadOnlyList<AsterLevel> Bids, IReadOnlyList<AsterLevel> Asks);

/// <summary>A funding payment from the income history (positive Income = received).</summary>
public sealed record AsterIncome(long TranId, InstrumentId Instrument, string IncomeType, Money Income, DateTimeOffset Time);

/// <summary>The outcome of a create: the venue has it, refused it, or we do not know.</summary>
public abstract record AsterPlaceOutcome
{
    /// <summary>The venue has the order (fills so far included: its claim; trades with ids follow).</summary>
    public sealed record Accepted(AsterOrder Order) : AsterPlaceOutcome;

    /// <summary>Refused; nothing rests. A crossing GTX is refused as PostOnlyWouldCross (re-price), with the EXPIRED order attached.</summary>
    public sealed record Rejected(RejectionReason Reason, int Code, string Message, AsterOrder? Order = null) : AsterPlaceOutcome;

    /// <summary>Timeout, dropped answer, 5xx, 503: the order may exist. Resolve by its client order id; resend only with the same id.</summary>
    public sealed record Unknown(string Reason) : AsterPlaceOutcome;
}

public abstract record AsterCancelOutcome
{
    public sealed record Canceled(AsterOrder Order) : AsterCancelOutcome;

    /// <summary>The venue has no open order so (filled, canceled before, or never there): query it to its end.</summary>
    public sealed record NotFound(int Code, string Message) : AsterCancelOutcome;

    public sealed record Rejected(RejectionReason Reason, int Code, string Message) : AsterCancelOutcome;

    public sealed record Unknown(string Reason) : AsterCancelOutcome;
}

/// <summary>Looking an order up by client order id: there, definitely not there, or unknown.</summary>
public abstract record AsterLookupOutcome
{
    public sealed record Found(AsterOrder Order) : AsterLookupOutcome;

    public sealed record NotFound : AsterLookupOutcome;

    public sealed record Unknown(string Reason) : AsterLookupOutcome;
}
