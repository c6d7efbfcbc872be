using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Logging;

/// <summary>
/// Every line the engine writes, each with its own event id, in words a person running the engine
/// can act on. Ranges: 1xxx orders, 2xxx positions, 3xxx venues and streams, 4xxx journal and
/// restart, 5xxx anomalies. No line carries a key or a token.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(1000, LogLevel.Information, "{Purpose} order {ClientOrderId}: {Side} {Quantity} {Instrument} at {Limit} sent")]
    public static partial void OrderSent(ILogger logger, string purpose, ClientOrderId clientOrderId, string side, Quantity quantity, InstrumentId instrument, Price limit);

    [LoggerMessage(1001, LogLevel.Information, "{Purpose} filled {Filled} of {Requested} on {Instrument} at {AveragePrice} ({ClientOrderId})")]
    public static partial void OrderFilled(ILogger logger, string purpose, Quantity filled, Quantity requested, InstrumentId instrument, Price? averagePrice, ClientOrderId clientOrderId);

    [LoggerMessage(1002, LogLevel.Warning, "{Purpose} filled {Filled} of {Requested} on {Instrument}, remainder canceled ({ClientOrderId})")]
    public static partial void OrderPartial(ILogger logger, string purpose, Quantity filled, Quantity requested, InstrumentId instrument, ClientOrderId clientOrderId);

    [LoggerMessage(1003, LogLevel.Information, "{Purpose} order {ClientOrderId} on {Instrument} filled nothing; canceled")]
    public static partial void OrderUnfilled(ILogger logger, string purpose, ClientOrderId clientOrderId, InstrumentId instrument);

    [LoggerMessage(1004, LogLevel.Warning, "{Purpose} order {ClientOrderId} on {Instrument} rejected by the venue: {Reason} ({Code}: {Message})")]
    public static partial void OrderRejected(ILogger logger, string purpose, ClientOrderId clientOrderId, InstrumentId instrument, string reason, string code, string message);

    [LoggerMessage(1005, LogLevel.Warning, "{Purpose} order {ClientOrderId} on {Instrument} denied before sending: {Reason}")]
    public static partial void OrderDenied(ILogger logger, string purpose, ClientOrderId clientOrderId, InstrumentId instrument, string reason);

    [LoggerMessage(1006, LogLevel.Warning, "outcome of order {ClientOrderId} unknown ({Reason}); asking the venue by its client order id")]
    public static partial void OutcomeUnknown(ILogger logger, ClientOrderId clientOrderId, string reason);

    [LoggerMessage(1007, LogLevel.Information, "outcome unknown resolved as {Resolution} for order {ClientOrderId}")]
    public static partial void OutcomeResolved(ILogger logger, string resolution, ClientOrderId clientOrderId);

    [LoggerMessage(1008, LogLevel.Error, "order {ClientOrderId} still unknown after {Attempts} attempt(s); it stays tracked until reconciliation resolves it")]
    public static partial void OutcomeStillUnknown(ILogger logger, ClientOrderId clientOrderId, int attempts);

    [LoggerMessage(1009, LogLevel.Warning, "cancel of order {ClientOrderId} not confirmed ({Reason}); reading the order to its end")]
    public static partial void CancelUnconfirmed(ILogger logger, ClientOrderId clientOrderId, string reason);

    [LoggerMessage(2000, LogLevel.Information, "position {PositionId} opened: {Side} {Quantity} {Instrument} at {AveragePrice}, stop {StopLoss}, take-profit {TakeProfit}")]
    public static partial void LotOpened(ILogger logger, PositionId positionId, string side, Quantity quantity, InstrumentId instrument, Price? averagePrice, string stopLoss, string takeProfit);

    [LoggerMessage(2001, LogLevel.Warning, "{Reason} exit of position {PositionId} filled {Filled} of {Requested}, {Remaining} still protected")]
    public static partial void ExitPartial(ILogger logger, string reason, PositionId positionId, Quantity filled, Quantity requested, Quantity remaining);

    [LoggerMessage(2002, LogLevel.Information, "{Reason} exit of position {PositionId} filled {Filled} at {AveragePrice}; realized {RealizedPnl}")]
    public static partial void ExitFilled(ILogger logger, string reason, PositionId positionId, Quantity filled, Price? averagePrice, Money realizedPnl);

    [LoggerMessage(2003, LogLevel.Warning, "{Reason} exit of position {PositionId} ({Quantity}) did not fill; the position stays protected and is retried")]
    public static partial void ExitUnfilled(ILogger logger, string reason, PositionId positionId, Quantity quantity);

    [LoggerMessage(2004, LogLevel.Information, "position {PositionId} closed: realized {RealizedPnl}, fees {Fees}")]
    public static partial void LotClosed(ILogger logger, PositionId positionId, Money realizedPnl, Money fees);

    [LoggerMessage(1010, LogLevel.Warning, "late fill {TradeId} of our finished order {ClientOrderId}: {Quantity} at {Price} booked")]
    public static partial void LateFillBooked(ILogger logger, TradeId tradeId, ClientOrderId clientOrderId, Quantity quantity, Price price);

    [LoggerMessage(2005, LogLevel.Information, "{Instrument} settled at {Price}: {Count} position(s) closed")]
    public static partial void Settled(ILogger logger, InstrumentId instrument, Price price, int count);

    [LoggerMessage(2006, LogLevel.Information, "{Instrument} determined (venue status {Status}, pays {Payout}); payout awaited, positions stay open")]
    public static partial void Determined(ILogger logger, InstrumentId instrument, string status, string? payout);

    [LoggerMessage(2009, LogLevel.Warning, "{Instrument} result amended before payout (venue status {Status}): pays {Before} -> {After}; nothing was booked at the old result")]
    public static partial void Amended(ILogger logger, InstrumentId instrument, string status, string? before, string? after);

    [LoggerMessage(2010, LogLevel.Warning, "{Instrument} is not trading (venue status {Status}): exits wait until it trades again")]
    public static partial void Paused(ILogger logger, InstrumentId instrument, string status);

    [LoggerMessage(2011, LogLevel.Information, "{Instrument} trades again: its exits and entries are sent again")]
    public static partial void Resumed(ILogger logger, InstrumentId instrument);

    [LoggerMessage(2012, LogLevel.Information, "{Purpose} price {Asked} on {Instrument} is off the venue's grid: sent at {Snapped} (never more aggressive)")]
    public static partial void PriceSnapped(ILogger logger, string purpose, InstrumentId instrument, Price asked, Price snapped);

    [LoggerMessage(2007, LogLevel.Error, "exit of position {PositionId} ({Reason}) failed: {Error}; the position stays open and watched")]
    public static partial void ExitFailed(ILogger logger, PositionId positionId, string reason, string error);

    [LoggerMessage(2008, LogLevel.Warning, "partial entry {PositionId} kept only {Filled} of {Requested}, below the acceptance ratio: selling what filled")]
    public static partial void EntryRefusedByPolicy(ILogger logger, PositionId positionId, Quantity filled, Quantity requested);

    [LoggerMessage(2013, LogLevel.Information, "{Instrument} funding {PaymentId} at {Time:O}: paid {Paid} (negative: received), {Positions} position(s) charged")]
    public static partial void FundingBooked(ILogger logger, InstrumentId instrument, string paymentId, DateTimeOffset time, Money paid, int positions);

    [LoggerMessage(2015, LogLevel.Warning, "{Reason} exit of position {PositionId} refused by the venue ({Refusals} in a row: {Error}); the position stays protected, next attempt in {WaitSeconds} s")]
    public static partial void ExitRefused(ILogger logger, string reason, PositionId positionId, int refusals, string error, long waitSeconds);

    [LoggerMessage(2014, LogLevel.Warning, "{Instrument} funding {PaymentId}: {Unattributed} of {Paid} was on a position no open lot of this engine held at {Time:O} (kept as unattributed funding)")]
    public static partial void FundingUnattributed(ILogger logger, InstrumentId instrument, string paymentId, Money unattributed, Money paid, DateTimeOffset time);

    [LoggerMessage(3005, LogLevel.Warning, "{Venue} funding could not be read ({Error}); the next pass reads on from {Since:O}")]
    public static partial void FundingReadFailed(ILogger logger, string venue, string error, DateTimeOffset since);

    [LoggerMessage(3000, LogLevel.Warning, "{Venue} stream needs a resync since {Since:O}: reading orders and fills over REST")]
    public static partial void ResyncStarted(ILogger logger, string venue, DateTimeOffset since);

    [LoggerMessage(3001, LogLevel.Information, "{Venue} resynced: {Orders} live order(s) read, {Fills} fill(s) read, {NewFills} new")]
    public static partial void ResyncDone(ILogger logger, string venue, int orders, int fills, int newFills);

    [LoggerMessage(3002, LogLevel.Error, "{Venue} resync failed ({Error}); retrying")]
    public static partial void ResyncFailed(ILogger logger, string venue, string error);

    [LoggerMessage(3003, LogLevel.Warning, "{Venue} balance could not be read ({Error}); showing the last known value from {AsOf}")]
    public static partial void BalanceStale(ILogger logger, string venue, string error, DateTimeOffset? asOf);

    [LoggerMessage(3004, LogLevel.Error, "{Venue} event stream ended: {Error}")]
    public static partial void StreamFailed(ILogger logger, string venue, string error);

    [LoggerMessage(4000, LogLevel.Information, "restart: {Lots} open position(s) and {Orders} unfinished order(s) rebuilt from the journal in {Elapsed} ms")]
    public static partial void Rebuilt(ILogger logger, int lots, int orders, long elapsed);

    [LoggerMessage(4001, LogLevel.Information, "restart: order {ClientOrderId} {Resolution}")]
    public static partial void RestoredOrder(ILogger logger, ClientOrderId clientOrderId, string resolution);

    [LoggerMessage(4002, LogLevel.Error, "journal write failed: {Error}")]
    public static partial void JournalFailed(ILogger logger, string error);

    [LoggerMessage(4003, LogLevel.Warning, "trading {Mode}: {Change}")]
    public static partial void TradingStateChanged(ILogger logger, string mode, string change);

    [LoggerMessage(4004, LogLevel.Warning, "restart: trading stays {Mode} as the last run left it ({Reason}); a person resets it")]
    public static partial void TradingStateRestored(ILogger logger, string mode, string reason);

    [LoggerMessage(4100, LogLevel.Information, "{Venue} reconciliation ({Trigger}): clean ({Orders} orders, {Fills} fills, {Positions} positions read) in {Elapsed} ms")]
    public static partial void ReconciledClean(ILogger logger, string venue, string trigger, int orders, int fills, int positions, long elapsed);

    [LoggerMessage(4101, LogLevel.Warning, "{Venue} reconciliation ({Trigger}): {Count} discrepancies: {Summary}")]
    public static partial void ReconciledWithDiscrepancies(ILogger logger, string venue, string trigger, int count, string summary);

    [LoggerMessage(4102, LogLevel.Warning, "{Venue} reconciliation: {Kind} {Instrument}: {Detail} -> {Resolution}")]
    public static partial void Discrepancy(ILogger logger, string venue, string kind, string instrument, string detail, string resolution);

    [LoggerMessage(4103, LogLevel.Error, "{Venue} reconciliation failed: {Error}")]
    public static partial void ReconciliationFailed(ILogger logger, string venue, string error);

    [LoggerMessage(4200, LogLevel.Critical, "KILL SWITCH ({Condition}): {Reason}; trading halted, resting orders canceled, flatten {Flatten}")]
    public static partial void KillSwitchTripped(ILogger logger, string condition, string reason, bool flatten);

    [LoggerMessage(4201, LogLevel.Warning, "kill switch reset by a person (it had tripped on {Condition}); trading active again")]
    public static partial void KillSwitchReset(ILogger logger, string condition);

    [LoggerMessage(4202, LogLevel.Warning, "kill switch reset refused: {Why}")]
    public static partial void KillSwitchResetRefused(ILogger logger, string why);

    [LoggerMessage(4203, LogLevel.Warning, "kill switch sweep: {Canceled} resting order(s) canceled, {Errors} error(s): {Note}")]
    public static partial void KillSwitchSwept(ILogger logger, int canceled, int errors, string note);

    [LoggerMessage(4204, LogLevel.Error, "venue backstop on {Venue} could not {Action}: {Error}")]
    public static partial void BackstopFailed(ILogger logger, string venue, string action, string error);

    [LoggerMessage(4300, LogLevel.Information, "alert [{Severity}] {Kind}: {Title} ({Fields})")]
    public static partial void AlertRaised(ILogger logger, string severity, string kind, string title, string fields);

    [LoggerMessage(4301, LogLevel.Error, "alert {Kind} could not be sent to {Sink} after {Attempts} attempt(s): {Error}")]
    public static partial void AlertFailed(ILogger logger, string sink, string kind, int attempts, string error);

    [LoggerMessage(5000, LogLevel.Warning, "anomaly {Kind}: {Detail}")]
    public static partial void Anomaly(ILogger logger, string kind, string detail);
}
