using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Arbitrage;

/// <summary>Every line the two-leg executor writes (event ids 6xxx), in words a person can act on.</summary>
internal static partial class TwoLegLog
{
    [LoggerMessage(8000, LogLevel.Information, "arb {Id}: {Kind} {Symbol} on {First} and {Second} ({Reason}) started")]
    public static partial void Started(ILogger logger, string id, string kind, string symbol, InstrumentId first, InstrumentId second, string reason);

    [LoggerMessage(8001, LogLevel.Information, "arb {Id}: phase {Phase} on {Instrument}: {Side} {Quantity} at {Price}")]
    public static partial void Phase(ILogger logger, string id, string phase, InstrumentId instrument, string side, Quantity quantity, Price price);

    [LoggerMessage(8002, LogLevel.Information, "arb {Id}: {Instrument} post-only order would have crossed; re-pricing (attempt {Attempt})")]
    public static partial void Reprice(ILogger logger, string id, InstrumentId instrument, int attempt);

    [LoggerMessage(8003, LogLevel.Information, "arb {Id}: {Instrument} leg complete ({Filled} of {Target}); the other leg's passive order is canceled")]
    public static partial void LegComplete(ILogger logger, string id, InstrumentId instrument, Quantity filled, Quantity target);

    [LoggerMessage(8004, LogLevel.Warning, "arb {Id}: no limit order on {Instrument}: {Why}")]
    public static partial void Guarded(ILogger logger, string id, InstrumentId instrument, string why);

    [LoggerMessage(8005, LogLevel.Information, "arb {Id}: {Quantity} on {Instrument} is below the venue's minimum: {Why}")]
    public static partial void Dust(ILogger logger, string id, Quantity quantity, InstrumentId instrument, string why);

    [LoggerMessage(8006, LogLevel.Warning, "arb {Id}: rolling back {Quantity} on {Instrument}, read from the venues ({Why})")]
    public static partial void Rollback(ILogger logger, string id, Quantity quantity, InstrumentId instrument, string why);

    [LoggerMessage(8007, LogLevel.Information, "arb {Id}: {Kind} {Symbol} ended {Outcome}{Detail}")]
    public static partial void Ended(ILogger logger, string id, string kind, string symbol, string outcome, string detail);

    [LoggerMessage(8008, LogLevel.Warning, "arb {Id} ({Symbol}) was running when the engine stopped: ended as interrupted")]
    public static partial void Interrupted(ILogger logger, string id, string symbol);

    [LoggerMessage(8009, LogLevel.Error, "arb operation {Id} in the journal cannot be read: {Message}")]
    public static partial void Unreadable(ILogger logger, string id, string message);

    [LoggerMessage(8010, LogLevel.Warning, "arb {Id}: {Instrument} leg stopped: {Problem}")]
    public static partial void LegStopped(ILogger logger, string id, InstrumentId instrument, string problem);
}
