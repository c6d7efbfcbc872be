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
