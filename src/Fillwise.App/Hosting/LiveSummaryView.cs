using System.Globalization;
using Fillwise.Domain.Values;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Strategies;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fillwise.App.Hosting;

/// <summary>
/// The panel `paper` keeps redrawn on a terminal: trading state and kill switch, balances, PnL
/// (realized and unrealized), open positions, the follower's last decisions with their reasons, the
/// last reconciliation, the dashboard URL and the last log lines. Pure: a frame in, a renderable out.
/// Every text that comes from outside (reasons, tickers, log lines) is escaped, never read as markup.
/// </summary>
internal static class LiveSummaryView
{
    /// <summary>How many open positions and decisions the panel lists; the rest are counted.</summary>
    internal const int Listed = 6;

    public static IRenderable Render(LiveSummaryFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var s = frame.Engine;
        var facts = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        facts.AddRow(Label("Trading"), new Markup(Trading(s.Trading, s.KillSwitch)));
        facts.AddRow(Label("Balance"), Plain(Balances(s)));
        facts.AddRow(Label("PnL"), Plain(Pnl(s)));
        facts.AddRow(Label("Orders"), Plain($"{s.OpenOrders.Count} live; entries {s.Metrics.EntryOrdersPlaced} placed ({s.Metrics.EntryOrdersPartialFilled} partial), exits {s.Metrics.ExitOrdersPlaced} placed ({s.Metrics.ExitOrdersPartialFilled} partial)"));
        facts.AddRow(Label("Reconciliation"), Plain(RunReport.Reconciliation(s)));
        facts.AddRow(Label("Whales"), Plain(frame.Whales is { } w ? $"{w.Seen} seen, {w.Followed} followed, {w.Skipped} skipped (from {w.Options.MinNotional} up)" : "the whale follower is not running"));
        if (frame.Arb is { } arb) facts.AddRow(Label("Funding arb"), Plain(RunReport.ArbSummary(s, arb)));
        facts.AddRow(Label("Dashboard"), Plain(frame.Dashboard));
        if (frame.LogFile is not null) facts.AddRow(Label("Log"), Plain(frame.LogFile));

        var parts = new List<IRenderable> { facts, Positions(s) };
        if (frame.Whales is { } whales) parts.Add(Decisions(whales));
        // The last log lines, one screen line each: the whole log is in the file.
        if (frame.Log.Count > 0) parts.Add(new Rows(frame.Log.Select(line => (IRenderable)new OneLine(line, new Style(Color.Grey)))));
        return new Panel(new Rows(parts))
            .Header($" Fillwise paper · {s.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC ")
            .RoundedBorder()
            .Expand();
    }

    private static Markup Label(string text) => new($"[bold]{Markup.Escape(text)}[/]");

    private static Text Plain(string text) => new(text);

    private static string Trading(TradingStatus trading, KillSwitchStatus kill)
    {
        var mode = TradingStatus.Wire(trading.Mode);
        var colour = trading.Mode switch { TradingMode.Active => "green", TradingMode.Reducing => "yellow", _ => "red" };
        var why = trading.Mode == TradingMode.Active || trading.Reason is null ? "" : $" ({Markup.Escape(trading.Reason)})";
        var switchText = kill.Tripped ? $"[red bold]kill switch TRIPPED[/] ({Markup.Escape(kill.Reason ?? "no reason given")})" : "kill switch not tripped";
        return $"[{colour}]{mode}[/]{why} · {switchText}";
    }

    private static string Balances(Engine.EngineSnapshot s) =>
        s.Accounts.Count == 0
            ? "unknown"
            : string.Join(" · ", s.Accounts.Select(a => $"{a.Venue} {(a.Balance is { } b ? b.ToString() : "unknown")}{(a.Currency is { } c ? " " + c : "")}{(a.Stale ? " (stale)" : "")}"));

    private static string Pnl(Engine.EngineSnapshot s)
    {
        var realized = s.OpenLots.Concat(s.ClosedLots).Aggregate(Money.Zero, (sum, l) => sum + l.RealizedPnl);
        var day = s.KillSwitch.Day;
        var unmarked = day.Unmarked > 0 ? $", {day.Unmarked} position(s) without a price left out" : "";
        return $"realized {realized} (after fees) · unrealized {day.Unrealized} (at the bid{unmarked})";
    }

    private static IRenderable Positions(Engine.EngineSnapshot s)
    {
        var table = new Table().SimpleBorder().Title($"Positions: {s.OpenLots.Count} open, {s.ClosedLots.Count} closed")
            .AddColumns(Fixed("Instrument"), Fixed("Side"), Fixed("Qty"), Fixed("Entry"), Fixed("Stop"), Fixed("Take-profit"), Fixed("State"));
        foreach (var lot in s.OpenLots.Take(Listed))
        {
            table.AddRow(Cell(lot.Instrument.ToString()), Cell(lot.Side.ToString().ToLowerInvariant()), Cell(lot.Quantity.ToString()),
                Cell(lot.AverageEntryPrice?.ToString() ?? "-"), Cell(lot.StopLoss?.ToString() ?? "-"), Cell(lot.TakeProfit?.ToString() ?? "-"),
                Cell(lot.Closing ? "closing" : "open"));
        }
        if (s.OpenLots.Count > Listed) table.Caption($"and {s.OpenLots.Count - Listed} more");
        return table;
    }

    private static IRenderable Decisions(WhaleSnapshot whales)
    {
        var table = new Table().SimpleBorder().Title("Last whale decisions")
            .AddColumns(Fixed("Time"), Fixed("Market"), Fixed("Side"), Fixed("Notional"), Fixed("Decision"), new TableColumn("Reason"));
        foreach (var d in whales.Recent.Take(Listed))
        {
            var verdict = WhaleDecision.Wire(d.Verdict);
            var colour = d.Verdict switch { WhaleVerdict.Followed => "green", WhaleVerdict.Following => "yellow", WhaleVerdict.NotFilled => "red", _ => "grey" };
            table.AddRow(Cell(d.DecidedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture)), Cell(d.Whale.Market), Cell(d.Whale.Side),
                Cell(d.Whale.Notional.ToString()), new Markup($"[{colour}]{verdict}[/]"), Cell(d.Reason));
        }
        return table;
    }

    private static Text Cell(string text) => new(text);

    /// <summary>A column that never wraps (tickers, prices): the reason column takes what width is left.</summary>
    private static TableColumn Fixed(string header) => new TableColumn(header).NoWrap();

    /// <summary>A text cut to the width it is given ("..." at the end), never wrapped onto a second line.</summary>
    private sealed class OneLine(string text, Style style) : Renderable
    {
        protected override Measurement Measure(RenderOptions options, int maxWidth) => new(Math.Min(1, maxWidth), Math.Min(text.Length, maxWidth));

        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            var line = text.Length <= maxWidth ? text : text[..Math.Max(0, maxWidth - 3)] + "...";
            yield return new Segment(line, style);
            yield return Segment.LineBreak;
        }
    }
}
