using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Journal;

/// <summary>
/// What we meant to do, journaled before the order request leaves the process (principle 2).
/// <paramref name="MetadataJson"/> is any JSON document the strategy wants back on rebuild
/// (time in force, post-only, which whale we followed); <paramref name="Reason"/> is a human sentence;
/// <paramref name="PositionId"/> is the lot the order opens (entry) or works on (exit).
/// </summary>
public sealed record JournalIntent(
    ClientOrderId ClientOrderId,
    InstrumentId Instrument,
    OrderSide Side,
    Quantity Quantity,
    Price LimitPrice,
    OrderPurpose Purpose,
    string Strategy,
    string Reason,
    string MetadataJson,
    DateTimeOffset CreatedAt,
    PositionId? PositionId = null);

/// <summary>
/// Something that happened to one of our orders (sent, acknowledged, filled, rejected, canceled...).
/// <paramref name="Kind"/> is the event kind (the order aggregate's event names, or NotSent);
/// <paramref name="PayloadJson"/> carries what the event needs to be replayed.
/// <paramref name="ResolvesIntent"/> marks the venue's first answer: the intent's outcome is known
/// (it no longer comes back from <see cref="IJournal.GetUnresolvedIntentsAsync"/>).
/// <paramref name="FinishesOrder"/> marks the order done on the venue (filled, canceled, expired,
/// rejected, denied, never sent): it no longer comes back from <see cref="IJournal.GetUnfinishedOrdersAsync"/>.
/// </summary>
public sealed record JournalOrderEvent(
    ClientOrderId ClientOrderId,
    VenueOrderId? VenueOrderId,
    string Kind,
    string PayloadJson,
    DateTimeOffset At,
    bool ResolvesIntent = false,
    bool FinishesOrder = false);

/// <summary>
/// One execution reported by the venue. A fact: it is recorded even when no intent of ours
/// matches (an external order), so at least one of the two order ids is required.
/// </summary>
public sealed record JournalFill(
    TradeId TradeId,
    ClientOrderId? ClientOrderId,
    VenueOrderId? VenueOrderId,
    InstrumentId Instrument,
    OrderSide Side,
    Quantity Quantity,
    Price Price,
    Money Commission,
    bool IsTaker,
    DateTimeOffset At);

/// <summary>
/// A lot as the strategy opened it: what was requested and the exit plan. Its held size is built
/// from fills, never from <paramref name="RequestedQuantity"/> (principle 5).
/// </summary>
public sealed record JournalPosition(
    PositionId PositionId,
    InstrumentId Instrument,
    PositionSide Side,
    ClientOrderId? EntryOrderId,
    Quantity RequestedQuantity,
    Price? StopLoss,
    Price? TakeProfit,
    string Strategy,
    string Reason,
    DateTimeOffset OpenedAt);

/// <summary>
/// A (partial) exit and the PnL it realized. The venue does not remember how we attribute PnL to
/// partial exits, so the journal must (seeds 000/001). <paramref name="OrderId"/> is null for a
/// settlement, which has no order.
/// </summary>
public sealed record JournalExit(
    PositionId PositionId,
    VenueOrderId? OrderId,
    Quantity Quantity,
    Price Price,
    Money GrossPnl,
    Money Fees,
    Money RealizedPnl,
    DateTimeOffset At,
    ExitReason Reason);

/// <summary>Engine-level happenings: kill-switch trips and resets, reconciliation reports, alerts, anomalies.</summary>
public sealed record JournalEngineEvent(string Kind, string PayloadJson, DateTimeOffset At);

/// <summary>What strategy metadata is attached to: a position, an intent, or the engine itself.</summary>
public readonly record struct MetadataOwner
{
    private MetadataOwner(string kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>"position", "intent" or "engine".</summary>
    public string Kind { get; }

    public string Id { get; }

    public static MetadataOwner Position(PositionId id) => new("position", id.Value);

    public static MetadataOwner Intent(ClientOrderId id) => new("intent", id.Value);

    /// <summary>Engine-wide state kept across restarts (checkpoints, the kill switch, followed whales).</summary>
    public static MetadataOwner Engine(string component) => new("engine", Identifier.Validate(component, "engine component"));

    public override string ToString() => $"{Kind} {Id}";
}

/// <summary>
/// A record as the journal holds it: its append sequence (the order of appends within its table)
/// and the time the journal's clock stamped when it was written.
/// </summary>
public sealed record JournalEntry<T>(long Sequence, DateTimeOffset RecordedAt, T Record);

/// <summary>A position, whether it is closed, and every exit recorded against it, oldest first.</summary>
public sealed record JournalPositionState(
    long Sequence,
    JournalPosition Position,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<JournalEntry<JournalExit>> Exits);

/// <summary>A fill of an order that works on a lot: the lot, why the order was placed (its purpose and reason), and the fill.</summary>
public sealed record JournalLotFill(PositionId PositionId, OrderPurpose Purpose, string Reason, JournalEntry<JournalFill> Fill);

/// <summary>An order not known to be finished: its intent and every event journaled for it, in order.</summary>
public sealed record JournalOrderState(JournalEntry<JournalIntent> Intent, IReadOnlyList<JournalEntry<JournalOrderEvent>> Events);

public enum FillAppendOutcome
{
    Appended,
    Duplicate,
}

/// <summary>
/// The result of appending a fill. A duplicate trade id is normal (WS and REST both deliver fills)
/// and is a no-op; <see cref="MatchesStored"/> is false when the duplicate's content differs from
/// what was recorded first, which the caller should treat as a venue anomaly worth an alert.
/// </summary>
public sealed record FillAppendResult(FillAppendOutcome Outcome, long Sequence, bool MatchesStored)
{
    public bool IsDuplicate => Outcome == FillAppendOutcome.Duplicate;
}
