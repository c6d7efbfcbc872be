using Fillwise.Domain.Values;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage;

/// <summary>
/// The writer's prepared statements, one per kind of append, reused across batches so a batch of
/// thousands costs binds and steps, not parses. Used only on the writer task.
/// </summary>
internal sealed class WriterStatements : IDisposable
{
    private const int SqliteConstraint = 19;

    private readonly Statement _intent;
    private readonly Statement _orderEvent;
    private readonly Statement _fill;
    private readonly Statement _storedFill;
    private readonly Statement _position;
    private readonly Statement _exit;
    private readonly Statement _close;
    private readonly Statement _positionClosedAt;
    private readonly Statement _metadata;
    private readonly Statement _engineEvent;
    private readonly List<Statement> _all = [];
    private string _recordedAt = string.Empty;

    public WriterStatements(SqliteConnection connection)
    {
        _intent = Add(connection, """
            INSERT INTO order_intents (client_order_id, ticker, side, action, count, limit_price, purpose, strategy, reason, metadata_json, created_at, recorded_at)
            VALUES ($client_order_id, $ticker, $side, $action, $count, $limit_price, $purpose, $strategy, $reason, $metadata_json, $created_at, $recorded_at)
            ON CONFLICT (client_order_id) DO NOTHING
            RETURNING seq;
            """);
        _orderEvent = Add(connection, """
            INSERT INTO order_events (client_order_id, venue_order_id, kind, payload_json, at, resolves_intent, recorded_at)
            VALUES ($client_order_id, $venue_order_id, $kind, $payload_json, $at, $resolves_intent, $recorded_at)
            RETURNING seq;
            """);
        _fill = Add(connection, """
            INSERT INTO fills (trade_id, client_order_id, venue_order_id, ticker, side, action, count, price, fee, is_taker, at, recorded_at)
            VALUES ($trade_id, $client_order_id, $venue_order_id, $ticker, $side, $action, $count, $price, $fee, $is_taker, $at, $recorded_at)
            ON CONFLICT (trade_id) DO NOTHING
            RETURNING seq;
            """);
        _storedFill = Add(connection, """
            SELECT seq, client_order_id, venue_order_id, ticker, side, action, count, price, fee, is_taker, at
            FROM fills WHERE trade_id = $trade_id;
            """);
        _position = Add(connection, """
            INSERT INTO positions (position_id, ticker, side, entry_order_id, requested_count, stop_loss, take_profit, opened_at, recorded_at)
            VALUES ($position_id, $ticker, $side, $entry_order_id, $requested_count, $stop_loss, $take_profit, $opened_at, $recorded_at)
            ON CONFLICT (position_id) DO NOTHING
            RETURNING seq;
            """);
        _exit = Add(connection, """
            INSERT INTO position_exits (position_id, order_id, count, price, gross_pnl, fees, realized_pnl, at, kind, recorded_at)
            VALUES ($position_id, $order_id, $count, $price, $gross_pnl, $fees, $realized_pnl, $at, $kind, $recorded_at)
            RETURNING seq;
            """);
        _close = Add(connection, """
            UPDATE positions SET closed_at = $closed_at WHERE position_id = $position_id AND closed_at IS NULL;
            """);
        _positionClosedAt = Add(connection, """
            SELECT closed_at FROM positions WHERE position_id = $position_id;
            """);
        _metadata = Add(connection, """
            INSERT INTO strategy_metadata (owner_kind, owner_id, key, value_json, recorded_at)
            VALUES ($owner_kind, $owner_id, $key, $value_json, $recorded_at)
            RETURNING seq;
            """);
        _engineEvent = Add(connection, """
            INSERT INTO engine_events (kind, payload_json, at, recorded_at)
            VALUES ($kind, $payload_json, $at, $recorded_at)
            RETURNING seq;
            """);
    }

    private Statement Add(SqliteConnection connection, string sql)
    {
        var statement = new Statement(connection, sql);
        _all.Add(statement);
        return statement;
    }

