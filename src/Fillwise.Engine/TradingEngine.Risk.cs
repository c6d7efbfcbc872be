using System.Globalization;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Alerts;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Risk;

namespace Fillwise.Engine;

/// <summary>The engine's risk side: exposure for the gate, the kill switch, alerts, the sweep, and the event stream, wired once.</summary>
public sealed partial class TradingEngine
{
    /// <summary>Open orders, positions and contracts per market, as the pre-trade gate reads them.</summary>
    public ExposureBook Exposure { get; }

    public KillSwitch KillSwitch { get; }

    public AlertDispatcher Alerts { get; }

    /// <summary>Cancels every resting order of the account (kill switch, `cleanup`, POST /cleanup).</summary>
    public RestingOrderSweep Sweep { get; }

    /// <summary>Every order, fill, position, trading state, reconciliation, alert and kill-switch change, for live readers.</summary>
    public EngineEventHub Events { get; } = new();

    private static readonly HashSet<string> AlertedAnomalies =
        [Engine.Anomalies.JournalWriteFailed, Engine.Anomalies.OrphanFill, Engine.Anomalies.OrderEventRefused, Engine.Anomalies.FillWithoutPosition];

    private void WireRisk()
    {
        // Nothing new leaves while trading is not active, even an order the gate let through a moment before the halt.
        Confirmation.SendGuard = intent =>
            intent.Purpose == OrderPurpose.Exit || intent.ReduceOnly || Trading.Status is { Mode: TradingMode.Active } ? null
            : $"trading is {TradingStatus.Wire(Trading.Status.Mode)}: {Trading.Status.Reason}";

        Tracker.EventApplied += (order, e) =>
        {
            if (e is OrderRejected rejected)
            {
                KillSwitch.OnRejected(order, rejected);
                if (rejected.Why == RejectionReason.MarketClosed) Venues.MarkClosed(order.Instrument, rejected.Reason);
            }
            Events.Publish(() => new EngineEvent.OrderChanged(OrderView.Of(order, Portfolio.LotOf(order.ClientOrderId)), e.Time));
        };
        Tracker.FillApplied += applied =>
        {
            var fill = applied.Fill;
            Events.Publish(() => new EngineEvent.FillBooked(OrderView.Of(applied.Order, Portfolio.LotOf(applied.Order.ClientOrderId)), fill.TradeId, fill.Quantity,
                fill.Price, fill.Commission, fill.Time));
            if (Options.Alerts.Trades && applied.Order.Purpose is OrderPurpose.Entry or OrderPurpose.Exit or OrderPurpose.Hedge) Alerts.Raise(TradeAlert(applied));
        };
        Portfolio.LotChanged += lot => Events.Publish(() => new EngineEvent.PositionChanged(LotView.Of(lot), Time.GetUtcNow()));
        Trading.Changed += status => Events.Publish(new EngineEvent.TradingStateChanged(status, Time.GetUtcNow()));
        Alerts.Raised += alert => Events.Publish(new EngineEvent.AlertRaised(alert, alert.Time));
        KillSwitch.Changed += status => Events.Publish(new EngineEvent.KillSwitchChanged(status, Time.GetUtcNow()));
        Anomalies.Reported += a =>
        {
            if (AlertedAnomalies.Contains(a.Kind)) Alerts.Raise(new Alert(AlertSeverity.Warning, "anomaly", $"Anomaly: {a.Kind}", [new("Detail", a.Detail)], a.Time));
        };
        Reconciler.Completed += report =>
        {
            Events.Publish(new EngineEvent.ReconciliationCompleted(report, report.Started));
            if (report.Applied && ReconciliationAlert(report) is { } alert) Alerts.Raise(alert);
            // Orphans it could not adopt trip the kill switch at once (the timer would a second later).
            // A report-only pass (the `reconcile` command) changes nothing, the kill switch included.
            if (report.Applied && report.Trigger != "start" && report.HasBlocking) Background(() => KillSwitch.CheckAsync(_lifetime.Token), "kill-switch check after reconciliation");
        };
    }

    private static Alert TradeAlert(AppliedFill applied)
    {
        var o = applied.Order;
        var f = applied.Fill;
        return new Alert(AlertSeverity.Info, "trade", $"{o.Purpose.ToWire()} fill: {o.Side.ToWire()} {f.Quantity} {o.Instrument} at {f.Price}",
        [
            new("Order", o.ClientOrderId.Value),
            new("Filled", $"{o.Filled} of {o.Initial}"),
            new("Fee", f.Commission.ToString()),
        ], f.Time);
    }

    private static Alert? ReconciliationAlert(ReconciliationReport report)
    {
        var notable = report.Discrepancies.Where(d => d.Resolution != Resolution.Deferred).ToList();
        if (notable.Count == 0) return null;
        var orphans = notable.Any(d => d.Kind is DiscrepancyKind.OrphanedOrder or DiscrepancyKind.OrphanedPosition or DiscrepancyKind.ExternalFill);
        var fields = notable.Take(10).Select(d => new KeyValuePair<string, string>(Discrepancy.Wire(d.Kind), $"{d.Instrument}: {d.Detail} -> {Discrepancy.Wire(d.Resolution)}")).ToList();
        if (notable.Count > 10) fields.Add(new("More", (notable.Count - 10).ToString(CultureInfo.InvariantCulture)));
        return new Alert(orphans || report.HasBlocking ? AlertSeverity.Critical : AlertSeverity.Warning, "reconciliation",
            orphans ? $"ORPHANS on {report.Venue} ({report.Trigger} reconciliation)" : $"{report.Venue} reconciliation ({report.Trigger}): {notable.Count} discrepancies",
            fields, report.Started);
    }
}
