using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Npgsql;
using NpgsqlTypes;

namespace Fillwise.Storage.Postgres;

/// <summary>
/// One append as PostgreSQL runs it: SQL that never raises for an expected refusal (a duplicate,
/// a missing intent or position) but answers with what happened, so a whole group commit goes to
/// the server as one batch and one refused record never aborts the others' transaction.
/// </summary>
internal sealed record PostgresStatement(string Table, string Sql, NpgsqlDbType[] Types, bool TakesRecordedAt = true)
{
    /// <summary>The command for one append; flags arrive as 0/1 and go out as booleans.</summary>
    public NpgsqlBatchCommand Command(object?[] values, string recordedAt)
    {
        var command = new NpgsqlBatchCommand(Sql);
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i] switch
            {
                null => DBNull.Value,
                long flag when Types[i] == NpgsqlDbType.Boolean => flag != 0,
                var v => v,
            };
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = Types[i], Value = value });
        }
        if (TakesRecordedAt)
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = recordedAt });
        return command;
    }
}

internal static class PostgresStatements
{
    private static NpgsqlDbType[] Types(string[] columns) =>
        [.. columns.Select(c => JournalRows.IsFlag(c) ? NpgsqlDbType.Boolean : NpgsqlDbType.Text)];

    private static string Columns(string[] columns) => string.Join(", ", columns) + ", recorded_at";

    private static string Values(string[] columns) => string.Join(", ", Enumerable.Range(1, columns.Length + 1).Select(i => $"${i}"));

    public static readonly PostgresStatement Intent = new("order_intents",
        $"INSERT INTO order_intents ({Columns(JournalRows.IntentColumns)}) VALUES ({Values(JournalRows.IntentColumns)}) " +
        "ON CONFLICT (client_order_id) DO NOTHING RETURNING seq",
        Types(JournalRows.IntentColumns));

    // Only for a journaled intent: otherwise no row, and the caller is told so.
    public static readonly PostgresStatement OrderEvent = new("order_events",
        $"INSERT INTO order_events ({Columns(JournalRows.OrderEventColumns)}) SELECT {Values(JournalRows.OrderEventColumns)} " +
        "WHERE EXISTS (SELECT 1 FROM order_intents WHERE client_order_id = $1) RETURNING seq",
        Types(JournalRows.OrderEventColumns));

    // One row either way: the new seq, or (a duplicate trade id) the stored fill to compare with.
    // The outer query's snapshot does not see the CTE's insert, so stored columns are NULL for a new fill.
    public static readonly PostgresStatement Fill = new("fills",
        $"WITH ins AS (INSERT INTO fills ({Columns(JournalRows.FillColumns)}) VALUES ({Values(JournalRows.FillColumns)}) " +
        "ON CONFLICT (trade_id) DO NOTHING RETURNING seq) " +
        "SELECT i.seq AS new_seq, f.seq, f.client_order_id, f.venue_order_id, f.instrument, f.side, f.quantity, f.price, f.commission, f.is_taker, f.at " +
        "FROM (SELECT 1) one LEFT JOIN ins i ON true LEFT JOIN fills f ON f.trade_id = $1",
        Types(JournalRows.FillColumns));

    // New position id, and its entry intent journaled (when it names one): seq; else why not.
    public static readonly PostgresStatement Position = new("positions",
        $"WITH ins AS (INSERT INTO positions ({Columns(JournalRows.PositionColumns)}) SELECT {Values(JournalRows.PositionColumns)} " +
        "WHERE $4::text IS NULL OR EXISTS (SELECT 1 FROM order_intents WHERE client_order_id = $4) " +
        "ON CONFLICT (position_id) DO NOTHING RETURNING seq) " +
        "SELECT (SELECT seq FROM ins) AS seq, EXISTS (SELECT 1 FROM positions WHERE position_id = $1) AS existed",
        Types(JournalRows.PositionColumns));

    public static readonly PostgresStatement Exit = new("position_exits",
        $"INSERT INTO position_exits ({Columns(JournalRows.ExitColumns)}) SELECT {Values(JournalRows.ExitColumns)} " +
        "WHERE EXISTS (SELECT 1 FROM positions WHERE position_id = $1) RETURNING seq",
        Types(JournalRows.ExitColumns));

