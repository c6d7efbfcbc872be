using System.Text.Json;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using static Fillwise.Venues.Kalshi.KalshiJson;

namespace Fillwise.Venues.Kalshi;

public enum KalshiSelfTradePrevention
{
    TakerAtCross,
    Maker,
}

/// <summary>Kalshi's order status: resting (possibly partly filled), canceled (possibly partly filled) or executed.</summary>
public enum KalshiOrderStatus
{
    Resting,
    Canceled,
    Executed,
    Pending,
}

internal static class KalshiWire
{
    public static string ToWire(this VenueTimeInForce tif) => tif switch
    {
        VenueTimeInForce.GoodTillCanceled => "good_till_canceled",
        VenueTimeInForce.ImmediateOrCancel => "immediate_or_cancel",
        VenueTimeInForce.FillOrKill => "fill_or_kill",
        _ => throw new ArgumentOutOfRangeException(nameof(tif)),
    };

    public static string ToWire(this KalshiSelfTradePrevention stp) => stp switch
    {
        KalshiSelfTradePrevention.TakerAtCross => "taker_at_cross",
        KalshiSelfTradePrevention.Maker => "maker",
        _ => throw new ArgumentOutOfRangeException(nameof(stp)),
    };

    public static string ToWire(this KalshiOrderStatus status) => status switch
    {
        KalshiOrderStatus.Resting => "resting",
        KalshiOrderStatus.Canceled => "canceled",
        KalshiOrderStatus.Executed => "executed",
        KalshiOrderStatus.Pending => "pending",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static KalshiOrderStatus ParseStatus(string field, string raw) => raw switch
    {
        "resting" => KalshiOrderStatus.Resting,
        "canceled" or "cancelled" => KalshiOrderStatus.Canceled,
        "executed" => KalshiOrderStatus.Executed,
        "pending" => KalshiOrderStatus.Pending,
        _ => throw Malformed(field, raw, "expected resting, canceled or executed"),
    };
}

/// <summary>A V2 create: yes-leg price, bid (buy YES / sell NO) or ask (buy NO / sell YES).</summary>
public sealed record KalshiCreateOrder(
    MarketTicker Ticker,
    BookSide Side,
    Contracts Count,
    ContractPrice YesPrice,
    VenueTimeInForce TimeInForce,
    ClientOrderId? ClientOrderId,
    KalshiSelfTradePrevention SelfTradePrevention = KalshiSelfTradePrevention.TakerAtCross,
    bool? PostOnly = null,
    bool? ReduceOnly = null,
    DateTimeOffset? Expiration = null,
    string? OrderGroupId = null,
    int? Subaccount = null,
    bool? CancelOrderOnPause = null)
{
    internal void Write(Utf8JsonWriter w)
    {
        if (Count.IsZero) throw new ArgumentException("an order needs a positive count", nameof(Count));
        if (Expiration is not null && TimeInForce != VenueTimeInForce.GoodTillCanceled)
            throw new ArgumentException("an expiration is allowed on good_till_canceled orders only", nameof(Expiration));
        w.WriteStartObject();
        w.WriteString("ticker", Ticker.Value);
        w.WriteString("side", Side.ToWire());
        w.WriteString("count", Count.ToString());
        w.WriteString("price", YesPrice.ToString());
        w.WriteString("time_in_force", TimeInForce.ToWire());
        w.WriteString("self_trade_prevention_type", SelfTradePrevention.ToWire());
        if (ClientOrderId is { } coid) w.WriteString("client_order_id", coid.Value);
        if (PostOnly is { } po) w.WriteBoolean("post_only", po);
        if (ReduceOnly is { } ro) w.WriteBoolean("reduce_only", ro);
        if (Expiration is { } exp) w.WriteNumber("expiration_time", exp.ToUnixTimeSeconds());
        if (OrderGroupId is { } g) w.WriteString("order_group_id", g);
        if (Subaccount is { } s) w.WriteNumber("subaccount", s);
        if (CancelOrderOnPause is { } c) w.WriteBoolean("cancel_order_on_pause", c);
        w.WriteEndObject();
    }
}

/// <summary>The V2 create answer; <see cref="RecoveredOrder"/> is set when a retried create met 409 and the order was fetched instead.</summary>
public sealed record KalshiOrderAck(
    VenueOrderId OrderId,
    ClientOrderId? ClientOrderId,
    Contracts FillCount,
    Contracts RemainingCount,
    ContractPrice? AverageFillPrice,
    Money? AverageFeePaid,
    DateTimeOffset? Time,
    KalshiOrder? RecoveredOrder = null)
{
    internal static KalshiOrderAck From(JsonElement e) => new(
        ReqOrderId(e),
        OptionalClientOrderId(e),
        ReqCount(e, "fill_count", "fill_count_fp") ,
        ReqCount(e, "remaining_count", "remaining_count_fp"),
        OptionalPrice(e, "average_fill_price"),
        OptionalMoney(e, "average_fee_paid"),
        OptionalTime(e, "ts_ms"));

    internal static KalshiOrderAck FromOrder(KalshiOrder o) =>
        new(o.OrderId, o.ClientOrderId, o.FillCount, o.RemainingCount, null, null, o.LastUpdateTime ?? o.CreatedTime, o);
}

public sealed record KalshiOrder(
    VenueOrderId OrderId,
    ClientOrderId? ClientOrderId,
    MarketTicker Ticker,
    OutcomeSide OutcomeSide,
    BookSide BookSide,
    KalshiOrderStatus Status,
    ContractPrice YesPrice,
    Contracts FillCount,
    Contracts RemainingCount,
    Contracts InitialCount,
    Money TakerFillCost,
    Money MakerFillCost,
    Money TakerFees,
    Money MakerFees,
    DateTimeOffset? CreatedTime,
    DateTimeOffset? LastUpdateTime,
    string? OrderGroupId)
{
    public bool IsTerminal => Status is KalshiOrderStatus.Canceled or KalshiOrderStatus.Executed;

    internal static KalshiOrder From(JsonElement e)
    {
        var (outcome, book) = Direction(e);
        var fill = ReqCount(e, "fill_count_fp", "fill_count");
        var remaining = ReqCount(e, "remaining_count_fp", "remaining_count");
        var yesPrice = OptionalPrice(e, "yes_price_dollars", "yes_price")
            ?? OptionalPrice(e, "no_price_dollars", "no_price")?.Complement
            ?? throw Missing("yes_price_dollars");
        return new KalshiOrder(
            ReqOrderId(e),
            OptionalClientOrderId(e),
            ReqTicker(e, "ticker", "market_ticker"),
            outcome,
            book,
            KalshiWire.ParseStatus("status", RequiredString(e, "status")),
            yesPrice,
            fill,
            remaining,
            OptionalCount(e, "initial_count_fp", "initial_count") ?? fill + remaining,
            OptionalMoney(e, "taker_fill_cost_dollars", "taker_fill_cost") ?? Money.Zero,
            OptionalMoney(e, "maker_fill_cost_dollars", "maker_fill_cost") ?? Money.Zero,
            OptionalMoney(e, "taker_fees_dollars", "taker_fees") ?? Money.Zero,
            OptionalMoney(e, "maker_fees_dollars", "maker_fees") ?? Money.Zero,
            OptionalTime(e, "created_time"),
            OptionalTime(e, "last_update_time") ?? OptionalTime(e, "last_updated_ts_ms"),
            OptionalString(e, "order_group_id"));
    }
}

public sealed record KalshiCancelAck(VenueOrderId OrderId, ClientOrderId? ClientOrderId, Contracts ReducedBy, DateTimeOffset? Time)
{
    internal static KalshiCancelAck From(JsonElement e) => new(
        ReqOrderId(e), OptionalClientOrderId(e),
        OptionalCount(e, "reduced_by", "reduced_by_fp") ?? Contracts.Zero,
        OptionalTime(e, "ts_ms"));
}

public enum KalshiCancelStatus
{
    /// <summary>The venue canceled the order's rest now.</summary>
    Canceled,

