using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Alerts;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Logging;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Risk;

/// <summary>Why the kill switch tripped (seed 004's six conditions, and running out of money).</summary>
public enum KillCondition
{
    DailyLoss,
    ConsecutiveLosses,
    ApiErrors,
    Orphans,
    EmergencyStop,
    BalanceDrop,
    InsufficientFunds,
}

/// <summary>Each condition can be switched off (null / false).</summary>
public sealed record KillSwitchOptions
{
    public Money? DailyLossLimit { get; init; } = Money.FromDollars(100m);
    public int? MaxConsecutiveLosses { get; init; } = 4;
    public int? MaxConsecutiveApiErrors { get; init; } = 10;
    public decimal? BalanceDropPercent { get; init; } = 10m;
    public bool HaltOnOrphans { get; init; } = true;
    public bool HaltOnInsufficientFunds { get; init; } = true;

    /// <summary>Also exit every position (through the normal exit path) when it trips.</summary>
    public bool FlattenOnKill { get; init; }

    /// <summary>When the trading day starts, after midnight UTC.</summary>
    public TimeSpan DayStart { get; init; } = TimeSpan.Zero;

    /// <summary>Checked at least this often besides every relevant event (seed 004: trading stops within 1 s).</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Kalshi's order group limit (contracts over its rolling window) armed at start as the venue-side backstop; null: none.</summary>
    public Quantity? VenueBackstopContracts { get; init; } = Quantity.Of(1000m);

    public static readonly KillSwitchOptions Off = new()
    {
        DailyLossLimit = null, MaxConsecutiveLosses = null, MaxConsecutiveApiErrors = null, BalanceDropPercent = null,
        HaltOnOrphans = false, HaltOnInsufficientFunds = false, VenueBackstopContracts = null,
    };
}

/// <summary>What the kill switch shows: tripped or not, on what, and the day it watches.</summary>
public sealed record KillSwitchStatus(bool Tripped, KillCondition? Condition, string? Reason, DateTimeOffset? At, RiskDayView Day, long ConsecutiveApiErrors)
{
    public static string Wire(KillCondition c) => c switch
    {
        KillCondition.DailyLoss => "daily_loss_limit",
        KillCondition.ConsecutiveLosses => "consecutive_losses",
        KillCondition.ApiErrors => "api_errors",
        KillCondition.Orphans => "orphans",
        KillCondition.EmergencyStop => "emergency_stop",
        KillCondition.BalanceDrop => "balance_drop",
        _ => "insufficient_funds",
    };
}

/// <summary>A reset's answer: done, or refused with the reason a person reads.</summary>
public sealed record KillResetResult(bool Reset, string Message);

/// <summary>
/// Stops trading at once when something goes wrong (seed 004): on every relevant event and at least
/// once a second it checks the day's loss (realized and unrealized), the run of losing positions,
/// the API error streak, orphans reconciliation could not adopt, the drop from the day's peak
/// equity; a person can stop it by hand; running out of money stops it too. When it trips: trading
/// halted (journaled, kept across restarts), every resting order canceled (bulk where the venue
/// can), the venue's backstop tripped, positions flattened through the normal exit path when
/// configured, an alert. Only a person resets it, and not while its condition still holds.
/// </summary>
public sealed class KillSwitch
{
    private static readonly MetadataOwner Owner = MetadataOwner.Engine("kill-switch");
    private readonly TradingStates _trading;
    private readonly PortfolioBook _portfolio;
    private readonly VenueRegistry _venues;
    private readonly EngineMetrics _metrics;
    private readonly JournalRecorder _recorder;
    private readonly RestingOrderSweep _sweep;
    private readonly AlertDispatcher _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RiskDay _day;
    private readonly object _gate = new();
    private readonly Func<bool> _orphansHeld;
    private KillCondition? _condition;
    private string? _reason;
    private DateTimeOffset? _at;

    internal KillSwitch(KillSwitchOptions options, TradingStates trading, PortfolioBook portfolio, OrderTracker orders, VenueRegistry venues, AccountMonitor accounts,
        EngineMetrics metrics, JournalRecorder recorder, RestingOrderSweep sweep, AlertDispatcher alerts, Func<bool> orphansHeld, TimeProvider time, ILogger logger)
    {
        Options = options;
        _trading = trading;
        _portfolio = portfolio;
        _venues = venues;
        _metrics = metrics;
        _recorder = recorder;
        _sweep = sweep;
        _alerts = alerts;
        _orphansHeld = orphansHeld;
        _time = time;
        _logger = logger;
        _day = new RiskDay(portfolio, orders, venues, accounts, time, options.DayStart);
    }

    public KillSwitchOptions Options { get; }

    /// <summary>Raised after it trips or is reset.</summary>
    public event Action<KillSwitchStatus>? Changed;

    /// <summary>The last sweep's result (null before any).</summary>
    public SweepResult? LastSweep { get; private set; }

