using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Risk;
using Microsoft.Extensions.Logging;

namespace Fillwise.Engine.Strategies;

/// <summary>
/// Seed 002's whale follower. Whales from the venue's public trade tape (<see cref="WhaleTracker"/>)
/// are decided one at a time, in the order seen; a follow is an entry through the engine's normal
/// path (the gate, place-and-confirm, stop-loss and take-profit), so everything the engine promises
/// holds for it. A whale is skipped when it was followed before (the journal remembers followed
/// whales across restarts), when it is too old, when its market already has a position or a resting
/// entry, when the positions limit is reached, or when the gate denies the entry. Every decision,
/// with its reason, is kept for readers and published as an event.
/// </summary>
public sealed class WhaleFollower
{
    public const string StrategyName = "whale-follower";
    private static readonly MetadataOwner Owner = MetadataOwner.Engine(StrategyName);
    private readonly TradingEngine _engine;
    private readonly IJournal _journal;
    private readonly string _venue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WhaleTracker _tracker;
    private readonly Channel<Whale> _whales;
    private readonly HashSet<string> _followed = new(StringComparer.Ordinal);
    private readonly HashSet<InstrumentId> _entering = [];
    private readonly LinkedList<WhaleDecision> _recent = new();
    private readonly Dictionary<string, LinkedListNode<WhaleDecision>> _byId = new(StringComparer.Ordinal);
    private readonly List<Task> _entries = [];
    private readonly object _gate = new();
    private long _seen;
    private long _followedCount;
    private long _skipped;

