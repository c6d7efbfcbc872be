using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>Lighter's books, public trades, funding and instruments, per market ("lighter:ZEC").</summary>
public sealed partial class LighterVenueAdapter : IMarketData, IInstrumentProvider
{
    // Public trades for whoever reads them; the oldest are dropped if nobody keeps up.
    private readonly Channel<TradeTick> _trades = Channel.CreateBounded<TradeTick>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public async Task WatchAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (_stream is null) return;
        var market = await MarketAsync(instrument, cancellationToken);
        if (market is not null) await _stream.WatchBookAsync(market, cancellationToken);
    }

    /// <summary>The top of a watched book; flagged stale while the stream is down or the book awaits a fresh snapshot.</summary>
    public Quote? GetQuote(InstrumentId instrument)
    {
        if (_stream is null || _client.MarketData.Market(instrument.Symbol) is not { } market || _stream.Book(market.MarketIndex) is not { } book) return null;
        return book.Read(b =>
        {
            if (b.UpdatedAt == default) return null;
            var bid = b.BestBid;
            var ask = b.BestAsk;
            return new Quote(instrument, bid?.Price, bid?.Size, ask?.Price, ask?.Size, b.UpdatedAt, !b.IsSynced || !_stream.IsConnected);
        });
    }

    /// <summary>Every public trade of every market, as the taker's side (is_maker_ask: the taker bought).</summary>
    public async IAsyncEnumerable<TradeTick> ReadTradesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_stream is not null)
            foreach (var m in await _client.MarketData.GetMarketsAsync(cancellationToken)) await _stream.WatchTradesAsync(m, cancellationToken);
        await foreach (var t in _trades.Reader.ReadAllAsync(cancellationToken)) yield return t;
    }

    private void OnPublicTrade(LighterTrade t) =>
        _trades.Writer.TryWrite(new TradeTick(t.Instrument, new TradeId(t.TradeId.ToString(CultureInfo.InvariantCulture)), t.Price, t.Size,
            t.IsMakerAsk ? OrderSide.Buy : OrderSide.Sell, t.Time));

    /// <summary>Lighter's rate per its (hourly) interval, the next settlement and the mark when the venue gives it.</summary>
    public async Task<FundingInfo> GetFundingAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        var funding = await Call(() => _client.MarketData.GetFundingAsync(instrument.Symbol, cancellationToken));
        return new FundingInfo(instrument, funding.Schedule.Rate.Value, funding.Schedule.Interval, funding.Schedule.NextFundingTime, funding.MarkPrice);
    }

    /// <summary>From orderBookDetails: the tick and step of the supported decimals, min_base_amount, min_quote_amount, no reduce-only waiver.</summary>
    public async Task<Instrument?> GetInstrumentAsync(InstrumentId instrument, CancellationToken cancellationToken) =>
        (await MarketAsync(instrument, cancellationToken))?.Instrument;

    public async Task<InstrumentStatus?> GetStatusAsync(InstrumentId instrument, CancellationToken cancellationToken)
    {
        if (await MarketAsync(instrument, cancellationToken) is not { } market) return null;
        var phase = market.Status switch
        {
            "active" => InstrumentPhase.Open,
            "inactive" or "frozen" => InstrumentPhase.Paused,
            _ => InstrumentPhase.Closed,
        };
        return new InstrumentStatus(instrument, phase, null, null, market.Status);
    }

    private async Task<LighterMarketInfo?> MarketAsync(InstrumentId instrument, CancellationToken ct) =>
        instrument.Venue != Venue ? null : await Call(() => _client.MarketData.MarketAsync(instrument.Symbol, ct));
}
