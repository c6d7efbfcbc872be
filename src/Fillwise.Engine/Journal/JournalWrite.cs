using Fillwise.Domain.Values;

namespace Fillwise.Engine.Journal;

/// <summary>
/// One record of a group that must reach the journal together (<see cref="IJournal.AppendTogetherAsync"/>):
/// a fill's order event, the fill, and the position rows it moves. A crash between them would leave
/// an order that knows a trade the fills table lacks, or a fill no position accounts for.
/// </summary>
public abstract record JournalWrite
{
    private JournalWrite()
    {
    }

    public sealed record OrderEvent(JournalOrderEvent Record) : JournalWrite;

    public sealed record Fill(JournalFill Record) : JournalWrite;

    public sealed record OpenPosition(JournalPosition Record) : JournalWrite;

    public sealed record Exit(JournalExit Record) : JournalWrite;

    public sealed record ClosePosition(PositionId PositionId, DateTimeOffset ClosedAt) : JournalWrite;

    public sealed record EngineEvent(JournalEngineEvent Record) : JournalWrite;

    public sealed record Metadata(MetadataOwner Owner, string Key, string ValueJson) : JournalWrite;

    /// <summary>Runs this record as its single append on <paramref name="journal"/> (journals without a native group use it inside their own transaction).</summary>
    public Task ApplyAsync(IJournal journal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return this switch
        {
            OrderEvent e => journal.AppendOrderEventAsync(e.Record, cancellationToken),
            Fill f => journal.AppendFillAsync(f.Record, cancellationToken),
            OpenPosition p => journal.OpenPositionAsync(p.Record, cancellationToken),
            Exit x => journal.AppendExitAsync(x.Record, cancellationToken),
            ClosePosition c => journal.ClosePositionAsync(c.PositionId, c.ClosedAt, cancellationToken),
            EngineEvent v => journal.AppendEngineEventAsync(v.Record, cancellationToken),
            Metadata m => journal.SetMetadataAsync(m.Owner, m.Key, m.ValueJson, cancellationToken),
            _ => throw new InvalidOperationException($"unknown journal write {GetType().Name}"),
        };
    }
}
