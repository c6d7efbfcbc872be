using Microsoft.Extensions.Logging;

namespace Fillwise.Testing;

/// <summary>Keeps every log line written through it, so tests can assert what a person would read.</summary>
public sealed class ListLoggerProvider : ILoggerProvider, ILoggerFactory
{
    private readonly List<(string Category, LogLevel Level, EventId Id, string Message)> _lines = [];

    public IReadOnlyList<(string Category, LogLevel Level, EventId Id, string Message)> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    public IReadOnlyList<string> Messages => Lines.Select(l => l.Message).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines) owner._lines.Add((category, logLevel, eventId, formatter(state, exception)));
        }
    }
}
