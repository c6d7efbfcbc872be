using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Perp.Core;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// Who listens to which channel ("order_book:0", "trade:0", "account_all_orders:7", ...), and the
/// frames each channel gets, built once and sent as bytes. Touched under the venue lock only, so
/// frames leave in the order the state changed and a snapshot is never overtaken by an update.
/// </summary>
internal sealed class LighterStreamHub
{
    private readonly Dictionary<string, List<LighterStreamSession>> _channels = new(StringComparer.Ordinal);

    public void Add(LighterStreamSession session, string channel)
    {
        if (!_channels.TryGetValue(channel, out var list)) _channels[channel] = list = [];
        if (!list.Contains(session)) list.Add(session);
    }

    public void Remove(LighterStreamSession session, string channel)
    {
        if (_channels.TryGetValue(channel, out var list)) list.Remove(session);
    }

    public void Remove(LighterStreamSession session)
    {
        foreach (var list in _channels.Values) list.Remove(session);
    }

    public bool HasListeners(string channel) => _channels.TryGetValue(channel, out var l) && l.Count > 0;

    private void Send(string channel, Func<JsonObject> frame)
    {
        if (!_channels.TryGetValue(channel, out var list) || list.Count == 0) return;
        var bytes = KalshiWire.ToUtf8(frame());
        foreach (var s in list) s.Send(bytes);
    }

    public static string Key(string name, long id) => name + ":" + id.ToString(CultureInfo.InvariantCulture);

    private static string M(LighterMarket m) => m.Index.ToString(CultureInfo.InvariantCulture);

    public void SendOrders(long account, LighterMarket market, IReadOnlyList<LighterOrderRecord> orders)
    {
        var channel = Key("account_all_orders", account);
        Send(channel, () => OrdersFrame(channel, "update/account_all_orders", [(market, orders)]));
    }

    public static JsonObject OrdersFrame(string channel, string type, IEnumerable<(LighterMarket Market, IReadOnlyList<LighterOrderRecord> Orders)> groups)
    {
        var byMarket = new JsonObject();
        foreach (var (m, orders) in groups)
            byMarket[M(m)] = new JsonArray([.. orders.Select(o => (JsonNode)LighterWire.Order(m, o))]);
        return new JsonObject { ["channel"] = channel, ["orders"] = byMarket, ["type"] = type };
    }

    public void SendTrade(LighterMarket market, LighterTradeRecord trade, PerpVenueRules rules)
    {
        var tape = Key("trade", market.Index);
        Send(tape, () => new JsonObject { ["channel"] = tape, ["trades"] = new JsonArray(LighterWire.Trade(trade, market, rules)), ["type"] = "update/trade" });
        foreach (var account in trade.AskAccount == trade.BidAccount ? [trade.AskAccount] : new[] { trade.AskAccount, trade.BidAccount })
        {
            var channel = Key("account_all_trades", account);
            Send(channel, () => TradesFrame(channel, "update/account_all_trades", market, [trade], rules));
        }
    }

    public static JsonObject TradesFrame(string channel, string type, LighterMarket? market, IReadOnlyList<LighterTradeRecord> trades, PerpVenueRules rules)
    {
        var byMarket = new JsonObject();
        if (market is not null) byMarket[M(market)] = new JsonArray([.. trades.Select(t => (JsonNode)LighterWire.Trade(t, market, rules))]);
        return new JsonObject { ["channel"] = channel, ["trades"] = byMarket, ["type"] = type };
    }

    public void SendPositions(long account, IReadOnlyList<(LighterMarket Market, PerpPositionView Position)> positions, int leverage, Func<string, int> openOrders)
    {
        var channel = Key("account_all_positions", account);
        Send(channel, () => PositionsFrame(channel, "update/account_all_positions", positions, leverage, openOrders));
    }

    public static JsonObject PositionsFrame(string channel, string type, IEnumerable<(LighterMarket Market, PerpPositionView Position)> positions, int leverage, Func<string, int> openOrders)
    {
        var byMarket = new JsonObject();
        foreach (var (m, p) in positions) byMarket[M(m)] = LighterWire.Position(m, p, openOrders(m.Symbol), leverage);
        return new JsonObject { ["channel"] = channel, ["positions"] = byMarket, ["shares"] = new JsonArray(), ["type"] = type };
    }

    public void SendBook(LighterMarket market, PerpBookDelta delta)
    {
        var channel = Key("order_book", market.Index);
        Send(channel, () => BookFrame(channel, "update/order_book", market, delta.Bids, delta.Asks, delta.UpdateId, delta.PreviousUpdateId));
    }

    /// <summary>An order-book message: levels (size 0 = gone), nonce = this update, begin_nonce = the one before (a gap means resubscribe).</summary>
    public static JsonObject BookFrame(string channel, string type, LighterMarket market, IReadOnlyList<PerpBookLevel> bids, IReadOnlyList<PerpBookLevel> asks, long nonce, long beginNonce) => new()
    {
        ["channel"] = channel,
        ["offset"] = nonce,
        ["order_book"] = new JsonObject
        {
            ["code"] = 0,
            ["asks"] = LighterWire.Levels(market, asks),
            ["bids"] = LighterWire.Levels(market, bids),
            ["offset"] = nonce,
            ["nonce"] = nonce,
            ["begin_nonce"] = beginNonce,
        },
        ["type"] = type,
    };
}
