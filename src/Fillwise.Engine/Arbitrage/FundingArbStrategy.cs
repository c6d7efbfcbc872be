using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Arbitrage;

/// <summary>
/// The funding-arb strategy (`--strategy funding-arb`): every check interval it reads both
/// venues' funding, decides (<see cref="FundingArbSignals"/>), and opens or closes the pair through
/// the two-leg executor. Every decision is logged, journaled (engine event `arb_decision`) and kept
/// for GET /api/v1/arb; the pair it holds is journaled too, so a restart knows it.
/// </summary>
public sealed partial class FundingArbStrategy
{
    private const int DecisionsKept = 200;
    private static readonly MetadataOwner Owner = MetadataOwner.Engine("funding-arb");
    private readonly TradingEngine _engine;
    private readonly ILogger _logger;
    private readonly LinkedList<FundingArbDecision> _decisions = new();

    public FundingArbStrategy(TradingEngine engine, FundingArbOptions options, ILogger<FundingArbStrategy>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        _engine = engine;
        Options = options;
        _logger = logger ?? NullLogger<FundingArbStrategy>.Instance;
    }

    public FundingArbOptions Options { get; }

    /// <summary>The pair held, or null when flat.</summary>
    public FundingArbPosition? Position { get; private set; }

    /// <summary>The most recent decisions, newest first.</summary>
    public IReadOnlyList<FundingArbDecision> Decisions
    {
        get { lock (_decisions) return _decisions.ToList(); }
    }

