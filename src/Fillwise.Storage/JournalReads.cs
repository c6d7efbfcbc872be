using System.Data.Common;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Orders;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage;

/// <summary>
/// The journal's reads, in SQL both databases run as written (@name parameters, TRUE for a flag),
/// over connections the journal hands out. Reads that span tables run in one snapshot.
/// </summary>
internal sealed class JournalReads(
    Func<CancellationToken, Task<DbConnection>> openReader,
    Func<DbConnection, CancellationToken, Task<DbTransaction>> beginSnapshot)
{
    private const string IntentColumns =
        "seq, client_order_id, instrument, side, quantity, limit_price, purpose, strategy, reason, metadata_json, created_at, position_id, recorded_at";
    private const string FillColumns =
        "seq, trade_id, client_order_id, venue_order_id, instrument, side, quantity, price, commission, is_taker, at, recorded_at";
    private const string PositionColumns =
        "seq, position_id, instrument, side, entry_order_id, requested_quantity, stop_loss, take_profit, strategy, reason, opened_at, closed_at, recorded_at";
    private const string ExitColumns =
        "seq, position_id, order_id, quantity, price, gross_pnl, fees, realized_pnl, at, reason, recorded_at";
    private const string EventColumns =
        "seq, client_order_id, venue_order_id, kind, payload_json, at, resolves_intent, finishes_order, recorded_at";

    public async Task<JournalEntry<JournalIntent>?> GetIntentAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {IntentColumns} FROM order_intents WHERE client_order_id = @id;",
            p => p.Add("@id", clientOrderId.Value), "order_intents", r => r.Entry(r.Intent()), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<JournalEntry<JournalIntent>>> GetUnresolvedIntentsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"""
            SELECT {IntentColumns} FROM order_intents i
            WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.client_order_id = i.client_order_id AND e.resolves_intent = TRUE)
            ORDER BY seq;
            """, null, "order_intents", r => r.Entry(r.Intent()), cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalOrderEvent>>> GetOrderEventsAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) =>
        QueryAsync($"""
            SELECT {EventColumns}
            FROM order_events WHERE client_order_id = @id ORDER BY seq;
            """, p => p.Add("@id", clientOrderId.Value), "order_events", r => r.Entry(r.OrderEvent()), cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByOrderAsync(ClientOrderId clientOrderId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {FillColumns} FROM fills WHERE client_order_id = @id ORDER BY seq;",
            p => p.Add("@id", clientOrderId.Value), "fills", r => r.Entry(r.Fill()), cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsByVenueOrderAsync(VenueOrderId venueOrderId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {FillColumns} FROM fills WHERE venue_order_id = @id ORDER BY seq;",
            p => p.Add("@id", venueOrderId.Value), "fills", r => r.Entry(r.Fill()), cancellationToken);

    public Task<IReadOnlyList<JournalEntry<JournalFill>>> GetFillsAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync($"SELECT {FillColumns} FROM fills WHERE seq > @after ORDER BY seq LIMIT @limit;",
            p =>
            {
                p.Add("@after", afterSequence);
                p.Add("@limit", limit);
            }, "fills", r => r.Entry(r.Fill()), cancellationToken);
    }

    public async Task<JournalPositionState?> GetPositionAsync(PositionId positionId, CancellationToken cancellationToken = default)
    {
        var states = await ReadPositionsAsync($"SELECT {PositionColumns} FROM positions WHERE position_id = @id;",
            $"SELECT {ExitColumns} FROM position_exits WHERE position_id = @id ORDER BY seq;",
            p => p.Add("@id", positionId.Value), cancellationToken).ConfigureAwait(false);
        return states.Count == 0 ? null : states[0];
    }

    public Task<IReadOnlyList<JournalPositionState>> GetOpenPositionsAsync(CancellationToken cancellationToken = default) =>
        ReadPositionsAsync($"SELECT {PositionColumns} FROM positions WHERE closed_at IS NULL ORDER BY seq;",
            $"""
            SELECT {ExitColumns} FROM position_exits
            WHERE position_id IN (SELECT position_id FROM positions WHERE closed_at IS NULL) ORDER BY seq;
            """, null, cancellationToken);

    public Task<IReadOnlyList<JournalLotFill>> GetOpenPositionFillsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"""
            SELECT i.position_id AS lot_id, i.purpose AS lot_purpose, i.reason AS lot_reason, {string.Join(", ", FillColumns.Split(", ").Select(c => "f." + c))}
            FROM fills f JOIN order_intents i ON i.client_order_id = f.client_order_id
            WHERE i.position_id IN (SELECT position_id FROM positions WHERE closed_at IS NULL)
            ORDER BY f.seq;
            """, null, "fills", r => new JournalLotFill(r.Id("lot_id", v => new PositionId(v)),
                OrderSideText.TryParsePurpose(r.Text("lot_purpose"), out var purpose) ? purpose : throw new JournalCorruptException($"journal intent purpose '{r.Text("lot_purpose")}' is unknown"),
                r.Text("lot_reason"), r.Entry(r.Fill())), cancellationToken);

    public async Task<IReadOnlyList<JournalOrderState>> GetUnfinishedOrdersAsync(CancellationToken cancellationToken = default)
    {
        // One snapshot for both reads: the intents still open and every event of theirs.
        await using var connection = await openReader(cancellationToken).ConfigureAwait(false);
        await using var transaction = await beginSnapshot(connection, cancellationToken).ConfigureAwait(false);
        const string Unfinished = """
            SELECT client_order_id FROM order_intents i
            WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.client_order_id = i.client_order_id AND e.finishes_order = TRUE)
            """;
        var intents = await QueryAsync(connection, transaction, $"SELECT {IntentColumns} FROM order_intents WHERE client_order_id IN ({Unfinished}) ORDER BY seq;",
            null, "order_intents", r => r.Entry(r.Intent()), cancellationToken).ConfigureAwait(false);
        var events = await QueryAsync(connection, transaction, $"SELECT {EventColumns} FROM order_events WHERE client_order_id IN ({Unfinished}) ORDER BY seq;",
            null, "order_events", r => r.Entry(r.OrderEvent()), cancellationToken).ConfigureAwait(false);
        var byOrder = events.ToLookup(e => e.Record.ClientOrderId);
        return intents.Select(i => new JournalOrderState(i, byOrder[i.Record.ClientOrderId].ToList())).ToList();
    }

    public async Task<IReadOnlySet<TradeId>> GetKnownTradeIdsAsync(IReadOnlyCollection<TradeId> tradeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tradeIds);
        var known = new HashSet<TradeId>();
        if (tradeIds.Count == 0)
            return known;
        await using var connection = await openReader(cancellationToken).ConfigureAwait(false);
        // In chunks, each a parameter list: both databases take far more than 500 parameters.
        foreach (var chunk in tradeIds.Chunk(500))
        {
            var names = chunk.Select((_, i) => "@t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var rows = await QueryAsync(connection, null, $"SELECT seq, trade_id FROM fills WHERE trade_id IN ({string.Join(", ", names)});",
                p =>
                {
                    for (var i = 0; i < chunk.Length; i++)
                        p.Add(names[i], chunk[i].Value);
                }, "fills", r => r.Id("trade_id", v => new TradeId(v)), cancellationToken).ConfigureAwait(false);
            known.UnionWith(rows);
        }
        return known;
    }

    public async Task<IReadOnlyDictionary<InstrumentId, (Money Gross, Money Fees)>> GetRealizedByInstrumentAsync(CancellationToken cancellationToken = default)
    {
        // Summed here, exactly, from the stored text: SQLite would sum TEXT as floating point, PostgreSQL would refuse.
        var rows = await QueryAsync("""
            SELECT e.seq AS seq, p.instrument AS instrument, e.gross_pnl AS gross_pnl, e.fees AS fees
            FROM position_exits e JOIN positions p ON p.position_id = e.position_id;
            """, null, "position_exits", r => (Instrument: r.Instrument("instrument"), Gross: r.Money("gross_pnl"), Fees: r.Money("fees")), cancellationToken).ConfigureAwait(false);
        var sums = new Dictionary<InstrumentId, (Money Gross, Money Fees)>();
        foreach (var (instrument, gross, fees) in rows)
        {
            var (g, f) = sums.GetValueOrDefault(instrument, (Money.Zero, Money.Zero));
            sums[instrument] = (g + gross, f + fees);
        }
        return sums;
    }

    public async Task<IReadOnlyDictionary<string, string>> GetMetadataAsync(MetadataOwner owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner.Id, nameof(owner));
        // Latest value per key; the earlier ones stay in the table as history.
        var rows = await QueryAsync("""
            SELECT m.seq, m.key, m.value_json FROM strategy_metadata m
            WHERE m.owner_kind = @kind AND m.owner_id = @id
              AND m.seq = (SELECT max(seq) FROM strategy_metadata l
                           WHERE l.owner_kind = m.owner_kind AND l.owner_id = m.owner_id AND l.key = m.key)
            ORDER BY m.key;
            """, p =>
            {
                p.Add("@kind", owner.Kind);
                p.Add("@id", owner.Id);
            }, "strategy_metadata", r => KeyValuePair.Create(r.Text("key"), r.Text("value_json")), cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, string>(rows, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<JournalEntry<JournalEngineEvent>>> GetRecentEngineEventsAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var newestFirst = await QueryAsync("SELECT seq, kind, payload_json, at, recorded_at FROM engine_events ORDER BY seq DESC LIMIT @count;",
            p => p.Add("@count", count), "engine_events", r => r.Entry(r.EngineEvent()), cancellationToken).ConfigureAwait(false);
        return newestFirst.Reverse().ToList();
    }

    private async Task<IReadOnlyList<JournalPositionState>> ReadPositionsAsync(
        string positionSql, string exitSql, Action<Parameters>? bind, CancellationToken cancellationToken)
    {
        // One connection, one read transaction: positions and their exits come from the same snapshot.
        await using var connection = await openReader(cancellationToken).ConfigureAwait(false);
        await using var transaction = await beginSnapshot(connection, cancellationToken).ConfigureAwait(false);
        var positions = await QueryAsync(connection, transaction, positionSql, bind, "positions",
            r => (Sequence: r.Sequence, Position: r.Position(), ClosedAt: r.NullableTime("closed_at")), cancellationToken).ConfigureAwait(false);
        var exits = await QueryAsync(connection, transaction, exitSql, bind, "position_exits", r => r.Entry(r.Exit()), cancellationToken).ConfigureAwait(false);
        var exitsByPosition = exits.ToLookup(e => e.Record.PositionId);
        return positions
            .Select(p => new JournalPositionState(p.Sequence, p.Position, p.ClosedAt, exitsByPosition[p.Position.PositionId].ToList()))
            .ToList();
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(
        string sql, Action<Parameters>? bind, string table, Func<StoredRow, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await openReader(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(connection, null, sql, bind, table, map, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(
        DbConnection connection, DbTransaction? transaction, string sql, Action<Parameters>? bind, string table, Func<StoredRow, T> map,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind?.Invoke(new Parameters(command));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        var source = new DbRowSource(reader, table);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows.Add(map(new StoredRow(source)));
        return rows;
    }

    /// <summary>Named parameters on any provider's command.</summary>
    private readonly struct Parameters(DbCommand command)
    {
        public void Add(string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}
