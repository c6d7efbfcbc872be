namespace Fillwise.Testing;

/// <summary>
/// The test database: FILLWISE_TEST_POSTGRES (a connection string; ./test.sh starts a throwaway
/// cluster and sets it). Without it, PostgreSQL tests skip loudly; with CI=true they fail instead.
/// </summary>
public static class PostgresTestDatabase
{
    public const string Variable = "FILLWISE_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    private static bool InCi => Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public static string? SkipReason => ConnectionString is null && !InCi
        ? $"SKIPPED LOUDLY: no PostgreSQL for the journal tests: set {Variable} to a connection string (./test.sh starts a throwaway cluster and sets it; CI=true makes this a failure)"
        : null;

    public static string Require() => ConnectionString
        ?? throw new InvalidOperationException($"{Variable} is not set, and CI=true: ./test.sh must install and start PostgreSQL (.ci/postgres.sh) before the tests run");
}
