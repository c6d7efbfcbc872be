using FsCheck;
using Microsoft.FSharp.Core;

namespace Fillwise.Testing;

/// <summary>
/// Runs FsCheck properties from a fixed seed, so a failure replays. Set FILLWISE_PROPERTY_SEED
/// (two numbers, "seed,gamma", as FsCheck prints them) to replay another run.
/// </summary>
public static class PropertyCheck
{
    public const ulong DefaultSeed = 20261122UL;
    public const ulong DefaultGamma = 7UL;

    public static void Run(Property property, int maxTest = 300)
    {
        var (seed, gamma) = SeedFromEnvironment();
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(maxTest)
            .WithReplay(new Replay(new Rnd(seed, gamma), FSharpOption<int>.None));
        Check.One(config, property);
    }

    private static (ulong Seed, ulong Gamma) SeedFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("FILLWISE_PROPERTY_SEED");
        if (string.IsNullOrWhiteSpace(text)) return (DefaultSeed, DefaultGamma);
        var parts = text.Trim('(', ')', ' ').Split(',');
        return (ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                parts.Length > 1 ? ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : DefaultGamma);
    }
}
