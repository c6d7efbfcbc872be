using Fillwise.Domain;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// How Kalshi's markets look to the engine: each outcome of a market is its own instrument,
/// <c>kalshi:TICKER:yes</c> and <c>kalshi:TICKER:no</c>, bought and sold at that outcome's own price.
/// Kalshi's V2 API has one book per market in yes-leg prices (bid = buy YES or sell NO, ask = buy NO
/// or sell YES, a NO price q is the yes price 1 - q): the conversions live here and nowhere else.
/// </summary>
public static class KalshiInstruments
{
    public const string Venue = "kalshi";

    public static InstrumentId Outcome(MarketTicker ticker, OutcomeSide side) => new(Venue, $"{ticker}:{side.ToWire()}");

    public static bool TryParse(InstrumentId id, out MarketTicker ticker, out OutcomeSide side)
    {
        ticker = default;
        side = default;
        if (id.Venue != Venue) return false;
        var colon = id.Symbol.LastIndexOf(':');
        if (colon <= 0 || !DirectionText.TryParseOutcomeSide(id.Symbol[(colon + 1)..], out side)) return false;
        try
        {
            ticker = new MarketTicker(id.Symbol[..colon]);
            return true;
        }
        catch (DomainException)
        {
            return false;
        }
    }

    public static (MarketTicker Ticker, OutcomeSide Side) Parse(InstrumentId id) =>
        TryParse(id, out var t, out var s) ? (t, s) : throw new ArgumentException($"'{id}' is not a Kalshi outcome instrument (kalshi:TICKER:yes|no)", nameof(id));

    /// <summary>The Kalshi action on an outcome that a neutral buy or sell of that outcome instrument is.</summary>
    public static OrderDirection Direction(OutcomeSide outcome, OrderSide side) =>
        new(side == OrderSide.Buy ? TradeAction.Buy : TradeAction.Sell, outcome);

    /// <summary>A V2 book side and yes price, seen from <paramref name="outcome"/>: buy or sell, at that outcome's price.</summary>
    public static (OrderSide Side, Price Price) FromV2(OutcomeSide outcome, BookSide bookSide, ContractPrice yesPrice)
    {
        var buys = outcome == OutcomeSide.Yes ? bookSide == BookSide.Bid : bookSide == BookSide.Ask;
        var price = outcome == OutcomeSide.Yes ? yesPrice : yesPrice.Complement;
        return (buys ? OrderSide.Buy : OrderSide.Sell, Price.Of(price.Dollars));
    }

    /// <summary>Kalshi's own reading of a V2 side when we do not know the order: a bid buys YES, an ask buys NO.</summary>
    public static OutcomeSide CanonicalOutcome(BookSide bookSide) => bookSide == BookSide.Bid ? OutcomeSide.Yes : OutcomeSide.No;

    public static bool TryContractPrice(Price price, out ContractPrice contractPrice, out string error) =>
        ContractPrice.TryFromDollars(price.Value, out contractPrice, out error);

    public static bool TryContracts(Quantity quantity, out Contracts contracts, out string error) =>
        Contracts.TryOf(quantity.Value, out contracts, out error);

    public static Quantity Quantity(Contracts contracts) => Fillwise.Domain.Values.Quantity.Of(contracts.Value);

    /// <summary>The instrument of one outcome: Kalshi's price grid (its price_ranges, else whole cents), 0.01-contract steps, no minimum notional.</summary>
    public static Instrument Describe(KalshiMarket market, OutcomeSide side)
    {
        ArgumentNullException.ThrowIfNull(market);
        IReadOnlyList<PriceBand> bands = market.PriceRanges.Count == 0
            ? [new PriceBand(Price.Of(0.01m), Price.Of(0.99m), Price.Of(0.01m))]
            : market.PriceRanges.Select(r => Band(r, side)).OrderBy(b => b.Start).ToList();
        var step = Fillwise.Domain.Values.Quantity.Of(0.01m);
        return new Instrument(Outcome(market.Ticker, side), InstrumentKind.EventContract, market.Ticker.Value, bands, step, step, Money.Zero,
            reduceOnlyWaivesMinimums: false, outcome: side.ToWire(), complement: Outcome(market.Ticker, side.Opposite()));
    }

    /// <summary>A yes-leg price range as the NO outcome sees it: mirrored around 0.5, bounds kept on the grid.</summary>
    private static PriceBand Band(KalshiPriceRange r, OutcomeSide side)
    {
        // Kalshi's ranges run up to (and include) 1.00 or start at 0: the tradable prices are strictly inside (0, 1).
        var start = Math.Max(r.Start, r.Step);
        var end = Math.Min(r.End, 1m - r.Step);
        return side == OutcomeSide.Yes
            ? new PriceBand(Price.Of(start), Price.Of(end), Price.Of(r.Step))
            : new PriceBand(Price.Of(1m - end), Price.Of(1m - start), Price.Of(r.Step));
    }
}
