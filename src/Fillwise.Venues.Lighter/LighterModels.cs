using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

public enum LighterOrderType
{
    Limit = 0,
    /// <summary>Immediate-or-cancel at a worst price (Lighter's avg_execution_price bound).</summary>
    Market = 1,
}

/// <summary>Lighter's time in force values, as its transactions carry them.</summary>
public enum LighterTimeInForce
{
    ImmediateOrCancel = 0,
    GoodTillTime = 1,
    PostOnly = 2,
}

/// <summary>
/// A market as orderBookDetails describes it: its index, the instrument (tick 10^-supported_price_decimals,
/// step 10^-supported_size_decimals, min_base_amount, min_quote_amount, no reduce-only waiver), its fees
/// and, when the venue gives them, mark and funding. Amounts go on the wire as integers at these decimals.
/// </summary>
public sealed record LighterMarketInfo(
    int MarketIndex,
    Instrument Instrument,
    int SizeDecimals,
    int PriceDecimals,
    string Status,
    decimal TakerFeeRate,
    decimal MakerFeeRate,
    Price? MarkPrice,
    Price? LastTradePrice)
{
    public string Symbol => Instrument.Id.Symbol;

    /// <summary>base_amount of a quantity; false when it is not a whole number of 10^-supported_size_decimals.</summary>
    public bool TryBaseAmount(Quantity quantity, out long baseAmount) => TryScale(quantity.Value, SizeDecimals, out baseAmount);

    /// <summary>The integer price; false when it is off the 10^-supported_price_decimals grid or beyond a uint32.</summary>
    public bool TryPriceUnits(Price price, out long units) => TryScale(price.Value, PriceDecimals, out units) && units is > 0 and <= uint.MaxValue;

    public Quantity QuantityOf(long baseAmount) => Quantity.Of(baseAmount / Pow10(SizeDecimals));

    public Price PriceOf(long units) => Price.Of(units / Pow10(PriceDecimals));

    private static bool TryScale(decimal value, int decimals, out long scaled)
    {
        scaled = 0;
        var v = value * Pow10(decimals);
        if (v != decimal.Truncate(v) || v > long.MaxValue / 2) return false;
        scaled = (long)v;
        return true;
    }

    internal static decimal Pow10(int n)
    {
        var v = 1m;
        for (var i = 0; i < n; i++) v *= 10m;
        return v;
    }
}

/// <summary>An order to send: quantity and price in the instrument's terms, scaled by the client; the client order index is ours (48 bits).</summary>
public sealed record LighterOrderRequest(
    InstrumentId Instrument,
    OrderSide Side,
    LighterOrderType Type,
    Quantity Quantity,
    Price Price,
    long ClientOrderIndex,
    LighterTimeInForce TimeInForce = LighterTimeInForce.GoodTillTime,
    bool ReduceOnly = false);

/// <summary>Lighter's view of an order (REST or the account_all_orders channel).</summary>
public sealed record LighterOrder(
    long OrderIndex,
    long ClientOrderIndex,
    InstrumentId Instrument,
    int MarketIndex,
    long AccountIndex,
    OrderSide Side,
    bool IsMarket,
    string TimeInForce,
    bool ReduceOnly,
    Price Price,
    Quantity Initial,
    Quantity Remaining,
    Quantity Filled,
    Money FilledQuote,
    string Status,
    long Nonce,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public VenueOrderId VenueOrderId => new(OrderIndex.ToString(CultureInfo.InvariantCulture));

    /// <summary>Still may fill: open, or accepted and not executed yet.</summary>
    public bool IsOpen => Status is "open" or "pending" or "in-progress";

    public bool IsPostOnlyCross => Status == "canceled-post-only" && Filled.IsZero;

    public VenueOrderState State => Status switch
    {
        "open" or "pending" or "in-progress" => VenueOrderState.Open,
        "filled" => VenueOrderState.Filled,
        "canceled" => VenueOrderState.Canceled,
        // canceled-post-only, -reduce-only, -too-much-slippage, -not-enough-liquidity, -expired, ...: ended by the venue's rule.
        _ => VenueOrderState.Expired,
    };
}

