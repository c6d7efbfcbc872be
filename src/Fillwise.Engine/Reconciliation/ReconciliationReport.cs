using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Reconciliation;

/// <summary>Every way the engine's picture can drift from the venue's.</summary>
public enum DiscrepancyKind
{
    /// <summary>Open on the venue, unknown here.</summary>
    OrphanedOrder,
    /// <summary>A create whose outcome was never learned.</summary>
    UnknownOutcome,
    /// <summary>One of our orders in a different state here and there (live here, done there; done here, open there).</summary>
    OrderStateMismatch,
    /// <summary>A fill of one of our orders that the engine had not applied.</summary>
    MissedFill,
    /// <summary>A fill of an order that is not ours (traded behind the engine's back).</summary>
    ExternalFill,
    /// <summary>The venue holds more than the engine's positions account for.</summary>
    OrphanedPosition,
    /// <summary>The engine holds a position the venue no longer has.</summary>
    GhostPosition,
    /// <summary>Both hold a position, of different sizes.</summary>
    SizeMismatch,
    /// <summary>The instrument settled on the venue; the engine had not booked it.</summary>
    SettlementMissed,
    /// <summary>Realized PnL or fees differ from the venue's beyond the tolerance.</summary>
    PnlMismatch,
}

/// <summary>What reconciliation did about a difference.</summary>
public enum Resolution
{
    /// <summary>Local records built from the venue's facts (marked external or synthetic).</summary>
    Adopted,
    /// <summary>The missing fill was applied.</summary>
    BookedFill,
    /// <summary>The order was canceled on the venue.</summary>
    Canceled,
    /// <summary>The engine's record was corrected to the venue's (a ghost closed, a size written down).</summary>
    CorrectedLocally,
    /// <summary>Asked of the venue and settled (an unknown outcome resolved, an order's state read).</summary>
    Resolved,
    /// <summary>Reported and alerted; nothing changed.</summary>
    AlertOnly,
    /// <summary>Left for a later pass (orders in flight on that instrument).</summary>
    Deferred,
    /// <summary>The fix was attempted and failed; it is retried next pass.</summary>
    Failed,
}

public sealed record Discrepancy(DiscrepancyKind Kind, InstrumentId? Instrument, string Detail, Resolution Resolution)
{
    /// <summary>An orphan nobody adopted: at start it keeps trading blocked until a person decides.</summary>
    public bool Blocking => Resolution is Resolution.AlertOnly or Resolution.Failed
        && Kind is DiscrepancyKind.OrphanedOrder or DiscrepancyKind.ExternalFill or DiscrepancyKind.OrphanedPosition;

    public JsonObject ToJson() => new()
    {
        ["kind"] = Wire(Kind),
        ["instrument"] = Instrument?.ToString(),
        ["detail"] = Detail,
        ["resolution"] = Wire(Resolution),
        ["blocking"] = Blocking,
    };

    public static string Wire<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>One pass over one venue: what was read, every difference found and what was done about it.</summary>
public sealed record ReconciliationReport(
    string Venue,
    string Trigger,
    bool Applied,
    DateTimeOffset Started,
    TimeSpan Elapsed,
    int VenueOrders,
    int VenueFills,
    int VenuePositions,
    Money? Balance,
    IReadOnlyList<Discrepancy> Discrepancies)
{
    public bool Clean => Discrepancies.All(d => d.Resolution == Resolution.Deferred);

    public bool HasBlocking => Discrepancies.Any(d => d.Blocking);

    public JsonObject ToJson() => new()
    {
        ["venue"] = Venue,
        ["trigger"] = Trigger,
        ["applied"] = Applied,
        ["started"] = Started.ToString("O", CultureInfo.InvariantCulture),
        ["elapsed_ms"] = (long)Elapsed.TotalMilliseconds,
        ["clean"] = Clean,
        ["blocking"] = HasBlocking,
        ["venue_orders"] = VenueOrders,
        ["venue_fills"] = VenueFills,
        ["venue_positions"] = VenuePositions,
        ["balance"] = Balance?.ToString(),
        ["discrepancies"] = new JsonArray(Discrepancies.Select(d => (JsonNode?)d.ToJson()).ToArray()),
    };
}

public enum OrphanPolicy
{
    /// <summary>Take it in: track the order, book the fill, open a lot for the position (marked external).</summary>
    Adopt,
    /// <summary>Cancel an orphaned order on the venue.</summary>
    Cancel,
    /// <summary>Report and alert only; at start, trading stays blocked until a person allows it.</summary>
    Alert,
}

public sealed record ReconciliationOptions
{
    /// <summary>Periodic passes; a pass also runs at start and after every stream resync.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    public OrphanPolicy OrphanedOrders { get; init; } = OrphanPolicy.Cancel;

    public OrphanPolicy ExternalFills { get; init; } = OrphanPolicy.Adopt;

    public OrphanPolicy OrphanedPositions { get; init; } = OrphanPolicy.Adopt;

    /// <summary>Ghosts and size mismatches: correct the engine's record to the venue's (true), or only alert.</summary>
    public bool CorrectGhosts { get; init; } = true;

    /// <summary>How far before the last checkpoint fills are read again (clock skew, late fills).</summary>
    public TimeSpan FillOverlap { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Realized PnL or fees may differ from the venue's by this much before it is a discrepancy.</summary>
    public Money PnlTolerance { get; init; } = Money.Parse("0.01");

    /// <summary>An instrument with an order changed this recently is left for the next pass (fills may be in flight).</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
