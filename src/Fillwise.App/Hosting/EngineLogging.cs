using Fillwise.App.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Fillwise.App.Hosting;

/// <summary>
/// The engine's log: one line per event on the console (time, level, event id, message), or JSON
/// lines when <c>Logging:Format</c> is json. No line carries a key or a token; the control token and
/// private keys never pass through a logger.
/// </summary>
public static class EngineLogging
{
    /// <param name="instead">When given (paper's live panel), every line goes there instead of the console.</param>
    public static ILoggerFactory Create(FillwiseSettings settings, ILoggerProvider? instead = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var level = Enum.Parse<LogLevel>(settings.Require("Logging:Level"));
        var json = settings.Require("Logging:Format") == "json";
        return LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(level);
            // ASP.NET's own chatter is not the engine's story.
            b.AddFilter("Microsoft", LogLevel.Warning);
            if (instead is not null)
            {
                b.AddProvider(instead);
            }
            else if (json)
            {
                b.AddJsonConsole(o =>
                {
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                    o.UseUtcTimestamp = true;
                    o.IncludeScopes = false;
                });
            }
            else
            {
                b.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                    o.UseUtcTimestamp = true;
                    o.IncludeScopes = false;
                    o.ColorBehavior = LoggerColorBehavior.Disabled;
                });
            }
        });
    }
}
