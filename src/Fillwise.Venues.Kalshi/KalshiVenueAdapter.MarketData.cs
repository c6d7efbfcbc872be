using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Kalshi;

/// <summary>Kalshi's market data and instruments, per outcome instrument.</summary>
public sealed partial class KalshiVenueAdapter : IMarketData, IInstrumentProvider
{
    private readonly ConcurrentDictionary<MarketTicker, (TopOfBook Top, DateTimeOffset Time)> _tops = new();
    private readonly ConcurrentDictionary<MarketTicker, byte> _watched = new();
    // Public trades for whoever reads them (the whale tracker); the oldest are dropped if nobody keeps up.
    private readonly Channel<TradeTick> _trades = Channel.CreateBounded<TradeTick>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private int _tradesSubscribed;

    /// <summary>Subscribes the market's order book, so both outcomes' quotes are known (idempotent).</summary>
    public async Task WatchAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        var (ticker, _) = KalshiInstruments.Parse(instrument);
        if (_ws is null) return;
        var first = _firstBooks.GetOrAdd(ticker, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_tops.ContainsKey(ticker)) first.TrySetResult();
        if (_watched.TryAdd(ticker, 0)) await _ws.SubscribeAsync(KalshiChannels.OrderbookDelta, [ticker], cancellationToken);
        // Back with the snapshot in, or after the wait (the subscription stays; later calls no longer wait).
        try
        {
            await first.Task.WaitAsync(BookWait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            first.TrySetResult();
        }
    }

    /// <summary>How long <see cref="WatchAsync"/> waits for a book's first snapshot.</summary>
    public static readonly TimeSpan BookWait = TimeSpan.FromSeconds(5);

    // Completed when a watched market's first book is in.
    private readonly ConcurrentDictionary<MarketTicker, TaskCompletionSource> _firstBooks = new();

    /// <summary>An outcome's quote from the market's book: its bids are that outcome's bids, its asks the other outcome's bids mirrored.</summary>
    public Quote? GetQuote(InstrumentId instrument)
    {
        if (!KalshiInstruments.TryParse(instrument, out var ticker, out var side) || !_tops.TryGetValue(ticker, out var entry)) return null;
        var top = entry.Top;
        static Price? P(ContractPrice? p) => p is { } c ? Price.Of(c.Dollars) : null;
        static Quantity? Q(ContractPrice? p, Contracts size) => p is null ? null : KalshiInstruments.Quantity(size);
        return side == OutcomeSide.Yes
            ? new Quote(instrument, P(top.BestYesBid), Q(top.BestYesBid, top.YesBidSize), P(top.BestYesAsk), Q(top.BestYesAsk, top.NoBidSize), entry.Time, top.IsStale)
            : new Quote(instrument, P(top.BestNoBid), Q(top.BestNoBid, top.NoBidSize), P(top.BestNoAsk), Q(top.BestNoAsk, top.YesBidSize), entry.Time, top.IsStale);
    }

