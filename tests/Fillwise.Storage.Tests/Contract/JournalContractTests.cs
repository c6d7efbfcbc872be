using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Tests;

/// <summary>
/// The journal contract (README "Guarantees"), written once and run against each database by a
/// subclass that says where its journals live. Anything one database does its own way (file modes,
/// WAL files, advisory locks) is tested beside it, not here.
/// </summary>
public abstract partial class JournalContractTests : IAsyncLifetime
{
    private readonly List<JournalPlace> _places = [];

    /// <summary>This test's journal: every <see cref="OpenAsync"/> opens (or reopens) the same one.</summary>
    protected JournalPlace Place { get; private set; } = null!;

    protected abstract JournalPlace CreatePlace();

    /// <summary>Another, empty journal on the same database (removed with the test).</summary>
    protected JournalPlace NewPlace()
    {
        var place = CreatePlace();
        _places.Add(place);
        return place;
    }

    protected Task<IJournal> OpenAsync(TimeProvider? time = null) => Place.OpenAsync(time);

    protected static IGroupCommitStatistics Stats(IJournal journal) => (IGroupCommitStatistics)journal;

    public Task InitializeAsync()
    {
        Place = NewPlace();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var place in _places)
            await place.DisposeAsync();
    }
}

public sealed class SqliteJournalContractTests : JournalContractTests
{
    protected override JournalPlace CreatePlace() => new SqlitePlace();
}

[RequiresPostgres]
public sealed class PostgresJournalContractTests : JournalContractTests
{
    protected override JournalPlace CreatePlace() => new PostgresPlace();
}
