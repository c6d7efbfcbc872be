using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Fillwise.Storage;

/// <summary>
/// The writer's statements, prepared once on the write connection and reused for every append:
/// a batch of thousands costs binds and steps, not parses. Hot inserts go through SQLite's own
/// statement API (bind by position, step, reset), which skips the per-execution overhead of an
/// ADO.NET command; the rare duplicate look-ups use ordinary commands. Writer task only.
/// </summary>
internal sealed class WriterStatements : IDisposable
{
    private const int SqliteConstraint = 19;

    private readonly RawStatement _intent;
    private readonly RawStatement _orderEvent;
    private readonly RawStatement _fill;
    private readonly RawStatement _position;
    private readonly RawStatement _exit;
    private readonly RawStatement _close;
    private readonly RawStatement _metadata;
    private readonly RawStatement _engineEvent;
    private readonly SqliteCommand _storedFill;
    private readonly SqliteCommand _positionClosedAt;
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;
    private string _recordedAt = string.Empty;

    public WriterStatements(SqliteConnection connection)
    {
        _connection = connection;
        var db = connection.Handle ?? throw new InvalidOperationException("the write connection is not open");
        // Each INSERT lists its values in JournalRows order, with recorded_at last (bound per batch).
        _intent = new RawStatement(db, Insert("order_intents", JournalRows.IntentColumns) + " ON CONFLICT (client_order_id) DO NOTHING RETURNING seq;");
        _orderEvent = new RawStatement(db, Insert("order_events", JournalRows.OrderEventColumns) + " RETURNING seq;");
        _fill = new RawStatement(db, Insert("fills", JournalRows.FillColumns) + " ON CONFLICT (trade_id) DO NOTHING RETURNING seq;");
        _position = new RawStatement(db, Insert("positions", JournalRows.PositionColumns) + " ON CONFLICT (position_id) DO NOTHING RETURNING seq;");
        _exit = new RawStatement(db, Insert("position_exits", JournalRows.ExitColumns) + " RETURNING seq;");
        _close = new RawStatement(db, """
            UPDATE positions SET closed_at = ?2 WHERE position_id = ?1 AND closed_at IS NULL;
            """);
        _metadata = new RawStatement(db, Insert("strategy_metadata", JournalRows.MetadataColumns) + " RETURNING seq;");
        _engineEvent = new RawStatement(db, Insert("engine_events", JournalRows.EngineEventColumns) + " RETURNING seq;");
        _storedFill = connection.CreateCommand();
        _storedFill.CommandText = """
            SELECT seq, client_order_id, venue_order_id, instrument, side, quantity, price, commission, is_taker, at
            FROM fills WHERE trade_id = $trade_id;
            """;
        _positionClosedAt = connection.CreateCommand();
        _positionClosedAt.CommandText = "SELECT closed_at FROM positions WHERE position_id = $position_id;";
    }