    /// <summary>Binds the statements to this batch's transaction and its recorded_at stamp.</summary>
    public void Begin(SqliteTransaction transaction, string recordedAt)
    {
        _recordedAt = recordedAt;
        foreach (var statement in _all)
            statement.Command.Transaction = transaction;
    }

    public long AppendIntent(JournalIntent intent)
    {
        var s = _intent;
        s["$client_order_id"] = intent.ClientOrderId.Value;
        s["$ticker"] = intent.Ticker.Value;
        s["$side"] = intent.Side.ToWire();
        s["$action"] = intent.Action.ToWire();
        s["$count"] = intent.Count.ToString();
        s["$limit_price"] = intent.LimitPrice.ToString();
        s["$purpose"] = JournalText.Purpose(intent.Purpose);
        s["$strategy"] = intent.Strategy;
        s["$reason"] = intent.Reason;
        s["$metadata_json"] = intent.MetadataJson;
        s["$created_at"] = JournalText.Time(intent.CreatedAt);
        s["$recorded_at"] = _recordedAt;
        return s.InsertReturningSeq() ?? throw new DuplicateClientOrderIdException(intent.ClientOrderId.Value);
    }

    public long AppendOrderEvent(JournalOrderEvent orderEvent)
    {
        var s = _orderEvent;
        s["$client_order_id"] = orderEvent.ClientOrderId.Value;
        s["$venue_order_id"] = orderEvent.VenueOrderId?.Value;
        s["$kind"] = orderEvent.Kind;
        s["$payload_json"] = orderEvent.PayloadJson;
        s["$at"] = JournalText.Time(orderEvent.At);
        s["$resolves_intent"] = orderEvent.ResolvesIntent ? 1 : 0;
        s["$recorded_at"] = _recordedAt;
        try
        {
            return s.InsertReturningSeq() ?? throw new JournalWriteException("order event insert returned no sequence");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new JournalConstraintException(
                $"no intent is journaled for client order id '{orderEvent.ClientOrderId}': journal the intent before any event of its order", e);
        }
    }

    public FillAppendResult AppendFill(JournalFill fill)
    {
        var s = _fill;
        s["$trade_id"] = fill.TradeId.Value;
        s["$client_order_id"] = fill.ClientOrderId?.Value;
        s["$venue_order_id"] = fill.VenueOrderId?.Value;
        s["$ticker"] = fill.Ticker.Value;
        s["$side"] = fill.Side.ToWire();
        s["$action"] = fill.Action.ToWire();
        s["$count"] = fill.Count.ToString();
        s["$price"] = fill.Price.ToString();
        s["$fee"] = JournalText.Money(fill.Fee);
        s["$is_taker"] = fill.IsTaker ? 1 : 0;
        s["$at"] = JournalText.Time(fill.At);
        s["$recorded_at"] = _recordedAt;
        if (s.InsertReturningSeq() is { } seq)
            return new FillAppendResult(FillAppendOutcome.Appended, seq, MatchesStored: true);

        // Already recorded: report it, and say whether the venue now tells a different story.
        var stored = _storedFill;
        stored["$trade_id"] = fill.TradeId.Value;
        using var reader = stored.Command.ExecuteReader();
        if (!reader.Read())
            throw new JournalWriteException($"fill {fill.TradeId} conflicted but is not stored");
        var row = new StoredRow(reader, "fills");
        var storedFill = row.Fill(fill.TradeId);
        return new FillAppendResult(FillAppendOutcome.Duplicate, row.Sequence, MatchesStored: storedFill == fill);
    }