    public bool IsTripped
    {
        get { lock (_gate) return _condition is not null; }
    }

    public KillSwitchStatus Status()
    {
        var day = _day.View();
        lock (_gate) return new KillSwitchStatus(_condition is not null, _condition, _reason, _at, day, _metrics.Snapshot().ConsecutiveApiErrors);
    }

    /// <summary>After the journal rebuild: a trip the last run left stays tripped; the day's figures come back; the backstops are armed.</summary>
    internal async Task StartAsync(IJournal journal, CancellationToken ct)
    {
        var saved = await journal.GetMetadataAsync(Owner, ct);
        if (saved.TryGetValue("state", out var json) && JsonNode.Parse(json) is JsonObject o && o["tripped"]?.GetValue<bool>() == true)
        {
            lock (_gate)
            {
                _condition = Enum.TryParse<KillCondition>(o["condition"]?.GetValue<string>(), out var c) ? c : KillCondition.EmergencyStop;
                _reason = o["reason"]?.GetValue<string>();
                _at = DateTimeOffset.TryParse(o["at"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
            }
        }
        await _day.StartAsync(journal, _recorder, ct);
        _day.View(); // the equity at start is the day's first peak, before anything can move it
        if (Options.VenueBackstopContracts is { } limit)
            foreach (var venue in _venues.All)
                if (venue.Execution is IVenueBackstop backstop)
                    await OnBackstopAsync(venue.Name, "arm", () => backstop.ArmAsync(limit, ct));
        if (IsTripped)
            foreach (var venue in _venues.All)
                if (venue.Execution is IVenueBackstop backstop)
                    await OnBackstopAsync(venue.Name, "trip", () => backstop.TripAsync(ct));
    }

    /// <summary>Checks every condition now; trips on the first that holds.</summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        if (IsTripped) return;
        if (Holding() is { } hit) await TripAsync(hit.Condition, hit.Reason, ct);
    }

    /// <summary>A person stops trading (POST /emergency-stop).</summary>
    public Task EmergencyStopAsync(string reason, CancellationToken ct) => TripAsync(KillCondition.EmergencyStop, reason, ct);

    /// <summary>The venue refused an order for lack of money: nothing more is sent until a person looks.</summary>
    internal void OnRejected(Order order, OrderRejected rejected)
    {
        if (rejected.Why == RejectionReason.InsufficientBalance && Options.HaltOnInsufficientFunds)
            _ = TripAsync(KillCondition.InsufficientFunds, $"the venue refused order {order.ClientOrderId} for insufficient funds ({rejected.Reason})", CancellationToken.None);
    }

    public async Task TripAsync(KillCondition condition, string reason, CancellationToken ct)
    {
        DateTimeOffset at;
        lock (_gate)
        {
            if (_condition is not null) return;
            _condition = condition;
            _reason = reason;
            _at = at = _time.GetUtcNow();
        }
        var wire = KillSwitchStatus.Wire(condition);
        // Halted first: from this moment the gate lets nothing new through.
        _trading.Set(TradingMode.Halted, $"kill switch ({wire}): {reason}");
        Save(true, condition, reason, at);
        EngineLog.KillSwitchTripped(_logger, wire, reason, Options.FlattenOnKill);
        foreach (var venue in _venues.All)
            if (venue.Execution is IVenueBackstop backstop)
                await OnBackstopAsync(venue.Name, "trip", () => backstop.TripAsync(ct));
        var sweep = LastSweep = await _sweep.SweepAsync(ct);
        EngineLog.KillSwitchSwept(_logger, sweep.Canceled, sweep.Errors, sweep.Note);
        var flattening = 0;
        if (Options.FlattenOnKill)
            foreach (var lot in _portfolio.OpenLots)
            {
                _portfolio.RequestExit(lot, ExitReason.KillSwitch);
                flattening++;
            }
        var day = _day.View();
        _recorder.RecordEngineEvent("kill_switch", new JsonObject
        {
            ["action"] = "tripped",
            ["condition"] = wire,
            ["reason"] = reason,
            ["canceled"] = sweep.Canceled,
            ["cancel_errors"] = sweep.Errors,
            ["flattening"] = flattening,
            ["daily_pnl"] = (-day.Loss).ToString(),
        }, at);
        _alerts.Raise(new Alert(AlertSeverity.Critical, "kill_switch", $"KILL SWITCH ACTIVATED: {wire}",
        [
            new("Reason", reason),
            new("Time", at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            new("Resting orders canceled", sweep.Canceled.ToString(CultureInfo.InvariantCulture) + (sweep.Errors > 0 ? $" ({sweep.Errors} failed)" : "")),
            new("Auto-close positions", Options.FlattenOnKill ? $"True ({flattening} position(s) exiting)" : "False"),
            new("Daily P&L", (-day.Loss).ToString()),
            new("Reset", "POST /api/v1/kill-switch/reset with {\"confirm\":\"RESET\"}"),
        ], at));
        Changed?.Invoke(Status());
    }

    /// <summary>A person resumes trading; refused while the condition that tripped it still holds.</summary>
    public async Task<KillResetResult> ResetAsync(string? confirm, CancellationToken ct)
    {
        KillCondition condition;
        lock (_gate)
        {
            if (_condition is not { } c) return Refused("the kill switch is not tripped");
            condition = c;
        }
        if (!string.Equals(confirm, "RESET", StringComparison.Ordinal)) return Refused("a reset needs {\"confirm\":\"RESET\"}");
        // A losing run and a drop from the peak are forgiven by the reset itself (the person accepts them);
        // a daily loss, an API outage and unadopted orphans must be over first.
        if (condition is KillCondition.DailyLoss or KillCondition.ApiErrors or KillCondition.Orphans && StillHolds(condition) is { } why)
            return Refused($"{KillSwitchStatus.Wire(condition)} still holds: {why}");

        var day = _day.View();
        _day.Forgive(losses: condition == KillCondition.ConsecutiveLosses, peak: condition == KillCondition.BalanceDrop, day.Equity);
        lock (_gate)
        {
            _condition = null;
            _reason = null;
            _at = null;
        }
        var now = _time.GetUtcNow();
        _trading.Set(TradingMode.Active, "kill switch reset by a person");
        Save(false, null, null, now);
        foreach (var venue in _venues.All)
            if (venue.Execution is IVenueBackstop backstop)
                await OnBackstopAsync(venue.Name, "reset", () => backstop.ResetAsync(ct));
        var wire = KillSwitchStatus.Wire(condition);
        EngineLog.KillSwitchReset(_logger, wire);
        _recorder.RecordEngineEvent("kill_switch", new JsonObject { ["action"] = "reset", ["condition"] = wire }, now);
        _alerts.Raise(new Alert(AlertSeverity.Info, "kill_switch_reset", "Kill switch reset: trading resumes", [new("Had tripped on", wire)], now));
        Changed?.Invoke(Status());
        return new KillResetResult(true, $"reset: trading is active again (it had tripped on {wire})");
    }

    private KillResetResult Refused(string why)
    {
        EngineLog.KillSwitchResetRefused(_logger, why);
        return new KillResetResult(false, why);
    }

    /// <summary>The first condition that holds now, with its reason in numbers.</summary>
    private (KillCondition Condition, string Reason)? Holding()
    {
        foreach (var c in new[] { KillCondition.ApiErrors, KillCondition.DailyLoss, KillCondition.ConsecutiveLosses, KillCondition.BalanceDrop, KillCondition.Orphans })
            if (StillHolds(c) is { } why) return (c, why);
        return null;
    }

    private string? StillHolds(KillCondition condition)
    {
        switch (condition)
        {
            case KillCondition.ApiErrors when Options.MaxConsecutiveApiErrors is { } max:
                var streak = _metrics.Snapshot().ConsecutiveApiErrors;
                return streak >= max ? $"{streak} API errors in a row (limit {max})" : null;
            case KillCondition.DailyLoss when Options.DailyLossLimit is { } limit:
                var day = _day.View();
                return day.Loss >= limit
                    ? $"daily loss of {day.Loss} (realized {-day.RealizedToday}, unrealized {-day.Unrealized}{(day.Unmarked > 0 ? $", {day.Unmarked} position(s) without a price left out" : "")}) reached the limit of {limit}"
                    : null;
            case KillCondition.ConsecutiveLosses when Options.MaxConsecutiveLosses is { } max:
                var losing = _day.LosingInARow;
                return losing >= max ? $"{losing} losing positions in a row (limit {max})" : null;
            case KillCondition.BalanceDrop when Options.BalanceDropPercent is { } percent:
                var d = _day.View();
                if (d.Equity is not { } equity || d.PeakEquity is not { } peak || peak.Dollars <= 0m) return null;
                var floor = Money.FromDollars(peak.Dollars * (1m - percent / 100m));
                return equity < floor ? $"equity {equity} is more than {percent}% below today's peak of {peak}" : null;
            case KillCondition.Orphans when Options.HaltOnOrphans:
                return _orphansHeld() ? "reconciliation found orphans it could not adopt (GET /api/v1/reconciliation)" : null;
            default:
                return null;
        }
    }

    private void Save(bool tripped, KillCondition? condition, string? reason, DateTimeOffset at)
    {
        var saved = new JsonObject
        {
            ["tripped"] = tripped,
            ["condition"] = condition?.ToString(),
            ["reason"] = reason,
            ["at"] = at.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString();
        _recorder.Enqueue((j, token) => j.SetMetadataAsync(Owner, "state", saved, token));
    }

    private async Task OnBackstopAsync(string venue, string action, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (VenueException e)
        {
            EngineLog.BackstopFailed(_logger, venue, action, e.Message);
        }
    }
}
