using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Alerts;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Arbitrage;

/// <summary>A two-leg open: long on one venue, short on the other, the same quantity of one base asset.</summary>
public sealed record ArbOpenRequest(string Symbol, string LongVenue, string ShortVenue, Quantity Quantity, string Reason = "manual", string Strategy = "manual");

/// <summary>A two-leg close of whatever the account holds in <paramref name="Symbol"/> on both venues.</summary>
public sealed record ArbCloseRequest(string Symbol, IReadOnlyList<string> Venues, string Reason, string Strategy = "manual");

/// <summary>An operation ready to run: the two instruments (opening: long first), checked against their venues.</summary>
public sealed record TwoLegPlan(TwoLegKind Kind, string Symbol, string Reason, string Strategy, Instrument First, Instrument Second, Quantity? Quantity);

/// <summary>A plan, or why there is none (bad input: nothing ran, nothing changed). <paramref name="Busy"/>: another operation runs on the symbol.</summary>
public sealed record TwoLegPlanning(TwoLegPlan? Plan, string? Problem, bool Busy = false);

/// <summary>
/// Opens and closes a funding-arbitrage pair across two venues without leaving a naked leg and
/// without needless rollbacks (seed 003). Passive first: both legs post-only at the touch (plus an
/// offset), reduce-only when closing; a post-only refusal is a re-price. When one leg is complete
/// or the passive phase times out, the other's order is canceled, the cancel's answer awaited and
/// its final fills read; then what a leg still lacks goes through the aggressive ladder
/// (break-even, inside, touch, cross, then a market order with a bounded worst price). Targets are
/// the venues' positions (closing) or the other leg's fills (opening), never the plan; each leg
/// closes its own position. A residual below a venue's minimum is tried reduce-only on the leg
/// that holds it, else tracked as dust. An open that could not be hedged is rolled back, only for
/// the exposure the venues show it created; a close is never rolled back (that would re-open),
/// and nothing is done after success is recorded.
/// </summary>
public sealed partial class TwoLegExecutor
{
    private readonly VenueRegistry _venues;
    private readonly FillConfirmation _confirmation;
    private readonly PortfolioBook _portfolio;
    private readonly PreTradeGate _gate;
    private readonly TradingStates _trading;
    private readonly ClientOrderIds _ids;
    private readonly EngineMetrics _metrics;
    private readonly AlertDispatcher? _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TwoLegExecutor(VenueRegistry venues, FillConfirmation confirmation, PortfolioBook portfolio, PreTradeGate gate, TradingStates trading,
        ClientOrderIds ids, EngineMetrics metrics, TwoLegBook book, TimeProvider time, TwoLegOptions? options = null, AlertDispatcher? alerts = null,
        ILogger<TwoLegExecutor>? logger = null)
    {
        _venues = venues;
        _confirmation = confirmation;
        _portfolio = portfolio;
        _gate = gate;
        _trading = trading;
        _ids = ids;
        _metrics = metrics;
        Book = book;
        _time = time;
        _alerts = alerts;
        Options = options ?? new TwoLegOptions();
        _logger = logger ?? NullLogger<TwoLegExecutor>.Instance;
    }

    public TwoLegOptions Options { get; }

    public TwoLegBook Book { get; }

    /// <summary>Symbols each venue may call a base asset's perpetual: Lighter "ZEC", Aster "ZECUSDT".</summary>
    public static IReadOnlyList<string> SymbolCandidates(string baseAsset) => [baseAsset, baseAsset + "USDT", baseAsset + "USDC", baseAsset + "-PERP"];

