namespace Fillwise.Engine.Journal;

/// <summary>Base of every failure the journal reports on purpose.</summary>
public class JournalException : Exception
{
    public JournalException(string message) : base(message) { }

    public JournalException(string message, Exception? inner) : base(message, inner) { }

    public JournalException() { }
}

/// <summary>
/// The journal could not be opened: locked by another instance (its writer lease is held, and the
/// reason names the holder), not writable, corrupt, not a Fillwise journal, from a newer build, or
/// (PostgreSQL) the database cannot be reached. Nothing in it was changed. <see cref="Path"/> is
/// the file, or for a server database where it is (user, host, port, database, account), never a password.
/// </summary>
public sealed class JournalUnavailableException : JournalException
{
    public JournalUnavailableException(string path, string reason, Exception? inner = null)
        : base($"journal '{path}' is unavailable: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    public JournalUnavailableException() { Path = string.Empty; Reason = string.Empty; }

    public JournalUnavailableException(string message) : base(message) { Path = string.Empty; Reason = message; }

    public JournalUnavailableException(string message, Exception inner) : base(message, inner) { Path = string.Empty; Reason = message; }

    public string Path { get; }

    public string Reason { get; }
}

/// <summary>An intent with this client order id is already journaled: a retry must reuse it, not append anew.</summary>
public sealed class DuplicateClientOrderIdException : JournalException
{
    public DuplicateClientOrderIdException(string clientOrderId)
        : base($"client order id '{clientOrderId}' is already journaled; a retry reuses the journaled intent and its id") =>
        ClientOrderId = clientOrderId;

    public DuplicateClientOrderIdException() { ClientOrderId = string.Empty; }

    public DuplicateClientOrderIdException(string message, Exception inner) : base(message, inner) { ClientOrderId = string.Empty; }

    public string ClientOrderId { get; }
}

/// <summary>The record refers to something the journal does not hold (an unknown intent or position), or breaks a journal rule.</summary>
public sealed class JournalConstraintException : JournalException
{
    public JournalConstraintException(string message) : base(message) { }

    public JournalConstraintException(string message, Exception inner) : base(message, inner) { }

    public JournalConstraintException() { }
}

/// <summary>
/// The transaction holding this append failed to commit: the record is NOT durable, unless
/// <see cref="OutcomeUnknown"/> says the connection broke during the commit itself and the
/// journal could not learn whether the database had committed (a server database only; the next
/// start reads back whatever was written).
/// </summary>
public sealed class JournalWriteException : JournalException
{
    public JournalWriteException(string message, Exception inner) : base(message, inner) { }

    public JournalWriteException(string message, Exception? inner, bool outcomeUnknown) : base(message, inner) => OutcomeUnknown = outcomeUnknown;

    public JournalWriteException(string message) : base(message) { }

    public JournalWriteException() { }

    /// <summary>True when the commit may have happened: treat the record as possibly written (e.g. an intent as possibly sent).</summary>
    public bool OutcomeUnknown { get; }
}

/// <summary>
/// This journal's writer lease is lost (another engine may hold the account now): nothing is
/// written, and nothing will be by this instance again. The engine must stop trading.
/// </summary>
public sealed class WriterLeaseLostException : JournalException
{
    public WriterLeaseLostException(string holder, string reason)
        : base($"the journal's writer lease ({holder}) is lost: {reason}; this engine writes nothing more and must stop trading")
    {
        Holder = holder;
        Reason = reason;
    }

    public WriterLeaseLostException() { Holder = string.Empty; Reason = string.Empty; }

    public WriterLeaseLostException(string message) : base(message) { Holder = string.Empty; Reason = message; }

    public WriterLeaseLostException(string message, Exception inner) : base(message, inner) { Holder = string.Empty; Reason = message; }

    public string Holder { get; }

    public string Reason { get; }
}

/// <summary>A stored value could not be read back (edited by hand, or a bug): never guessed, always reported.</summary>
public sealed class JournalCorruptException : JournalException
{
    public JournalCorruptException(string message) : base(message) { }

    public JournalCorruptException(string message, Exception inner) : base(message, inner) { }

    public JournalCorruptException() { }
}
