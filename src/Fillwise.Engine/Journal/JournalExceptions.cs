namespace Fillwise.Engine.Journal;

/// <summary>Base of every failure the journal reports on purpose.</summary>
public class JournalException : Exception
{
    public JournalException(string message) : base(message) { }

    public JournalException(string message, Exception? inner) : base(message, inner) { }

    public JournalException() { }
}

/// <summary>
/// The journal could not be opened: locked by another instance, not writable, corrupt, not a
/// Fillwise journal, or from a newer build. Nothing in the file was changed.
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

/// <summary>The transaction holding this append failed to commit: the record is NOT durable.</summary>
public sealed class JournalWriteException : JournalException
{
    public JournalWriteException(string message, Exception inner) : base(message, inner) { }

    public JournalWriteException(string message) : base(message) { }

    public JournalWriteException() { }
}

/// <summary>A stored value could not be read back (edited by hand, or a bug): never guessed, always reported.</summary>
public sealed class JournalCorruptException : JournalException
{
    public JournalCorruptException(string message) : base(message) { }

    public JournalCorruptException(string message, Exception inner) : base(message, inner) { }

    public JournalCorruptException() { }
}
