using System.Collections.Concurrent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Venues;

namespace Fillwise.Engine.Venues;

/// <summary>
/// The venues the engine trades on (Kalshi, Aster, Lighter ...), each through its four ports, and
/// the instruments it has learned from them. An instrument id names its venue, so every command and
/// query finds its venue here; a venue that is not configured is an error that names it.
/// </summary>
public sealed class VenueRegistry
{
    private readonly Dictionary<string, VenueConnection> _venues;
    private readonly ConcurrentDictionary<InstrumentId, Instrument> _instruments = new();
    private readonly ConcurrentDictionary<string, byte> _resyncing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<InstrumentId, string> _closed = new();

    public VenueRegistry(IEnumerable<VenueConnection> venues)
    {
        ArgumentNullException.ThrowIfNull(venues);
        _venues = new Dictionary<string, VenueConnection>(StringComparer.Ordinal);
        foreach (var v in venues)
        {
            if (!_venues.TryAdd(v.Name, v)) throw new ArgumentException($"venue '{v.Name}' is configured twice", nameof(venues));
        }
    }

    public IReadOnlyCollection<VenueConnection> All => _venues.Values;

    public VenueConnection this[string venue] =>
        _venues.TryGetValue(venue, out var v) ? v : throw new InvalidOperationException($"no venue '{venue}' is configured (configured: {string.Join(", ", _venues.Keys)})");

    public VenueConnection For(InstrumentId instrument) => this[instrument.Venue];

    public bool Has(string venue) => _venues.ContainsKey(venue);

    /// <summary>The instrument's rules, asked of its venue once and then kept; null when the venue does not know it.</summary>
    public async Task<Instrument?> GetInstrumentAsync(InstrumentId id, CancellationToken cancellationToken)
    {
        if (_instruments.TryGetValue(id, out var known)) return known;
        var instrument = await For(id).Instruments.GetInstrumentAsync(id, cancellationToken).ConfigureAwait(false);
        if (instrument is not null) _instruments[id] = instrument;
        return instrument;
    }

    /// <summary>An instrument already learned, without asking the venue.</summary>
    public Instrument? KnownInstrument(InstrumentId id) => _instruments.GetValueOrDefault(id);

    /// <summary>While a venue's stream is being caught up over REST, nothing decides on its stale picture.</summary>
    public bool IsResyncing(string venue) => _resyncing.ContainsKey(venue);

    /// <summary>Why new orders on this instrument are skipped (the venue refused one as closed), or null.</summary>
    public string? ClosedReason(InstrumentId id) => _closed.IsEmpty ? null : _closed.GetValueOrDefault(id);

    /// <summary>The venue said the market is closed: later entries on it are skipped, not sent to be refused again.</summary>
    internal void MarkClosed(InstrumentId id, string reason)
    {
        _closed[id] = reason;
        if (_instruments.TryGetValue(id, out var instrument) && instrument.Complement is { } complement) _closed[complement] = reason;
    }

    internal void MarkResyncing(string venue, bool resyncing)
    {
        if (resyncing) _resyncing[venue] = 0;
        else _resyncing.TryRemove(venue, out _);
    }
}
