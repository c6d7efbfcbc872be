using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>Contracts as whole hundredths ("lots"): 2 decimal places make this exact.</summary>
internal static class Lots
{
    public static long Of(Contracts count) => (long)(count.Value * 100m);

    /// <summary>
    /// Lots for a count of at most <see cref="ExchangeLimits.MaxOrderContracts"/>; false above it (any
    /// <see cref="Contracts"/> value, however large, is answered without overflow). Counts read from the
    /// wire have at most 2 places: their lots come from the decimal's own integer and scale, with no
    /// decimal multiply on the order path.
    /// </summary>
    public static bool TryOf(Contracts count, out long lots)
    {
        const ulong maxLots = ExchangeLimits.MaxOrderContracts * 100;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(count.Value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        if (bits[2] == 0 && scale <= 2)
        {
            var mantissa = unchecked(((ulong)(uint)bits[1] << 32) | (uint)bits[0]);
            lots = 0;
            // Checked before scaling up, so the product cannot overflow.
            if (mantissa > maxLots) return false;
            var value = mantissa * (scale == 0 ? 100UL : scale == 1 ? 10UL : 1UL);
            if (value > maxLots) return false;
            lots = (long)value;
            return true;
        }
        // Trailing zeros past 2 places, or a 96-bit integer: the general path, bound first.
        lots = 0;
        if (count.Value > ExchangeLimits.MaxOrderContracts) return false;
        lots = Of(count);
        return true;
    }

    private static readonly Contracts[] Cache = new Contracts[100_001];

    /// <summary>Views need Contracts often; validating each one costs a decimal division, so common counts are cached.</summary>
    public static Contracts ToContracts(long lots)
    {
        if ((ulong)lots >= (ulong)Cache.Length) return Contracts.Of(lots / 100m);
        var cached = Cache[lots];
        if (cached.IsZero && lots != 0) Cache[lots] = cached = Contracts.Of(lots / 100m);
        return cached;
    }

    public static decimal ToDecimal(long lots) => lots / 100m;

    /// <summary>A running total (volume): exact as long as it fits a decimal, which no market reaches.</summary>
    public static Contracts ToContracts(Int128 lots) => lots <= long.MaxValue ? ToContracts((long)lots) : Contracts.Of((decimal)lots / 100m);
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

/// <summary>Micro-dollars: Money keeps 6 decimal places, so every internal amount is an exact long.</summary>
internal static class Micros
{
    public const long PerDollar = 1_000_000;

    public static long Of(Money money) => (long)(money.Dollars * PerDollar);

    public static Money ToMoney(long micros) => micros == 0 ? Money.Zero : Money.Round(micros / (decimal)PerDollar);

    /// <summary>A running total (total traded): exact as long as it fits a decimal, which no account reaches.</summary>
    public static Money ToMoney(Int128 micros) => Money.Round((decimal)micros / PerDollar);
}
