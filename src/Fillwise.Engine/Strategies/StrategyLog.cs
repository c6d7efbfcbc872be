using Fillwise.Domain.Values;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Strategies;

/// <summary>The strategies' log lines (7xxx), in words a person watching the engine can follow.</summary>
internal static partial class StrategyLog
{
    [LoggerMessage(7000, LogLevel.Information, "whale {WhaleId}: {Notional} on {Side} in {Market}")]
    public static partial void WhaleSeen(ILogger logger, string whaleId, Money notional, string side, string market);

    [LoggerMessage(7001, LogLevel.Information, "whale {WhaleId} {Verdict}: {Reason}")]
    public static partial void WhaleDecided(ILogger logger, string whaleId, string verdict, string reason);

    [LoggerMessage(7002, LogLevel.Information, "whale {WhaleId} skipped: {Reason}")]
    public static partial void WhaleSkipped(ILogger logger, string whaleId, string reason);

    [LoggerMessage(7003, LogLevel.Information, "{Count} whale(s) followed by earlier runs are remembered: none is followed again")]
    public static partial void WhalesRemembered(ILogger logger, int count);
}
