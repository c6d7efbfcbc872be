namespace Fillwise.Engine.Alerts;

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// Something a person should know now (a kill switch, an orphan, a trade): a title and named fields,
/// built from the engine's own facts. Never carries a key, a token or a webhook address.
/// </summary>
public sealed record Alert(AlertSeverity Severity, string Kind, string Title, IReadOnlyList<KeyValuePair<string, string>> Fields, DateTimeOffset Time)
{
    public static string Wire(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => "critical",
        AlertSeverity.Warning => "warning",
        _ => "info",
    };
}

/// <summary>Where alerts go (Discord, a JSON webhook). A failed send throws; the dispatcher retries.</summary>
public interface IAlertSink
{
    /// <summary>A name for logs ("discord", "webhook"): never the address, which holds a secret.</summary>
    string Name { get; }

    Task SendAsync(Alert alert, CancellationToken cancellationToken);
}

/// <summary>Which alerts are raised, and how hard the dispatcher tries.</summary>
public sealed record AlertOptions
{
    /// <summary>Every fill of an entry or exit is an alert too (seed 004 asks for every trade).</summary>
    public bool Trades { get; init; } = true;

    /// <summary>Alerts waiting to be sent; beyond it the oldest is dropped (and counted): alerts never block trading.</summary>
    public int QueueCapacity { get; init; } = 1000;

    public int Attempts { get; init; } = 5;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
