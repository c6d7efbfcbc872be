using Fillwise.Domain.Orders;
using Fillwise.Domain;
using Fillwise.Domain.Values;

namespace Fillwise.Storage;

/// <summary>How part (or all) of a position was closed.</summary>
public enum ExitKind
{
    StopLoss,
    TakeProfit,
    Manual,
    Settlement,
}

/// <summary>
/// Our id for a position. Domain has no position id type yet, so the journal defines one with the
/// same rules as the venue identifiers (non-empty, no whitespace, at most 256 characters).
/// </summary>
public readonly record struct PositionId
{
    public PositionId(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new DomainException("position id is empty");
        if (value.Length > 256)
            throw new DomainException("position id is longer than 256 characters");
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new DomainException($"position id '{value}' contains whitespace or control characters");
        }
        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>
/// The price an exit realized per contract. Unlike <see cref="ContractPrice"/>, which is strictly inside
/// (0, 1), a settlement pays exactly 0 or 1, so this allows the closed range [0, 1] with at most
/// 4 decimals. Domain has no such type yet; it lives here until it does.
/// </summary>
public readonly record struct ExitPrice
{
    private ExitPrice(decimal dollars) => Dollars = dollars;

    public decimal Dollars { get; }

    public static readonly ExitPrice SettledWorthless = new(0m);
    public static readonly ExitPrice SettledInTheMoney = new(1m);

    public static ExitPrice Of(ContractPrice price) => new(price.Dollars);

    public static ExitPrice FromDollars(decimal dollars) =>
        TryFromDollars(dollars, out var price, out var error) ? price : throw new DomainException($"exit price {dollars} {error}");

    public static bool TryFromDollars(decimal dollars, out ExitPrice price, out string error)
    {
        price = default;
        if (dollars < 0m || dollars > 1m)
        {
            error = "is outside [0, 1]";
            return false;
        }
        if (decimal.Round(dollars, ContractPrice.MaxDecimals) != dollars)
        {
            error = $"has more than {ContractPrice.MaxDecimals} decimal places";
            return false;
        }
        price = new ExitPrice(dollars);
        error = string.Empty;
        return true;
    }

    /// <summary>Parses the stored form: a [0, 1] value with at most 4 decimals ("0.4500", "1.0000").</summary>
    public static bool TryParse(string? text, out ExitPrice price, out string error)
    {
        price = default;
        // Money's parser is exact and rejects exponents, signs other than '-', and whitespace.
        if (!Money.TryParse(text, out var money, out error))
            return false;
        return TryFromDollars(money.Dollars, out price, out error);
    }

    public override string ToString() =>
        Dollars.ToString("F" + ContractPrice.MaxDecimals.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What we meant to do, journaled before the order request leaves the process (principle 2).
/// <paramref name="MetadataJson"/> is any JSON document the strategy wants back on rebuild
/// (which whale we followed, signal values); <paramref name="Reason"/> is a human sentence.
/// </summary>
public sealed record JournalIntent(
    ClientOrderId ClientOrderId,
    MarketTicker Ticker,
    OutcomeSide Side,
    TradeAction Action,
    Contracts Count,
    ContractPrice LimitPrice,
    OrderPurpose Purpose,
    string Strategy,
    string Reason,
    string MetadataJson,
    DateTimeOffset CreatedAt);

/// <summary>
/// Something that happened to one of our orders (sent, acknowledged, rejected, timed out, canceled...).
/// <paramref name="ResolvesIntent"/> marks the event after which the intent's outcome is final:
/// such an intent no longer comes back from <see cref="IJournal.GetUnresolvedIntentsAsync"/>.
/// </summary>
public sealed record JournalOrderEvent(
    ClientOrderId ClientOrderId,
    VenueOrderId? VenueOrderId,
    string Kind,
    string PayloadJson,
    DateTimeOffset At,
    bool ResolvesIntent = false);

/// <summary>
/// One execution reported by the venue. A fact: it is recorded even when no intent of ours
/// matches (an external order), so at least one of the two order ids is required.
/// </summary>
public sealed record JournalFill(
    TradeId TradeId,
    ClientOrderId? ClientOrderId,
    VenueOrderId? VenueOrderId,
    MarketTicker Ticker,
    OutcomeSide Side,
    TradeAction Action,
    Contracts Count,
    ContractPrice Price,
    Money Fee,
    bool IsTaker,
    DateTimeOffset At);

/// <summary>
/// A position as the strategy opened it: what was requested and the exit plan. Its held size is
/// built from fills, never from <paramref name="RequestedCount"/> (principle 5).
/// </summary>
public sealed record JournalPosition(
    PositionId PositionId,
    MarketTicker Ticker,
    OutcomeSide Side,
    ClientOrderId? EntryOrderId,
    Contracts RequestedCount,
    ContractPrice? StopLoss,
    ContractPrice? TakeProfit,
    DateTimeOffset OpenedAt);

/// <summary>
/// A (partial) exit and the PnL it realized. The venue does not remember how we attribute PnL to
/// partial exits, so the journal must (seeds 000/001). <paramref name="OrderId"/> is null for a
/// settlement, which has no order.
/// </summary>
public sealed record JournalExit(
    PositionId PositionId,
    ClientOrderId? OrderId,
    Contracts Count,
    ExitPrice Price,
    Money GrossPnl,
    Money Fees,
    Money RealizedPnl,
    DateTimeOffset At,
    ExitKind Kind);

/// <summary>Engine-level happenings: kill-switch trips and resets, reconciliation reports, alerts.</summary>
public sealed record JournalEngineEvent(string Kind, string PayloadJson, DateTimeOffset At);

/// <summary>What strategy metadata is attached to: a position or an intent.</summary>
public readonly record struct MetadataOwner
{
    private MetadataOwner(string kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>"position" or "intent".</summary>
    public string Kind { get; }

    public string Id { get; }

    public static MetadataOwner Position(PositionId id) => new("position", id.Value);

    public static MetadataOwner Intent(ClientOrderId id) => new("intent", id.Value);

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
