using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Venues;

/// <summary>
/// One funding settlement on one of our perpetual positions, as the venue booked it: <see cref="Paid"/>
/// is what the account paid (negative: received). <see cref="PaymentId"/> is the venue's own id,
/// unique on that venue. The position's signed size and the rate are given when the venue says
/// them (Lighter does; Aster's income records do not).
/// </summary>
public sealed record FundingPaymentReport(
    string PaymentId,
    InstrumentId Instrument,
    Money Paid,
    DateTimeOffset Time,
    decimal? SignedPositionQuantity = null,
    FundingRate? Rate = null);

/// <summary>
/// Funding paid and received, for venues of perpetuals (implemented beside
/// <see cref="IExecutionReports"/> by the same adapter; an event-contract venue has none). The
/// rate, interval and next settlement of an instrument come from <see cref="IMarketData.GetFundingAsync"/>.
/// Reads that cannot reach the venue throw <see cref="VenueException"/>.
/// </summary>
public interface IFundingReports
{
    string Venue { get; }

    /// <summary>Every funding settlement on our positions at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<FundingPaymentReport>> GetFundingPaymentsAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
