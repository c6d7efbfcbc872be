using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Strategies;

/// <summary>The whale follower's settings (CONTRACTS.md §1 `Whales:*`, `Exits:*`; seed 002).</summary>
public sealed record WhaleOptions
{
    /// <summary>A bet at least this big (price × size, summed over the fills of one sweep) is a whale.</summary>
    public Money MinNotional { get; init; } = Money.FromDollars(500m);

    /// <summary>Whales older than this when their turn comes are skipped: the signal is stale.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Units each follow buys (when <see cref="ShareOfWhalePercent"/> is 0).</summary>
    public Quantity ContractsPerFollow { get; init; } = Quantity.Of(5m);

    /// <summary>When above 0, each follow buys this share of the whale's size instead (at least one step).</summary>
    public decimal ShareOfWhalePercent { get; init; }

    /// <summary>The follow bids this far above the outcome's best bid (never above its best ask).</summary>
    public decimal PriceOffset { get; init; } = 0.02m;

    /// <summary>Never pays more than this.</summary>
    public Price MaxPrice { get; init; } = Price.Of(0.95m);

    /// <summary>Stop-loss this far below the entry price; 0: none.</summary>
    public decimal StopLossDistance { get; init; } = 0.10m;

    /// <summary>Take-profit this far above the entry price; 0: none (with no stop either, the follow is held to settlement).</summary>
    public decimal TakeProfitDistance { get; init; } = 0.15m;

    /// <summary>How long a follow waits for the market's book after subscribing before it falls back to the whale's price.</summary>
    public TimeSpan QuoteWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an entry waits for fills before its remainder is canceled (null: the engine's default).</summary>
    public TimeSpan? FillTimeout { get; init; }

    /// <summary>Whales and decisions kept for readers (GET /api/v1/whales); the oldest go first.</summary>
    public int QueueCapacity { get; init; } = 200;
}

/// <summary>
/// A big bet seen on the public trade tape: the fills of one taker sweep (one outcome, one instant)
/// summed. Its id is seed 002's: market:time:price:side, with the first fill's price and the time in
/// Unix milliseconds, so the same sweep is recognised after a restart.
/// </summary>
public sealed record Whale(string Id, InstrumentId Instrument, string Market, string Side, Price Price, Quantity Quantity, Money Notional, DateTimeOffset Time)
{
    public static string IdOf(string market, DateTimeOffset time, Price price, string side) =>
        string.Create(CultureInfo.InvariantCulture, $"{market}:{time.ToUnixTimeMilliseconds()}:{price}:{side}");

    /// <summary>An outcome instrument's market and side from its symbol ("TICKER:yes" → TICKER, yes); a plain symbol is its own market, bought.</summary>
    public static (string Market, string Side) MarketAndSide(InstrumentId instrument)
    {
        var symbol = instrument.Symbol;
        var colon = symbol.LastIndexOf(':');
        return colon > 0 ? (symbol[..colon], symbol[(colon + 1)..]) : (symbol, "buy");
    }
}

/// <summary>What the follower did with a whale, and why.</summary>
public enum WhaleVerdict
{
    /// <summary>Checks passed; the entry is being placed or waits for fills.</summary>
    Following,
    /// <summary>The entry ended with something filled (a position exists).</summary>
    Followed,
    /// <summary>The entry was sent and nothing filled (or it was refused by the venue).</summary>
    NotFilled,
    /// <summary>Not followed, for the reason given.</summary>
    Skipped,
}

/// <summary>One decision, as readers see it (GET /api/v1/whales, the event stream, the paper summary).</summary>
public sealed record WhaleDecision(
    Whale Whale,
    WhaleVerdict Verdict,
    string Reason,
    DateTimeOffset DecidedAt,
    Price? EntryPrice = null,
    Quantity? Requested = null,
    Quantity? Filled = null,
    PositionId? Position = null,
    string? Outcome = null)
{
    public static string Wire(WhaleVerdict v) => v switch
    {
        WhaleVerdict.Following => "following",
        WhaleVerdict.Followed => "followed",
        WhaleVerdict.NotFilled => "not_filled",
        _ => "skipped",
    };
}

/// <summary>What the follower has seen and done so far, copied for readers.</summary>
public sealed record WhaleSnapshot(IReadOnlyList<WhaleDecision> Recent, long Seen, long Followed, long Skipped, WhaleOptions Options);
