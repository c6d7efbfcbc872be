using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;

namespace Fillwise.Exchange.Server.WebSockets;

/// <summary>
/// Fans the exchange's events out to WebSocket subscriptions. Every method runs under the
/// exchange gate, so the session list and each subscription's seq need no lock of their own;
/// sessions only queue frames here (never block), their own writer loops do the sending.
/// </summary>
internal sealed class SubscriptionHub(TimeProvider time) : IExchangeEventSink
{
    private readonly List<WebSocketSession> _sessions = [];
    private readonly HashSet<MarketTicker> _dirtyTickers = [];

    public TimeProvider Time { get; } = time;

    public int SessionCount => _sessions.Count;

    public void Add(WebSocketSession session) => _sessions.Add(session);

    public void Remove(WebSocketSession session) => _sessions.Remove(session);

    public IReadOnlyList<WebSocketSession> Sessions => _sessions;

    /// <summary>The candlesticks REST serves, fed from the same events as the ticker channel.</summary>
    public MarketCandles Candles { get; } = new();

    public void OnBookDelta(MarketTicker ticker, OutcomeSide leg, ContractPrice legPrice, decimal delta, string? userId, string? clientOrderId)
    {
        _dirtyTickers.Add(ticker);
        var now = Time.GetUtcNow();
        foreach (var session in _sessions)
        {
            foreach (var sub in session.Matching(WsChannel.OrderbookDelta, ticker))
            {
                var price = sub.UseYesPrice && leg == OutcomeSide.No ? legPrice.Complement : legPrice;
                var msg = new JsonObject
                {
                    ["market_ticker"] = ticker.Value,
                    ["market_id"] = MarketId(ticker),
                    ["price_dollars"] = price.ToString(),
                    ["delta_fp"] = KalshiWire.Count(delta),
                    ["side"] = leg.ToWire(),
                    ["ts"] = KalshiWire.Time(now),
                    ["ts_ms"] = KalshiWire.UnixMs(now),
                };
                if (clientOrderId is not null && userId == session.UserId) msg["client_order_id"] = clientOrderId;
                session.SendData(sub, "orderbook_delta", msg);
            }
        }
    }

    public void OnTrade(TradeView trade)
    {
        _dirtyTickers.Add(trade.Ticker);
        Candles.OnTrade(trade);
        foreach (var session in _sessions)
        {
            foreach (var sub in session.Matching(WsChannel.Trade, trade.Ticker))
                session.SendData(sub, "trade", KalshiWire.TradeMessage(trade));
        }
    }

    public void OnFill(FillView fill)
    {
        foreach (var session in _sessions)
        {
            if (session.UserId != fill.UserId) continue;
            foreach (var sub in session.Matching(WsChannel.Fill, fill.Ticker))
                session.SendData(sub, "fill", KalshiWire.FillMessage(fill));
        }
    }

    public void OnOrderUpdate(OrderView order)
    {
        foreach (var session in _sessions)
        {
            if (session.UserId != order.UserId) continue;
            foreach (var sub in session.Matching(WsChannel.UserOrders, order.Ticker))
                session.SendData(sub, "user_order", KalshiWire.UserOrder(order));
        }
    }

    public void OnPositionUpdate(string userId, PositionView position)
    {
        foreach (var session in _sessions)
        {
            if (session.UserId != userId) continue;
            foreach (var sub in session.Matching(WsChannel.MarketPositions, position.Ticker))
                session.SendData(sub, "market_position", KalshiWire.MarketPositionMessage(userId, position));
        }
    }

