using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Logging;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Risk;

/// <summary>What may trade: everything, only what reduces exposure, or nothing new (cancels and exits only).</summary>
public enum TradingMode
{
    Active,
    Reducing,
    Halted,
}

/// <summary>The trading state a reader sees: the mode in force, why, since when, and what blocks trading for now.</summary>
public sealed record TradingStatus(TradingMode Mode, string? Reason, DateTimeOffset Since, IReadOnlyList<string> Blocks)
{
    public static string Wire(TradingMode mode) => mode switch
    {
        TradingMode.Reducing => "reducing",
        TradingMode.Halted => "halted",
        _ => "active",
    };
}

/// <summary>
/// The engine's trading state. A mode set by a person or the kill switch (active, reducing, halted)
/// with its reason, journaled and kept across restarts; and transient blocks that halt new orders for
/// as long as they hold (the engine starting and reconciling, orphans waiting for a decision). The
/// effective mode is halted while any block holds. Every change is logged, journaled and raised.
/// </summary>
public sealed class TradingStates
{
    private static readonly MetadataOwner Owner = MetadataOwner.Engine("trading");
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _blocks = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Orders.JournalRecorder? _recorder;
    private TradingMode _mode = TradingMode.Active;
    private string? _reason;
    private DateTimeOffset _since;
    // Rebuilt on every change: the gate reads it on every order without a lock or an allocation.
    private volatile TradingStatus _status;

    public TradingStates(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _since = time.GetUtcNow();
        _status = new TradingStatus(TradingMode.Active, null, _since, []);
    }

    /// <summary>Raised (outside the lock) after every change of the effective state.</summary>
    public event Action<TradingStatus>? Changed;

    public TradingStatus Status => _status;

    public TradingMode Effective => Status.Mode;

    internal void Attach(Orders.JournalRecorder recorder) => _recorder = recorder;

    /// <summary>Puts back the mode the last run left (a halt survives a restart).</summary>
    internal async Task RestoreAsync(IJournal journal, CancellationToken ct)
    {
        var saved = await journal.GetMetadataAsync(Owner, ct);
        if (!saved.TryGetValue("state", out var json) || JsonNode.Parse(json) is not JsonObject o) return;
        var mode = Enum.TryParse<TradingMode>(o["mode"]?.GetValue<string>(), ignoreCase: true, out var m) ? m : TradingMode.Active;
        var since = DateTimeOffset.TryParse(o["since"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : _time.GetUtcNow();
        lock (_gate)
        {
            _mode = mode;
            _reason = o["reason"]?.GetValue<string>();
            _since = since;
            StatusLocked();
        }
        if (mode != TradingMode.Active) EngineLog.TradingStateRestored(_logger, TradingStatus.Wire(mode), _reason ?? "no reason given");
    }

    /// <summary>Sets the mode (a person, the kill switch); journaled so that it survives a restart.</summary>
    public void Set(TradingMode mode, string reason)
    {
        TradingStatus status;
        lock (_gate)
        {
            if (_mode == mode && _reason == reason) return;
            _mode = mode;
            _reason = reason;
            _since = _time.GetUtcNow();
            status = StatusLocked();
        }
        var saved = new JsonObject { ["mode"] = TradingStatus.Wire(mode), ["reason"] = reason, ["since"] = status.Since.ToString("O", CultureInfo.InvariantCulture) };
        _recorder?.Enqueue((j, ct) => j.SetMetadataAsync(Owner, "state", saved.ToJsonString(), ct));
        Publish(status, $"trading state {TradingStatus.Wire(mode)}: {reason}");
    }

    /// <summary>Halts new orders while <paramref name="key"/> holds (not journaled: a block ends with what caused it).</summary>
    public void Block(string key, string reason)
    {
        TradingStatus status;
        lock (_gate)
        {
            if (_blocks.TryGetValue(key, out var existing) && existing == reason) return;
            _blocks[key] = reason;
            status = StatusLocked();
        }
        Publish(status, $"trading blocked: {reason}");
    }

    public void Unblock(string key)
    {
        TradingStatus status;
        lock (_gate)
        {
            if (!_blocks.Remove(key)) return;
            status = StatusLocked();
        }
        Publish(status, $"trading block lifted: {key}");
    }

    public bool IsBlocked(string key)
    {
        lock (_gate) return _blocks.ContainsKey(key);
    }

    private TradingStatus StatusLocked()
    {
        var blocks = _blocks.Values.ToList();
        var mode = blocks.Count > 0 ? TradingMode.Halted : _mode;
        var reason = blocks.Count > 0 ? string.Join("; ", blocks) : _reason;
        return _status = new TradingStatus(mode, reason, _since, blocks);
    }

    private void Publish(TradingStatus status, string what)
    {
        EngineLog.TradingStateChanged(_logger, TradingStatus.Wire(status.Mode), what);
        _recorder?.RecordEngineEvent("trading_state", new JsonObject
        {
            ["mode"] = TradingStatus.Wire(status.Mode),
            ["reason"] = status.Reason,
            ["change"] = what,
        }, _time.GetUtcNow());
        Changed?.Invoke(status);
    }
}
