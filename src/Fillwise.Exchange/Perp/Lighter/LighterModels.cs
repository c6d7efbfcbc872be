using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// A market as Lighter numbers it: its index (creation order) and its integer scaling. The tick and
/// step are powers of ten (checked when the market is made), so base_amount = quantity ×
/// 10^supported_size_decimals and price = price × 10^supported_price_decimals are whole numbers.
/// </summary>
internal sealed record LighterMarket(int Index, PerpMarketView View)
{
    public string Symbol => View.Definition.Symbol;

    public int SizeDecimals => View.Instrument.QuantityDecimals;

    public int PriceDecimals => View.Instrument.PriceDecimals;

    public decimal SizeScale => Pow10(SizeDecimals);

    public decimal PriceScale => Pow10(PriceDecimals);

    public Quantity QuantityOf(long baseAmount) => Quantity.Of(baseAmount / SizeScale);

    public Price PriceOf(long price) => Price.Of(price / PriceScale);

    public long BaseAmountOf(Quantity quantity) => (long)(quantity.Value * SizeScale);

    public long PriceUnitsOf(Price price) => (long)(price.Value * PriceScale);

    public string Size(decimal quantity) => Domain.Values.FixedPoint.Format(quantity, SizeDecimals);

    public string PriceText(decimal price) => Domain.Values.FixedPoint.Format(price, PriceDecimals);

    public static decimal Pow10(int n)
    {
        var v = 1m;
        for (var i = 0; i < n; i++) v *= 10m;
        return v;
    }
}

/// <summary>What the Lighter layer knows about an order placed by sendTx that the core does not keep.</summary>
internal sealed class LighterOrderMeta
{
    public required long ClientOrderIndex { get; init; }
    public required bool IsMarket { get; init; }
    public required string TxHash { get; init; }
    public required long Nonce { get; init; }
    public required int ApiKeyIndex { get; init; }
    /// <summary>Unix ms when a good-till-time order ends on its own; 0 for IOC.</summary>
    public required long OrderExpiry { get; init; }
    /// <summary>A status the core cannot say (canceled-expired).</summary>
    public string? EndStatus { get; set; }
}

/// <summary>An order in Lighter's terms, from the core's view and its meta, or a create the core refused at execution.</summary>
internal sealed record LighterOrderRecord(
    long OrderIndex,
    long ClientOrderIndex,
    long AccountIndex,
    int MarketIndex,
    bool IsAsk,
    bool IsMarket,
    string TimeInForce,
    bool ReduceOnly,
    Price Price,
    Quantity Initial,
    Quantity Filled,
    decimal FilledQuote,
    string Status,
    long Nonce,
    long OrderExpiry,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public Quantity Remaining => Quantity.Shortfall(Initial, Filled);

    public bool IsActive => Status is "open" or "pending" or "in-progress";
}

/// <summary>One execution with both sides, as Lighter's trade objects carry it.</summary>
internal sealed record LighterTradeRecord(
    long TradeId,
    string TxHash,
    int MarketIndex,
    Price Price,
    Quantity Size,
    bool IsMakerAsk,
    long AskOrderIndex,
    long BidOrderIndex,
    long AskClientIndex,
    long BidClientIndex,
    long AskAccount,
    long BidAccount,
    Money TakerFee,
    Money MakerFee,
    long BlockHeight,
    DateTimeOffset Time)
{
    public decimal UsdAmount => Price.Value * Size.Value;

    public long TakerAccount => IsMakerAsk ? BidAccount : AskAccount;

    public long MakerAccount => IsMakerAsk ? AskAccount : BidAccount;
}

/// <summary>A transaction accepted by sendTx, waiting for the sequencer.</summary>
internal sealed record LighterPendingTx(long AccountIndex, LighterTransaction Tx, string Hash, DateTimeOffset AcceptedAt, DateTimeOffset DueAt);
