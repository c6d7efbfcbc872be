using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;

namespace Fillwise.Engine.Reconciliation;

/// <summary>
/// How reconciliation changes the engine's records, always through the same path as trading: an
/// order is journaled and tracked, its fills applied through the order tracker, so the lots, the
/// journal and a later restart all see the correction. External orders keep the venue's own fills
/// and trade ids; where no fill explains a difference, a synthetic fill with a "recon-" id books it
/// (an adopted position at the venue's own average price, or a write-down at the lot's own entry
/// price, booking no PnL), and is shown as synthetic.
/// </summary>
internal sealed class ReconciliationBooking
{
    public const string SyntheticPrefix = "recon-";

    private readonly OrderTracker _tracker;
    private readonly PortfolioBook _portfolio;
    private readonly JournalRecorder _recorder;
    private readonly TimeProvider _time;

    public ReconciliationBooking(OrderTracker tracker, PortfolioBook portfolio, JournalRecorder recorder, TimeProvider time)
    {
        _tracker = tracker;
        _portfolio = portfolio;
        _recorder = recorder;
        _time = time;
    }

    public static bool IsSynthetic(TradeId tradeId) => tradeId.Value.StartsWith(SyntheticPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Takes in an order that is not ours from one of its fills: tracked as external (its size as the
    /// venue reports it, when it can), linked to a lot it reduces, or opening an adopted lot, and its
    /// fill applied with the venue's trade id.
    /// </summary>
    public async Task AdoptExternalFillAsync(FillReport fill, OrderStatusReport? report, CancellationToken ct)
    {
        if (_tracker.Find(fill.OrderId) is not null)
        {
            _tracker.ForgetOrphan(fill.TradeId);
            _tracker.ApplyVenueFill(fill);
            return;
        }
        var id = new ClientOrderId("ext-" + fill.OrderId.Value);
        var reduces = _portfolio.OpenLots
            .Where(l => l.Instrument == fill.Instrument && l.Lot.ExitSide == fill.Side && l.Quantity >= fill.Quantity)
            .OrderBy(l => l.Lot.OpenedAt)
            .FirstOrDefault();
        PositionId lot;
        if (reduces is not null)
        {
            lot = reduces.Id;
            _portfolio.RegisterExit(id, lot, ExitReason.Reconciliation);
        }
        else
        {
            var side = fill.Side == OrderSide.Buy ? PositionSide.Long : PositionSide.Short;
            lot = _portfolio.RegisterEntry(id, LotPlan.Unplanned(side, $"adopted by reconciliation: venue order {fill.OrderId} is not this engine's") with { Strategy = "external" });
        }
        var size = report is not null && report.Quantity >= fill.Quantity ? report.Quantity : fill.Quantity;
        var intent = new OrderIntent(id, fill.Instrument, fill.Side, size, report?.LimitPrice ?? fill.Price, OrderPurpose.External, "external", fill.Time,
            Reason: "external order adopted by reconciliation", PositionId: lot);
        await _recorder.RecordIntentAsync(intent, ct);
        _tracker.Track(intent.ToOrder());
        _tracker.Apply(id, new OrderSubmitted(fill.Time));
        _tracker.Apply(id, new OrderAccepted(fill.OrderId, fill.Time));
        _tracker.ForgetOrphan(fill.TradeId);
        _tracker.ApplyVenueFill(fill);
    }

    /// <summary>Opens an adopted lot for a position the venue holds and no fill explains, at the venue's own average price.</summary>
    public async Task<PositionId> AdoptPositionAsync(string syntheticId, InstrumentId instrument, PositionSide side, Quantity quantity, Price price, string why, CancellationToken ct)
    {
        var id = new ClientOrderId(syntheticId);
        var lot = _portfolio.RegisterEntry(id, LotPlan.Unplanned(side, why) with { Strategy = "external" });
        var orderSide = side == PositionSide.Long ? OrderSide.Buy : OrderSide.Sell;
        await BookSyntheticAsync(new OrderIntent(id, instrument, orderSide, quantity, price, OrderPurpose.External, "external", _time.GetUtcNow(),
            Reason: why, PositionId: lot), ct);
        return lot;
    }

    /// <summary>Writes a lot down by what the venue no longer holds, at the lot's own entry price (no PnL invented).</summary>
    public async Task WriteDownAsync(string syntheticId, TrackedLot lot, Quantity quantity, string why, CancellationToken ct)
    {
        var id = new ClientOrderId(syntheticId);
        _portfolio.RegisterExit(id, lot.Id, ExitReason.Reconciliation);
        var price = lot.Lot.AverageEntryPrice ?? Price.Zero;
        await BookSyntheticAsync(new OrderIntent(id, lot.Instrument, lot.Lot.ExitSide, quantity, price, OrderPurpose.Exit, lot.Plan.Strategy, _time.GetUtcNow(),
            Reason: ExitReason.Reconciliation.ToWire(), PositionId: lot.Id), ct);
    }

    private async Task BookSyntheticAsync(OrderIntent intent, CancellationToken ct)
    {
        await _recorder.RecordIntentAsync(intent, ct);
        var now = _time.GetUtcNow();
        var id = intent.ClientOrderId;
        _tracker.Track(intent.ToOrder());
        _tracker.Apply(id, new OrderSubmitted(now));
        _tracker.Apply(id, new OrderAccepted(new VenueOrderId(id.Value), now));
        _tracker.Apply(id, new OrderFilled(new TradeId(id.Value), intent.Quantity, intent.LimitPrice, Money.Zero, false, now));
    }

    /// <summary>Deterministic ids for one pass's synthetic orders: venue, pass number, position in the pass.</summary>
    public static string SyntheticId(string venue, long pass, int n) =>
        $"{SyntheticPrefix}{venue}-{pass.ToString(CultureInfo.InvariantCulture)}-{n.ToString(CultureInfo.InvariantCulture)}";
}
