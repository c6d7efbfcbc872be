namespace Fillwise.Storage;

/// <summary>Where the SQLite journal lives and how it behaves.</summary>
public sealed record SqliteJournalOptions
{
    public const string DatabaseFileName = "journal.db";
    public const string LockFileName = "journal.lock";

    public SqliteJournalOptions(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = dataDirectory;
    }

    /// <summary>The data folder; the journal is <c>&lt;data&gt;/journal.db</c>.</summary>
    public string DataDirectory { get; }

    /// <summary>The clock that stamps <c>recorded_at</c> on every row.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Runs SQLite's quick_check at open, so a damaged file is refused before the engine trusts it.</summary>
    public bool VerifyIntegrityOnOpen { get; init; } = true;

    /// <summary>How long open waits for another process's SQLite lock before calling the file locked.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most appends one group-commit transaction takes.</summary>
    public int MaxBatchSize { get; init; } = 4096;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFileName));

    public string LockPath => Path.GetFullPath(Path.Combine(DataDirectory, LockFileName));
}
