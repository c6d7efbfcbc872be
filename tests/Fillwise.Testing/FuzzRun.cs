using System.Globalization;

namespace Fillwise.Testing;

/// <summary>
/// Seeded fuzz sessions. Session i of a run draws from its own <see cref="Random"/> seeded with
/// base seed + i; a failure names that seed, and FILLWISE_FUZZ_SEED=&lt;seed&gt; replays exactly that
/// session alone (the same way FILLWISE_PROPERTY_SEED replays a property run).
/// </summary>
public static class FuzzRun
{
    public const string SeedVariable = "FILLWISE_FUZZ_SEED";

    public static void Run(string name, int baseSeed, int sessions, Action<Random, int> session) =>
        RunAsync(name, baseSeed, sessions, (random, seed) =>
        {
            session(random, seed);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();

    public static async Task RunAsync(string name, int baseSeed, int sessions, Func<Random, int, Task> session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var replay = Environment.GetEnvironmentVariable(SeedVariable);
        var seeds = string.IsNullOrWhiteSpace(replay)
            ? Enumerable.Range(0, sessions).Select(i => baseSeed + i)
            : [int.Parse(replay.Trim(), CultureInfo.InvariantCulture)];
        foreach (var seed in seeds)
        {
            try
            {
                await session(new Random(seed), seed);
            }
            catch (Exception ex)
            {
                throw new FuzzFailure($"{name}: session with seed {seed} failed; replay it alone with {SeedVariable}={seed}\n{ex.Message}", ex);
            }
        }
    }
}

/// <summary>A fuzz session that broke a rule; the message says how to replay it.</summary>
public sealed class FuzzFailure(string message, Exception inner) : Exception(message, inner);
