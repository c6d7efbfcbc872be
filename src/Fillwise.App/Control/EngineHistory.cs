using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Engine;

namespace Fillwise.App.Control;

/// <summary>
/// The recent past that neither /state nor the event stream keeps, for the dashboard: the fills and
/// alerts seen since the control host started (from the engine's event hub), and samples of the
/// day's PnL and of the quotes of every instrument held or ordered (on a timer, on the engine's
/// clock). Bounded: the oldest entries go first. Everything in it is already in the wire shapes.
/// </summary>
public sealed class EngineHistory : IAsyncDisposable
{
    public const int MaxFills = 200;
    public const int MaxAlerts = 100;
    /// <summary>A day of PnL at the default 5 s interval.</summary>
    public const int MaxPnlPoints = 17_280;
    /// <summary>Four hours of quotes per instrument at the default 5 s interval.</summary>
    public const int MaxPricePoints = 2_880;
    /// <summary>Instruments with price samples at most; the one sampled longest ago goes first.</summary>
    public const int MaxInstruments = 64;

    private readonly object _gate = new();
    private readonly ControlContext _ctx;
    private readonly LinkedList<JsonObject> _fills = new();
    private readonly LinkedList<JsonObject> _alerts = new();
    private readonly Queue<PnlPoint> _pnl = new();
    private readonly Dictionary<InstrumentId, Queue<PricePoint>> _prices = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly EngineEventHub.Subscription _subscription;
    private readonly Task _reader;
    private readonly Task _sampler;

    private EngineHistory(ControlContext ctx)
    {
        _ctx = ctx;
        _subscription = ctx.Engine.Events.Subscribe();
        Sample();
        _reader = Task.Run(() => ReadEventsAsync(_stop.Token));
        _sampler = Task.Run(() => SampleAsync(_stop.Token));
    }

    public TimeSpan Interval => _ctx.HistoryInterval;

    /// <summary>Starts following the engine now: one sample at once, then one per <see cref="ControlContext.HistoryInterval"/>.</summary>
    public static EngineHistory Start(ControlContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return new EngineHistory(ctx);
    }

    private sealed record PnlPoint(DateTimeOffset Time, string DailyPnl, string? Balance);

    private sealed record PricePoint(DateTimeOffset Time, string? Bid, string? Ask, bool Stale);

    /// <summary>Fills, newest first.</summary>
    public JsonArray Fills(int limit)
    {
        lock (_gate) return new JsonArray(_fills.Take(limit).Select(f => (JsonNode?)f.DeepClone()).ToArray());
    }

    /// <summary>Alerts, newest first.</summary>
    public JsonArray Alerts(int limit)
    {
        lock (_gate) return new JsonArray(_alerts.Take(limit).Select(a => (JsonNode?)a.DeepClone()).ToArray());
    }

    /// <summary>The samples taken after <paramref name="since"/> (all when null), oldest first.</summary>
    public JsonObject Samples(DateTimeOffset? since)
    {
        bool After(DateTimeOffset t) => since is null || t > since.Value;
        lock (_gate)
        {
            return new JsonObject
            {
                ["interval_s"] = Interval.TotalSeconds,
                ["pnl"] = new JsonArray(_pnl.Where(p => After(p.Time)).Select(p => (JsonNode?)new JsonObject
                {
                    ["time"] = Time(p.Time),
                    ["daily_pnl_dollars"] = p.DailyPnl,
                    ["balance_dollars"] = p.Balance,
                }).ToArray()),
                ["prices"] = new JsonArray(_prices.Select(kv => (JsonNode?)new JsonObject
                {
                    ["instrument"] = kv.Key.ToString(),
                    ["points"] = new JsonArray(kv.Value.Where(p => After(p.Time)).Select(p => (JsonNode?)new JsonObject
                    {
                        ["time"] = Time(p.Time),
                        ["bid"] = p.Bid,
                        ["ask"] = p.Ask,
                        ["stale"] = p.Stale,
                    }).ToArray()),
                }).ToArray()),
            };
        }
    }

    private async Task ReadEventsAsync(CancellationToken ct)
    {
        try
        {
            while (await _subscription.Reader.WaitToReadAsync(ct))
            {
                while (_subscription.Reader.TryRead(out var e))
                {
                    if (e is not (EngineEvent.FillBooked or EngineEvent.AlertRaised)) continue;
                    var (kind, data) = EventDocument.Of(e, _ctx);
                    lock (_gate)
                    {
                        var list = kind == "fill" ? _fills : _alerts;
                        list.AddFirst((JsonObject)data);
                        if (list.Count > (kind == "fill" ? MaxFills : MaxAlerts)) list.RemoveLast();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped with the host.
        }
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, _ctx.Engine.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) Sample();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped with the host.
        }
    }

    /// <summary>One sample of the day's PnL, the balance, and the quote of every instrument held or ordered.</summary>
    private void Sample()
    {
        var s = _ctx.Engine.Snapshot();
        var account = s.Accounts.FirstOrDefault(a => a.Venue == _ctx.PrimaryVenue);
        var watched = s.OpenLots.Select(l => l.Instrument).Concat(s.OpenOrders.Select(o => o.Instrument)).Distinct().ToList();
        var quotes = new List<(InstrumentId Id, PricePoint Point)>();
        foreach (var id in watched)
        {
            var quote = _ctx.Engine.Venues.For(id).MarketData.GetQuote(id);
            if (quote is null) continue;
            var instrument = _ctx.Engine.KnownInstrument(id);
            quotes.Add((id, new PricePoint(s.Time, StateDocument.PriceText(quote.BestBid, id, instrument), StateDocument.PriceText(quote.BestAsk, id, instrument), quote.IsStale)));
        }
        lock (_gate)
        {
            _pnl.Enqueue(new PnlPoint(s.Time, (-s.KillSwitch.Day.Loss).ToString(), account?.Balance?.ToString()));
            while (_pnl.Count > MaxPnlPoints) _pnl.Dequeue();
            foreach (var (id, point) in quotes)
            {
                if (!_prices.TryGetValue(id, out var points))
                {
                    if (_prices.Count >= MaxInstruments) _prices.Remove(_prices.MinBy(kv => kv.Value.Count == 0 ? DateTimeOffset.MinValue : kv.Value.Last().Time).Key);
                    _prices[id] = points = new Queue<PricePoint>();
                }
                points.Enqueue(point);
                while (points.Count > MaxPricePoints) points.Dequeue();
            }
        }
    }

    private static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _subscription.Dispose();
        await Task.WhenAll(_reader, _sampler);
        _stop.Dispose();
    }
}
