using Fillwise.Domain.Values;

namespace Fillwise.Domain.Instruments;

public enum InstrumentKind
{
    /// <summary>One outcome of a binary market: pays 1 if it happens, 0 if not (Kalshi).</summary>
    EventContract,
    /// <summary>A perpetual future on a base asset, with funding (Aster, Lighter).</summary>
    Perpetual,
}

/// <summary>
/// A band of the price grid: from <see cref="Start"/> (inclusive) to <see cref="End"/> (inclusive),
/// prices are multiples of <see cref="Tick"/> (Kalshi's price_ranges; a perp has one band).
/// </summary>
public sealed record PriceBand(Price Start, Price End, Price Tick);

/// <summary>Why an order does not fit an instrument's rules, found before anything is sent.</summary>
public sealed record InstrumentViolation(Venues.RejectionReason Reason, string Message);

/// <summary>
/// What a venue allows on one instrument: its price grid, its quantity step and minimums, and
/// whether reduce-only orders are spared the minimums. Venue adapters build it from the venue's own
/// description (Kalshi's market, Aster's exchangeInfo filters, Lighter's orderBookDetails); the
/// engine uses it to check, snap and format orders in the instrument's own precision.
/// </summary>
public sealed record Instrument
{
    public Instrument(InstrumentId id, InstrumentKind kind, string market, IReadOnlyList<PriceBand> priceBands, Quantity step,
        Quantity minQuantity, Money minNotional, bool reduceOnlyWaivesMinimums, string? outcome = null, string quoteCurrency = "USD",
        InstrumentId? complement = null)
    {
        ArgumentNullException.ThrowIfNull(priceBands);
        if (priceBands.Count == 0) throw new DomainException($"instrument {id} has no price band");
        if (step.IsZero) throw new DomainException($"instrument {id} has a quantity step of zero");
        foreach (var band in priceBands)
        {
            if (band.Tick.IsZero) throw new DomainException($"instrument {id} has a price tick of zero");
            if (band.End < band.Start) throw new DomainException($"instrument {id} has a price band that ends before it starts");
        }
        Id = id;
        Kind = kind;
        Market = Identifier.Validate(market, "market");
        _bands = priceBands.OrderBy(b => b.Start).ToArray();
        Step = step;
        MinQuantity = minQuantity;
        MinNotional = minNotional;
        ReduceOnlyWaivesMinimums = reduceOnlyWaivesMinimums;
        Outcome = outcome;
        QuoteCurrency = quoteCurrency;
        Complement = complement;
    }

    /// <summary>
    /// The other outcome of a binary market: one unit of each together always pays exactly 1, so a
    /// venue may net them (Kalshi reports one signed position per market). Null for anything else.
    /// </summary>
    public InstrumentId? Complement { get; }

    public InstrumentId Id { get; }

    public InstrumentKind Kind { get; }

    /// <summary>What the instrument belongs to: the Kalshi market ticker of an outcome, a perp's base asset ("ZEC").</summary>
    public string Market { get; }

    /// <summary>For an event contract, which outcome it pays on ("yes" / "no"); null otherwise.</summary>
    public string? Outcome { get; }

    // An array, so the order path walks it without an enumerator allocation.
    private readonly PriceBand[] _bands;

    public IReadOnlyList<PriceBand> PriceBands => _bands;

    public Price MinPrice => PriceBands[0].Start;

    public Price MaxPrice => PriceBands[^1].End;

    public Quantity Step { get; }

    public Quantity MinQuantity { get; }

    public Money MinNotional { get; }

    /// <summary>Aster spares reduce-only orders the minimum notional; Lighter spares none.</summary>
    public bool ReduceOnlyWaivesMinimums { get; }

    public string QuoteCurrency { get; }

    /// <summary>Decimal places of the finest tick: how many places prices are written with.</summary>
    public int PriceDecimals => PriceBands.Max(b => FixedPoint.DecimalPlaces(b.Tick.Value));