    /// <summary>404: the order is not cancelable (already canceled, executed, or unknown). Not a success: poll the order to its terminal state.</summary>
    NotFound,
}

public sealed record KalshiCancelResult(KalshiCancelStatus Status, KalshiCancelAck? Ack, bool AfterRetry, string? Detail = null);

public sealed record KalshiAmend(MarketTicker Ticker, BookSide Side, ContractPrice YesPrice, Contracts TotalCount, ClientOrderId? ClientOrderId = null, ClientOrderId? UpdatedClientOrderId = null);

public sealed record KalshiAmendAck(VenueOrderId OrderId, Contracts? RemainingCount, Contracts? FillCount, ContractPrice? AverageFillPrice, Money? AverageFeePaid, DateTimeOffset? Time)
{
    internal static KalshiAmendAck From(JsonElement e) => new(
        ReqOrderId(e), OptionalCount(e, "remaining_count"), OptionalCount(e, "fill_count"),
        OptionalPrice(e, "average_fill_price"), OptionalMoney(e, "average_fee_paid"), OptionalTime(e, "ts_ms"));
}

public sealed record KalshiDecreaseAck(VenueOrderId OrderId, Contracts RemainingCount, DateTimeOffset? Time)
{
    internal static KalshiDecreaseAck From(JsonElement e) => new(ReqOrderId(e), ReqCount(e, "remaining_count", "remaining_count_fp"), OptionalTime(e, "ts_ms"));
}

/// <summary>One item of a batch create: either an ack or the item's own error.</summary>
public sealed record KalshiBatchCreateItem(ClientOrderId? ClientOrderId, KalshiOrderAck? Ack, KalshiApiException? Error);

public sealed record KalshiBatchCancelRequest(VenueOrderId OrderId, MarketTicker? Ticker = null, int? Subaccount = null);

public sealed record KalshiBatchCancelItem(VenueOrderId OrderId, Contracts? ReducedBy, KalshiApiException? Error);

public sealed record KalshiFill(
    TradeId TradeId,
    VenueOrderId OrderId,
    ClientOrderId? ClientOrderId,
    MarketTicker Ticker,
    OutcomeSide OutcomeSide,
    BookSide BookSide,
    Contracts Count,
    ContractPrice YesPrice,
    bool IsTaker,
    Money Fee,
    DateTimeOffset? Time)
{
    internal static KalshiFill From(JsonElement e)
    {
        var (outcome, book) = Direction(e);
        var tradeField = Has(e, "trade_id") ? "trade_id" : "fill_id";
        return new KalshiFill(
            new TradeId(RequiredString(e, tradeField)),
            ReqOrderId(e),
            OptionalClientOrderId(e),
            ReqTicker(e, "ticker", "market_ticker"),
            outcome,
            book,
            ReqCount(e, "count_fp", "count"),
            OptionalPrice(e, "yes_price_dollars", "yes_price") ?? OptionalPrice(e, "no_price_dollars", "no_price")?.Complement ?? throw Missing("yes_price_dollars"),
            OptionalBool(e, "is_taker") ?? false,
            OptionalMoney(e, "fee_cost") ?? Money.Zero,
            OptionalTime(e, "created_time") ?? OptionalTime(e, "ts_ms") ?? OptionalTime(e, "ts"));
    }
}

/// <summary>A market position: <see cref="Side"/> is null when flat.</summary>
public sealed record KalshiMarketPosition(
    MarketTicker Ticker,
    OutcomeSide? Side,
    Contracts Contracts,
    Money MarketExposure,
    Money TotalTraded,
    Money RealizedPnl,
    Money FeesPaid,
    long RestingOrdersCount)
{
    internal static KalshiMarketPosition From(JsonElement e)
    {
        OutcomeSide? side;
        Contracts count;
        var raw = Raw(e, "position_fp");
        if (raw is not null)
        {
            if (!Contracts.TryParseSignedPosition(raw, out side, out count, out var why)) throw Malformed("position_fp", raw, why);
        }
        else
        {
            var legacy = OptionalLong(e, "position") ?? throw Missing("position_fp");
            side = legacy == 0 ? null : legacy > 0 ? OutcomeSide.Yes : OutcomeSide.No;
            count = Contracts.Of(Math.Abs(legacy));
        }
        return new KalshiMarketPosition(
            ReqTicker(e, "ticker", "market_ticker"), side, count,
            OptionalMoney(e, "market_exposure_dollars", "market_exposure") ?? Money.Zero,
            OptionalMoney(e, "total_traded_dollars", "total_traded") ?? Money.Zero,
            OptionalMoney(e, "realized_pnl_dollars", "realized_pnl") ?? Money.Zero,
            OptionalMoney(e, "fees_paid_dollars", "fees_paid") ?? Money.Zero,
            OptionalLong(e, "resting_orders_count") ?? 0);
    }
}

public sealed record KalshiEventPosition(string EventTicker, Money TotalCost, Money EventExposure, Money RealizedPnl, Money FeesPaid)
{
    internal static KalshiEventPosition From(JsonElement e) => new(
        RequiredString(e, "event_ticker"),
        OptionalMoney(e, "total_cost_dollars", "total_cost") ?? Money.Zero,
        OptionalMoney(e, "event_exposure_dollars", "event_exposure") ?? Money.Zero,
        OptionalMoney(e, "realized_pnl_dollars", "realized_pnl") ?? Money.Zero,
        OptionalMoney(e, "fees_paid_dollars", "fees_paid") ?? Money.Zero);
}

public sealed record KalshiPositions(IReadOnlyList<KalshiMarketPosition> Markets, IReadOnlyList<KalshiEventPosition> Events);

public sealed record KalshiBalance(Money Balance, Money? PortfolioValue, DateTimeOffset? UpdatedTime)
{
    internal static KalshiBalance From(JsonElement e) => new(
        ReqMoney(e, "balance_dollars", "balance"),
        OptionalMoney(e, "portfolio_value_dollars", "portfolio_value"),
        OptionalTime(e, "updated_ts"));
}

public sealed record KalshiSettlement(
    MarketTicker Ticker,
    string? EventTicker,
    string MarketResult,
    Contracts YesCount,
    Contracts NoCount,
    Money YesTotalCost,
    Money NoTotalCost,
    Money Revenue,
    Money? FeeCost,
    DateTimeOffset? SettledTime)
{
    /// <summary>Cents one YES contract paid (null: no single value, as for a void).</summary>
    public long? Value { get; init; }

    internal static KalshiSettlement From(JsonElement e) => new(
        ReqTicker(e, "ticker", "market_ticker"),
        OptionalString(e, "event_ticker"),
        RequiredString(e, "market_result"),
        OptionalCount(e, "yes_count_fp", "yes_count") ?? Contracts.Zero,
        OptionalCount(e, "no_count_fp", "no_count") ?? Contracts.Zero,
        OptionalMoney(e, "yes_total_cost_dollars", "yes_total_cost") ?? Money.Zero,
        OptionalMoney(e, "no_total_cost_dollars", "no_total_cost") ?? Money.Zero,
        OptionalMoney(e, "revenue_dollars", "revenue") ?? Money.Zero,
        OptionalMoney(e, "fee_cost"),
        OptionalTime(e, "settled_time"))
    {
        Value = OptionalLong(e, "value"),
    };
}

public sealed record KalshiOrderGroup(string Id, Contracts? ContractsLimit, bool? IsAutoCancelEnabled, IReadOnlyList<VenueOrderId> OrderIds)
{
    internal static KalshiOrderGroup From(JsonElement e, string? id = null) => new(
        id ?? OptionalString(e, "id") ?? RequiredString(e, "order_group_id"),
        OptionalCount(e, "contracts_limit_fp", "contracts_limit"),
        OptionalBool(e, "is_auto_cancel_enabled"),
        Array(e, "orders").Select(o => o.ValueKind == JsonValueKind.String ? new VenueOrderId(o.GetString()!) : ReqOrderId(o)).ToList());
}

public sealed record KalshiPriceRange(decimal Start, decimal End, decimal Step);

public sealed record KalshiMarket(
    MarketTicker Ticker,
    string? EventTicker,
    string? Status,
    ContractPrice? YesBid,
    ContractPrice? YesAsk,
    ContractPrice? NoBid,
    ContractPrice? NoAsk,
    ContractPrice? LastPrice,
    Contracts? Volume,
    Contracts? OpenInterest,
    DateTimeOffset? OpenTime,
    DateTimeOffset? CloseTime,
    string? Result,
    IReadOnlyList<KalshiPriceRange> PriceRanges)
{
    /// <summary>settlement_value_dollars: what a YES contract pays, once determined (a scalar's value, 1 or 0).</summary>
    public decimal? SettlementValue { get; init; }

    /// <summary>binary or scalar.</summary>
    public string? MarketType { get; init; }

    /// <summary>linear_cent, deci_cent, tapered_deci_cent, ...</summary>
    public string? PriceLevelStructure { get; init; }

    /// <summary>Whether counts may have cents of a contract; null when the venue does not say.</summary>
    public bool? FractionalTradingEnabled { get; init; }

    internal static KalshiMarket From(JsonElement e) => new(
        ReqTicker(e, "ticker"),
        OptionalString(e, "event_ticker"),
        OptionalString(e, "status"),
        OptionalQuote(e, "yes_bid_dollars", "yes_bid"),
        OptionalQuote(e, "yes_ask_dollars", "yes_ask"),
        OptionalQuote(e, "no_bid_dollars", "no_bid"),
        OptionalQuote(e, "no_ask_dollars", "no_ask"),
        OptionalQuote(e, "last_price_dollars", "last_price"),
        OptionalCount(e, "volume_fp", "volume"),
        OptionalCount(e, "open_interest_fp", "open_interest"),
        OptionalTime(e, "open_time"),
        OptionalTime(e, "close_time"),
        OptionalString(e, "result"),
        Array(e, "price_ranges").Select(r => new KalshiPriceRange(
            ReqMoney(r, "start").Dollars, ReqMoney(r, "end").Dollars, ReqMoney(r, "step").Dollars)).ToList())
    {
        SettlementValue = OptionalMoney(e, "settlement_value_dollars")?.Dollars,
        MarketType = OptionalString(e, "market_type"),
        PriceLevelStructure = OptionalString(e, "price_level_structure"),
        FractionalTradingEnabled = OptionalBool(e, "fractional_trading_enabled"),
    };
}

public sealed record KalshiBookLevel(ContractPrice Price, Contracts Count);

/// <summary>A REST order book: YES bids and NO bids, each ascending (best bid last), NO at no-leg prices.</summary>
public sealed record KalshiOrderbookSnapshot(MarketTicker Ticker, IReadOnlyList<KalshiBookLevel> YesBids, IReadOnlyList<KalshiBookLevel> NoBids)
{
    internal static KalshiOrderbookSnapshot From(MarketTicker ticker, JsonElement root)
    {
        if (root.TryGetProperty("orderbook_fp", out var fp) && fp.ValueKind == JsonValueKind.Object)
            return new(ticker, Levels(fp, "yes_dollars", null), Levels(fp, "no_dollars", null));
        if (root.TryGetProperty("orderbook", out var legacy) && legacy.ValueKind == JsonValueKind.Object)
            return new(ticker, Levels(legacy, "yes_dollars", "yes"), Levels(legacy, "no_dollars", "no"));
        throw Missing("orderbook_fp");
    }

