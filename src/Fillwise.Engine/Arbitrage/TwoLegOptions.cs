namespace Fillwise.Engine.Arbitrage;

/// <summary>
/// How a two-leg operation works its legs (CONTRACTS.md §1 `Arb:*`): a passive phase of post-only
/// orders at the touch, then the aggressive ladder for what one leg still lacks, then a market
/// order with a bounded worst price. Defaults from seed 003 and the public hedgers (15 s passive,
/// 30 s of limit attempts, 2 % spread guard).
/// </summary>
public sealed record TwoLegOptions
{
    /// <summary>How long both legs rest post-only before the lagging one goes aggressive.</summary>
    public TimeSpan PassiveTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Ticks from the leg's own touch towards the other side for the passive price (0: join the
    /// best bid to buy, the best ask to sell). Never crosses: capped one tick short of the far side.
    /// </summary>
    public int PassiveOffsetTicks { get; init; }

    /// <summary>After a post-only refusal the next price backs off this many ticks more (the book moved under us).</summary>
    public int RepriceBackoffTicks { get; init; } = 1;

    /// <summary>Pause between a post-only refusal and the re-priced order (the book settles; Lighter's transaction budget is finite).</summary>
    public TimeSpan RepriceDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The whole budget of the limit rungs (break-even, inside, touch, cross) before the market order.</summary>
    public TimeSpan AggressiveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one aggressive limit order rests before it is canceled and the next one priced.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Orders per limit rung before the ladder steps up.</summary>
    public int AttemptsPerRung { get; init; } = 2;

    /// <summary>How far beyond the far touch the "cross" rung prices, in percent of it.</summary>
    public decimal CrossPercent { get; init; } = 0.1m;

    /// <summary>Market orders (immediate-or-cancel at the bounded worst price) after the limit rungs.</summary>
    public int MarketAttempts { get; init; } = 3;

    /// <summary>The market order's worst price: this far beyond the far touch, in percent.</summary>
    public decimal MarketWorstPricePercent { get; init; } = 1m;

    /// <summary>
    /// The spread guard: no limit order while the book's spread is wider than this share of the
    /// mid (percent), opening and closing alike; critical exits bypass it.
    /// </summary>
    public decimal MaxSpreadPercent { get; init; } = 2m;

    /// <summary>Close reasons that start aggressive and bypass the spread guard.</summary>
    public IReadOnlySet<string> CriticalReasons { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "critical" };

    /// <summary>How often a leg's orders are read over REST when the stream is silent, and how often a missing quote is looked for again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Operations kept in memory for GET /arb (the journal keeps them all).</summary>
    public int Kept { get; init; } = 500;

    /// <summary>Null when usable; otherwise what is wrong, naming the setting.</summary>
    public string? Validate()
    {
        if (PassiveTimeout <= TimeSpan.Zero) return "Arb:PassiveTimeoutSeconds must be above 0";
        if (AggressiveTimeout <= TimeSpan.Zero) return "Arb:AggressiveTimeoutSeconds must be above 0";
        if (AttemptTimeout <= TimeSpan.Zero) return "Arb:AttemptTimeoutSeconds must be above 0";
        if (AttemptsPerRung < 1) return "Arb:AttemptsPerRung must be 1 or more";
        if (MarketAttempts < 1) return "Arb:MarketAttempts must be 1 or more";
        if (PassiveOffsetTicks < 0 || RepriceBackoffTicks < 0) return "Arb:PassiveOffsetTicks must be 0 or more";
        if (CrossPercent is < 0m or > 10m) return "Arb:CrossPercent must be 0..10";
        if (MarketWorstPricePercent is <= 0m or > 10m) return "Arb:MarketWorstPricePercent must be above 0 and at most 10";
        if (MaxSpreadPercent <= 0m) return "Arb:MaxSpreadPercent must be above 0";
        return null;
    }
}
