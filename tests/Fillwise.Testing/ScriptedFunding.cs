using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Testing;

/// <summary>
/// A <see cref="ScriptedVenue"/> that pays funding, as a perp venue does: the payments tests add,
/// the funding total per instrument its positions report, and the schedules its market data gives.
/// </summary>
public sealed class ScriptedFunding(ScriptedVenue venue) : IExecutionReports, IFundingReports, IMarketData
{
    private readonly object _gate = new();
    private readonly List<FundingPaymentReport> _payments = [];

    public ScriptedVenue Venue { get; } = venue;

    string IExecutionReports.Venue => Venue.Venue;

    string IFundingReports.Venue => Venue.Venue;

    string IMarketData.Venue => Venue.Venue;

    /// <summary>The venue as the engine holds it: the scripted venue's ports, with these reports and market data.</summary>
    public VenueConnection Connection => new(Venue.Venue, Venue, this, this, Venue);

    /// <summary>Rate, interval and next settlement per instrument (none: the venue has no funding for it).</summary>
    public Dictionary<InstrumentId, FundingInfo> Schedules { get; } = [];

    /// <summary>When false, positions report no funding total (as Aster's do).</summary>
    public bool ReportsFundingTotals { get; set; } = true;

    /// <summary>Added to the funding total a position reports (a venue whose total disagrees with its own payments list).</summary>
    public Dictionary<InstrumentId, Money> TotalAdjustments { get; } = [];

    /// <summary>How many times the payments were read.</summary>
    public int Reads { get; private set; }

    /// <summary>The venue books a funding settlement.</summary>
    public FundingPaymentReport Pay(string id, InstrumentId instrument, string paid, DateTimeOffset time, decimal? signedPosition = null)
    {
        var payment = new FundingPaymentReport(id, instrument, Money.Parse(paid), time, signedPosition);
        lock (_gate) _payments.Add(payment);
        return payment;
    }

    public Task<IReadOnlyList<FundingPaymentReport>> GetFundingPaymentsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Reads++;
            return Task.FromResult<IReadOnlyList<FundingPaymentReport>>([.. _payments.Where(p => p.Time >= since).OrderBy(p => p.Time)]);
        }
    }

    public async Task<IReadOnlyList<PositionReport>> GetPositionsAsync(CancellationToken cancellationToken)
    {
        var positions = await Venue.GetPositionsAsync(cancellationToken);
        if (!ReportsFundingTotals) return positions;
        lock (_gate)
        {
            return [.. positions.Select(p => p with
            {
                FundingPaid = _payments.Where(f => f.Instrument == p.Instrument).Aggregate(TotalAdjustments.GetValueOrDefault(p.Instrument), (s, f) => s + f.Paid),
            })];
        }
    }

    public Task<FundingInfo> GetFundingAsync(InstrumentId instrument, CancellationToken cancellationToken) =>
        Schedules.TryGetValue(instrument, out var info) ? Task.FromResult(info) : Venue.GetFundingAsync(instrument, cancellationToken);

    public Task<OrderStatusReport> GetOrderAsync(OrderRef order, CancellationToken cancellationToken) => Venue.GetOrderAsync(order, cancellationToken);

    public Task<ResolveOutcome> ResolveAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken) =>
        Venue.ResolveAsync(instrument, clientOrderId, cancellationToken);

    public Task<IReadOnlyList<FillReport>> GetFillsAsync(OrderRef order, CancellationToken cancellationToken) => Venue.GetFillsAsync(order, cancellationToken);

    public Task<IReadOnlyList<FillReport>> GetFillsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) => Venue.GetFillsSinceAsync(since, cancellationToken);

    public Task<IReadOnlyList<OrderStatusReport>> GetOpenOrdersAsync(CancellationToken cancellationToken) => Venue.GetOpenOrdersAsync(cancellationToken);

    public Task<AccountReport> GetAccountAsync(CancellationToken cancellationToken) => Venue.GetAccountAsync(cancellationToken);

    public IAsyncEnumerable<ExecutionEvent> ReadEventsAsync(CancellationToken cancellationToken) => Venue.ReadEventsAsync(cancellationToken);

    public Task WatchAsync(InstrumentId instrument, CancellationToken cancellationToken) => Venue.WatchAsync(instrument, cancellationToken);

    public Quote? GetQuote(InstrumentId instrument) => Venue.GetQuote(instrument);

    public IAsyncEnumerable<TradeTick> ReadTradesAsync(CancellationToken cancellationToken) => Venue.ReadTradesAsync(cancellationToken);
}