    /// <summary>Decimal places of the step: how many places quantities are written with.</summary>
    public int QuantityDecimals => FixedPoint.DecimalPlaces(Step.Value);

    public string FormatPrice(Price price) => price.ToString(PriceDecimals);

    public string FormatQuantity(Quantity quantity) => quantity.ToString(QuantityDecimals);

    public bool IsOnStep(Quantity quantity) => quantity.Value % Step.Value == 0m;

    /// <summary>The largest multiple of the step not above <paramref name="quantity"/>.</summary>
    public Quantity FloorToStep(Quantity quantity) => Quantity.Of(quantity.Value - quantity.Value % Step.Value);

    /// <summary>Whether <paramref name="price"/> is inside the bounds and on the grid of its band.</summary>
    public bool IsOnGrid(Price price) =>
        BandOf(price) is { } band && (price.Value - band.Start.Value) % band.Tick.Value == 0m;

    /// <summary>The price step at <paramref name="price"/> (the band it falls in; outside every band, the nearest band's).</summary>
    public Price TickAt(Price price) =>
        (BandOf(price) ?? (price < PriceBands[0].Start ? PriceBands[0] : PriceBands[^1])).Tick;

    /// <summary>
    /// The nearest valid price at or below (<paramref name="up"/> false) or at or above (true)
    /// <paramref name="price"/>, clamped into the bounds: a buy rounds down and a sell up, so that
    /// snapping never makes an order more aggressive than asked.
    /// </summary>
    public Price SnapToGrid(Price price, bool up)
    {
        if (price <= MinPrice) return MinPrice;
        if (price >= MaxPrice) return MaxPrice;
        if (BandOf(price) is not { } band)
        {
            // In a gap between bands: the end of the band below, or the start of the band above.
            // Plain loops, not lambdas: a captured price would allocate on every call, gap or not.
            var i = 0;
            while (i + 1 < _bands.Length && _bands[i + 1].End < price) i++;
            return up ? _bands[i + 1].Start : _bands[i].End;
        }
        var offset = price.Value - band.Start.Value;
        var below = band.Start.Value + offset - offset % band.Tick.Value;
        if (below == price.Value || !up) return Price.Of(below);
        var above = below + band.Tick.Value;
        return above <= band.End.Value ? Price.Of(above) : Price.Of(band.End.Value);
    }

    /// <summary>
    /// The instrument's own objections to an order (off-grid price, off-step quantity, below a
    /// minimum), in the words a venue would use; null when it fits.
    /// </summary>
    public InstrumentViolation? Check(Quantity quantity, Price limit, bool reduceOnly)
    {
        if (quantity.IsZero) return new(Venues.RejectionReason.InvalidQuantity, $"{Id}: quantity is zero");
        if (!IsOnStep(quantity)) return new(Venues.RejectionReason.InvalidQuantity, $"{Id}: quantity {quantity} is not a multiple of the step {Step}");
        if (!IsOnGrid(limit)) return new(Venues.RejectionReason.InvalidPrice, $"{Id}: price {limit} is outside {MinPrice}..{MaxPrice} or off the tick grid");
        if (reduceOnly && ReduceOnlyWaivesMinimums) return null;
        if (quantity < MinQuantity) return new(Venues.RejectionReason.BelowMinimumSize, $"{Id}: quantity {quantity} is below the minimum {MinQuantity}");
        if (limit * quantity < MinNotional) return new(Venues.RejectionReason.BelowMinimumNotional, $"{Id}: notional {limit * quantity} is below the minimum {MinNotional}");
        return null;
    }

    /// <summary>Below what the venue accepts as a new order (dust when it is all that is left).</summary>
    public bool IsBelowMinimum(Quantity quantity, Price price) =>
        quantity < MinQuantity || quantity < Step || price * quantity < MinNotional;

    private PriceBand? BandOf(Price price)
    {
        foreach (var b in _bands)
            if (price >= b.Start && price <= b.End) return b;
        return null;
    }
}