    /// <summary>Reads back the pair held before a restart.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        var stored = await _engine.Recorder.Journal.GetMetadataAsync(Owner, cancellationToken);
        if (!stored.TryGetValue("position", out var json) || JsonNode.Parse(json) is not JsonObject o) return;
        Position = new FundingArbPosition(o["long"]!.GetValue<string>(), o["short"]!.GetValue<string>(),
            decimal.Parse(o["entry_spread_per_hour"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(o["opened_at"]!.GetValue<string>(), CultureInfo.InvariantCulture), o["operation"]!.GetValue<string>());
    }

    /// <summary>Checks every interval until stopped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.CheckInterval, _engine.Time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await StepAsync(cancellationToken);
            }
            catch (VenueException e)
            {
                Skipped($"a venue could not be read: {e.Message}");
            }
        }
    }

    /// <summary>One check: read funding, decide, act. Answers the decision (null when it could not decide now).</summary>
    public async Task<FundingArbDecision?> StepAsync(CancellationToken cancellationToken)
    {
        if (!_engine.IsReady) return Skipped("the engine is not ready");
        if (_engine.ArbBook.RunningOn(Options.Symbol) is { } running) return Skipped($"operation {running} is running on {Options.Symbol}");
        ForgetClosedElsewhere();
        var planning = await _engine.Arbitrage.PlanCloseAsync(new ArbCloseRequest(Options.Symbol, Options.Venues, "manual", Strategy), cancellationToken);
        if (planning.Plan is not { } pair) return Skipped(planning.Problem ?? "no plan");
        var first = await ReadAsync(pair.First.Id, cancellationToken);
        var second = await ReadAsync(pair.Second.Id, cancellationToken);
        var decision = FundingArbSignals.Decide(Position, first, second, _engine.Time.GetUtcNow(), Options);
        // An open while the engine does not take new exposure would only be refused: no operation, no decision, one log line.
        if (decision.Action == FundingArbAction.Open && _engine.Trading.Status is { Mode: not Risk.TradingMode.Active } status)
            return Skipped($"would open ({decision.Reason}) but trading is {Risk.TradingStatus.Wire(status.Mode)}: {status.Reason}");
        Record(decision);
        _lastSkip = null;
        switch (decision.Action)
        {
            case FundingArbAction.Open:
                var open = await _engine.Arbitrage.PlanOpenAsync(
                    new ArbOpenRequest(Options.Symbol, decision.LongVenue!, decision.ShortVenue!, Options.Quantity, decision.Reason, Strategy), cancellationToken);
                if (open.Plan is null) return Skipped(open.Problem!);
                var opened = await _engine.RunArbAsync(open.Plan);
                if (opened.Outcome == TwoLegOutcome.Success && opened.Legs.All(l => !l.Filled.IsZero))
                    await HoldAsync(new FundingArbPosition(decision.LongVenue!, decision.ShortVenue!, decision.SpreadPerHour, opened.EndedAt ?? decision.Time, opened.Id), cancellationToken);
                break;
            case FundingArbAction.Close:
                var close = await _engine.Arbitrage.PlanCloseAsync(new ArbCloseRequest(Options.Symbol, Options.Venues, decision.Reason, Strategy), cancellationToken);
                if (close.Plan is null) return Skipped(close.Problem!);
                var closed = await _engine.RunArbAsync(close.Plan);
                if (closed.Outcome == TwoLegOutcome.Success) await HoldAsync(null, cancellationToken);
                break;
        }
        return decision;
    }

    public const string Strategy = "funding-arb";

    /// <summary>A close made outside the strategy (a person's, through the control API) ends what it holds.</summary>
    private void ForgetClosedElsewhere()
    {
        if (Position is not { } held) return;
        var closed = _engine.ArbBook.All.FirstOrDefault(v => v.Kind == TwoLegKind.Close && v.Outcome == TwoLegOutcome.Success
            && string.Equals(v.Symbol, Options.Symbol, StringComparison.OrdinalIgnoreCase) && v.StartedAt >= held.OpenedAt);
        if (closed is null) return;
        Record(new FundingArbDecision(_engine.Time.GetUtcNow(), FundingArbAction.Close, closed.Reason, $"closed by operation {closed.Id} ({closed.Strategy})",
            held.LongVenue, held.ShortVenue, 0m));
        Position = null;
        _engine.Recorder.Enqueue((j, ct) => j.SetMetadataAsync(Owner, "position", "null", ct));
    }

    private async Task<FundingReading> ReadAsync(Domain.Instruments.InstrumentId instrument, CancellationToken ct)
    {
        var funding = await _engine.Venues.For(instrument).MarketData.GetFundingAsync(instrument, ct);
        return new FundingReading(instrument.Venue, funding.Rate, funding.Interval);
    }

    private async Task HoldAsync(FundingArbPosition? position, CancellationToken ct)
    {
        Position = position;
        var json = position is null ? "null" : new JsonObject
        {
            ["long"] = position.LongVenue,
            ["short"] = position.ShortVenue,
            ["entry_spread_per_hour"] = position.EntrySpreadPerHour.ToString(CultureInfo.InvariantCulture),
            ["opened_at"] = position.OpenedAt.ToString("O", CultureInfo.InvariantCulture),
            ["operation"] = position.OperationId,
        }.ToJsonString();
        // Through the recorder, in order with everything else it writes; durable before the next decision.
        _engine.Recorder.Enqueue((j, token) => j.SetMetadataAsync(Owner, "position", json, token));
        await _engine.Recorder.FlushAsync(ct);
    }

    private FundingArbDecision? Skipped(string why)
    {
        // Said once while it lasts: a halted engine would otherwise repeat it every check.
        if (!string.Equals(Interlocked.Exchange(ref _lastSkip, why), why, StringComparison.Ordinal)) StrategyLog.Skipped(_logger, why);
        return null;
    }

    private string? _lastSkip;

    private void Record(FundingArbDecision decision)
    {
        lock (_decisions)
        {
            _decisions.AddFirst(decision);
            while (_decisions.Count > DecisionsKept) _decisions.RemoveLast();
        }
        StrategyLog.Decided(_logger, decision.Action.ToString().ToLowerInvariant(), decision.Reason, decision.Detail);
        _engine.Recorder.RecordEngineEvent("arb_decision", ToJson(decision), decision.Time);
    }

    public static JsonObject ToJson(FundingArbDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new JsonObject
        {
            ["time"] = decision.Time.ToString("O", CultureInfo.InvariantCulture),
            ["action"] = decision.Action.ToString().ToLowerInvariant(),
            ["reason"] = decision.Reason,
            ["detail"] = decision.Detail,
            ["long_venue"] = decision.LongVenue,
            ["short_venue"] = decision.ShortVenue,
            ["spread_per_hour"] = decision.SpreadPerHour.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static partial class StrategyLog
    {
        [LoggerMessage(8100, LogLevel.Information, "funding-arb: {Action} ({Reason}): {Detail}")]
        public static partial void Decided(ILogger logger, string action, string reason, string detail);

        [LoggerMessage(8101, LogLevel.Information, "funding-arb: no decision now: {Why}")]
        public static partial void Skipped(ILogger logger, string why);
    }
}
