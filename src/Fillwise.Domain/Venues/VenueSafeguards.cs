using Fillwise.Domain.Values;

namespace Fillwise.Domain.Venues;

/// <summary>What a sweep of resting orders did: canceled, already gone, and refused (with the venue's words).</summary>
public sealed record CancelAllOutcome(int Canceled, int AlreadyGone, IReadOnlyList<string> Errors);

/// <summary>
/// A venue that cancels every resting order of the account in bulk (Kalshi's batched cancels):
/// faster than one cancel per order when the kill switch fires. Optional: without it the engine
/// lists open orders and cancels them one by one.
/// </summary>
public interface IBulkCancel
{
    Task<CancelAllOutcome> CancelAllAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A venue-side backstop that stops the account's trading even if the engine misbehaves (Kalshi's
/// order groups: a contracts limit over a rolling window, and a trigger that cancels every order in
/// the group and refuses new ones until reset). Armed at start, tripped by the kill switch, reset
/// only when a person resets the kill switch. Optional.
/// </summary>
public interface IVenueBackstop
{
    /// <summary>Creates (or takes over) the backstop with this limit; every later order is sent inside it.</summary>
    Task ArmAsync(Quantity contractsLimit, CancellationToken cancellationToken);

    /// <summary>Cancels everything inside the backstop and refuses new orders until <see cref="ResetAsync"/>.</summary>
    Task TripAsync(CancellationToken cancellationToken);

    Task ResetAsync(CancellationToken cancellationToken);

    /// <summary>The backstop's id on the venue (shown to people), or null before it is armed.</summary>
    string? BackstopId { get; }
}