    // Closed once: the update happens only while open; the pre-update snapshot says why not otherwise.
    public static readonly PostgresStatement Close = new("positions",
        "WITH upd AS (UPDATE positions SET closed_at = $2 WHERE position_id = $1 AND closed_at IS NULL RETURNING 1) " +
        "SELECT (SELECT count(*) FROM upd) AS closed, p.position_id IS NOT NULL AS known, p.closed_at " +
        "FROM (SELECT 1) one LEFT JOIN positions p ON p.position_id = $1",
        [NpgsqlDbType.Text, NpgsqlDbType.Text], TakesRecordedAt: false);

    public static readonly PostgresStatement Metadata = new("strategy_metadata",
        $"INSERT INTO strategy_metadata ({Columns(JournalRows.MetadataColumns)}) VALUES ({Values(JournalRows.MetadataColumns)}) RETURNING seq",
        Types(JournalRows.MetadataColumns));

    public static readonly PostgresStatement EngineEvent = new("engine_events",
        $"INSERT INTO engine_events ({Columns(JournalRows.EngineEventColumns)}) VALUES ({Values(JournalRows.EngineEventColumns)}) RETURNING seq",
        Types(JournalRows.EngineEventColumns));

    // Readers of each statement's one-row answer: the result, and the seq of a row it wrote (for an in-doubt commit).

    public static (long, long?) ReadIntent(bool hasRow, NpgsqlDataReader reader, ClientOrderId id) =>
        hasRow ? Seq(reader.GetInt64(0)) : throw new DuplicateClientOrderIdException(id.Value);

    public static (long, long?) ReadOrderEvent(bool hasRow, NpgsqlDataReader reader, ClientOrderId id) =>
        hasRow ? Seq(reader.GetInt64(0))
            : throw new JournalConstraintException($"no intent is journaled for client order id '{id}': journal the intent before any event of its order");

    public static (FillAppendResult, long?) ReadFill(bool hasRow, NpgsqlDataReader reader, JournalFill fill)
    {
        if (!hasRow)
            throw new JournalWriteException($"fill {fill.TradeId} got no answer from its insert");
        if (!reader.IsDBNull(0))
        {
            var seq = reader.GetInt64(0);
            return (new FillAppendResult(FillAppendOutcome.Appended, seq, MatchesStored: true), seq);
        }
        // Already recorded: report it, and say whether the venue now tells a different story.
        var stored = new StoredRow(new DbRowSource(reader, "fills"));
        return (new FillAppendResult(FillAppendOutcome.Duplicate, stored.Sequence, MatchesStored: stored.Fill(fill.TradeId) == fill), null);
    }

    public static (long, long?) ReadPosition(bool hasRow, NpgsqlDataReader reader, JournalPosition position)
    {
        if (hasRow && !reader.IsDBNull(0))
            return Seq(reader.GetInt64(0));
        throw hasRow && reader.GetBoolean(1)
            ? new JournalConstraintException($"position '{position.PositionId}' is already journaled")
            : new JournalConstraintException($"position '{position.PositionId}' names entry order '{position.EntryOrderId}', for which no intent is journaled");
    }

    public static (long, long?) ReadExit(bool hasRow, NpgsqlDataReader reader, PositionId id) =>
        hasRow ? Seq(reader.GetInt64(0)) : throw new JournalConstraintException($"no position '{id}' is journaled for this exit");

    public static (bool, long?) ReadClose(bool hasRow, NpgsqlDataReader reader, PositionId id)
    {
        if (hasRow && reader.GetInt64(0) == 1)
            return (true, null);
        throw !hasRow || !reader.GetBoolean(1)
            ? new JournalConstraintException($"no position '{id}' is journaled")
            : new JournalConstraintException($"position '{id}' is already closed (at {reader.GetString(2)})");
    }

    public static (long, long?) ReadSeq(bool hasRow, NpgsqlDataReader reader, string what) =>
        hasRow ? Seq(reader.GetInt64(0)) : throw new JournalWriteException($"{what} insert returned no sequence");

    private static (long, long?) Seq(long seq) => (seq, seq);
}
