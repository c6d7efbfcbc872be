using System.Threading.Channels;
using Fillwise.Engine.Alerts;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Risk;

namespace Fillwise.Engine;

/// <summary>Something that changed, for readers that follow the engine live (the control API's event stream, the dashboard).</summary>
public abstract record EngineEvent(DateTimeOffset Time)
{
    public sealed record OrderChanged(OrderView Order, DateTimeOffset At) : EngineEvent(At);

    public sealed record FillBooked(OrderView Order, Domain.Values.TradeId TradeId, Domain.Values.Quantity Quantity, Domain.Values.Price Price,
        Domain.Values.Money Commission, DateTimeOffset At) : EngineEvent(At);

    public sealed record PositionChanged(LotView Position, DateTimeOffset At) : EngineEvent(At);

    public sealed record TradingStateChanged(TradingStatus Status, DateTimeOffset At) : EngineEvent(At);

    public sealed record ReconciliationCompleted(ReconciliationReport Report, DateTimeOffset At) : EngineEvent(At);

    public sealed record AlertRaised(Alert Alert, DateTimeOffset At) : EngineEvent(At);

    public sealed record KillSwitchChanged(KillSwitchStatus Status, DateTimeOffset At) : EngineEvent(At);

    public sealed record WhaleDecided(Strategies.WhaleDecision Decision, DateTimeOffset At) : EngineEvent(At);
}

/// <summary>
/// Hands every engine event to each subscriber's own bounded queue: a slow reader loses its oldest
/// events (counted), never slows the engine. Nothing is built when nobody listens.
/// </summary>
public sealed class EngineEventHub
{
    private readonly object _gate = new();
    private Subscription[] _subscribers = [];
    private long _dropped;

    public bool HasSubscribers => Volatile.Read(ref _subscribers).Length > 0;

    /// <summary>Events a slow subscriber never read.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public Subscription Subscribe(int capacity = 1024)
    {
        var subscription = new Subscription(this, capacity);
        lock (_gate) _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    public void Publish(EngineEvent e)
    {
        foreach (var s in Volatile.Read(ref _subscribers)) s.Writer.TryWrite(e);
    }

    /// <summary>Publishes only when someone listens: the event is not even built otherwise.</summary>
    public void Publish(Func<EngineEvent> build)
    {
        if (HasSubscribers) Publish(build());
    }

    private void Remove(Subscription s)
    {
        lock (_gate) _subscribers = _subscribers.Where(x => x != s).ToArray();
    }

    public sealed class Subscription : IDisposable
    {
        private readonly EngineEventHub _hub;
        private readonly Channel<EngineEvent> _channel;

        internal Subscription(EngineEventHub hub, int capacity)
        {
            _hub = hub;
            _channel = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref hub._dropped));
        }

        internal ChannelWriter<EngineEvent> Writer => _channel.Writer;

        public ChannelReader<EngineEvent> Reader => _channel.Reader;

        public void Dispose()
        {
            _hub.Remove(this);
            _channel.Writer.TryComplete();
        }
    }
}
