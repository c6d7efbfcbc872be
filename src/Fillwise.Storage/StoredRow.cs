using Fillwise.Domain;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using System.Data.Common;

namespace Fillwise.Storage;

/// <summary>Where a row's values come from: a database reader, or one line of an archive.</summary>
internal interface IRowSource
{
    /// <summary>The column's value: a string, a long, a bool, or null for NULL.</summary>
    object? Value(string column);

    /// <summary>The row's sequence, or null when it has none (a NULL or absent seq).</summary>
    long? Sequence { get; }

    /// <summary>Where the row is, for error messages: "journal table fills, row seq 5".</summary>
    string Where { get; }
}

/// <summary>The current row of a database reader; one instance serves a whole query.</summary>
internal sealed class DbRowSource(DbDataReader reader, string table) : IRowSource
{
    public object? Value(string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal);
    }

    public long? Sequence
    {
        get
        {
            var ordinal = reader.GetOrdinal("seq");
            return reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
        }
    }

    public string Where
    {
        get
        {
            var seq = Sequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
            return $"journal table {table}, row seq {seq}";
        }
    }
}

/// <summary>
/// Reads one row back into Domain values with the Domain parsers, from either database or from an
/// archive line. A value that does not parse is reported with where it is and its column: never
/// guessed, never defaulted.
/// </summary>
internal readonly struct StoredRow(IRowSource source)
{
    public long Sequence => source.Sequence ?? throw Corrupt("seq", "is NULL");

    public string Text(string column) =>
        NullableText(column) ?? throw Corrupt(column, "is NULL");

    public string? NullableText(string column) => source.Value(column) switch
    {
        null => null,
        string text => text,
        _ => throw Corrupt(column, "is not text"),
    };

    public bool Flag(string column) => source.Value(column) switch
    {
        // SQLite keeps flags as 0/1 integers (STRICT, CHECKed); PostgreSQL and archives as booleans.
        bool flag => flag,
        long and 0 => false,
        long and 1 => true,
        long other => throw Corrupt(column, $"is {other}, not 0 or 1"),
        null => throw Corrupt(column, "is NULL"),
        _ => throw Corrupt(column, "is not a flag"),
    };

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

    public MetadataOwner MetadataOwner()
    {
        var kind = Text("owner_kind");
        var id = Text("owner_id");
        try
        {
            return kind switch
            {
                "position" => Engine.Journal.MetadataOwner.Position(new PositionId(id)),
                "intent" => Engine.Journal.MetadataOwner.Intent(new ClientOrderId(id)),
                "engine" => Engine.Journal.MetadataOwner.Engine(id),
                _ => throw Corrupt("owner_kind", $"'{kind}' is not position, intent or engine"),
            };
        }
        catch (DomainException e)
        {
            throw Corrupt("owner_id", e.Message);
        }
    }

    public JournalEngineEvent EngineEvent() => new(Text("kind"), Text("payload_json"), Time("at"));

    public JournalEntry<T> Entry<T>(T record) => new(Sequence, Time("recorded_at"), record);

    private JournalCorruptException Corrupt(string column, string why) => new($"{source.Where}, column {column}: {why}");
}
