using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Fillwise.Exchange.Perp.Lighter;

internal sealed partial class LighterRestApi
{
    /// <summary>GET /account?by=index|l1_address&amp;value=...: public, as at Lighter.</summary>
    private IResult Account(HttpContext http)
    {
        var by = http.Request.Query["by"].ToString();
        var value = http.Request.Query["value"].ToString();
        if (by is not ("index" or "l1_address")) return LighterErrors.Param("by", "must be index or l1_address").ToResult();
        if (value.Length == 0) return LighterErrors.Param("value", "is required").ToResult();
        return venue.WithLock(() =>
        {
            long? index = null;
            if (by == "index" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i)) index = i;
            else if (by == "l1_address") index = venue.Accounts.ByL1(value)?.Index;
            if (index is not { } id || !venue.Accounts.IsUser(id) || venue.Exchange.GetAccount(id) is not { } a)
                return LighterErrors.Tx(LighterErrors.UnknownAccount, "account not found").ToResult();
            var positions = new JsonArray();
            foreach (var p in a.Positions)
                if (venue.MarketOf(p.Symbol) is { } m) positions.Add(LighterWire.Position(m, p, venue.Exchange.OpenOrders(id, p.Symbol).Count, venue.Exchange.Rules.Leverage));
            var account = new JsonObject
            {
                ["code"] = 0,
                ["account_type"] = 0,
                ["index"] = id,
                ["l1_address"] = venue.Accounts.Get(id)!.L1Address,
                ["cancel_all_time"] = 0,
                ["total_order_count"] = venue.Exchange.OpenOrders(id).Count,
                ["total_isolated_order_count"] = 0,
                ["pending_order_count"] = venue.PendingCount(id),
                ["available_balance"] = LighterWire.Money(a.AvailableBalance),
                ["status"] = 1,
                ["collateral"] = LighterWire.Money(a.WalletBalance),
                ["positions"] = positions,
                ["total_asset_value"] = LighterWire.Money(a.Equity),
                ["cross_asset_value"] = LighterWire.Money(a.Equity),
                ["shares"] = new JsonArray(),
            };
            return Ok(new JsonObject { ["total"] = 1, ["accounts"] = new JsonArray(account) });
        });
    }

    private IResult ActiveOrders(HttpContext http)
    {
        if (!TryPrivate(http, out var account, out var error) || !TryMarket(http, required: false, out var market, out error)) return error!.ToResult();
        return venue.WithLock(() =>
        {
            var orders = new JsonArray();
            foreach (var m in venue.Markets())
            {
                if (market is not null && m.Index != market.Index) continue;
                foreach (var o in venue.Exchange.OpenOrders(account, m.Symbol)) orders.Add(LighterWire.Order(m, venue.Record(o, m)));
            }
            return Ok(new JsonObject { ["orders"] = orders });
        });
    }

    /// <summary>Finished orders, newest first, a page of <c>limit</c> at a time; next_cursor continues after the last one.</summary>
    private IResult InactiveOrders(HttpContext http)
    {
        if (!TryPrivate(http, out var account, out var error) || !TryMarket(http, required: false, out var market, out error) || !TryLimit(http, out var limit, out error))
            return error!.ToResult();
        var cursor = ParseCursor(http.Request.Query["cursor"].ToString());
        if (cursor is null && http.Request.Query["cursor"].ToString().Length > 0) return LighterErrors.Param("cursor", "is not a cursor this venue gave").ToResult();
        return venue.WithLock(() =>
        {
            var all = venue.InactiveOrders(account, market);
            var start = 0;
            if (cursor is { } c)
            {
                while (start < all.Count && (LighterWire.Ms(all[start].UpdatedAt) > c.Ms || (LighterWire.Ms(all[start].UpdatedAt) == c.Ms && all[start].OrderIndex >= c.Index))) start++;
            }
            var page = all.Skip(start).Take(limit).ToList();
            var orders = new JsonArray();
            foreach (var o in page) orders.Add(LighterWire.Order(venue.MarketAt(o.MarketIndex)!, o));
            var next = start + page.Count < all.Count && page.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{LighterWire.Ms(page[^1].UpdatedAt)}.{page[^1].OrderIndex}")
                : string.Empty;
            return Ok(new JsonObject { ["orders"] = orders, ["next_cursor"] = next });
        });
    }

    private static (long Ms, long Index)? ParseCursor(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) return null;
        return long.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
               && long.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (ms, index)
            : null;
    }

    /// <summary>
    /// Trades of a market (public) or of an account (auth), by trade id: sort_dir desc (default) or asc,
    /// from / cursor a trade id to start at (inclusive), limit 1..100, order_index to keep one order's.
    /// </summary>
    private IResult Trades(HttpContext http)
    {
        if (!TryMarket(http, required: false, out var market, out var error) || !TryLimit(http, out var limit, out error)
            || !TryLong(http, "from", out var from, out error) || !TryLong(http, "order_index", out var orderIndex, out error)) return error!.ToResult();
        long? account = null;
        if (http.Request.Query.ContainsKey("account_index"))
        {
            if (!TryPrivate(http, out var owner, out error)) return error!.ToResult();
            account = owner;
        }
        var dir = http.Request.Query["sort_dir"].ToString();
        if (dir is not ("" or "asc" or "desc")) return LighterErrors.Param("sort_dir", "must be asc or desc").ToResult();
        var ascending = dir == "asc";
        var sortBy = http.Request.Query["sort_by"].ToString();
        if (sortBy is not ("" or "trade_id" or "timestamp" or "block_height")) return LighterErrors.Param("sort_by", "must be trade_id, timestamp or block_height").ToResult();
        var cursorText = http.Request.Query["cursor"].ToString();
        if (cursorText.Length > 0)
        {
            if (!long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out var c)) return LighterErrors.Param("cursor", "is not a cursor this venue gave").ToResult();
            from = c;
        }
        return venue.WithLock(() =>
        {
            IEnumerable<LighterTradeRecord> source = account is { } a
                ? venue.Tape.Account(a)
                : market is not null ? venue.Tape.Public(market.Index) : venue.Markets().SelectMany(m => venue.Tape.Public(m.Index));
            var list = source
                .Where(t => (market is null || t.MarketIndex == market.Index) && (orderIndex is null || t.AskOrderIndex == orderIndex || t.BidOrderIndex == orderIndex)
                            && (from is null || (ascending ? t.TradeId >= from : t.TradeId <= from)))
                .ToList();
            list.Sort((x, y) => ascending ? x.TradeId.CompareTo(y.TradeId) : y.TradeId.CompareTo(x.TradeId));
            var page = list.Take(limit).ToList();
            var trades = new JsonArray();
            foreach (var t in page) trades.Add(LighterWire.Trade(t, venue.MarketAt(t.MarketIndex)!, venue.Exchange.Rules));
            var next = list.Count > page.Count ? (ascending ? page[^1].TradeId + 1 : page[^1].TradeId - 1).ToString(CultureInfo.InvariantCulture) : string.Empty;
            return Ok(new JsonObject { ["next_cursor"] = next, ["trades"] = trades });
        });
    }

    private IResult RecentTrades(HttpContext http)
    {
        if (!TryMarket(http, required: true, out var market, out var error) || !TryLimit(http, out var limit, out error)) return error!.ToResult();
        return venue.WithLock(() =>
        {
            var trades = new JsonArray();
            foreach (var t in venue.Tape.Public(market!.Index).Reverse().Take(limit)) trades.Add(LighterWire.Trade(t, market, venue.Exchange.Rules));
            return Ok(new JsonObject { ["trades"] = trades });
        });
    }

    /// <summary>Funding paid and received by the account's positions, newest first; cursor = a funding id to continue below.</summary>
    private IResult PositionFunding(HttpContext http)
    {
        if (!TryPrivate(http, out var account, out var error) || !TryMarket(http, required: false, out var market, out error) || !TryLimit(http, out var limit, out error)
            || !TryLong(http, "cursor", out var cursor, out error)) return error!.ToResult();
        return venue.WithLock(() =>
        {
            var list = venue.Exchange.FundingPayments(account, market?.Symbol).Where(f => cursor is null || f.IncomeId <= cursor).OrderByDescending(f => f.IncomeId).ToList();
            var page = list.Take(limit).ToList();
            var fundings = new JsonArray();
            foreach (var f in page) fundings.Add(LighterWire.Funding(venue.MarketOf(f.Symbol)!, f));
            var next = list.Count > page.Count ? (page[^1].IncomeId - 1).ToString(CultureInfo.InvariantCulture) : string.Empty;
            return Ok(new JsonObject { ["position_fundings"] = fundings, ["next_cursor"] = next });
        });
    }
}