    public long OpenPosition(JournalPosition position)
    {
        var s = _position;
        s["$position_id"] = position.PositionId.Value;
        s["$ticker"] = position.Ticker.Value;
        s["$side"] = position.Side.ToWire();
        s["$entry_order_id"] = position.EntryOrderId?.Value;
        s["$requested_count"] = position.RequestedCount.ToString();
        s["$stop_loss"] = position.StopLoss?.ToString();
        s["$take_profit"] = position.TakeProfit?.ToString();
        s["$opened_at"] = JournalText.Time(position.OpenedAt);
        s["$recorded_at"] = _recordedAt;
        try
        {
            return s.InsertReturningSeq()
                ?? throw new JournalConstraintException($"position '{position.PositionId}' is already journaled");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new JournalConstraintException(
                $"position '{position.PositionId}' names entry order '{position.EntryOrderId}', for which no intent is journaled", e);
        }
    }

    public long AppendExit(JournalExit exit)
    {
        var s = _exit;
        s["$position_id"] = exit.PositionId.Value;
        s["$order_id"] = exit.OrderId?.Value;
        s["$count"] = exit.Count.ToString();
        s["$price"] = exit.Price.ToString();
        s["$gross_pnl"] = JournalText.Money(exit.GrossPnl);
        s["$fees"] = JournalText.Money(exit.Fees);
        s["$realized_pnl"] = JournalText.Money(exit.RealizedPnl);
        s["$at"] = JournalText.Time(exit.At);
        s["$kind"] = JournalText.Exit(exit.Kind);
        s["$recorded_at"] = _recordedAt;
        try
        {
            return s.InsertReturningSeq() ?? throw new JournalWriteException("exit insert returned no sequence");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new JournalConstraintException($"no position '{exit.PositionId}' is journaled for this exit", e);
        }
    }

    public bool ClosePosition(PositionId positionId, DateTimeOffset closedAt)
    {
        var s = _close;
        s["$position_id"] = positionId.Value;
        s["$closed_at"] = JournalText.Time(closedAt);
        if (s.Command.ExecuteNonQuery() == 1)
            return true;
        var check = _positionClosedAt;
        check["$position_id"] = positionId.Value;
        var closed = check.Command.ExecuteScalar();
        throw closed is null
            ? new JournalConstraintException($"no position '{positionId}' is journaled")
            : new JournalConstraintException($"position '{positionId}' is already closed (at {closed})");
    }

    public long SetMetadata(MetadataOwner owner, string key, string valueJson)
    {
        var s = _metadata;
        s["$owner_kind"] = owner.Kind;
        s["$owner_id"] = owner.Id;
        s["$key"] = key;
        s["$value_json"] = valueJson;
        s["$recorded_at"] = _recordedAt;
        return s.InsertReturningSeq() ?? throw new JournalWriteException("metadata insert returned no sequence");
    }

    public long AppendEngineEvent(JournalEngineEvent engineEvent)
    {
        var s = _engineEvent;
        s["$kind"] = engineEvent.Kind;
        s["$payload_json"] = engineEvent.PayloadJson;
        s["$at"] = JournalText.Time(engineEvent.At);
        s["$recorded_at"] = _recordedAt;
        return s.InsertReturningSeq() ?? throw new JournalWriteException("engine event insert returned no sequence");
    }

    public void Dispose()
    {
        foreach (var statement in _all)
            statement.Command.Dispose();
    }

    /// <summary>A prepared command whose parameters are created once, from the names in its SQL.</summary>
    private sealed class Statement
    {
        private readonly Dictionary<string, SqliteParameter> _parameters = new(StringComparer.Ordinal);

        public Statement(SqliteConnection connection, string sql)
        {
            Command = connection.CreateCommand();
            Command.CommandText = sql;
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(sql, @"\$[a-z_]+"))
            {
                if (!_parameters.ContainsKey(match.Value))
                    _parameters[match.Value] = Command.Parameters.Add(new SqliteParameter(match.Value, DBNull.Value));
            }
        }

        public SqliteCommand Command { get; }

        public object? this[string name]
        {
            set => _parameters[name].Value = value ?? DBNull.Value;
        }

        /// <summary>The new row's seq, or null when ON CONFLICT DO NOTHING skipped the insert.</summary>
        public long? InsertReturningSeq()
        {
            var value = Command.ExecuteScalar();
            return value is null or DBNull ? null : (long)value;
        }
    }
}
