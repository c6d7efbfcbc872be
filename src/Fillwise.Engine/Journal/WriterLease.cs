namespace Fillwise.Engine.Journal;

/// <summary>
/// The right to write one account's journal, held by exactly one engine at a time. Two engines
/// trading one account would each believe their own picture of it, so a journal is opened only
/// with its lease, and an engine whose lease is lost must stop trading at once: another engine
/// may already hold it.
/// </summary>
/// <remarks>
/// On SQLite the lease is the data folder's file lock, which the kernel keeps until the journal
/// is closed or the process dies: it is never lost while the engine runs. On PostgreSQL it is a
/// session advisory lock on the journal's own writer connection: a dropped connection or a
/// terminated backend ends it, and the journal notices within its check interval. After a loss
/// every append fails with <see cref="WriterLeaseLostException"/> (a stale writer never writes),
/// while reads still work.
/// </remarks>
public interface IWriterLease
{
    /// <summary>Who holds the lease, as another engine that is refused is told: host, process id and start time.</summary>
    string Holder { get; }

    /// <summary>
    /// Fires once when the lease is lost against our will (connection dropped, backend terminated,
    /// the database unreachable past the check timeout). It never fires on a clean close. A lease
    /// that cannot be lost (SQLite's file lock) returns a token that never fires.
    /// </summary>
    CancellationToken Lost { get; }

    /// <summary>Why the lease was lost; null while it is held.</summary>
    string? LostReason { get; }
}

/// <summary>The lease as journals keep it: held from creation until <see cref="TryMarkLost"/>.</summary>
public sealed class WriterLease : IWriterLease, IDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private string? _lostReason;

    public WriterLease(string holder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        Holder = holder;
    }

    public string Holder { get; }

    public CancellationToken Lost => _lost.Token;

    public string? LostReason => Volatile.Read(ref _lostReason);

    /// <summary>Marks the lease lost (the first reason wins) and fires <see cref="Lost"/>; false when it already was.</summary>
    public bool TryMarkLost(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (Interlocked.CompareExchange(ref _lostReason, reason, null) is not null)
            return false;
        // Listeners run on the thread that noticed the loss; they must not block it for long.
        try
        {
            _lost.Cancel();
        }
        catch (AggregateException)
        {
            // A listener failed: the lease is lost all the same, and the journal must still fence itself.
        }
        return true;
    }

    /// <summary>Throws <see cref="WriterLeaseLostException"/> once the lease is lost: the fence every append passes.</summary>
    public void ThrowIfLost()
    {
        if (LostReason is { } reason)
            throw new WriterLeaseLostException(Holder, reason);
    }

    public void Dispose() => _lost.Dispose();
}
