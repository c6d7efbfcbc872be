using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// Kalshi's account-level safeguards for the kill switch: batched cancels of everything resting, and
/// an order group as the venue-side backstop (every order is sent inside it; the venue cancels the
/// group's orders and refuses new ones when its contracts limit is exceeded in a rolling window, or
/// when we trigger it).
/// </summary>
public sealed partial class KalshiVenueAdapter : IBulkCancel, IVenueBackstop
{
    private volatile string? _orderGroupId;

    public string? BackstopId => _orderGroupId;

    public async Task<CancelAllOutcome> CancelAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await _rest.CancelAllOrdersAsync(ct: cancellationToken);
            return new CancelAllOutcome(result.Canceled, result.AlreadyGone, result.Failed.Select(f => $"order {f.OrderId}: {f.Error?.Message}").ToList());
        }
        catch (KalshiApiException e)
        {
            throw new VenueException(VenueErrorKind.Unknown, "cancel_all_failed", e.Message, e);
        }
    }

    public async Task ArmAsync(Quantity contractsLimit, CancellationToken cancellationToken)
    {
        if (!KalshiInstruments.TryContracts(contractsLimit, out var limit, out var why))
            throw new ArgumentException($"order group limit {contractsLimit} {why}", nameof(contractsLimit));
        try
        {
            _orderGroupId = await _rest.CreateOrderGroupAsync(limit, ct: cancellationToken);
        }
        catch (KalshiApiException e)
        {
            throw new VenueException(VenueErrorKind.Unknown, "order_group_failed", $"could not create the order group: {e.Message}", e);
        }
    }

    public Task TripAsync(CancellationToken cancellationToken) => OnGroupAsync((id, ct) => _rest.TriggerOrderGroupAsync(id, ct), "trigger", cancellationToken);

    public Task ResetAsync(CancellationToken cancellationToken) => OnGroupAsync((id, ct) => _rest.ResetOrderGroupAsync(id, ct), "reset", cancellationToken);

    private async Task OnGroupAsync(Func<string, CancellationToken, Task> action, string what, CancellationToken ct)
    {
        if (_orderGroupId is not { } id) return;
        try
        {
            await action(id, ct);
        }
        catch (KalshiApiException e)
        {
            throw new VenueException(VenueErrorKind.Unknown, "order_group_failed", $"could not {what} order group {id}: {e.Message}", e);
        }
    }
}
