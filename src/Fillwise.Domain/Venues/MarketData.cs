using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Venues;

/// <summary>The top of an instrument's live book. A side with nothing on it is null; a stale book is flagged, never guessed.</summary>
public sealed record Quote(InstrumentId Instrument, Price? BestBid, Quantity? BidSize, Price? BestAsk, Quantity? AskSize, DateTimeOffset Time, bool IsStale);

/// <summary>A public trade: who took liquidity on which side, at what price and size.</summary>
public sealed record TradeTick(InstrumentId Instrument, TradeId TradeId, Price Price, Quantity Quantity, OrderSide AggressorSide, DateTimeOffset Time);

/// <summary>A perpetual's funding as the venue states it.</summary>
public sealed record FundingInfo(InstrumentId Instrument, decimal Rate, TimeSpan Interval, DateTimeOffset NextFundingTime, Price? MarkPrice);

/// <summary>Market data: live books, the public trade tape, funding.</summary>
public interface IMarketData
{
    string Venue { get; }

    /// <summary>
    /// Starts following an instrument's book (idempotent) and completes once its first snapshot is in,
    /// or the venue's own wait for it is over: a caller that reads the quote next sees the book the
    /// venue sent, not whatever raced in first. Quotes for unwatched instruments are null.
    /// </summary>
    Task WatchAsync(InstrumentId instrument, CancellationToken cancellationToken);

    /// <summary>The current top of book, or null when not followed or never received.</summary>
    Quote? GetQuote(InstrumentId instrument);

    /// <summary>Public trades as they happen on every instrument the venue streams.</summary>
    IAsyncEnumerable<TradeTick> ReadTradesAsync(CancellationToken cancellationToken);

    /// <summary>Funding of a perpetual; throws <see cref="VenueException"/> when the venue has none for it.</summary>
    Task<FundingInfo> GetFundingAsync(InstrumentId instrument, CancellationToken cancellationToken);
}

public enum InstrumentPhase
{
    /// <summary>Trading.</summary>
    Open,
    /// <summary>Not trading yet, or paused for a while (maintenance, a venue pause).</summary>
    Paused,
    /// <summary>No longer trading; the outcome is not settled yet.</summary>
    Closed,
    /// <summary>The outcome is known but not paid yet: it may still be disputed or amended.</summary>
    Determined,
    /// <summary>Paid out at <see cref="InstrumentStatus.SettlementPrice"/> (a void: at what each unit cost).</summary>
    Settled,
}

/// <summary>
/// Where an instrument is in its life, as the venue says. <see cref="SettlementPrice"/> is set only
/// once the venue has paid (a unit's payout: 1 or 0 for a yes/no outcome, the scalar value, or for a
/// void the cost the venue refunds per unit); a payout the venue has determined but not paid is
/// <see cref="DeterminedPrice"/> and may still change.
/// </summary>
public sealed record InstrumentStatus(InstrumentId Instrument, InstrumentPhase Phase, Price? SettlementPrice, DateTimeOffset? CloseTime, string VenueStatus)
{
    public bool IsOpen => Phase == InstrumentPhase.Open;

    /// <summary>What a unit will pay as determined so far (not paid: it can be amended); null when unknown or void.</summary>
    public Price? DeterminedPrice { get; init; }

    /// <summary>The outcome was voided: holders get their cost back instead of a payout.</summary>
    public bool IsVoid { get; init; }

    /// <summary>The payout as a person reads it: "1", "0.35", "void", or null before any is known.</summary>
    public string? PayoutText => IsVoid ? "void" : (SettlementPrice ?? DeterminedPrice)?.ToString();
}

/// <summary>Instruments: what can be traded and under which rules, and where each is in its life.</summary>
public interface IInstrumentProvider
{
    string Venue { get; }

    /// <summary>The instrument, or null when the venue does not know it.</summary>
    Task<Instrument?> GetInstrumentAsync(InstrumentId instrument, CancellationToken cancellationToken);

    /// <summary>The instrument's status, or null when the venue does not know it.</summary>
    Task<InstrumentStatus?> GetStatusAsync(InstrumentId instrument, CancellationToken cancellationToken);
}

/// <summary>One venue as the engine holds it: its four ports.</summary>
public sealed record VenueConnection(string Name, IExecutionClient Execution, IExecutionReports Reports, IMarketData MarketData, IInstrumentProvider Instruments)
{
    /// <summary>One adapter object that implements all four ports.</summary>
    public static VenueConnection Of<T>(T adapter) where T : IExecutionClient, IExecutionReports, IMarketData, IInstrumentProvider =>
        new(((IExecutionClient)adapter).Venue, adapter, adapter, adapter, adapter);
}