    private static string Insert(string table, string[] columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}, recorded_at) VALUES ({string.Join(", ", Enumerable.Repeat("?", columns.Length + 1))})";

    /// <summary>Binds the ADO commands to this batch's transaction and sets its recorded_at stamp.</summary>
    public void Begin(SqliteTransaction transaction, string recordedAt)
    {
        _recordedAt = recordedAt;
        _transaction = transaction;
        _storedFill.Transaction = transaction;
        _positionClosedAt.Transaction = transaction;
    }

    public long AppendIntent(object?[] row, ClientOrderId clientOrderId) =>
        _intent.InsertReturningSeq(row, _recordedAt) ?? throw new DuplicateClientOrderIdException(clientOrderId.Value);

    public long AppendOrderEvent(object?[] row, ClientOrderId clientOrderId)
    {
        try
        {
            return _orderEvent.InsertReturningSeq(row, _recordedAt) ?? throw new JournalWriteException("order event insert returned no sequence");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new JournalConstraintException(
                $"no intent is journaled for client order id '{clientOrderId}': journal the intent before any event of its order", e);
        }
    }

    public FillAppendResult AppendFill(object?[] row, JournalFill fill)
    {
        if (_fill.InsertReturningSeq(row, _recordedAt) is { } seq)
            return new FillAppendResult(FillAppendOutcome.Appended, seq, MatchesStored: true);

        // Already recorded: report it, and say whether the venue now tells a different story.
        _storedFill.Parameters.Clear();
        _storedFill.Parameters.AddWithValue("$trade_id", fill.TradeId.Value);
        using var reader = _storedFill.ExecuteReader();
        if (!reader.Read())
            throw new JournalWriteException($"fill {fill.TradeId} conflicted but is not stored");
        var stored = new StoredRow(new DbRowSource(reader, "fills"));
        return new FillAppendResult(FillAppendOutcome.Duplicate, stored.Sequence, MatchesStored: stored.Fill(fill.TradeId) == fill);
    }

    public long OpenPosition(object?[] row, JournalPosition position)
    {
        try
        {
            return _position.InsertReturningSeq(row, _recordedAt)
                ?? throw new JournalConstraintException($"position '{position.PositionId}' is already journaled");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new JournalConstraintException(
                $"position '{position.PositionId}' names entry order '{position.EntryOrderId}', for which no intent is journaled", e);
        }
    }

    public long AppendExit(object?[] row, PositionId positionId)
    {
        try
        {
            return _exit.InsertReturningSeq(row, _recordedAt) ?? throw new JournalWriteException("exit insert returned no sequence");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new JournalConstraintException($"no position '{positionId}' is journaled for this exit", e);
        }
    }

    public bool ClosePosition(PositionId positionId, string closedAt)
    {
        if (_close.Update([positionId.Value, closedAt]) == 1)
            return true;
        _positionClosedAt.Parameters.Clear();
        _positionClosedAt.Parameters.AddWithValue("$position_id", positionId.Value);
        var closed = _positionClosedAt.ExecuteScalar();
        throw closed is null
            ? new JournalConstraintException($"no position '{positionId}' is journaled")
            : new JournalConstraintException($"position '{positionId}' is already closed (at {closed})");
    }

    public long SetMetadata(object?[] row) =>
        _metadata.InsertReturningSeq(row, _recordedAt) ?? throw new JournalWriteException("metadata insert returned no sequence");

    public long AppendEngineEvent(object?[] row) =>
        _engineEvent.InsertReturningSeq(row, _recordedAt) ?? throw new JournalWriteException("engine event insert returned no sequence");

    /// <summary>Reads a setting of the write connection itself (tests check durability settings with it).</summary>
    public string ReadPragma(string name)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_]+$"))
            throw new ArgumentException($"'{name}' is not a pragma name", nameof(name));
        using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    public void Dispose()
    {
        foreach (var statement in new[] { _intent, _orderEvent, _fill, _position, _exit, _close, _metadata, _engineEvent })
            statement.Dispose();
        _storedFill.Dispose();
        _positionClosedAt.Dispose();
    }

    /// <summary>A statement prepared once; each use binds by position, steps, and resets.</summary>
    private sealed class RawStatement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private readonly int _parameterCount;

        public RawStatement(sqlite3 db, string sql)
        {
            _db = db;
            var rc = raw.sqlite3_prepare_v2(db, sql, out _statement);
            if (rc != raw.SQLITE_OK)
                throw Error(rc);
            _parameterCount = raw.sqlite3_bind_parameter_count(_statement);
        }

        /// <summary>The RETURNING seq of the inserted row, or null when ON CONFLICT DO NOTHING skipped it.</summary>
        public long? InsertReturningSeq(object?[] row, string recordedAt)
        {
            if (row.Length + 1 != _parameterCount)
                throw new InvalidOperationException($"statement takes {_parameterCount} values, got {row.Length} + recorded_at");
            try
            {
                for (var i = 0; i < row.Length; i++)
                    Bind(i + 1, row[i]);
                Bind(_parameterCount, recordedAt);
                var rc = raw.sqlite3_step(_statement);
                if (rc == raw.SQLITE_DONE)
                    return null;
                if (rc != raw.SQLITE_ROW)
                    throw Error(rc);
                var seq = raw.sqlite3_column_int64(_statement, 0);
                rc = raw.sqlite3_step(_statement);
                return rc == raw.SQLITE_DONE ? seq : throw Error(rc);
            }
            finally
            {
                raw.sqlite3_reset(_statement);
                raw.sqlite3_clear_bindings(_statement);
            }
        }

        /// <summary>Runs an UPDATE; returns the number of rows it changed.</summary>
        public int Update(object?[] values)
        {
            if (values.Length != _parameterCount)
                throw new InvalidOperationException($"statement takes {_parameterCount} values, got {values.Length}");
            try
            {
                for (var i = 0; i < values.Length; i++)
                    Bind(i + 1, values[i]);
                var rc = raw.sqlite3_step(_statement);
                return rc == raw.SQLITE_DONE ? raw.sqlite3_changes(_db) : throw Error(rc);
            }
            finally
            {
                raw.sqlite3_reset(_statement);
                raw.sqlite3_clear_bindings(_statement);
            }
        }

        private void Bind(int index, object? value)
        {
            var rc = value switch
            {
                null => raw.sqlite3_bind_null(_statement, index),
                string text => raw.sqlite3_bind_text(_statement, index, text),
                long number => raw.sqlite3_bind_int64(_statement, index, number),
                _ => throw new InvalidOperationException($"cannot bind a {value.GetType().Name}"),
            };
            if (rc != raw.SQLITE_OK)
                throw Error(rc);
        }

        /// <summary>The same exception Microsoft.Data.Sqlite would raise, so callers handle one kind.</summary>
        private SqliteException Error(int rc) =>
            new(raw.sqlite3_errmsg(_db).utf8_to_string() ?? $"SQLite error {rc}", rc, raw.sqlite3_extended_errcode(_db));

        public void Dispose() => _statement.Dispose();
    }
}