    /// <summary>Every public trade as the taker's buy of the outcome it took (a taker selling YES bought NO).</summary>
    public async IAsyncEnumerable<TradeTick> ReadTradesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_ws is not null && Interlocked.Exchange(ref _tradesSubscribed, 1) == 0)
            await _ws.SubscribeAsync(KalshiChannels.Trade, null, cancellationToken);
        await foreach (var t in _trades.Reader.ReadAllAsync(cancellationToken)) yield return t;
    }

    public Task<FundingInfo> GetFundingAsync(InstrumentId instrument, CancellationToken cancellationToken) =>
        throw new VenueException(VenueErrorKind.Rejected, "not_a_perpetual", $"{instrument} is an event contract: it has no funding");

    public async Task<Instrument?> GetInstrumentAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (!KalshiInstruments.TryParse(instrument, out var ticker, out var side)) return null;
        var market = await MarketAsync(ticker, cancellationToken);
        return market is null ? null : KalshiInstruments.Describe(market, side);
    }

    public async Task<InstrumentStatus?> GetStatusAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (!KalshiInstruments.TryParse(instrument, out var ticker, out var side)) return null;
        var market = await MarketAsync(ticker, cancellationToken);
        if (market is null) return null;
        var status = Status(instrument, market, side);
        if (status is not { Phase: InstrumentPhase.Settled, IsVoid: true }) return status;
        // A void pays back what each holder's contracts cost: the account's own settlement record says how much.
        KalshiSettlement? record;
        try
        {
            record = (await _rest.GetSettlementsAsync(ticker, ct: cancellationToken)).FirstOrDefault(s => s.Ticker == ticker);
        }
        catch (KalshiApiException e)
        {
            throw Map(e);
        }
        return Status(instrument, market, side, record);
    }

    /// <summary>
    /// Kalshi's lifecycle in the engine's phases. A market pays only once it is finalized (or, in
    /// older words, settled); determined, disputed and amended mean the result is known but not paid
    /// and may still change. A YES contract pays 1 (yes), 0 (no) or the scalar value, a NO contract
    /// the rest of $1; a determined or finalized market without a result was voided, and pays each
    /// holder back its cost, which only the holder's settlement <paramref name="record"/> states.
    /// </summary>
    internal static InstrumentStatus Status(InstrumentId instrument, KalshiMarket market, OutcomeSide side, KalshiSettlement? record = null)
    {
        var status = market.Status ?? "unknown";
        var phase = status switch
        {
            "active" or "open" => InstrumentPhase.Open,
            "initialized" or "unopened" or "inactive" or "paused" => InstrumentPhase.Paused,
            "closed" => InstrumentPhase.Closed,
            "determined" or "disputed" or "amended" => InstrumentPhase.Determined,
            "settled" or "finalized" => InstrumentPhase.Settled,
            _ => InstrumentPhase.Closed,
        };
        var known = phase is InstrumentPhase.Determined or InstrumentPhase.Settled;
        var isVoid = known && market.Result is null or "" or "void";
        decimal? yesPays = market.Result switch
        {
            "yes" => 1m,
            "no" => 0m,
            "scalar" => market.SettlementValue,
            _ => null,
        };
        Price? payout = !known || isVoid || yesPays is not { } y ? null : Price.Of(side == OutcomeSide.Yes ? y : 1m - y);
        Price? settlement = null;
        if (phase == InstrumentPhase.Settled)
        {
            settlement = isVoid ? Refund(record, side) : payout;
            // A payout we cannot price (a scalar without its value, a void without the record) is not booked on a guess.
            if (settlement is null && !isVoid) phase = InstrumentPhase.Determined;
        }
        return new InstrumentStatus(instrument, phase, settlement, market.CloseTime, status) { DeterminedPrice = payout, IsVoid = isVoid };
    }

    /// <summary>A void's refund per contract held on <paramref name="side"/>: its cost over its count in the settlement record.</summary>
    private static Price? Refund(KalshiSettlement? record, OutcomeSide side)
    {
        if (record is null) return null;
        var (count, cost) = side == OutcomeSide.Yes ? (record.YesCount, record.YesTotalCost) : (record.NoCount, record.NoTotalCost);
        return count.IsZero ? null : Price.Of(Math.Round(cost.Dollars / count.Value, Price.MaxDecimals, MidpointRounding.AwayFromZero));
    }

    private async Task<KalshiMarket?> MarketAsync(MarketTicker ticker, CancellationToken ct)
    {
        try
        {
            return await _rest.GetMarketAsync(ticker, ct);
        }
        catch (KalshiApiException e) when (e.IsNotFound)
        {
            return null;
        }
        catch (KalshiApiException e)
        {
            throw Map(e);
        }
    }

    private void OnBook(TopOfBook top)
    {
        _tops[top.Ticker] = (top, _time.GetUtcNow());
        if (_firstBooks.TryGetValue(top.Ticker, out var first)) first.TrySetResult();
    }

    private void OnStale(IReadOnlyList<MarketTicker> markets)
    {
        foreach (var t in markets)
            if (_tops.TryGetValue(t, out var entry)) _tops[t] = (entry.Top with { IsStale = true }, entry.Time);
    }

    private void OnTrade(KalshiTrade trade)
    {
        var outcome = trade.TakerOutcomeSide ?? (trade.TakerBookSide is { } b ? KalshiInstruments.CanonicalOutcome(b) : (OutcomeSide?)null);
        if (outcome is not { } side) return;
        var price = side == OutcomeSide.Yes ? trade.YesPrice : trade.YesPrice.Complement;
        _trades.Writer.TryWrite(new TradeTick(KalshiInstruments.Outcome(trade.Ticker, side), trade.TradeId, Price.Of(price.Dollars),
            KalshiInstruments.Quantity(trade.Count), OrderSide.Buy, trade.Time ?? _time.GetUtcNow()));
    }
}
