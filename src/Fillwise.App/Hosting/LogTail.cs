using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Fillwise.App.Hosting;

/// <summary>
/// The engine's log while `paper` draws its live panel: a log writing to the terminal would tear the
/// panel apart, so each line (the console log's format) goes to a file instead, and the last few are
/// kept for the panel to show.
/// </summary>
internal sealed class LogTail : ILoggerProvider
{
    private readonly object _gate = new();
    private readonly Queue<string> _recent = new();
    private readonly StreamWriter? _file;
    private readonly TimeProvider _time;
    private readonly int _keep;

    public LogTail(string? path, TimeProvider time, int keep = 5)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);
        _time = time;
        _keep = keep;
        Path = path;
        if (path is not null) _file = new StreamWriter(DataFolder.OpenPrivate(path, FileMode.Append)) { AutoFlush = true };
    }

    /// <summary>Where every line goes (null: kept in memory only).</summary>
    public string? Path { get; }

    /// <summary>The last lines, oldest first.</summary>
    public IReadOnlyList<string> Recent
    {
        get
        {
            lock (_gate) return [.. _recent];
        }
    }

    public ILogger CreateLogger(string categoryName) => new TailLogger(this, categoryName);

    private void Add(string line)
    {
        lock (_gate)
        {
            _file?.WriteLine(line);
            _recent.Enqueue(line);
            while (_recent.Count > _keep) _recent.Dequeue();
        }
    }

    public void Dispose()
    {
        lock (_gate) _file?.Dispose();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class TailLogger(LogTail tail, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            ArgumentNullException.ThrowIfNull(formatter);
            var at = tail._time.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var line = $"{at} {Level(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}";
            if (exception is not null) line += $" {exception.GetType().Name}: {exception.Message}";
            tail.Add(line);
        }
    }
}
