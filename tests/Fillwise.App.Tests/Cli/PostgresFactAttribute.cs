using Fillwise.Testing;

namespace Fillwise.App.Tests.Cli;

/// <summary>A test that needs the PostgreSQL test database: skipped loudly without it, except under CI=true where it fails.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.SkipReason is { } reason)
            Skip = reason;
    }
}
