using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Archive;

/// <summary>
/// The journal's tables as both databases and the archive format share them: names, the columns a
/// row fills, and the conversions between a row and an <see cref="ArchiveEntry"/>. Tables are
/// listed parents first, so an import in this order never meets a reference it has not written.
/// </summary>
internal static class ArchiveTables
{
    public const string Intents = "order_intents";
    public const string OrderEvents = "order_events";
    public const string Fills = "fills";
    public const string Positions = "positions";
    public const string Exits = "position_exits";
    public const string Metadata = "strategy_metadata";
    public const string EngineEvents = "engine_events";

    /// <summary>Every table with its columns (without seq and recorded_at), in archive order.</summary>
    public static IReadOnlyList<(string Table, string[] Columns)> All { get; } =
    [
        (Intents, JournalRows.IntentColumns),
        (OrderEvents, JournalRows.OrderEventColumns),
        (Fills, JournalRows.FillColumns),
        (Positions, [.. JournalRows.PositionColumns, "closed_at"]),
        (Exits, JournalRows.ExitColumns),
        (Metadata, JournalRows.MetadataColumns),
        (EngineEvents, JournalRows.EngineEventColumns),
    ];

    public static int Order(string table)
    {
        for (var i = 0; i < All.Count; i++)
            if (All[i].Table == table) return i;
        return -1;
    }

    public static string[] Columns(string table) => All[Order(table)].Columns;

    /// <summary>The entry's column values in <see cref="Columns"/> order, in the journal's exact text forms (flags as 0/1).</summary>
    public static object?[] Values(ArchiveEntry entry) => entry switch
    {
        ArchivedIntent i => JournalRows.Intent(i.Intent),
        ArchivedOrderEvent e => JournalRows.OrderEvent(e.Event),
        ArchivedFill f => JournalRows.Fill(f.Fill),
        ArchivedPosition p => [.. JournalRows.Position(p.Position), p.ClosedAt is { } closed ? JournalText.Time(closed) : null],
        ArchivedExit x => JournalRows.Exit(x.Exit),
        ArchivedMetadata m => JournalRows.Metadata(m.Owner, m.Key, m.ValueJson),
        ArchivedEngineEvent e => JournalRows.EngineEvent(e.Event),
        _ => throw new ArgumentException($"unknown archive entry {entry.GetType().Name}", nameof(entry)),
    };

    /// <summary>Reads a row of <paramref name="table"/> back into an entry, through the Domain parsers.</summary>
    public static ArchiveEntry Read(string table, StoredRow row)
    {
        var seq = row.Sequence;
        var at = row.Time("recorded_at");
        return table switch
        {
            Intents => new ArchivedIntent(seq, at, row.Intent()),
            OrderEvents => new ArchivedOrderEvent(seq, at, row.OrderEvent()),
            Fills => new ArchivedFill(seq, at, row.Fill()),
            Positions => new ArchivedPosition(seq, at, row.Position(), row.NullableTime("closed_at")),
            Exits => new ArchivedExit(seq, at, row.Exit()),
            Metadata => new ArchivedMetadata(seq, at, row.MetadataOwner(), row.Text("key"), row.Text("value_json")),
            EngineEvents => new ArchivedEngineEvent(seq, at, row.EngineEvent()),
            _ => throw new ArgumentException($"'{table}' is not a journal table", nameof(table)),
        };
    }
}
