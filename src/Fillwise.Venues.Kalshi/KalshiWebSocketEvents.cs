using System.Text.Json;
using Fillwise.Domain.Values;
using static Fillwise.Venues.Kalshi.KalshiJson;

namespace Fillwise.Venues.Kalshi;

/// <summary>Everything the WebSocket client reports, in arrival order.</summary>
public abstract record KalshiWsEvent;

public sealed record WsConnected(int Connection, DateTimeOffset Time) : KalshiWsEvent;

public sealed record WsDisconnected(int Connection, string Reason, DateTimeOffset Time) : KalshiWsEvent;

/// <summary>
/// After a reconnect: fill and user_orders have no seq and no replay, so whatever happened while we
/// were away must be recovered via REST (orders, and fills since <see cref="Since"/>, deduplicated by
/// trade id: see <see cref="KalshiRestClient.GetFillsSinceAsync"/>).
/// </summary>
public sealed record WsResyncNeeded(DateTimeOffset Since, int Connection) : KalshiWsEvent;

public sealed record WsSubscribed(string Channel, long Sid) : KalshiWsEvent;

/// <summary>An error answer to a command (code 6 already subscribed, 16 market not found, ...).</summary>
public sealed record WsCommandError(long? Id, int Code, string Message) : KalshiWsEvent;

/// <summary>A book changed (snapshot or delta); <see cref="Top"/> is copied, safe to keep.</summary>
public sealed record OrderBookUpdated(TopOfBook Top, long Seq, bool IsSnapshot) : KalshiWsEvent;

/// <summary>Books of a subscription went stale (seq gap or inconsistent delta); a snapshot was requested.</summary>
public sealed record OrderBookStale(long Sid, IReadOnlyList<MarketTicker> Markets, string Reason) : KalshiWsEvent;

/// <summary>A get_snapshot went unanswered for too long and was sent again for these markets.</summary>
public sealed record OrderBookSnapshotRetried(long Sid, IReadOnlyList<MarketTicker> Markets) : KalshiWsEvent;

public sealed record TickerUpdate(MarketTicker Ticker, ContractPrice? LastPrice, ContractPrice? YesBid, ContractPrice? YesAsk, Contracts? Volume, Contracts? OpenInterest, DateTimeOffset? Time) : KalshiWsEvent
{
    internal static TickerUpdate From(JsonElement m) => new(
        ReqTicker(m, "market_ticker"),
        OptionalQuote(m, "price_dollars", "price"),
        OptionalQuote(m, "yes_bid_dollars", "yes_bid"),
        OptionalQuote(m, "yes_ask_dollars", "yes_ask"),
        OptionalCount(m, "volume_fp", "volume"),
        OptionalCount(m, "open_interest_fp", "open_interest"),
        OptionalTime(m, "ts_ms") ?? OptionalTime(m, "ts"));
}

public sealed record TradeUpdate(KalshiTrade Trade) : KalshiWsEvent;

/// <summary>One of our fills; <see cref="PostPositionSide"/>/<see cref="PostPosition"/> are the venue's position after it.</summary>
public sealed record FillUpdate(KalshiFill Fill, OutcomeSide? PostPositionSide, Contracts? PostPosition) : KalshiWsEvent
{
    internal static FillUpdate From(JsonElement m)
    {
        var fill = KalshiFill.From(m);
        var raw = Raw(m, "post_position_fp");
        if (raw is null) return new FillUpdate(fill, null, null);
        if (!Contracts.TryParseSignedPosition(raw, out var side, out var count, out var why)) throw Malformed("post_position_fp", raw, why);
        return new FillUpdate(fill, side, count);
    }
}

public sealed record UserOrderUpdate(KalshiOrder Order) : KalshiWsEvent;

public sealed record MarketPositionUpdate(MarketTicker Ticker, OutcomeSide? Side, Contracts Contracts, Money? PositionCost, Money? RealizedPnl, Money? FeesPaid) : KalshiWsEvent
{
    internal static MarketPositionUpdate From(JsonElement m)
    {
        var raw = Raw(m, "position_fp") ?? Raw(m, "position") ?? throw Missing("position_fp");
        if (!Contracts.TryParseSignedPosition(raw, out var side, out var count, out var why)) throw Malformed("position_fp", raw, why);
        return new MarketPositionUpdate(ReqTicker(m, "market_ticker"), side, count,
            OptionalMoney(m, "position_cost_dollars"), OptionalMoney(m, "realized_pnl_dollars"), OptionalMoney(m, "fees_paid_dollars"));
    }
}

/// <summary>A message that could not be read; counted in health and reported, never fatal.</summary>
public sealed record WsBadMessage(string Reason, string Excerpt) : KalshiWsEvent;
