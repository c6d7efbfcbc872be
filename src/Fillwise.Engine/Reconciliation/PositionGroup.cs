using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;

namespace Fillwise.Engine.Reconciliation;

/// <summary>
/// The instruments whose positions a venue nets: one instrument, or the two outcomes of a binary
/// market (a unit of each pays 1 together, so Kalshi reports one signed position per market). Each
/// lot and each venue position counts +1 per unit when it is long the primary instrument (or short
/// its complement), -1 when it is long the complement (or short the primary).
/// </summary>
internal sealed class PositionGroup(InstrumentId primary, InstrumentId? complement)
{
    public InstrumentId Primary { get; } = primary;

    public InstrumentId? ComplementId { get; } = complement;

    public IEnumerable<InstrumentId> Members => ComplementId is { } c ? [Primary, c] : [Primary];

    /// <summary>The group's key: the member that sorts first, so both outcomes find the same group.</summary>
    // Ordered as "venue:symbol" strings are, without building them (this runs on every order through the gate).
    public static InstrumentId KeyOf(InstrumentId id, InstrumentId? complement) =>
        complement is { } c && (c.Venue == id.Venue ? string.CompareOrdinal(c.Symbol, id.Symbol) : string.CompareOrdinal(c.Venue, id.Venue)) < 0 ? c : id;

    public bool Contains(InstrumentId id) => id == Primary || id == ComplementId;

    private int Sign(InstrumentId instrument, PositionSide side) =>
        (instrument == Primary ? 1 : -1) * (side == PositionSide.Long ? 1 : -1);

    public int SignOf(TrackedLot lot) => Sign(lot.Instrument, lot.Side);

    public int SignOf(PositionReport position) => Sign(position.Instrument, position.Side);

    /// <summary>The engine's net in this group, as counted by <see cref="Count(TrackedLot)"/> in one pass.</summary>
    public decimal HeldHere { get; private set; }

    /// <summary>The venue's net in this group, as counted by <see cref="Count(PositionReport)"/> in one pass.</summary>
    public decimal HeldOnVenue { get; private set; }

    public void Count(TrackedLot lot) => HeldHere += SignOf(lot) * lot.Quantity.Value;

    public void Count(PositionReport position) => HeldOnVenue += SignOf(position) * position.Quantity.Value;

    /// <summary>The primary's status when the venue has settled (paid) it, whatever it paid (both outcomes settle together), else null.</summary>
    public async Task<InstrumentStatus?> SettledStatusAsync(VenueRegistry venues, CancellationToken ct)
    {
        try
        {
            var status = await venues.For(Primary).Instruments.GetStatusAsync(Primary, ct);
            return status is { Phase: InstrumentPhase.Settled } ? status : null;
        }
        catch (VenueException)
        {
            return null;
        }
    }

    /// <summary>A net as a person reads it: "50 of kalshi:KX:yes", "2.332 short aster:ZECUSDT", "nothing".</summary>
    public string Text(decimal net)
    {
        if (net == 0m) return "nothing";
        var amount = Math.Abs(net).ToString("0.############", System.Globalization.CultureInfo.InvariantCulture);
        if (net > 0m) return $"{amount} of {Primary}";
        return ComplementId is { } c ? $"{amount} of {c}" : $"{amount} short {Primary}";
    }
}
