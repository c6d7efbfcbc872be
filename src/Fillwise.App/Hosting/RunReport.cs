using System.Globalization;
using Fillwise.Domain.Values;
using Fillwise.Engine;
using Fillwise.Engine.Strategies;

namespace Fillwise.App.Hosting;

/// <summary>
/// What a run did, in a few lines a person reads at the end (and `paper` prints every few seconds
/// while it runs): whales seen and followed, orders, partial entries and exits, realized PnL beside
/// the venue's own figure, the two-leg operations and the funding they collected, the last
/// reconciliation.
/// </summary>
public static partial class RunReport
{
    /// <summary>One line for the live summary.</summary>
    public static string Summary(EngineSnapshot s, WhaleSnapshot? whales, ArbRunView? arb = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var balance = s.Accounts.Count == 0 ? "unknown" : string.Join(", ", s.Accounts.Select(a => $"{a.Venue} {(a.Balance is { } b ? b.ToString() : "unknown")}"));
        var last = whales?.Recent.FirstOrDefault();
        var decision = last is null ? "" : $" | last whale: {WhaleDecision.Wire(last.Verdict)} ({last.Reason})";
        return $"[{s.Time:HH:mm:ss}] {s.Trading.Mode.ToString().ToLowerInvariant()} | balance {balance} | daily PnL {-s.KillSwitch.Day.Loss} | " +
               $"positions {s.OpenLots.Count} open, {s.ClosedLots.Count} closed | orders live {s.OpenOrders.Count}" +
               (whales is null ? "" : $" | whales seen {whales.Seen}, followed {whales.Followed}, skipped {whales.Skipped}") +
               (arb is null ? "" : $" | arb {ArbSummary(s, arb)}") +
               $" | reconciliation {Reconciliation(s)}{decision}";
    }

    /// <summary>
    /// The end-of-run report; <paramref name="venueRealized"/> is the Kalshi venue's realized PnL summed
    /// over the account's positions (null: the venue gives none), compared with the engine's on the
    /// same venue; <paramref name="arb"/> the two-leg operations (null: none ran and no strategy ran
    /// them); <paramref name="scenario"/>, paper's world (seed, steps); <paramref name="since"/>, when
    /// given, the run's start: times are then told as time into the run (paper, whose replay by seed
    /// gives the same report), not as the clock's time.
    /// </summary>
    public static IReadOnlyList<string> Lines(EngineSnapshot s, WhaleSnapshot? whales, Money? venueRealized, string realizedVenue = "kalshi", ArbRunView? arb = null,
        string? scenario = null, DateTimeOffset? since = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var m = s.Metrics;
        var realized = s.ClosedLots.Concat(s.OpenLots).Where(l => l.Instrument.Venue == realizedVenue).SelectMany(l => l.Exits)
            .Aggregate(Money.Zero, (sum, e) => sum + e.GrossPnl);
        var lines = new List<string>
        {
            "run report",
            whales is null ? "  whales: the whale follower did not run" : $"  whales: {whales.Seen} seen, {whales.Followed} followed, {whales.Skipped} skipped",
            $"  entries: {m.EntryOrdersPlaced} placed, {m.EntryOrdersFullFilled} filled, {m.EntryOrdersPartialFilled} partial, {m.EntryOrdersFailed} failed",
            $"  exits: {m.ExitOrdersPlaced} placed, {m.ExitOrdersFullFilled} filled, {m.ExitOrdersPartialFilled} partial, {m.ExitOrdersFailed} failed",
            $"  positions: {s.OpenLots.Count} open, {s.ClosedLots.Count} closed",
            $"  realized PnL on {realizedVenue} (price, before fees): engine {realized}, venue {(venueRealized is { } v ? v.ToString() : "unknown")}" +
                (venueRealized is { } w ? (Math.Round(w.Dollars, 2) == Math.Round(realized.Dollars, 2) ? " (equal to the cent)" : $" (DIFFERENT by {realized - w})") : ""),
        };
        if (arb is not null) lines.AddRange(ArbLines(s, arb, since));
        lines.Add($"  last reconciliation: {Reconciliation(s, since)}");
        lines.Add($"  kill switch: {(s.KillSwitch.Tripped ? $"TRIPPED ({s.KillSwitch.Reason})" : "not tripped")}; anomalies {s.Anomalies.Count}");
        if (scenario is not null) lines.Insert(1, $"  scenario: {scenario}");
        return lines;
    }

    internal static string Reconciliation(EngineSnapshot s, DateTimeOffset? since = null)
    {
        var last = s.Reconciliation.OrderByDescending(r => r.Started).FirstOrDefault();
        if (last is null) return "none yet";
        var at = At(last.Started, since);
        return last.Clean ? $"clean ({last.Trigger}, {at})" : $"{last.Discrepancies.Count} discrepancies ({last.Trigger}, {at})";
    }

    /// <summary>A time in the report: the clock's, or (with the run's start) how far into the run, e.g. "1:05 into the run".</summary>
    internal static string At(DateTimeOffset time, DateTimeOffset? since)
    {
        if (since is not { } start) return time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var into = time - start;
        if (into < TimeSpan.Zero) into = TimeSpan.Zero;
        return $"{(int)into.TotalMinutes}:{into.Seconds:00} into the run";
    }
}
