using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Control;

/// <summary>
/// Builds the JSON documents of CONTRACTS.md §3 from an engine snapshot: money, prices and
/// quantities as exact strings in each instrument's precision. Kalshi positions keep the contract's
/// fields (ticker, side yes|no, contracts, and V2 bid|ask for orders); every position and order
/// also names its instrument. Unknown values are null, never made up.
/// </summary>
public static class StateDocument
{
    public static JsonObject Build(EngineSnapshot s, string mode, string primaryVenue, Func<InstrumentId, Instrument?> instruments)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(instruments);
        var m = s.Metrics;
        var account = s.Accounts.FirstOrDefault(a => a.Venue == primaryVenue);
        return new JsonObject
        {
            ["mode"] = mode,
            ["trading_state"] = Engine.Risk.TradingStatus.Wire(s.Trading.Mode),
            ["trading_state_reason"] = s.Trading.Reason,
            ["trading_state_since"] = Time(s.Trading.Since),
            ["dry_run"] = false,
            ["balance_dollars"] = account?.Balance?.ToString(),
            ["balance_as_of"] = Time(account?.AsOf),
            ["balance_stale"] = account?.Stale ?? true,
            ["balance_error"] = account?.Error,
            ["accounts"] = new JsonArray(s.Accounts.Select(a => (JsonNode?)new JsonObject
            {
                ["venue"] = a.Venue,
                ["balance"] = a.Balance?.ToString(),
                ["currency"] = a.Currency,
                ["as_of"] = Time(a.AsOf),
                ["stale"] = a.Stale,
                ["error"] = a.Error,
            }).ToArray()),
            ["daily_pnl_dollars"] = (-s.KillSwitch.Day.Loss).ToString(),
            ["daily_realized_pnl_dollars"] = s.KillSwitch.Day.RealizedToday.ToString(),
            ["unrealized_pnl_dollars"] = s.KillSwitch.Day.Unrealized.ToString(),
            ["positions_without_price"] = s.KillSwitch.Day.Unmarked,
            ["positions"] = new JsonArray(s.OpenLots.Select(l => (JsonNode?)Position(l, instruments(l.Instrument), s)).ToArray()),
            ["closed_positions"] = new JsonArray(s.ClosedLots.Select(l => (JsonNode?)Position(l, instruments(l.Instrument), s)).ToArray()),
            ["open_orders"] = new JsonArray(s.OpenOrders.Select(o => (JsonNode?)Order(o, instruments(o.Instrument))).ToArray()),
            ["kill_switch"] = KillSwitch(s.KillSwitch),
            ["risk"] = Risk(s),
            ["alerts"] = new JsonObject
            {
                ["sinks"] = new JsonArray(s.Alerts.Sinks.Select(n => (JsonNode?)n).ToArray()),
                ["sent"] = s.Alerts.Sent,
                ["failed"] = s.Alerts.Failed,
                ["dropped"] = s.Alerts.Dropped,
            },
            ["reconciliation"] = new JsonArray(s.Reconciliation.Select(r => (JsonNode?)new JsonObject
            {
                ["venue"] = r.Venue,
                ["trigger"] = r.Trigger,
                ["at"] = Time(r.Started),
                ["clean"] = r.Clean,
                ["discrepancies"] = r.Discrepancies.Count,
                ["blocking"] = r.HasBlocking,
            }).ToArray()),
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
                ["journal_failures"] = s.JournalFailures,
            },
            ["anomalies"] = new JsonArray(s.Anomalies.Take(20).Select(a => (JsonNode?)new JsonObject
            {
                ["kind"] = a.Kind,
                ["detail"] = a.Detail,
                ["time"] = Time(a.Time),
            }).ToArray()),
        };
    }

    public static JsonObject KillSwitch(Engine.Risk.KillSwitchStatus k)
    {
        ArgumentNullException.ThrowIfNull(k);
        return new JsonObject
        {
            ["active"] = k.Tripped,
            ["condition"] = k.Condition is { } c ? Engine.Risk.KillSwitchStatus.Wire(c) : null,
            ["reason"] = k.Reason,
            ["since"] = Time(k.At),
            ["day"] = k.Day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["day_started"] = Time(k.Day.Started),
            ["daily_loss_dollars"] = k.Day.Loss.ToString(),
            ["equity_dollars"] = k.Day.Equity?.ToString(),
            ["peak_equity_dollars"] = k.Day.PeakEquity?.ToString(),
            ["losing_positions_in_a_row"] = k.Day.LosingInARow,
            ["consecutive_api_errors"] = k.ConsecutiveApiErrors,
        };
    }

    private static JsonObject Risk(EngineSnapshot s) => new()
    {
        ["open_orders"] = s.Exposure.OpenOrders,
        ["open_positions"] = s.Exposure.OpenPositions,
        ["contracts_by_market"] = new JsonObject(s.Exposure.ContractsByMarket.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key.ToString(), Count(kv.Value)))),
        ["limits"] = new JsonObject
        {
            ["max_open_orders"] = s.Limits.MaxOpenOrders,
            ["max_positions"] = s.Limits.MaxPositions,
            ["max_contracts_per_market"] = Count(s.Limits.MaxContractsPerMarket),
            ["max_order_cost_percent_of_balance"] = s.Limits.MaxOrderCostPercentOfBalance.ToString(CultureInfo.InvariantCulture),
            ["max_price_deviation_percent"] = s.Limits.MaxPriceDeviationPercent.ToString(CultureInfo.InvariantCulture),
        },
    };

    public static JsonObject Position(LotView p, Instrument? instrument, EngineSnapshot? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        var kalshi = KalshiInstruments.TryParse(p.Instrument, out var ticker, out var outcome);
        var status = snapshot?.InstrumentStatuses.GetValueOrDefault(p.Instrument);
        return new JsonObject
        {
            ["position_id"] = p.Id.Value,
            ["instrument"] = p.Instrument.ToString(),
            ["ticker"] = kalshi ? ticker.Value : instrument?.Market ?? p.Instrument.Symbol,
            ["side"] = kalshi ? outcome.ToWire() : p.Side == PositionSide.Long ? "long" : "short",
            ["contracts"] = Quantity(p.Quantity, instrument, kalshi),
            ["avg_entry_price_dollars"] = p.AverageEntryPrice is { } avg ? Money.Round(avg.Value).ToString() : null,
            ["realized_pnl_dollars"] = p.RealizedPnl.ToString(),
            ["fees_paid_dollars"] = p.FeesPaid.ToString(),
            ["stop_loss_dollars"] = PriceText(p.StopLoss, instrument, kalshi),
            ["take_profit_dollars"] = PriceText(p.TakeProfit, instrument, kalshi),
            ["closing"] = p.Closing,
            ["entry_order_id"] = p.EntryOrderId?.Value,
            ["requested_contracts"] = p.RequestedQuantity is { } q ? Quantity(q, instrument, kalshi) : null,
            ["strategy"] = p.Strategy,
            ["reason"] = p.Reason,
            ["market_status"] = status is null ? null : status.Phase == Domain.Venues.InstrumentPhase.Determined ? "determined, awaiting payout" : status.VenueStatus,
            ["opened_at"] = Time(p.OpenedAt),
            ["closed_at"] = Time(p.ClosedAt),
            ["exits"] = new JsonArray(p.Exits.Select(e => (JsonNode?)new JsonObject
            {
                ["order_id"] = e.OrderId?.Value,
                ["kind"] = e.Kind == ExitKind.Settlement ? "settlement" : "sale",
                ["reason"] = e.Reason.ToWire(),
                ["count"] = Quantity(e.Quantity, instrument, kalshi),
                ["price_dollars"] = Money.Round(e.Price.Value).ToString(),
                ["gross_pnl_dollars"] = e.GrossPnl.ToString(),
                ["fees_dollars"] = e.Fees.ToString(),
                ["realized_pnl_dollars"] = e.RealizedPnl.ToString(),
                ["time"] = Time(e.Time),
            }).ToArray()),
        };
    }

    public static JsonObject Order(OrderView o, Instrument? instrument)
    {
        var kalshi = KalshiInstruments.TryParse(o.Instrument, out var ticker, out var outcome);
        var doc = new JsonObject
        {
            ["order_id"] = o.VenueOrderId?.Value,
            ["client_order_id"] = o.ClientOrderId.Value,
            ["instrument"] = o.Instrument.ToString(),
            ["ticker"] = kalshi ? ticker.Value : instrument?.Market ?? o.Instrument.Symbol,
            ["action"] = o.Side.ToWire(),
            ["side"] = o.Side.ToWire(),
            ["price_dollars"] = PriceText(o.LimitPrice, instrument, kalshi),
            ["count"] = Quantity(o.Quantity, instrument, kalshi),
            ["fill_count"] = Quantity(o.Filled, instrument, kalshi),
            ["remaining_count"] = Quantity(o.Remaining, instrument, kalshi),
            ["purpose"] = o.Purpose.ToWire(),
            ["status"] = o.Status.ToString().ToLowerInvariant(),
            ["outcome_unknown"] = o.IsOutcomeUnknown,
            ["position_id"] = o.PositionId?.Value,
        };
        if (kalshi && KalshiInstruments.TryContractPrice(o.LimitPrice, out var price, out _))
        {
            // The contract's V2 view of a Kalshi order: book side and yes-leg price.
            var (bookSide, yes) = KalshiInstruments.Direction(outcome, o.Side).ToV2(price);
            doc["side"] = bookSide.ToWire();
            doc["outcome"] = outcome.ToWire();
            doc["price_dollars"] = yes.ToString();
        }
        return doc;
    }

    /// <param name="instrument">The order's instrument when known: counts in its own precision ("0.500" ZEC); else Kalshi's 2 decimals.</param>
    public static JsonObject Outcome(ConfirmationResult r, PositionId? positionId = null, string? error = null, Instrument? instrument = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        string Amount(Quantity q) => instrument is null ? Count(q) : Quantity(q, instrument, instrument.Kind == InstrumentKind.EventContract);
        return new JsonObject
        {
            ["outcome"] = r.Outcome.ToString().ToLowerInvariant(),
            ["client_order_id"] = r.ClientOrderId.Value,
            ["order_id"] = r.OrderId?.Value,
            ["position_id"] = positionId?.Value,
            ["requested"] = Amount(r.Requested),
            ["filled"] = Amount(r.Filled),
            ["avg_fill_price_dollars"] = r.AverageFillPrice is { } avg ? Money.Round(avg.Value).ToString() : null,
            ["slippage_dollars"] = r.Slippage is { } s ? Money.Round(s).ToString() : null,
            ["fees_dollars"] = r.Commissions.ToString(),
            ["rejection"] = r.Rejection?.Reason.ToString(),
            ["error"] = error ?? r.Error,
        };
    }

    /// <summary>A count with at least Kalshi's 2 decimals ("50.00"), more when the quantity has them.</summary>
    private static string Count(Quantity q) => q.ToString(Math.Max(2, FixedPoint.DecimalPlaces(q.Value)));

    private static string Quantity(Quantity q, Instrument? instrument, bool kalshi) =>
        instrument is not null && FixedPoint.DecimalPlaces(q.Value) <= instrument.QuantityDecimals ? instrument.FormatQuantity(q)
        : kalshi && FixedPoint.DecimalPlaces(q.Value) <= 2 ? q.ToString(2)
        : q.ToString();

    private static string? PriceText(Price? p, Instrument? instrument, bool kalshi) => p switch
    {
        null => null,
        { } v when kalshi && FixedPoint.DecimalPlaces(v.Value) <= 4 => v.ToString(4),
        { } v when instrument is not null && FixedPoint.DecimalPlaces(v.Value) <= instrument.PriceDecimals => instrument.FormatPrice(v),
        { } v => v.ToString(),
    };

    private static string? Time(DateTimeOffset? t) => t?.ToString("O", CultureInfo.InvariantCulture);
}