    internal static List<KalshiBookLevel> Levels(JsonElement book, string dollarsField, string? centsField)
    {
        var field = Has(book, dollarsField) ? dollarsField : centsField is not null && Has(book, centsField) ? centsField : null;
        if (field is null) return [];
        var cents = field == centsField;
        var list = new List<KalshiBookLevel>();
        foreach (var level in Array(book, field))
        {
            if (level.ValueKind != JsonValueKind.Array || level.GetArrayLength() != 2)
                throw Malformed(field, level.GetRawText(), "expected [price, count]");
            var p = level[0].ValueKind == JsonValueKind.String ? level[0].GetString() : level[0].GetRawText();
            var c = level[1].ValueKind == JsonValueKind.String ? level[1].GetString() : level[1].GetRawText();
            ContractPrice price;
            if (cents)
            {
                if (!int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out var pc) || pc is < 1 or > 99)
                    throw Malformed(field, p, "expected integer cents 1..99");
                price = ContractPrice.FromCents(pc);
            }
            else if (!ContractPrice.TryParse(p, out price, out var why))
            {
                throw Malformed(field, p, why);
            }
            if (!Contracts.TryParse(c, out var count, out var cwhy)) throw Malformed(field, c, cwhy);
            list.Add(new KalshiBookLevel(price, count));
        }
        return list;
    }
}

