using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Archive;

/// <summary>
/// One journal row as a backup holds it: which table, its sequence there, the time the journal
/// stamped it, and the record. Every table of the journal has a kind here, so an export followed
/// by an import loses nothing: not the history of metadata values, not when a position closed.
/// </summary>
public abstract record ArchiveEntry(long Sequence, DateTimeOffset RecordedAt)
{
    /// <summary>The journal table the row lives in (the order of <see cref="ArchiveTables.All"/> is the order of an archive).</summary>
    public abstract string Table { get; }
}

public sealed record ArchivedIntent(long Sequence, DateTimeOffset RecordedAt, JournalIntent Intent) : ArchiveEntry(Sequence, RecordedAt)
{
    public override string Table => ArchiveTables.Intents;
}

public sealed record ArchivedOrderEvent(long Sequence, DateTimeOffset RecordedAt, JournalOrderEvent Event) : ArchiveEntry(Sequence, RecordedAt)
{
    public override string Table => ArchiveTables.OrderEvents;
}

public sealed record ArchivedFill(long Sequence, DateTimeOffset RecordedAt, JournalFill Fill) : ArchiveEntry(Sequence, RecordedAt)
{
    public override string Table => ArchiveTables.Fills;
}

/// <summary>A position as opened, and when it closed (null while open).</summary>
public sealed record ArchivedPosition(long Sequence, DateTimeOffset RecordedAt, JournalPosition Position, DateTimeOffset? ClosedAt) : ArchiveEntry(Sequence, RecordedAt)
{
    public override string Table => ArchiveTables.Positions;
}

public sealed record ArchivedExit(long Sequence, DateTimeOffset RecordedAt, JournalExit Exit) : ArchiveEntry(Sequence, RecordedAt)
{
    public override string Table => ArchiveTables.Exits;
}

/// <summary>One value of a metadata key; an archive keeps every value ever set, the latest last.</summary>
public sealed record ArchivedMetadata(long Sequence, DateTimeOffset RecordedAt, MetadataOwner Owner, string Key, string ValueJson) : ArchiveEntry(Sequence, RecordedAt)
{
    public override string Table => ArchiveTables.Metadata;
}

public sealed record ArchivedEngineEvent(long Sequence, DateTimeOffset RecordedAt, JournalEngineEvent Event) : ArchiveEntry(Sequence, RecordedAt)
{
    public override string Table => ArchiveTables.EngineEvents;
}

/// <summary>What an import did.</summary>
public sealed record ArchiveImportReport(long Records, bool SequencesKept);
