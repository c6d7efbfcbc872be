using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Venues;

namespace Fillwise.Engine.Risk;

/// <summary>The trading day as the kill switch reads it. Unknown stays unknown (null), never a made-up 0.</summary>
/// <param name="RealizedToday">Net of fees, booked since the day started.</param>
/// <param name="Unrealized">Open lots at their marks (bid for long, ask for short), net of entry fees; lots without a mark are left out and counted in <paramref name="Unmarked"/>.</param>
/// <param name="Equity">Balances plus what the open lots are worth (event contracts at their mark, or their cost when there is none; perps' unrealized PnL) plus the cost held for resting event-contract buys; null while a balance is unknown.</param>
/// <param name="PeakEquity">The day's highest equity so far.</param>
/// <param name="LosingInARow">Closed positions with a loss, one after another.</param>
public sealed record RiskDayView(DateOnly Day, DateTimeOffset Started, Money RealizedToday, Money Unrealized, int Unmarked, Money? Equity, Money? PeakEquity, int LosingInARow)
{
    /// <summary>What the day has lost so far (positive is a loss).</summary>
    public Money Loss => -(RealizedToday + Unrealized);
}

/// <summary>
/// Keeps the day's realized PnL, the run of losing positions and the peak equity, from every lot
/// change, and keeps them in the journal so a restart (or a crash) does not forget today's losses.
/// The day starts at a configured time of day (UTC).
/// </summary>
internal sealed class RiskDay
{
    private static readonly MetadataOwner Owner = MetadataOwner.Engine("kill-switch");
    private readonly PortfolioBook _portfolio;
    private readonly Orders.OrderTracker _orders;
    private readonly VenueRegistry _venues;
    private readonly AccountMonitor _accounts;
    private readonly TimeProvider _time;
    private readonly TimeSpan _dayStart;
    private readonly object _gate = new();
    private readonly Dictionary<PositionId, Money> _seen = [];
    private Orders.JournalRecorder? _recorder;
    private DateOnly _day;
    private Money _realized = Money.Zero;
    private Money? _peak;
    private int _losing;

    public RiskDay(PortfolioBook portfolio, Orders.OrderTracker orders, VenueRegistry venues, AccountMonitor accounts, TimeProvider time, TimeSpan dayStart)
    {
        _portfolio = portfolio;
        _orders = orders;
        _venues = venues;
        _accounts = accounts;
        _time = time;
        _dayStart = dayStart;
        _day = DayOf(time.GetUtcNow());
    }

    public int LosingInARow
    {
        get { lock (_gate) return _losing; }
    }

    /// <summary>Puts back what the journal holds of today (if it is still today), then follows every lot change from here.</summary>
    public async Task StartAsync(IJournal journal, Orders.JournalRecorder recorder, CancellationToken ct)
    {
        _recorder = recorder;
        var saved = await journal.GetMetadataAsync(Owner, ct);
        lock (_gate)
        {
            if (saved.TryGetValue("day", out var json) && JsonNode.Parse(json) is JsonObject o
                && DateOnly.TryParse(o["day"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var day))
            {
                // Streaks outlive the day; the day's PnL and peak do not.
                _losing = o["losing_in_a_row"]?.GetValue<int>() ?? 0;
                if (day == _day)
                {
                    _realized = Money.Parse(o["realized"]?.GetValue<string>() ?? "0");
                    _peak = o["peak_equity"]?.GetValue<string>() is { } p ? Money.Parse(p) : null;
                }
            }
            // What the lots rebuilt from the journal had already realized is counted (in the saved day, or before it).
            foreach (var lot in _portfolio.OpenLots) _seen[lot.Id] = lot.Lot.RealizedPnl;
        }
        _portfolio.LotChanged += OnLotChanged;
    }

    public RiskDayView View()
    {
        var now = _time.GetUtcNow();
        var unrealized = Money.Zero;
        var unmarked = 0;
        var held = Money.Zero;
        foreach (var lot in _portfolio.OpenLots)
        {
            var quote = _venues.Has(lot.Instrument.Venue) ? _venues.For(lot.Instrument).MarketData.GetQuote(lot.Instrument) : null;
            var mark = lot.Side == PositionSide.Long ? quote?.BestBid : quote?.BestAsk;
            var perp = _venues.KnownInstrument(lot.Instrument)?.Kind == InstrumentKind.Perpetual;
            if (mark is { } m)
            {
                var pnl = lot.Lot.UnrealizedPnl(m);
                unrealized += pnl;
                held += perp ? pnl : m * lot.Quantity;
            }
            else
            {
                unmarked++;
                if (!perp && lot.Lot.AverageEntryPrice is { } entry) held += entry * lot.Quantity;
            }
        }
        // An event-contract venue holds a resting buy's cost out of the balance: it is still ours, not a loss.
        foreach (var order in _orders.LiveOrders)
            if (order.Side == OrderSide.Buy && _venues.KnownInstrument(order.Instrument)?.Kind != InstrumentKind.Perpetual)
                held += order.LimitPrice * order.Remaining;
        Money? balances = Money.Zero;
        foreach (var account in _accounts.Views)
            balances = account.Balance is { } b && balances is { } sum ? sum + b : null;
        var equity = balances is { } cash ? cash + held : (Money?)null;
        lock (_gate)
        {
            Roll(now);
            if (equity is { } e && (_peak is null || e > _peak.Value))
            {
                _peak = e;
                Save();
            }
            return new RiskDayView(_day, StartOf(_day), _realized, unrealized, unmarked, equity, _peak, _losing);
        }
    }

    /// <summary>A person reset the kill switch: the losing run is forgiven and today's peak starts again from now.</summary>
    public void Forgive(bool losses, bool peak, Money? equity)
    {
        lock (_gate)
        {
            if (losses) _losing = 0;
            if (peak) _peak = equity;
            Save();
        }
    }

    private void OnLotChanged(TrackedLot lot)
    {
        lock (_gate)
        {
            Roll(_time.GetUtcNow());
            var now = lot.Lot.RealizedPnl;
            var before = _seen.TryGetValue(lot.Id, out var b) ? b : Money.Zero;
            _realized += now - before;
            if (lot.IsClosed)
            {
                _seen.Remove(lot.Id);
                // A write-down by reconciliation is not a trade: it neither breaks nor extends a run.
                if (lot.Lot.Exits.All(e => e.Reason != ExitReason.Reconciliation))
                    _losing = now.IsNegative ? _losing + 1 : 0;
            }
            else
            {
                _seen[lot.Id] = now;
            }
            if (now != before || lot.IsClosed) Save();
        }
    }

    private void Roll(DateTimeOffset now)
    {
        var day = DayOf(now);
        if (day == _day) return;
        _day = day;
        _realized = Money.Zero;
        _peak = null;
        Save();
    }

    private DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime((time.UtcDateTime - _dayStart).Date);

    private DateTimeOffset StartOf(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + _dayStart;

    private void Save()
    {
        var saved = new JsonObject
        {
            ["day"] = _day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["realized"] = _realized.ToString(),
            ["peak_equity"] = _peak?.ToString(),
            ["losing_in_a_row"] = _losing,
        }.ToJsonString();
        _recorder?.Enqueue((j, ct) => j.SetMetadataAsync(Owner, "day", saved, ct));
    }
}
