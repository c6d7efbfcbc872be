using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage;

/// <summary>
/// What every journal refuses before an append reaches its writer: bad input fails its caller at
/// once with an <see cref="ArgumentException"/>, never as a database error inside a batch.
/// </summary>
internal static class AppendChecks
{
    public static void Intent(JournalIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        JournalText.RequireText(intent.Strategy, nameof(intent.Strategy));
        ArgumentNullException.ThrowIfNull(intent.Reason, nameof(intent.Reason));
        JournalText.RequireJson(intent.MetadataJson, nameof(intent.MetadataJson));
        RequireSet(intent.ClientOrderId.Value, nameof(intent.ClientOrderId));
        RequireSet(intent.Instrument.Venue, nameof(intent.Instrument));
        if (intent.Quantity.IsZero)
            throw new ArgumentException($"intent {intent.ClientOrderId} has a zero quantity", nameof(intent));
    }

    public static void OrderEvent(JournalOrderEvent orderEvent)
    {
        ArgumentNullException.ThrowIfNull(orderEvent);
        RequireSet(orderEvent.ClientOrderId.Value, nameof(orderEvent.ClientOrderId));
        JournalText.RequireText(orderEvent.Kind, nameof(orderEvent.Kind));
        JournalText.RequireJson(orderEvent.PayloadJson, nameof(orderEvent.PayloadJson));
    }

    public static void Fill(JournalFill fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        RequireSet(fill.TradeId.Value, nameof(fill.TradeId));
        RequireSet(fill.Instrument.Venue, nameof(fill.Instrument));
        if (fill.ClientOrderId is { Value: null } || fill.VenueOrderId is { Value: null })
            throw new ArgumentException($"fill {fill.TradeId} carries an order id that is not set", nameof(fill));
        if (fill.ClientOrderId is null && fill.VenueOrderId is null)
            throw new ArgumentException($"fill {fill.TradeId} names no order: give its client or venue order id", nameof(fill));
        if (fill.Quantity.IsZero)
            throw new ArgumentException($"fill {fill.TradeId} has a zero quantity", nameof(fill));
    }

    public static void Position(JournalPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        RequireSet(position.PositionId.Value, nameof(position.PositionId));
        RequireSet(position.Instrument.Venue, nameof(position.Instrument));
        JournalText.RequireText(position.Strategy, nameof(position.Strategy));
        ArgumentNullException.ThrowIfNull(position.Reason, nameof(position.Reason));
    }

    public static void Exit(JournalExit exit)
    {
        ArgumentNullException.ThrowIfNull(exit);
        RequireSet(exit.PositionId.Value, nameof(exit.PositionId));
        if (exit.Quantity.IsZero)
            throw new ArgumentException($"exit of position {exit.PositionId} has a zero quantity", nameof(exit));
    }

    public static void Close(PositionId positionId) => RequireSet(positionId.Value, nameof(positionId));

    public static void Metadata(MetadataOwner owner, string key, string valueJson)
    {
        RequireSet(owner.Id, nameof(owner));
        JournalText.RequireText(key, nameof(key));
        JournalText.RequireJson(valueJson, nameof(valueJson));
    }

    public static void EngineEvent(JournalEngineEvent engineEvent)
    {
        ArgumentNullException.ThrowIfNull(engineEvent);
        JournalText.RequireText(engineEvent.Kind, nameof(engineEvent.Kind));
        JournalText.RequireJson(engineEvent.PayloadJson, nameof(engineEvent.PayloadJson));
    }

    /// <summary>A default(ClientOrderId) and friends carry a null value: refuse it here, not as a NOT NULL failure in the writer.</summary>
    private static void RequireSet(string? value, string what)
    {
        if (value is null)
            throw new ArgumentException($"{what} is not set", what);
    }
}