public sealed record KalshiTrade(TradeId TradeId, MarketTicker Ticker, Contracts Count, ContractPrice YesPrice, OutcomeSide? TakerOutcomeSide, BookSide? TakerBookSide, DateTimeOffset? Time)
{
    internal static KalshiTrade From(JsonElement e) => new(
        new TradeId(RequiredString(e, "trade_id")),
        ReqTicker(e, "ticker", "market_ticker"),
        ReqCount(e, "count_fp", "count"),
        ReqPrice(e, "yes_price_dollars", "yes_price"),
        OptionalOutcome(e, "taker_outcome_side") ?? OptionalOutcome(e, "taker_side"),
        OptionalBookSide(e, "taker_book_side"),
        OptionalTime(e, "created_time") ?? OptionalTime(e, "ts_ms"));
}

public sealed record KalshiExchangeStatus(bool ExchangeActive, bool TradingActive)
{
    internal static KalshiExchangeStatus From(JsonElement e) =>
        new(OptionalBool(e, "exchange_active") ?? throw Missing("exchange_active"), OptionalBool(e, "trading_active") ?? throw Missing("trading_active"));
}

/// <summary>Filters for GET /portfolio/orders.</summary>
public sealed record KalshiOrderQuery(MarketTicker? Ticker = null, KalshiOrderStatus? Status = null, DateTimeOffset? MinTime = null, DateTimeOffset? MaxTime = null, int PageSize = 200);

/// <summary>The answer to "did my order with this client_order_id reach the venue?".</summary>
/// <summary>
/// Where Kalshi's live data ends (GET /historical/cutoff): orders finished, fills made and markets
/// settled before these times are only in the /historical endpoints.
/// </summary>
public sealed record KalshiHistoricalCutoff(DateTimeOffset MarketSettled, DateTimeOffset TradesCreated, DateTimeOffset OrdersUpdated, DateTimeOffset? PositionsLastUpdated)
{
    internal static KalshiHistoricalCutoff From(JsonElement root) => new(
        OptionalTime(root, "market_settled_ts") ?? throw Missing("market_settled_ts"),
        OptionalTime(root, "trades_created_ts") ?? throw Missing("trades_created_ts"),
        OptionalTime(root, "orders_updated_ts") ?? throw Missing("orders_updated_ts"),
        OptionalTime(root, "market_positions_last_updated_ts"));
}

public sealed record KalshiOrderResolution(KalshiOrder? Order)
{
    public bool Found => Order is not null;

    public static readonly KalshiOrderResolution NotFound = new((KalshiOrder?)null);
}
