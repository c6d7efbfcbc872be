using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>Aster's books, funding and instruments, per perpetual (aster:ZECUSDT).</summary>
public sealed partial class AsterVenueAdapter : IMarketData, IInstrumentProvider
{
    private readonly ConcurrentDictionary<string, AsterDepthFeed> _feeds = new(StringComparer.Ordinal);
    // UTC ticks of the last exchangeInfo read (0: never).
    private long _instrumentsReadAt;

    /// <summary>
    /// Follows the symbol's book (depth diffs on a REST snapshot, resynced on every gap and reconnect;
    /// idempotent). Waits up to <see cref="AsterVenueAdapterOptions.WatchWait"/> for the first
    /// snapshot, so a quote is there when the caller goes on; the feed keeps trying after that.
    /// </summary>
    public async Task WatchAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (instrument.Venue != Venue) return;
        if (_feeds.ContainsKey(instrument.Symbol))
        {
            if (_ready.TryGetValue(instrument.Symbol, out var ready)) await ready.Task.WaitAsync(cancellationToken);
            return;
        }
        Follow(instrument.Symbol);
        if (await InstrumentAsync(instrument.Symbol, cancellationToken) is not { } rules) return;
        var feed = _client.OpenDepthFeed(rules);
        var done = _ready.GetOrAdd(instrument.Symbol, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_feeds.TryAdd(instrument.Symbol, feed))
        {
            await feed.DisposeAsync();
            await done.Task.WaitAsync(cancellationToken);
            return;
        }
        _ = FollowBookAsync(feed);
        // Back with the book synced, or after the wait (the feed keeps trying); callers meanwhile wait with us.
        try
        {
            await feed.Synced.WaitAsync(_options.WatchWait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            done.TrySetResult();
        }
    }

    // Per followed symbol: completed once its first wait for the book is over.
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ready = new(StringComparer.Ordinal);

    private async Task FollowBookAsync(AsterDepthFeed feed)
    {
        try
        {
            await feed.StartAsync(_lifetime.Token);
        }
        catch (OperationCanceledException)
        {
            // The adapter is stopping.
        }
    }

    /// <summary>The top of a followed book; stale while the feed is cut or mending a gap, null before its first snapshot.</summary>
    public Quote? GetQuote(InstrumentId instrument)
    {
        if (instrument.Venue != Venue || !_feeds.TryGetValue(instrument.Symbol, out var feed) || feed.LastUpdate is not { } time) return null;
        var (bid, ask) = feed.Read(book => (book.BestBid, book.BestAsk));
        return new Quote(instrument, bid?.Price, bid?.Quantity, ask?.Price, ask?.Quantity, time, IsStale: !feed.IsLive);
    }

    /// <summary>
    /// Aster's public trade tape is not read (its aggTrade stream is not followed, and the built-in
    /// venue serves none): nothing here needs it yet. Ends only when canceled.
    /// </summary>
    public async IAsyncEnumerable<TradeTick> ReadTradesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
        yield break;
    }

    /// <summary>The rate in force and the next settlement (premiumIndex) at the symbol's own interval (fundingInfo), with the mark.</summary>
    public Task<FundingInfo> GetFundingAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (instrument.Venue != Venue)
            throw new VenueException(VenueErrorKind.Rejected, "unknown_instrument", $"'{instrument}' is not an {Venue} instrument");
        return Call(async () =>
        {
            var premium = await _client.MarketData.GetPremiumIndexAsync(instrument.Symbol, cancellationToken);
            var interval = await _client.MarketData.GetFundingIntervalAsync(instrument.Symbol, cancellationToken);
            return new FundingInfo(instrument, premium.LastFundingRate.Value, interval, premium.NextFundingTime, premium.MarkPrice);
        });
    }

    /// <summary>The perpetual's rules from exchangeInfo (grid, step, minimum quantity and notional, reduce-only spared the notional); null when Aster does not trade it.</summary>
    public async Task<Instrument?> GetInstrumentAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (instrument.Venue != Venue) return null;
        var rules = await InstrumentAsync(instrument.Symbol, cancellationToken);
        if (rules is not null) Follow(instrument.Symbol);
        return rules;
    }

    /// <summary>
    /// Aster's symbol status in the engine's phases: TRADING is open; PENDING_TRADING and BREAK are
    /// paused; anything else (SETTLING, CLOSE, DELIVERING ...) closed. A perpetual has no settlement
    /// price: it is never "settled", so nothing is ever booked as a payout.
    /// </summary>
    public Task<InstrumentStatus?> GetStatusAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (instrument.Venue != Venue) return Task.FromResult<InstrumentStatus?>(null);
        return Call(async () =>
        {
            if (_time.GetUtcNow().UtcTicks - Interlocked.Read(ref _instrumentsReadAt) > _options.StatusMaxAge.Ticks || _client.MarketData.Status(instrument.Symbol) is null)
                await RefreshInstrumentsAsync(cancellationToken);
            if (_client.MarketData.Status(instrument.Symbol) is not { } status) return null;
            var phase = status switch
            {
                "TRADING" => InstrumentPhase.Open,
                "PENDING_TRADING" or "PRE_TRADING" or "BREAK" or "HALT" => InstrumentPhase.Paused,
                _ => InstrumentPhase.Closed,
            };
            return (InstrumentStatus?)new InstrumentStatus(instrument, phase, SettlementPrice: null, CloseTime: null, status);
        });
    }

    private async Task<Instrument?> InstrumentAsync(string symbol, CancellationToken ct)
    {
        if (_client.MarketData.Instrument(symbol) is { } known) return known;
        await Call(async () =>
        {
            await RefreshInstrumentsAsync(ct);
            return 0;
        });
        return _client.MarketData.Instrument(symbol);
    }

    private async Task RefreshInstrumentsAsync(CancellationToken ct)
    {
        await _client.MarketData.GetInstrumentsAsync(ct);
        Interlocked.Exchange(ref _instrumentsReadAt, _time.GetUtcNow().UtcTicks);
    }
}
