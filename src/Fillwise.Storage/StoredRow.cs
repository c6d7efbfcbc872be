using Fillwise.Domain;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage;

/// <summary>
/// Reads one row back into Domain values with the Domain parsers. A value that does not parse is
/// reported with its table, row and column: never guessed, never defaulted.
/// </summary>
internal readonly struct StoredRow(SqliteDataReader reader, string table)
{
    public long Sequence => reader.GetInt64(reader.GetOrdinal("seq"));

    public string Text(string column) =>
        NullableText(column) ?? throw Corrupt(column, "is NULL");

    public string? NullableText(string column)
    {
        var ordinal = reader.GetOrdinal(column);
        if (reader.IsDBNull(ordinal))
            return null;
        return reader.GetFieldType(ordinal) == typeof(string)
            ? reader.GetString(ordinal)
            : throw Corrupt(column, "is not text");
    }

    public bool Flag(string column)
    {
        var value = reader.GetInt64(reader.GetOrdinal(column));
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw Corrupt(column, $"is {value}, not 0 or 1"),
        };
    }

    public DateTimeOffset Time(string column) =>
        JournalText.TryParseTime(Text(column), out var time) ? time : throw Corrupt(column, $"'{Text(column)}' is not a journal time");

    public DateTimeOffset? NullableTime(string column) => NullableText(column) is null ? null : Time(column);

    public Price Price(string column) =>
        Fillwise.Domain.Values.Price.TryParse(Text(column), out var price, out var error) ? price : throw Corrupt(column, error);

    public Price? NullablePrice(string column) => NullableText(column) is null ? null : Price(column);

    public Quantity Quantity(string column) =>
        Fillwise.Domain.Values.Quantity.TryParse(Text(column), out var quantity, out var error) ? quantity : throw Corrupt(column, error);

    public Money Money(string column) =>
        Fillwise.Domain.Values.Money.TryParse(Text(column), out var money, out var error) ? money : throw Corrupt(column, error);

    public InstrumentId Instrument(string column) =>
        InstrumentId.TryParse(Text(column), out var id, out var error) ? id : throw Corrupt(column, error);

    public OrderSide Side(string column) =>
        OrderSideText.TryParse(Text(column), out var side) ? side : throw Corrupt(column, $"'{Text(column)}' is not buy or sell");

    public PositionSide PositionSide(string column) =>
        JournalText.TryParseSide(Text(column), out var side) ? side : throw Corrupt(column, $"'{Text(column)}' is not long or short");

    public T Id<T>(string column, Func<string, T> create) => Identifier(Text(column), column, create);

    public T? NullableId<T>(string column, Func<string, T> create) where T : struct =>
        NullableText(column) is { } text ? Identifier(text, column, create) : null;

    private T Identifier<T>(string text, string column, Func<string, T> create)
    {
        try
        {
            return create(text);
        }
        catch (DomainException e)
        {
            throw Corrupt(column, e.Message);
        }
    }

    public JournalIntent Intent() => new(
        Id("client_order_id", v => new ClientOrderId(v)),
        Instrument("instrument"),
        Side("side"),
        Quantity("quantity"),
        Price("limit_price"),
        OrderSideText.TryParsePurpose(Text("purpose"), out var purpose) ? purpose : throw Corrupt("purpose", $"'{Text("purpose")}' is not a purpose"),
        Text("strategy"),
        Text("reason"),
        Text("metadata_json"),
        Time("created_at"),
        NullableId("position_id", v => new PositionId(v)));

    public JournalOrderEvent OrderEvent() => new(
        Id("client_order_id", v => new ClientOrderId(v)),
        NullableId("venue_order_id", v => new VenueOrderId(v)),
        Text("kind"),
        Text("payload_json"),
        Time("at"),
        Flag("resolves_intent"),
        Flag("finishes_order"));

    public JournalFill Fill(TradeId tradeId) => new(
        tradeId,
        NullableId("client_order_id", v => new ClientOrderId(v)),
        NullableId("venue_order_id", v => new VenueOrderId(v)),
        Instrument("instrument"),
        Side("side"),
        Quantity("quantity"),
        Price("price"),
        Money("commission"),
        Flag("is_taker"),
        Time("at"));

    public JournalFill Fill() => Fill(Id("trade_id", v => new TradeId(v)));

    public JournalPosition Position() => new(
        Id("position_id", v => new PositionId(v)),
        Instrument("instrument"),
        PositionSide("side"),
        NullableId("entry_order_id", v => new ClientOrderId(v)),
        Quantity("requested_quantity"),
        NullablePrice("stop_loss"),
        NullablePrice("take_profit"),
        Text("strategy"),
        Text("reason"),
        Time("opened_at"));

    public JournalExit Exit() => new(
        Id("position_id", v => new PositionId(v)),
        NullableId("order_id", v => new VenueOrderId(v)),
        Quantity("quantity"),
        Price("price"),
        Money("gross_pnl"),
        Money("fees"),
        Money("realized_pnl"),
        Time("at"),
        ExitReasonText.TryParse(Text("reason"), out var reason) ? reason : throw Corrupt("reason", $"'{Text("reason")}' is not an exit reason"));

    public JournalEngineEvent EngineEvent() => new(Text("kind"), Text("payload_json"), Time("at"));

    public JournalEntry<T> Entry<T>(T record) => new(Sequence, Time("recorded_at"), record);

    private JournalCorruptException Corrupt(string column, string why)
    {
        var ordinal = reader.GetOrdinal("seq");
        var seq = reader.IsDBNull(ordinal) ? "?" : reader.GetInt64(ordinal).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new JournalCorruptException($"journal table {table}, row seq {seq}, column {column}: {why}");
    }
}
