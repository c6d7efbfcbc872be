using System.Text.Json;
using System.Threading.Channels;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Portfolio;
using Fillwise.Storage;

namespace Fillwise.Engine.Orders;

/// <summary>
/// Writes what the engine learns into the journal. Intents are awaited (durable before the create
/// is sent); order events, fills, positions and exits follow in the order they happened through
/// one background writer, because the venue can always tell us those again and the engine must not
/// wait on the disk to react to a fill. A write that fails is counted and kept as an anomaly.
/// </summary>
public sealed class JournalRecorder : IIntentJournal, IAsyncDisposable
{
    private readonly IJournal _journal;
    private readonly Channel<Func<CancellationToken, Task>> _writes = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Dictionary<PositionId, List<PositionExit>> _written = [];
    private readonly List<string> _failures = [];

    public JournalRecorder(IJournal journal)
    {
        _journal = journal;
        _writer = Task.Run(DrainAsync);
    }

    public IReadOnlyList<string> Failures
    {
        get { lock (_failures) return _failures.ToList(); }
    }

    /// <summary>Subscribes to an engine's order and position changes.</summary>
    public void Attach(OrderTracker tracker, PortfolioBook portfolio)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(portfolio);
        tracker.EventApplied += OnOrderEvent;
        tracker.FillApplied += OnFill;
        portfolio.PositionChanged += OnPositionChanged;
    }

    public async Task RecordIntentAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        await _journal.AppendIntentAsync(new JournalIntent(
            intent.ClientOrderId, intent.Ticker, intent.Direction.Side, intent.Direction.Action, intent.Count, intent.LimitPrice,
            intent.Purpose, intent.Strategy, intent.Reason ?? string.Empty,
            JsonSerializer.Serialize(new { time_in_force = intent.TimeInForce.ToString(), reduce_only = intent.ReduceOnly, post_only = intent.PostOnly }),
            intent.CreatedAt), cancellationToken);
    }

    /// <summary>Waits until everything queued so far is written.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(_ =>
        {
            done.TrySetResult();
            return Task.CompletedTask;
        });
        await done.Task.WaitAsync(cancellationToken);
    }

    internal static bool Resolves(OrderEvent e) => e.Kind is not (OrderEventKind.Submit or OrderEventKind.OutcomeUnknown or OrderEventKind.CancelRequest);

    private void OnOrderEvent(Order order, OrderEvent e)
    {
        var record = new JournalOrderEvent(order.ClientOrderId, order.VenueOrderId, e.Kind.ToString(), Payload(e), e.Time, Resolves(e));
        Enqueue(ct => _journal.AppendOrderEventAsync(record, ct));
    }

    private void OnFill(AppliedFill applied)
    {
        var o = applied.Order;
        var f = applied.Fill;
        var record = new JournalFill(f.TradeId, o.ClientOrderId, o.VenueOrderId, o.Ticker, o.Direction.Side, o.Direction.Action, f.Count, f.Price, f.Fee, f.IsTaker, f.Time);
        Enqueue(ct => _journal.AppendFillAsync(record, ct));
    }

    private void OnPositionChanged(TrackedPosition position)
    {
        var id = IdOf(position);
        var exits = position.Position.Exits.ToList();
        var closedAt = position.IsClosed ? position.Position.ClosedAt : null;
        var reason = position.LastExitReason;
        Enqueue(async ct =>
        {
            if (!_written.TryGetValue(id, out var written))
            {
                await _journal.OpenPositionAsync(new JournalPosition(id, position.Ticker, position.Side, position.Plan.EntryClientOrderId,
                    position.Plan.RequestedContracts ?? position.Position.BoughtTotal, position.Plan.StopLoss, position.Plan.TakeProfit, position.Position.OpenedAt), ct);
                written = [];
                _written[id] = written;
            }
            // The journal is append-only: an exit that grows by another fill of the same order is
            // written as the difference, so the rows of one order always add up to the exit.
            for (var i = 0; i < exits.Count; i++)
            {
                var e = exits[i];
                var before = i < written.Count ? written[i] : null;
                var count = e.Count - (before?.Count ?? Contracts.Zero);
                if (count.IsZero) continue;
                var gross = e.GrossPnl - (before?.GrossPnl ?? Money.Zero);
                var fees = e.Fees - (before?.Fees ?? Money.Zero);
                var price = ExitPrice.TryFromDollars(Math.Round(e.AveragePrice, ContractPrice.MaxDecimals, MidpointRounding.AwayFromZero), out var p, out _) ? p : ExitPrice.SettledWorthless;
                var kind = e.Kind == Domain.Portfolio.ExitKind.Settlement ? Storage.ExitKind.Settlement : ExitKindOf(reason);
                await _journal.AppendExitAsync(new JournalExit(id, null, count, price, gross, fees, gross - fees, e.Time, kind), ct);
                if (i < written.Count) written[i] = e; else written.Add(e);
            }
            if (closedAt is { } at) await _journal.ClosePositionAsync(id, at, ct);
        });
    }

    public static PositionId IdOf(TrackedPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        return new PositionId(position.Plan.EntryClientOrderId?.Value
            ?? $"{position.Ticker}:{position.Side.ToWire()}:{position.Position.OpenedAt.ToUnixTimeMilliseconds()}");
    }

    private static Storage.ExitKind ExitKindOf(string? reason) => reason switch
    {
        "stop_loss" => Storage.ExitKind.StopLoss,
        "take_profit" => Storage.ExitKind.TakeProfit,
        _ => Storage.ExitKind.Manual,
    };


    private static string Payload(OrderEvent e) => e switch
    {
        OrderFilled f => JsonSerializer.Serialize(new { trade_id = f.TradeId.Value, count = f.Count.ToString(), price = f.Price.ToString() }),
        OrderRejected r => JsonSerializer.Serialize(new { code = r.Code, reason = r.Reason }),
        OrderOutcomeUnknown u => JsonSerializer.Serialize(new { reason = u.Reason }),
        OrderDenied d => JsonSerializer.Serialize(new { reason = d.Reason }),
        OrderStatusReported s => JsonSerializer.Serialize(new { status = s.Status.ToString(), filled = s.FilledCount.ToString() }),
        _ => "{}",
    };

    private void Enqueue(Func<CancellationToken, Task> write) => _writes.Writer.TryWrite(write);

    private async Task DrainAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync())
        {
            try
            {
                await write(CancellationToken.None);
            }
            catch (Exception e) when (e is JournalException or InvalidOperationException or ObjectDisposedException)
            {
                lock (_failures) _failures.Add(e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
    }
}