    public WhaleFollower(TradingEngine engine, IJournal journal, string venue, WhaleOptions? options = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(journal);
        _engine = engine;
        _journal = journal;
        _venue = venue;
        _time = engine.Time;
        Options = options ?? new WhaleOptions();
        _logger = (loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger<WhaleFollower>();
        _tracker = new WhaleTracker(Options.MinNotional);
        _whales = Channel.CreateBounded<Whale>(new BoundedChannelOptions(Options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    }

    public WhaleOptions Options { get; }

    /// <summary>Raised after every decision (and when a follow's entry ends).</summary>
    public event Action<WhaleDecision>? Decided;

    /// <summary>Reads which whales earlier runs followed: none of them is followed again.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var saved = await _journal.GetMetadataAsync(Owner, ct);
        lock (_gate)
            foreach (var id in saved.Keys)
                _followed.Add(id);
        if (saved.Count > 0) StrategyLog.WhalesRemembered(_logger, saved.Count);
    }

    public WhaleSnapshot Snapshot()
    {
        lock (_gate)
            return new WhaleSnapshot([.. _recent], _seen, _followedCount, _skipped, Options);
    }

    /// <summary>Reads the tape and decides whale after whale until stopped.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var reading = ReadTapeAsync(ct);
        try
        {
            await foreach (var whale in _whales.Reader.ReadAllAsync(ct))
                await DecideAsync(whale, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        await reading;
        // Entries still waiting for fills run on the engine's lifetime: its stop follows them, not this loop.
    }

    /// <summary>A trade from the tape (the reader calls this; tests may too).</summary>
    public void Observe(Domain.Venues.TradeTick trade)
    {
        if (_tracker.Observe(trade) is not { } whale) return;
        Interlocked.Increment(ref _seen);
        StrategyLog.WhaleSeen(_logger, whale.Id, whale.Notional, whale.Side, whale.Market);
        _whales.Writer.TryWrite(whale);
    }

    private async Task ReadTapeAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var trade in _engine.Venues[_venue].MarketData.ReadTradesAsync(ct))
                Observe(trade);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        _whales.Writer.TryComplete();
    }

    /// <summary>One whale: checked, then followed (the entry runs on) or skipped with its reason.</summary>
    public async Task<WhaleDecision> DecideAsync(Whale whale, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(whale);
        if (WhyNotNow(whale) is { } skip) return Record(new WhaleDecision(whale, WhaleVerdict.Skipped, skip, _time.GetUtcNow()));

        // The rules first: they name the other outcome, without which this market would not be recognised as one held.
        var instrument = await _engine.Venues.GetInstrumentAsync(whale.Instrument, ct);
        if (instrument is null) return Record(new WhaleDecision(whale, WhaleVerdict.Skipped, $"{whale.Instrument} is not known to the venue", _time.GetUtcNow()));
        if (WhyNotInMarket(whale) is { } busy) return Record(new WhaleDecision(whale, WhaleVerdict.Skipped, busy, _time.GetUtcNow()));
        var (price, priceWhy) = await EntryPriceAsync(whale, instrument, ct);
        var quantity = Size(whale, instrument);
        var request = new EntryRequest(whale.Instrument, PositionSide.Long, quantity, price, StrategyName,
            StopLoss: Options.StopLossDistance > 0m && price.Value - Options.StopLossDistance > instrument.MinPrice.Value ? instrument.SnapToGrid(Price.Of(price.Value - Options.StopLossDistance), up: false) : null,
            TakeProfit: Options.TakeProfitDistance > 0m && price.Value + Options.TakeProfitDistance < instrument.MaxPrice.Value ? instrument.SnapToGrid(Price.Of(price.Value + Options.TakeProfitDistance), up: true) : null,
            Reason: $"following the {whale.Notional} whale {whale.Id}",
            FillTimeout: Options.FillTimeout);

        // Remembered before anything is sent: a crash after the send never follows it twice.
        lock (_gate)
        {
            _followed.Add(whale.Id);
            _entering.Add(_engine.Exposure.MarketOf(whale.Instrument));
        }
        _engine.Recorder.Enqueue((j, token) => j.SetMetadataAsync(Owner, whale.Id, new JsonObject
        {
            ["instrument"] = whale.Instrument.ToString(),
            ["price"] = price.ToString(),
            ["quantity"] = quantity.ToString(),
            ["notional"] = whale.Notional.ToString(),
            ["time"] = whale.Time.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString(), token));
        var following = Record(new WhaleDecision(whale, WhaleVerdict.Following, $"bidding {price} ({priceWhy}) for {quantity}", _time.GetUtcNow(), price, quantity));
        var entry = Task.Run(() => EnterAsync(whale, request, following), CancellationToken.None);
        lock (_gate)
        {
            _entries.RemoveAll(t => t.IsCompleted);
            _entries.Add(entry);
        }
        return following;
    }

    private async Task EnterAsync(Whale whale, EntryRequest request, WhaleDecision following)
    {
        try
        {
            var result = await _engine.EnterAsync(request);
            var c = result.Confirmation;
            var outcome = c.Outcome.ToString().ToLowerInvariant();
            var done = c.Outcome switch
            {
                ConfirmationOutcome.Denied => following with { Verdict = WhaleVerdict.Skipped, Reason = $"denied by the gate: {c.Error}", Outcome = outcome },
                _ when c.Filled.IsZero => following with { Verdict = WhaleVerdict.NotFilled, Reason = $"{following.Reason}: {outcome}{(c.Error is null ? "" : $" ({c.Error})")}", Filled = c.Filled, Outcome = outcome },
                _ => following with { Verdict = WhaleVerdict.Followed, Reason = $"{following.Reason}: filled {c.Filled}", Filled = c.Filled, Position = result.PositionId, Outcome = outcome },
            };
            Record(done with { DecidedAt = _time.GetUtcNow() });
        }
        catch (OperationCanceledException)
        {
            // The engine is stopping: the order is followed by the next start, as every order is.
        }
        finally
        {
            lock (_gate) _entering.Remove(_engine.Exposure.MarketOf(whale.Instrument));
        }
    }

    /// <summary>What rules the whale out whatever its market holds: followed already, too old, trading not active.</summary>
    private string? WhyNotNow(Whale whale)
    {
        lock (_gate)
            if (_followed.Contains(whale.Id))
                return "already followed";
        var age = _time.GetUtcNow() - whale.Time;
        if (age > Options.MaxAge)
            return $"{age.TotalSeconds:0} s old (max {Options.MaxAge.TotalSeconds:0} s)";
        if (_engine.Trading.Status is { Mode: not TradingMode.Active } status)
            return $"trading is {TradingStatus.Wire(status.Mode)}: {status.Reason}";
        return null;
    }

    /// <summary>What the market and the book hold; asked once the whale's instrument rules are known (its market is then both outcomes).</summary>
    private string? WhyNotInMarket(Whale whale)
    {
        var market = _engine.Exposure.MarketOf(whale.Instrument);
        lock (_gate)
            if (_entering.Contains(market))
                return $"an entry is already resting in {whale.Market}";
        if (_engine.Portfolio.OpenLots.Any(l => _engine.Exposure.MarketOf(l.Instrument) == market))
            return $"a position is open in {whale.Market}";
        if (_engine.Tracker.LiveOrders.Any(o => o.Purpose == OrderPurpose.Entry && _engine.Exposure.MarketOf(o.Instrument) == market))
            return $"an entry is already resting in {whale.Market}";
        var exposure = _engine.Exposure.Current;
        if (exposure.OpenPositions >= _engine.Options.Risk.MaxPositions)
            return $"{exposure.OpenPositions} position(s) open: the limit is {_engine.Options.Risk.MaxPositions}";
        return null;
    }

    /// <summary>The outcome's best bid plus the offset, never above its best ask nor the maximum; the whale's own price when there is no book.</summary>
    private async Task<(Price Price, string Why)> EntryPriceAsync(Whale whale, Instrument instrument, CancellationToken ct)
    {
        var data = _engine.Venues[_venue].MarketData;
        await data.WatchAsync(whale.Instrument, ct);
        var deadline = _time.GetUtcNow() + Options.QuoteWait;
        var quote = data.GetQuote(whale.Instrument);
        while (quote is not { IsStale: false, BestBid: not null } && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, ct);
            quote = data.GetQuote(whale.Instrument);
        }
        Price price;
        string why;
        if (quote is { IsStale: false, BestBid: { } bid })
        {
            price = Price.Of(bid.Value + Options.PriceOffset);
            why = $"best bid {bid} + {Options.PriceOffset}";
            if (quote.BestAsk is { } ask && price > ask)
            {
                price = ask;
                why = $"best ask {ask}";
            }
        }
        else
        {
            price = whale.Price;
            why = "the whale's price: no book";
        }
        if (price > Options.MaxPrice)
        {
            price = Options.MaxPrice;
            why += $", capped at {Options.MaxPrice}";
        }
        return (instrument.SnapToGrid(price, up: false), why);
    }

    private Quantity Size(Whale whale, Instrument instrument)
    {
        var wanted = Options.ShareOfWhalePercent > 0m ? Quantity.Of(whale.Quantity.Value * Options.ShareOfWhalePercent / 100m) : Options.ContractsPerFollow;
        var floored = instrument.FloorToStep(wanted);
        return floored.IsZero ? instrument.Step : floored;
    }

    private WhaleDecision Record(WhaleDecision decision)
    {
        lock (_gate)
        {
            WhaleDecision? previous = null;
            if (_byId.Remove(decision.Whale.Id, out var node))
            {
                previous = node.Value;
                _recent.Remove(node);
            }
            if (decision.Verdict == WhaleVerdict.Skipped && previous?.Verdict != WhaleVerdict.Skipped) _skipped++;
            if (decision.Verdict == WhaleVerdict.Followed && previous?.Verdict != WhaleVerdict.Followed) _followedCount++;
            _byId[decision.Whale.Id] = _recent.AddFirst(decision);
            while (_recent.Count > Options.QueueCapacity)
            {
                _byId.Remove(_recent.Last!.Value.Whale.Id);
                _recent.RemoveLast();
            }
        }
        if (decision.Verdict == WhaleVerdict.Skipped) StrategyLog.WhaleSkipped(_logger, decision.Whale.Id, decision.Reason);
        else StrategyLog.WhaleDecided(_logger, decision.Whale.Id, WhaleDecision.Wire(decision.Verdict), decision.Reason);
        _engine.Events.Publish(new EngineEvent.WhaleDecided(decision, decision.DecidedAt));
        Decided?.Invoke(decision);
        return decision;
    }
}
