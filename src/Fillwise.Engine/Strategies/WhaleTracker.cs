using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Engine.Strategies;

/// <summary>
/// Finds whales on the public trade tape. A venue reports a taker's sweep as one trade per resting
/// order it hit, all at one instant: the fills of one outcome at one millisecond are summed, and the
/// sweep becomes a whale the moment its notional reaches the threshold (once; later fills of the same
/// sweep only add to what readers see). Not thread-safe: one reader of the tape owns it.
/// </summary>
public sealed class WhaleTracker(Money minNotional)
{
    private readonly Dictionary<(InstrumentId Instrument, long Ms), Sweep> _sweeps = [];
    private long _latestMs;

    /// <summary>The whale this trade completes, or null (below the threshold, or already reported).</summary>
    public Whale? Observe(TradeTick trade)
    {
        ArgumentNullException.ThrowIfNull(trade);
        var ms = trade.Time.ToUnixTimeMilliseconds();
        if (ms > _latestMs)
        {
            _latestMs = ms;
            Forget(ms - 5_000);
        }
        var key = (trade.Instrument, ms);
        if (!_sweeps.TryGetValue(key, out var sweep))
            _sweeps[key] = sweep = new Sweep(trade.Price, trade.Time);
        sweep.Quantity += trade.Quantity;
        sweep.Notional += trade.Price * trade.Quantity;
        if (sweep.Reported || sweep.Notional < minNotional) return null;
        sweep.Reported = true;
        var (market, side) = Whale.MarketAndSide(trade.Instrument);
        return new Whale(Whale.IdOf(market, sweep.Time, sweep.FirstPrice, side), trade.Instrument, market, side, sweep.FirstPrice, sweep.Quantity, sweep.Notional, sweep.Time);
    }

    // Sweeps are instantaneous: a few seconds of them is plenty, and memory stays flat on a long run.
    private void Forget(long olderThanMs)
    {
        if (_sweeps.Count < 256) return;
        foreach (var key in _sweeps.Keys.Where(k => k.Ms < olderThanMs).ToList()) _sweeps.Remove(key);
    }

    private sealed class Sweep(Price firstPrice, DateTimeOffset time)
    {
        public Price FirstPrice { get; } = firstPrice;
        public DateTimeOffset Time { get; } = time;
        public Quantity Quantity { get; set; } = Quantity.Zero;
        public Money Notional { get; set; } = Money.Zero;
        public bool Reported { get; set; }
    }
}