    /// <summary>Checks an open against the venues (both configured, the perpetual known on each, the quantity on both steps and minimums); nothing is sent.</summary>
    public async Task<TwoLegPlanning> PlanOpenAsync(ArbOpenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.LongVenue == request.ShortVenue) return Problem($"the long and the short venue are both '{request.LongVenue}': a pair needs two venues");
        var (first, p1) = await PerpetualAsync(request.LongVenue, request.Symbol, cancellationToken);
        if (first is null) return Problem(p1!);
        var (second, p2) = await PerpetualAsync(request.ShortVenue, request.Symbol, cancellationToken);
        if (second is null) return Problem(p2!);
        if (request.Quantity.IsZero) return Problem("'quantity' must be more than zero");
        foreach (var instrument in new[] { first, second })
        {
            if (!instrument.IsOnStep(request.Quantity))
                return Problem($"quantity {request.Quantity} is not a multiple of {instrument.Id}'s step {instrument.Step}");
            if (request.Quantity < instrument.MinQuantity)
                return Problem($"quantity {request.Quantity} is below {instrument.Id}'s minimum {instrument.MinQuantity}");
        }
        return Busy(new TwoLegPlan(TwoLegKind.Open, first.Market, request.Reason, request.Strategy, first, second, request.Quantity));
    }

    /// <summary>Checks a close against the venues; nothing is sent.</summary>
    public async Task<TwoLegPlanning> PlanCloseAsync(ArbCloseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Venues.Count != 2) return Problem("'venues' must name exactly two venues");
        if (request.Venues[0] == request.Venues[1]) return Problem($"'venues' names '{request.Venues[0]}' twice: a pair needs two venues");
        if (!TwoLegText.CloseReasons.Contains(request.Reason))
            return Problem($"'reason' must be one of {string.Join(", ", TwoLegText.CloseReasons)}");
        var (first, p1) = await PerpetualAsync(request.Venues[0], request.Symbol, cancellationToken);
        if (first is null) return Problem(p1!);
        var (second, p2) = await PerpetualAsync(request.Venues[1], request.Symbol, cancellationToken);
        if (second is null) return Problem(p2!);
        return Busy(new TwoLegPlan(TwoLegKind.Close, first.Market, request.Reason, request.Strategy, first, second, null));
    }

    /// <summary>Plans and runs an open; a request that cannot be planned runs nothing and answers why.</summary>
    public async Task<(TwoLegView? Operation, TwoLegPlanning Planning)> OpenAsync(ArbOpenRequest request, CancellationToken cancellationToken)
    {
        var planning = await PlanOpenAsync(request, cancellationToken);
        return planning.Plan is { } plan ? (await ExecuteAsync(plan, cancellationToken), planning) : (null, planning);
    }

    /// <summary>Plans and runs a close; a request that cannot be planned runs nothing and answers why.</summary>
    public async Task<(TwoLegView? Operation, TwoLegPlanning Planning)> CloseAsync(ArbCloseRequest request, CancellationToken cancellationToken)
    {
        var planning = await PlanCloseAsync(request, cancellationToken);
        return planning.Plan is { } plan ? (await ExecuteAsync(plan, cancellationToken), planning) : (null, planning);
    }

    /// <summary>
    /// Runs one operation to its end and answers it. Its outcome is recorded once: success is never
    /// followed by anything; a failure names what is left and where.
    /// </summary>
    public async Task<TwoLegView> ExecuteAsync(TwoLegPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var op = new TwoLegOperation("arb-" + _ids.Next().Value, plan.Kind, plan.Symbol, plan.Reason, plan.Strategy, _time.GetUtcNow());
        if (Book.TryBegin(op) is { } busy)
        {
            op.End(TwoLegOutcome.Failed, $"operation {busy} is running on {plan.Symbol}: one at a time per symbol", _time.GetUtcNow());
            return op.View();
        }
        TwoLegLog.Started(_logger, op.Id, TwoLegText.Wire(op.Kind), op.Symbol, plan.First.Id, plan.Second.Id, op.Reason);
        try
        {
            if (plan.Kind == TwoLegKind.Open) await RunOpenAsync(op, plan, cancellationToken);
            else await RunCloseAsync(op, plan, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Finish(op, TwoLegOutcome.Failed, "stopped with the engine: its orders are followed to their end after the restart");
            throw;
        }
        catch (VenueException e)
        {
            Finish(op, TwoLegOutcome.Failed, $"a venue could not be read ({e.Message}); the positions are for reconciliation to check");
        }
        finally
        {
            // Only the record: whatever the outcome, nothing is sent from here.
            if (op.Outcome == TwoLegOutcome.Running) Finish(op, TwoLegOutcome.Failed, "ended without an outcome");
            Book.Finish(op);
        }
        return op.View();
    }

    private TwoLegPlanning Busy(TwoLegPlan plan) =>
        Book.RunningOn(plan.Symbol) is { } running
            ? new TwoLegPlanning(null, $"operation {running} is running on {plan.Symbol}: one at a time per symbol", Busy: true)
            : new TwoLegPlanning(plan, null);

    private static TwoLegPlanning Problem(string problem) => new(null, problem);

    /// <summary>The perpetual a venue lists for a base asset, under any of the names venues give it.</summary>
    private async Task<(Instrument? Instrument, string? Problem)> PerpetualAsync(string venue, string baseAsset, CancellationToken ct)
    {
        if (!_venues.Has(venue)) return (null, $"venue '{venue}' is not configured (configured: {string.Join(", ", _venues.All.Select(v => v.Name))})");
        foreach (var symbol in SymbolCandidates(baseAsset))
        {
            if (!InstrumentId.TryParse($"{venue}:{symbol}", out var id, out _)) return (null, $"'{baseAsset}' is not a symbol");
            Instrument? instrument;
            try
            {
                instrument = await _venues.GetInstrumentAsync(id, ct);
            }
            catch (VenueException e)
            {
                return (null, $"{venue} could not be asked about {symbol}: {e.Message}");
            }
            if (instrument is { Kind: InstrumentKind.Perpetual } && string.Equals(instrument.Market, baseAsset, StringComparison.OrdinalIgnoreCase)) return (instrument, null);
        }
        return (null, $"{venue} has no perpetual on {baseAsset}");
    }

    private void Finish(TwoLegOperation op, TwoLegOutcome outcome, string? error)
    {
        if (!op.End(outcome, error, _time.GetUtcNow())) return;
        var detail = error is null ? "" : $": {error}";
        TwoLegLog.Ended(_logger, op.Id, TwoLegText.Wire(op.Kind), op.Symbol, TwoLegText.Wire(outcome), detail);
        if (outcome == TwoLegOutcome.Failed && op.Legs.Count > 0)
        {
            _alerts?.Raise(new Alert(AlertSeverity.Critical, "arb", $"Two-leg {TwoLegText.Wire(op.Kind)} of {op.Symbol} failed",
                [new("Operation", op.Id), new("Reason", op.Reason), new("Detail", error ?? "-")], _time.GetUtcNow()));
        }
        Book.Touch(op);
    }

    private async Task RunOpenAsync(TwoLegOperation op, TwoLegPlan plan, CancellationToken ct)
    {
        if (_trading.Status is { Mode: not TradingMode.Active } status)
        {
            Finish(op, TwoLegOutcome.Failed, $"not opened: trading is {TradingStatus.Wire(status.Mode)} ({status.Reason})");
            return;
        }
        var quantity = plan.Quantity!.Value;
        var lotBase = op.Id;
        var longLeg = op.AddLeg(plan.First, OrderSide.Buy, closing: false, quantity, new PositionId($"{lotBase}-{plan.First.Id.Venue}"));
        var shortLeg = op.AddLeg(plan.Second, OrderSide.Sell, closing: false, quantity, new PositionId($"{lotBase}-{plan.Second.Id.Venue}"));
        await WatchAsync(op, ct);
        var positions = await PositionsAsync(op, ct);
        foreach (var leg in op.Legs) leg.Baseline = positions[leg.Id].Signed;
        foreach (var leg in op.Legs)
        {
            var quote = Quote(leg);
            if (TwoLegPricing.SpreadGuard(quote, Options.MaxSpreadPercent) is { } why)
            {
                Finish(op, TwoLegOutcome.Failed, $"not opened: {leg.Id} {why} (the spread guard is {Options.MaxSpreadPercent}%)");
                return;
            }
            var mid = Price.Of((quote!.BestBid!.Value.Value + quote.BestAsk!.Value.Value) / 2m);
            if (leg.Instrument.IsBelowMinimum(quantity, mid))
            {
                Finish(op, TwoLegOutcome.Failed, $"not opened: {quantity} {leg.Id} is below the venue's minimum ({leg.Instrument.MinQuantity}, {leg.Instrument.MinNotional} notional)");
                return;
            }
        }
        Book.Touch(op);

        await PassiveAsync(op, critical: false, ct);

        // The leg that filled more sets the target; the other's unfilled rest of the plan is dropped.
        var leading = longLeg.Filled >= shortLeg.Filled ? longLeg : shortLeg;
        var lagging = op.Other(leading);
        leading.Target = leading.Filled;
        lagging.Target = leading.Filled;
        Book.Touch(op);
        if (leading.Filled.IsZero && !longLeg.HasLiveOrders && !shortLeg.HasLiveOrders)
        {
            Finish(op, TwoLegOutcome.Failed, "nothing filled on either leg within the passive phase: nothing held, nothing to undo");
            return;
        }

        if (!lagging.Complete) await LadderAsync(op, lagging, critical: false, ct);
        if (!lagging.Complete) await ResidualAsync(op, lagging, ct);
        if (op.Legs.All(l => l.Complete))
        {
            // Level, but level at nothing (what one leg filled was taken back): no pair was opened.
            if (op.Legs.All(l => l.Filled.IsZero && l.Dust.IsZero))
            {
                var why = string.Join("; ", op.Legs.Where(l => l.Problem is not null).Select(l => $"{l.Id}: {l.Problem}"));
                Finish(op, TwoLegOutcome.Failed, $"nothing opened: what filled was taken back, the pair is level at zero{(why.Length == 0 ? "" : $" ({why})")}");
                return;
            }
            Finish(op, TwoLegOutcome.Success, null);
            return;
        }
        await RollbackOpenAsync(op, ct);
    }

    private async Task RunCloseAsync(TwoLegOperation op, TwoLegPlan plan, CancellationToken ct)
    {
        var positions = await PositionsAsync(plan.First, plan.Second, ct);
        foreach (var instrument in new[] { plan.First, plan.Second })
        {
            var held = positions[instrument.Id];
            // Each leg closes its own position: a sell closes a long, a buy a short.
            var leg = op.AddLeg(instrument, held.Signed >= 0m ? OrderSide.Sell : OrderSide.Buy, closing: true, held.Quantity);
            leg.Baseline = held.Signed;
            leg.Entry = held.Entry;
        }
        if (op.Legs.All(l => l.Target.IsZero))
        {
            op.Note("both legs were flat on the venues: nothing to close");
            Finish(op, TwoLegOutcome.Success, null);
            return;
        }
        await WatchAsync(op, ct);
        var critical = Options.CriticalReasons.Contains(op.Reason);
        if (!critical && op.Legs.All(l => !l.Target.IsZero))
        {
            // Both legs held: nothing is naked yet, so a wide spread defers the close rather than paying it.
            foreach (var leg in op.Legs)
            {
                if (TwoLegPricing.SpreadGuard(Quote(leg), Options.MaxSpreadPercent) is { } why)
                {
                    Finish(op, TwoLegOutcome.Failed, $"deferred: {leg.Id} {why} (the spread guard is {Options.MaxSpreadPercent}%); nothing was sent");
                    return;
                }
            }
        }
        Book.Touch(op);

        if (!critical) await PassiveAsync(op, critical: false, ct);

        // What each leg still holds, as its venue says (never more than the fills leave to close).
        await TargetsFromPositionsAsync(op, ct);
        var pending = op.Legs.Where(l => !l.Complete).ToList();
        await Task.WhenAll(pending.Select(l => LadderAsync(op, l, critical, ct)));
        foreach (var leg in op.Legs.Where(l => !l.Complete)) await ResidualAsync(op, leg, ct);
        if (op.Legs.All(l => l.Complete))
        {
            Finish(op, TwoLegOutcome.Success, null);
            return;
        }

        // Before calling it failed: what do the venues hold now? Only exposure that exists is named.
        await TargetsFromPositionsAsync(op, ct);
        if (op.Legs.All(l => l.Complete))
        {
            op.Note("the venues' positions show both legs closed");
            Finish(op, TwoLegOutcome.Success, null);
            return;
        }
        var left = string.Join("; ", op.Legs.Where(l => !l.Complete).Select(l => $"{l.Id} still holds {l.Remaining} ({l.Problem ?? "the ladder ran out"})"));
        Finish(op, TwoLegOutcome.Failed, $"not closed: {left}. A close is never rolled back (that would re-open); close again or act by hand");
    }
}
