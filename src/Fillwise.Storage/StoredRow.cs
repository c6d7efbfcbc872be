using Fillwise.Domain;
using Fillwise.Domain.Values;
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

    public ContractPrice ContractPrice(string column) =>
        Fillwise.Domain.Values.ContractPrice.TryParse(Text(column), out var price, out var error) ? price : throw Corrupt(column, error);

    public ContractPrice? NullablePrice(string column) => NullableText(column) is null ? null : ContractPrice(column);

    public ExitPrice ExitPrice(string column) =>
        Storage.ExitPrice.TryParse(Text(column), out var price, out var error) ? price : throw Corrupt(column, error);

    public Contracts Contracts(string column) =>
        Fillwise.Domain.Values.Contracts.TryParse(Text(column), out var count, out var error) ? count : throw Corrupt(column, error);

    public Money Money(string column) =>
        Fillwise.Domain.Values.Money.TryParse(Text(column), out var money, out var error) ? money : throw Corrupt(column, error);

    public OutcomeSide Side(string column) =>
        DirectionText.TryParseOutcomeSide(Text(column), out var side) ? side : throw Corrupt(column, $"'{Text(column)}' is not yes or no");

    public TradeAction Action(string column) =>
        DirectionText.TryParseAction(Text(column), out var action) ? action : throw Corrupt(column, $"'{Text(column)}' is not buy or sell");

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
        Id("ticker", v => new MarketTicker(v)),
        Side("side"),
        Action("action"),
        Contracts("count"),
        ContractPrice("limit_price"),
        JournalText.TryParsePurpose(Text("purpose"), out var purpose) ? purpose : throw Corrupt("purpose", $"'{Text("purpose")}' is not a purpose"),
        Text("strategy"),
        Text("reason"),
        Text("metadata_json"),
        Time("created_at"));

    public JournalOrderEvent OrderEvent() => new(
        Id("client_order_id", v => new ClientOrderId(v)),
        NullableId("venue_order_id", v => new VenueOrderId(v)),
        Text("kind"),
        Text("payload_json"),
        Time("at"),
        Flag("resolves_intent"));

    public JournalFill Fill(TradeId tradeId) => new(
        tradeId,
        NullableId("client_order_id", v => new ClientOrderId(v)),
        NullableId("venue_order_id", v => new VenueOrderId(v)),
        Id("ticker", v => new MarketTicker(v)),
        Side("side"),
        Action("action"),
        Contracts("count"),
        ContractPrice("price"),
        Money("fee"),
        Flag("is_taker"),
        Time("at"));

    public JournalFill Fill() => Fill(Id("trade_id", v => new TradeId(v)));

    public JournalPosition Position() => new(
        Id("position_id", v => new PositionId(v)),
        Id("ticker", v => new MarketTicker(v)),
        Side("side"),
        NullableId("entry_order_id", v => new ClientOrderId(v)),
        Contracts("requested_count"),
        NullablePrice("stop_loss"),
        NullablePrice("take_profit"),
        Time("opened_at"));

    public JournalExit Exit() => new(
        Id("position_id", v => new PositionId(v)),
        NullableId("order_id", v => new ClientOrderId(v)),
        Contracts("count"),
        ExitPrice("price"),
        Money("gross_pnl"),
        Money("fees"),
        Money("realized_pnl"),
        Time("at"),
        JournalText.TryParseExit(Text("kind"), out var kind) ? kind : throw Corrupt("kind", $"'{Text("kind")}' is not an exit kind"));

    public JournalEngineEvent EngineEvent() => new(Text("kind"), Text("payload_json"), Time("at"));

    public JournalEntry<T> Entry<T>(T record) => new(Sequence, Time("recorded_at"), record);

    private JournalCorruptException Corrupt(string column, string why)
    {
        var ordinal = reader.GetOrdinal("seq");
        var seq = reader.IsDBNull(ordinal) ? "?" : reader.GetInt64(ordinal).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new JournalCorruptException($"journal table {table}, row seq {seq}, column {column}: {why}");
    }
}