    /// <summary>
    /// market_lifecycle_v2 with the fields Kalshi sends for each event type (creation: times, grid
    /// and metadata; pause: is_deactivated; early close: close_ts; determination: result, value and
    /// time; settlement: time). The channel carries every market (Kalshi ignores market filters on it),
    /// and an event's first market also announces the event (event_lifecycle).
    /// </summary>
    public void OnMarketLifecycle(MarketLifecycleEvent lifecycle)
    {
        var market = lifecycle.Market;
        var ticker = market.Definition.Ticker;
        _dirtyTickers.Add(ticker);
        var msg = KalshiWire.LifecycleMessage(lifecycle);
        JsonObject? eventCreated = null;
        if (lifecycle.Kind == MarketLifecycleKind.Created && _announcedEvents.Add(market.Definition.EventTicker))
            eventCreated = KalshiWire.EventLifecycleMessage(market);
        foreach (var session in _sessions)
        {
            foreach (var sub in session.Matching(WsChannel.MarketLifecycle))
            {
                if (eventCreated is not null) session.SendData(sub, "event_lifecycle", (JsonObject)eventCreated.DeepClone());
                session.SendData(sub, "market_lifecycle_v2", (JsonObject)msg.DeepClone());
            }
        }
    }

    private readonly HashSet<string> _announcedEvents = new(StringComparer.Ordinal);

    /// <summary>order_group_updates, to the group's owner only; numbered per subscription like order books.</summary>
    public void OnOrderGroupUpdate(OrderGroupEvent update)
    {
        foreach (var session in _sessions)
        {
            if (session.UserId != update.UserId) continue;
            foreach (var sub in session.Matching(WsChannel.OrderGroupUpdates))
            {
                var msg = new JsonObject
                {
                    ["event_type"] = KalshiWire.GroupEventType(update.Kind),
                    ["order_group_id"] = update.OrderGroupId,
                };
                if (update.ContractsLimit is { } limit) msg["contracts_limit_fp"] = limit.ToString();
                msg["ts_ms"] = KalshiWire.UnixMs(update.Time);
                session.SendData(sub, "order_group_updates", msg);
            }
        }
    }

    /// <summary>Records the candles of, and sends one ticker message per, market that changed during the operation just finished.</summary>
    public void FlushTickers(KalshiExchange exchange)
    {
        if (_dirtyTickers.Count == 0) return;
        var anyTickerSub = false;
        foreach (var session in _sessions)
        {
            if (session.HasChannel(WsChannel.Ticker))
            {
                anyTickerSub = true;
                break;
            }
        }
        var now = Time.GetUtcNow();
        foreach (var ticker in _dirtyTickers)
        {
            var market = exchange.GetMarket(ticker);
            if (market is null) continue;
            Candles.OnQuote(market, now);
            if (!anyTickerSub) continue;
            foreach (var session in _sessions)
            {
                foreach (var sub in session.Matching(WsChannel.Ticker, ticker))
                    session.SendData(sub, "ticker", TickerMessage(market, now));
            }
        }
    }

    public void ClearPending() => _dirtyTickers.Clear();

    public static JsonObject TickerMessage(MarketView market, DateTimeOffset now) => new()
    {
        ["market_ticker"] = market.Definition.Ticker.Value,
        ["market_id"] = MarketId(market.Definition.Ticker),
        ["price_dollars"] = KalshiWire.PriceOrZero(market.LastPrice),
        ["yes_bid_dollars"] = KalshiWire.PriceOrZero(market.YesBid),
        ["yes_ask_dollars"] = market.YesAsk?.ToString() ?? "1.0000",
        ["yes_bid_size_fp"] = market.YesBidSize.ToString(),
        ["yes_ask_size_fp"] = market.YesAskSize.ToString(),
        ["last_trade_size_fp"] = market.LastTradeSize.ToString(),
        ["volume_fp"] = market.Volume.ToString(),
        ["open_interest_fp"] = market.OpenInterest.ToString(),
        // Whole dollars: traded value (yes price x count) so far, and $1 notional per open contract.
        ["dollar_volume"] = (long)decimal.Truncate(market.DollarVolume.Dollars),
        ["dollar_open_interest"] = (long)decimal.Truncate(market.OpenInterest.Value),
        ["ts"] = now.ToUnixTimeSeconds(),
        ["ts_ms"] = KalshiWire.UnixMs(now),
        ["time"] = KalshiWire.Time(now),
    };

    /// <summary>Kalshi's market_id is a UUID; ours is derived from the ticker so it is stable.</summary>
    public static string MarketId(MarketTicker ticker)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(ticker.Value), hash);
        return new Guid(hash[..16]).ToString();
    }
}
