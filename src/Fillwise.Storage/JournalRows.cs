using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage;

/// <summary>
/// Turns records into the exact column values the writer binds, in the order of the writer's SQL.
/// Runs on the caller's thread, so the single writer only binds and steps: formatting work spreads
/// over every core instead of queuing behind the commit.
/// </summary>
internal static class JournalRows
{
    // The columns each row fills, in the order of the values below (recorded_at and seq are the journal's own).
    public static readonly string[] IntentColumns =
        ["client_order_id", "instrument", "side", "quantity", "limit_price", "purpose", "strategy", "reason", "metadata_json", "created_at", "position_id"];
    public static readonly string[] OrderEventColumns =
        ["client_order_id", "venue_order_id", "kind", "payload_json", "at", "resolves_intent", "finishes_order"];
    public static readonly string[] FillColumns =
        ["trade_id", "client_order_id", "venue_order_id", "instrument", "side", "quantity", "price", "commission", "is_taker", "at"];
    public static readonly string[] PositionColumns =
        ["position_id", "instrument", "side", "entry_order_id", "requested_quantity", "stop_loss", "take_profit", "strategy", "reason", "opened_at"];
    public static readonly string[] ExitColumns =
        ["position_id", "order_id", "quantity", "price", "gross_pnl", "fees", "realized_pnl", "at", "reason"];
    public static readonly string[] MetadataColumns = ["owner_kind", "owner_id", "key", "value_json"];
    public static readonly string[] EngineEventColumns = ["kind", "payload_json", "at"];

    /// <summary>Columns holding a yes/no flag: 0/1 integers in SQLite, booleans in PostgreSQL and archives.</summary>
    public static bool IsFlag(string column) => column is "resolves_intent" or "finishes_order" or "is_taker";

    public static object?[] Intent(JournalIntent intent) =>
    [
        intent.ClientOrderId.Value,
        intent.Instrument.ToString(),
        intent.Side.ToWire(),
        intent.Quantity.ToString(),
        intent.LimitPrice.ToString(),
        intent.Purpose.ToWire(),
        intent.Strategy,
        intent.Reason,
        intent.MetadataJson,
        JournalText.Time(intent.CreatedAt),
        intent.PositionId?.Value,
    ];

    public static object?[] OrderEvent(JournalOrderEvent orderEvent) =>
    [
        orderEvent.ClientOrderId.Value,
        orderEvent.VenueOrderId?.Value,
        orderEvent.Kind,
        orderEvent.PayloadJson,
        JournalText.Time(orderEvent.At),
        orderEvent.ResolvesIntent ? 1L : 0L,
        orderEvent.FinishesOrder ? 1L : 0L,
    ];

    public static object?[] Fill(JournalFill fill) =>
    [
        fill.TradeId.Value,
        fill.ClientOrderId?.Value,
        fill.VenueOrderId?.Value,
        fill.Instrument.ToString(),
        fill.Side.ToWire(),
        fill.Quantity.ToString(),
        fill.Price.ToString(),
        JournalText.Money(fill.Commission),
        fill.IsTaker ? 1L : 0L,
        JournalText.Time(fill.At),
    ];

    public static object?[] Position(JournalPosition position) =>
    [
        position.PositionId.Value,
        position.Instrument.ToString(),
        JournalText.Side(position.Side),
        position.EntryOrderId?.Value,
        position.RequestedQuantity.ToString(),
        position.StopLoss?.ToString(),
        position.TakeProfit?.ToString(),
        position.Strategy,
        position.Reason,
        JournalText.Time(position.OpenedAt),
    ];

    public static object?[] Exit(JournalExit exit) =>
    [
        exit.PositionId.Value,
        exit.OrderId?.Value,
        exit.Quantity.ToString(),
        exit.Price.ToString(),
        JournalText.Money(exit.GrossPnl),
        JournalText.Money(exit.Fees),
        JournalText.Money(exit.RealizedPnl),
        JournalText.Time(exit.At),
        exit.Reason.ToWire(),
    ];

    public static object?[] Metadata(MetadataOwner owner, string key, string valueJson) => [owner.Kind, owner.Id, key, valueJson];

    public static object?[] EngineEvent(JournalEngineEvent engineEvent) =>
        [engineEvent.Kind, engineEvent.PayloadJson, JournalText.Time(engineEvent.At)];
}
