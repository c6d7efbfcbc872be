using System.Globalization;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Arbitrage;
using Fillwise.Engine.Portfolio;

namespace Fillwise.App.Hosting;

/// <summary>
/// The two-leg side of a run, for the summary line and the report: every operation (the engine's
/// record), the pair the funding-arb strategy holds and its decisions (null when the strategy did not
/// run), and at the end each perp venue's own positions (null: not read, or not yet).
/// </summary>
public sealed record ArbRunView(
    IReadOnlyList<TwoLegView> Operations,
    FundingArbPosition? Held,
    IReadOnlyList<FundingArbDecision>? Decisions,
    IReadOnlyList<PositionReport>? VenuePositions = null);

public static partial class RunReport
{
    /// <summary>The arb part of the summary line: the pair held with its funding, the operation running, or flat.</summary>
    internal static string ArbSummary(EngineSnapshot s, ArbRunView arb)
    {
        var running = arb.Operations.FirstOrDefault(o => o.Outcome == TwoLegOutcome.Running);
        var legs = ArbLots(s, arb).GroupBy(l => (l.Instrument, l.Side)).Select(g => $"{Word(g.Key.Side)} {g.Key.Instrument} {Sum(g.Select(l => l.Quantity))}").ToList();
        var held = legs.Count == 0 ? "flat" : string.Join(" / ", legs);
        var funding = ArbLots(s, arb).Aggregate(Money.Zero, (sum, l) => sum + l.FundingPaid);
        var text = $"{held}, funding {Collected(funding)}";
        if (running is not null) text += $"; {running.Id} {TwoLegText.Wire(running.Kind)} running ({(running.Phases.Count == 0 ? "starting" : TwoLegText.Wire(running.Phases[^1]))})";
        else if (arb.Operations.FirstOrDefault() is { } last) text += $"; last {last.Id} {TwoLegText.Wire(last.Kind)} {TwoLegText.Wire(last.Outcome)}";
        return text;
    }

    /// <summary>The report's lines on the two-leg operations: each one, the fees by maker and taker, the funding, the venues' positions.</summary>
    private static IEnumerable<string> ArbLines(EngineSnapshot s, ArbRunView arb, DateTimeOffset? since)
    {
        var ops = arb.Operations.OrderBy(o => o.StartedAt).ToList();
        int Count(TwoLegKind? kind, TwoLegOutcome? outcome) => ops.Count(o => (kind is null || o.Kind == kind) && (outcome is null || o.Outcome == outcome));
        yield return $"  two-leg operations: {ops.Count} ({Count(TwoLegKind.Open, null)} open, {Count(TwoLegKind.Close, null)} close): " +
                     $"{Count(null, TwoLegOutcome.Success)} success, {Count(null, TwoLegOutcome.Failed)} failed, {Count(null, TwoLegOutcome.Running)} running; " +
                     $"rolled back {ops.Count(o => o.RolledBack)}";
        foreach (var op in ops) yield return "    " + Operation(op);
        var legs = ops.SelectMany(o => o.Legs).ToList();
        var maker = legs.Aggregate(Money.Zero, (sum, l) => sum + l.MakerFees);
        var taker = legs.Aggregate(Money.Zero, (sum, l) => sum + l.TakerFees);
        yield return $"  two-leg fees: maker {maker}, taker {taker}, total {maker + taker}";
        var lots = ArbLots(s, arb).ToList();
        var funding = lots.GroupBy(l => l.Instrument).Select(g => $"{g.Key} {Collected(g.Aggregate(Money.Zero, (sum, l) => sum + l.FundingPaid))}").ToList();
        var total = lots.Aggregate(Money.Zero, (sum, l) => sum + l.FundingPaid);
        yield return $"  funding on the arb legs: {Collected(total)}" + (funding.Count == 0 ? "" : $" ({string.Join(", ", funding)})");
        if (arb.Decisions is { } decisions)
        {
            var byAction = decisions.GroupBy(d => d.Action).ToDictionary(g => g.Key, g => g.Count());
            var held = arb.Held is { } h ? $"holding long {h.LongVenue} / short {h.ShortVenue} since {At(h.OpenedAt, since)} ({h.OperationId})" : "flat";
            yield return $"  funding-arb: {held}; decisions {decisions.Count} (open {byAction.GetValueOrDefault(FundingArbAction.Open)}, " +
                         $"close {byAction.GetValueOrDefault(FundingArbAction.Close)}, hold {byAction.GetValueOrDefault(FundingArbAction.Hold)})" +
                         (decisions.FirstOrDefault() is { } last ? $"; last: {last.Action.ToString().ToLowerInvariant()} ({last.Reason})" : "");
        }
        if (arb.VenuePositions is { } positions)
        {
            var venues = ops.SelectMany(o => o.Legs).Select(l => l.Instrument).Distinct().ToList();
            var shown = venues.Select(i => positions.FirstOrDefault(p => p.Instrument == i) is { } p && !p.Quantity.IsZero ? $"{i} {Word(p.Side)} {p.Quantity}" : $"{i} flat");
            if (venues.Count > 0) yield return $"  venue positions: {string.Join(", ", shown)}";
        }
    }

    /// <summary>One operation: kind, outcome, each leg's fills and average price, phases, dust, fees, hedge latency, error.</summary>
    private static string Operation(TwoLegView op)
    {
        var legs = string.Join(", ", op.Legs.Select(l =>
            $"{(l.Side == OrderSide.Buy ? "buy" : "sell")} {l.Instrument} {Fixed(l.Filled.Value, l.QuantityDecimals)}" +
            (l.AveragePrice is { } p ? $" @ {Fixed(p.Value, l.PriceDecimals)}" : "") + $" (maker {l.MakerFees}, taker {l.TakerFees})"));
        var dust = op.Dust.Count == 0 ? "none" : string.Join(", ", op.Dust.Select(d => $"{d.Quantity} on {d.Venue}"));
        var latency = op.HedgeLatency is { } t ? $"; hedge sent {t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms after the other leg was complete" : "";
        return $"{op.Id} {TwoLegText.Wire(op.Kind)} {op.Symbol} ({op.Reason}, {op.Strategy}) {TwoLegText.Wire(op.Outcome)}: {legs}; " +
               $"phases {(op.Phases.Count == 0 ? "none" : string.Join(" > ", op.Phases.Select(TwoLegText.Wire)))}; dust {dust}" +
               (op.RolledBack ? "; ROLLED BACK" : "") + latency + (op.Error is { } e ? $"; {e}" : "");
    }

    /// <summary>Lots the two-leg opens built (one per leg, named after the operation), open or closed since.</summary>
    private static IEnumerable<LotView> ArbLots(EngineSnapshot s, ArbRunView arb)
    {
        var opens = arb.Operations.Where(o => o.Kind == TwoLegKind.Open).Select(o => o.Id + "-").ToList();
        return s.OpenLots.Concat(s.ClosedLots).Where(l => opens.Any(o => l.Id.Value.StartsWith(o, StringComparison.Ordinal)));
    }

    /// <summary>Funding paid (positive) is money out; the report says what was collected.</summary>
    private static string Collected(Money paid) => paid.Dollars <= 0m ? $"received {-paid}" : $"paid {paid}";

    private static string Word(PositionSide side) => side == PositionSide.Long ? "long" : "short";

    private static Quantity Sum(IEnumerable<Quantity> quantities) => quantities.Aggregate(Quantity.Zero, (a, b) => a + b);

    private static string Fixed(decimal value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
