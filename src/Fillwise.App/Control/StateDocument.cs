using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;

namespace Fillwise.App.Control;

/// <summary>Builds the JSON documents of CONTRACTS.md §3: money and counts as exact strings.</summary>
public static class StateDocument
{
    public static JsonObject Build(TradingEngine engine, string mode, Money balance)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var m = engine.Metrics.Snapshot();
        var dayStart = new DateTimeOffset(engine.Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        return new JsonObject
        {
            ["mode"] = mode,
            ["trading_state"] = "active",
            ["dry_run"] = false,
            ["balance_dollars"] = balance.ToString(),
            ["daily_pnl_dollars"] = engine.Portfolio.RealizedPnlSince(dayStart).ToString(),
            ["positions"] = new JsonArray(engine.Portfolio.OpenPositions.Select(Position).ToArray<JsonNode?>()),
            ["closed_positions"] = new JsonArray(engine.Portfolio.ClosedPositions.Select(Position).ToArray<JsonNode?>()),
            ["open_orders"] = new JsonArray(engine.Tracker.OpenOrders.Select(o => (JsonNode?)new JsonObject
            {
                ["order_id"] = o.VenueOrderId?.Value,
                ["client_order_id"] = o.ClientOrderId.Value,
                ["ticker"] = o.Ticker.Value,
                ["side"] = o.Direction.BookSide.ToWire(),
                ["price_dollars"] = o.Direction.ToYesPrice(o.LimitPrice).ToString(),
                ["count"] = o.Initial.ToString(),
                ["fill_count"] = o.Filled.ToString(),
                ["remaining_count"] = o.Remaining.ToString(),
                ["purpose"] = o.Purpose.ToString().ToLowerInvariant(),
            }).ToArray()),
            ["kill_switch"] = new JsonObject { ["active"] = false, ["reason"] = null, ["since"] = null },
            ["metrics"] = new JsonObject
            {
                ["entry_orders_placed"] = m.EntryOrdersPlaced,
                ["entry_orders_full_filled"] = m.EntryOrdersFullFilled,
                ["entry_orders_partial_filled"] = m.EntryOrdersPartialFilled,
                ["entry_orders_failed"] = m.EntryOrdersFailed,
                ["exit_orders_placed"] = m.ExitOrdersPlaced,
                ["exit_orders_full_filled"] = m.ExitOrdersFullFilled,
                ["exit_orders_partial_filled"] = m.ExitOrdersPartialFilled,
                ["exit_orders_failed"] = m.ExitOrdersFailed,
                ["consecutive_api_errors"] = m.ConsecutiveApiErrors,
            },
        };
    }

    public static JsonObject Position(TrackedPosition p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var pos = p.Position;
        return new JsonObject
        {
            ["ticker"] = p.Ticker.Value,
            ["side"] = p.Side.ToWire(),
            ["contracts"] = p.Contracts.ToString(),
            ["avg_entry_price_dollars"] = pos.AverageEntryPrice is { } avg ? Money.Round(avg).ToString() : null,
            ["realized_pnl_dollars"] = pos.RealizedPnl.ToString(),
            ["fees_paid_dollars"] = pos.FeesPaid.ToString(),
            ["stop_loss_dollars"] = p.Plan.StopLoss?.ToString(),
            ["take_profit_dollars"] = p.Plan.TakeProfit?.ToString(),
            ["closing"] = p.Closing,
            ["entry_order_id"] = p.EntryOrderId?.Value,
            ["requested_contracts"] = p.Plan.RequestedContracts?.ToString(),
            ["exits"] = new JsonArray(pos.Exits.Select(e => (JsonNode?)new JsonObject
            {
                ["order_id"] = e.OrderId?.Value,
                ["kind"] = e.Kind == Domain.Portfolio.ExitKind.Settlement ? "settlement" : "sale",
                ["count"] = e.Count.ToString(),
                ["price_dollars"] = Money.Round(e.AveragePrice).ToString(),
                ["gross_pnl_dollars"] = e.GrossPnl.ToString(),
                ["fees_dollars"] = e.Fees.ToString(),
                ["realized_pnl_dollars"] = e.RealizedPnl.ToString(),
                ["time"] = e.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            }).ToArray()),
        };
    }

    public static JsonObject Outcome(ConfirmationResult r, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new JsonObject
        {
            ["outcome"] = r.Outcome.ToString().ToLowerInvariant(),
            ["client_order_id"] = r.ClientOrderId.Value,
            ["order_id"] = r.OrderId?.Value,
            ["requested"] = r.Requested.ToString(),
            ["filled"] = r.Filled.ToString(),
            ["avg_fill_price_dollars"] = r.AverageFillPrice is { } avg ? Money.Round(avg).ToString() : null,
            ["slippage_dollars"] = r.Slippage is { } s ? Money.Round(s).ToString() : null,
            ["fees_dollars"] = r.Fees.ToString(),
            ["error"] = error ?? r.Error,
        };
    }
}
