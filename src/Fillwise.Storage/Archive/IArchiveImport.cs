namespace Fillwise.Storage.Archive;

/// <summary>A journal that can take a whole archive in, all or nothing (both databases' journals).</summary>
public interface IArchiveImport
{
    /// <summary>
    /// Writes the entries in one transaction. A journal holding rows refuses unless
    /// <paramref name="intoNonEmpty"/>; into an empty journal every row keeps its sequence.
    /// </summary>
    Task<ArchiveImportReport> ImportAsync(IEnumerable<ArchiveEntry> entries, bool intoNonEmpty, CancellationToken cancellationToken = default);
}
