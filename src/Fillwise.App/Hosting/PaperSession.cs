using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;
using Fillwise.Venues.Kalshi;

namespace Fillwise.App.Hosting;

public sealed record PaperOptions(int ControlPort, int ExchangePort, int Seed, TimeSpan? Duration, string DataDirectory, string? ControlToken);

/// <summary>
/// `fillwise paper`: the built-in exchange with its demo markets and agents, a paper account on it,
/// and the engine connected through the real Kalshi client over loopback, exactly as it would be
/// connected to Kalshi.
/// </summary>
public static class PaperSession
{
    public static async Task<int> RunAsync(PaperOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        await using var exchange = await ExchangeServer.StartAsync(new ExchangeServerOptions
        {
            Port = options.ExchangePort,
            Seed = options.Seed,
            Scenario = ExchangeScenario.Demo,
        }, cancellationToken);
        await output.WriteLineAsync($"Built-in exchange: {exchange.RestBaseUrl} (admin {exchange.AdminUrl})");

        Directory.CreateDirectory(options.DataDirectory);
        var keyPath = Path.Combine(options.DataDirectory, "paper-account.pem");
        using var http = new HttpClient();
        var admin = new AdminClient(http, exchange.AdminUrl);
        var account = await admin.CreateAccountAsync(Money.Parse("1000.00"), cancellationToken);
        await File.WriteAllTextAsync(keyPath, account.PrivateKeyPem, cancellationToken);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        return await EngineRuntime.RunAsync(new EngineRuntimeOptions(
            KalshiEnvironment.Parse(exchange.RestBaseUrl), account.ApiKeyId, keyPath, options.DataDirectory,
            options.ControlPort, options.ControlToken, "paper", options.Seed, options.Duration), output, error, cancellationToken);
    }
}
