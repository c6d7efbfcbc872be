using System.Globalization;
using System.Text.Json.Nodes;

namespace Fillwise.Exchange.Perp.Lighter;

public sealed partial class LighterVenue
{
    /// <summary>
    /// A transaction's signature: the API key it names exists, and the signature over its canonical
    /// text recovers to that key's address. The curve work runs outside the lock.
    /// </summary>
    internal (LighterApiKey? Key, LighterError? Error) VerifySignature(LighterTransaction tx)
    {
        var key = WithLock(() => Accounts.Key(tx.AccountIndex, tx.ApiKeyIndex));
        if (key is null)
            return (null, LighterErrors.Tx(LighterErrors.UnknownAccount, $"account {Text(tx.AccountIndex)} has no api key {tx.ApiKeyIndex.ToString(CultureInfo.InvariantCulture)}"));
        var signer = LighterSignatures.Recover(tx.CanonicalText(Options.ChainId), tx.Signature);
        return signer == key.Address ? (key, null) : (null, LighterErrors.Tx(LighterErrors.InvalidSignature, "invalid signature: it does not recover to the api key"));
    }

    /// <summary>
    /// An auth token for private reads and account channels, in Lighter's shape
    /// <c>deadline:account_index:api_key_index:signature</c> (deadline in Unix seconds, signature hex):
    /// not expired, not longer-lived than allowed, signed by that API key.
    /// </summary>
    internal (long Account, LighterError? Error) VerifyAuth(string? token)
    {
        if (string.IsNullOrEmpty(token)) return (0, LighterErrors.Auth("an auth token is required"));
        var parts = token.Split(':');
        if (parts.Length != 4
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var deadline)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var account)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var apiKey))
            return (0, LighterErrors.Auth("the token is not deadline:account_index:api_key_index:signature"));
        var now = Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (deadline <= now) return (0, LighterErrors.Auth("the token has expired"));
        if (deadline > now + (long)Options.MaxAuthTokenLifetime.TotalSeconds + 60) return (0, LighterErrors.Auth("the token lives longer than allowed"));
        var key = WithLock(() => Accounts.Key(account, apiKey));
        if (key is null) return (0, LighterErrors.Auth("unknown account or api key"));
        var signer = LighterSignatures.RecoverHex(LighterSignatures.AuthText(Options.ChainId, deadline, account, apiKey), parts[3]);
        return signer == key.Address ? (account, null) : (0, LighterErrors.Auth("the signature does not recover to the api key"));
    }

    /// <summary>Adds a session to a channel and sends its snapshot, in one step under the lock (no update can slip between).</summary>
    internal bool Subscribe(LighterStreamSession session, string name, long id, string key)
    {
        switch (name)
        {
            case "order_book":
            {
                if (MarketAt(id) is not { } m) return false;
                var book = Exchange.GetBook(m.Symbol)!;
                Hub.Add(session, key);
                session.Send(Fillwise.Exchange.Server.KalshiWire.ToUtf8(LighterStreamHub.BookFrame(key, "subscribed/order_book", m, book.Bids, book.Asks, book.LastUpdateId, book.LastUpdateId)));
                return true;
            }
            case "trade":
            {
                if (MarketAt(id) is not { } m) return false;
                Hub.Add(session, key);
                var recent = Tape.Public(m.Index).TakeLast(50).Select(t => (JsonNode)LighterWire.Trade(t, m, Exchange.Rules));
                session.Send(Fillwise.Exchange.Server.KalshiWire.ToUtf8(new JsonObject { ["channel"] = key, ["trades"] = new JsonArray([.. recent]), ["type"] = "subscribed/trade" }));
                return true;
            }
            case "account_all_orders":
            {
                Hub.Add(session, key);
                var groups = Markets().Select(m => (m, (IReadOnlyList<LighterOrderRecord>)Exchange.OpenOrders(id, m.Symbol).Select(o => Record(o, m)).ToList()));
                session.Send(Fillwise.Exchange.Server.KalshiWire.ToUtf8(LighterStreamHub.OrdersFrame(key, "subscribed/account_all_orders", groups)));
                return true;
            }
            case "account_all_trades":
                Hub.Add(session, key);
                session.Send(Fillwise.Exchange.Server.KalshiWire.ToUtf8(LighterStreamHub.TradesFrame(key, "subscribed/account_all_trades", null, [], Exchange.Rules)));
                return true;
            case "account_all_positions":
            {
                Hub.Add(session, key);
                var positions = (Exchange.GetAccount(id)?.Positions ?? []).Select(p => (MarketOf(p.Symbol)!, p)).Where(p => p.Item1 is not null).ToList();
                session.Send(Fillwise.Exchange.Server.KalshiWire.ToUtf8(LighterStreamHub.PositionsFrame(key, "subscribed/account_all_positions", positions, Exchange.Rules.Leverage,
                    symbol => Exchange.OpenOrders(id, symbol).Count)));
                return true;
            }
            default:
                return false;
        }
    }
}
