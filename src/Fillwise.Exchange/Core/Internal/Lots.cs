using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>Contracts as whole hundredths ("lots"): 2 decimal places make this exact.</summary>
internal static class Lots
{
    public static long Of(Contracts count) => (long)(count.Value * 100m);

    public static Contracts ToContracts(long lots) => Contracts.Of(lots / 100m);

    public static decimal ToDecimal(long lots) => lots / 100m;
}

/// <summary>The refusals the exchange answers with, in Kalshi's codes.</summary>
internal static class Errors
{
    public static readonly ExchangeError MarketNotFound = new(404, "not_found", "market not found");
    public static readonly ExchangeError UserNotFound = new(404, "not_found", "user not found");
    public static readonly ExchangeError OrderNotFound = new(404, "not_found", "order not found");
    public static readonly ExchangeError GroupNotFound = new(404, "not_found", "order group not found");
    public static readonly ExchangeError MarketInactive = new(400, "MARKET_INACTIVE", "market is not active");
    public static readonly ExchangeError PostOnlyCross = new(400, "invalid_order", "post only order would cross", "post only cross");
    public static readonly ExchangeError InsufficientBalance = new(400, "insufficient_balance", "insufficient balance");
    public static readonly ExchangeError DuplicateClientOrderId = new(409, "order_already_exists", "an order with this client_order_id already exists");
    public static readonly ExchangeError InvalidPrice = new(400, "invalid_price", "price is not on the market's tick grid");

    public static ExchangeError InvalidOrder(string details) => new(400, "invalid_order", "invalid order", details);

    public static ExchangeError BadRequest(string details) => new(400, "bad_request", "bad request", details);
}