/// <summary>One execution with both sides, as Lighter's trades carry it; fee rates in millionths.</summary>
public sealed record LighterTrade(
    long TradeId,
    string TxHash,
    InstrumentId Instrument,
    int MarketIndex,
    Price Price,
    Quantity Size,
    Money UsdAmount,
    long AskOrderIndex,
    long BidOrderIndex,
    long AskClientIndex,
    long BidClientIndex,
    long AskAccount,
    long BidAccount,
    bool IsMakerAsk,
    long TakerFeeMillionths,
    long MakerFeeMillionths,
    DateTimeOffset Time)
{
    public bool Involves(long account) => AskAccount == account || BidAccount == account;

    /// <summary>The account's side of it: a position fill with the fee (usd_amount × rate, USDC's 6 places), or null when the account is not in it.</summary>
    public PerpFill? ForAccount(long account)
    {
        if (!Involves(account)) return null;
        var isAsk = AskAccount == account;
        var isMaker = isAsk == IsMakerAsk;
        var fee = Money.Round(UsdAmount.Dollars * (isMaker ? MakerFeeMillionths : TakerFeeMillionths) / 1_000_000m, 6);
        var orderIndex = isAsk ? AskOrderIndex : BidOrderIndex;
        return new PerpFill(new TradeId(TradeId.ToString(CultureInfo.InvariantCulture)), Instrument, isAsk ? OrderSide.Sell : OrderSide.Buy, Size, Price, fee, isMaker, Time,
            new VenueOrderId(orderIndex.ToString(CultureInfo.InvariantCulture)));
    }

    public long ClientIndexFor(long account) => AskAccount == account ? AskClientIndex : BidClientIndex;
}

/// <summary>A position as the account reports it: signed quantity, entry, PnL, and (when the venue says) funding and fees paid.</summary>
public sealed record LighterPosition(
    InstrumentId Instrument,
    int MarketIndex,
    decimal SignedQuantity,
    Price EntryPrice,
    Money UnrealizedPnl,
    Money RealizedPnl,
    Money? FundingPaid,
    Money? FeesPaid,
    int OpenOrderCount);

/// <summary>The account: collateral (deposits + realized − fees − funding), what new orders may use, positions.</summary>
public sealed record LighterAccountInfo(long Index, string L1Address, Money Collateral, Money AvailableBalance, Money TotalAssetValue, int PendingOrderCount, IReadOnlyList<LighterPosition> Positions);

/// <summary>A funding settlement on a position: <see cref="Change"/> is what the account received (negative: paid).</summary>
public sealed record LighterFunding(long FundingId, InstrumentId Instrument, Money Change, FundingRate Rate, Quantity PositionSize, bool IsLong, DateTimeOffset Time);

/// <summary>The outcome of a sendTx: accepted (a tx hash: the order is not there yet), refused, or unknown.</summary>
public abstract record LighterSendOutcome
{
    /// <summary>Accepted: the nonce is used, the venue will execute it. Not a fill, not even a resting order yet.</summary>
    public sealed record Accepted(string TxHash, long Nonce, DateTimeOffset? PredictedExecution) : LighterSendOutcome;

    /// <summary>Refused; nothing happened and the nonce was not used.</summary>
    public sealed record Rejected(RejectionReason Reason, int Code, string Message) : LighterSendOutcome;

    /// <summary>Nothing left the client: a read it needs first (the market list, the API key's nonce) failed. Safe to send again.</summary>
    public sealed record NotSent(string Reason) : LighterSendOutcome;

    /// <summary>Neither an answer nor the API key's nonce could say whether it landed.</summary>
    public sealed record Unknown(string Reason, string TxHash, long Nonce) : LighterSendOutcome;
}

/// <summary>Looking an order up by its client order index.</summary>
public abstract record LighterLookupOutcome
{
    public sealed record Found(LighterOrder Order) : LighterLookupOutcome;

    /// <summary>The venue has no order under that index (none open, none among the finished it lists).</summary>
    public sealed record NotFound : LighterLookupOutcome;

    public sealed record Unknown(string Reason) : LighterLookupOutcome;
}
