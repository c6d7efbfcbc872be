using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Strategies;

namespace Fillwise.Engine.Tests.Strategies;

public class WhaleTrackerTests
{
    private static readonly InstrumentId Yes = new("kalshi", "KXW-1:yes");
    private static readonly DateTimeOffset T = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static TradeTick Fill(string price, decimal count, DateTimeOffset? at = null, InstrumentId? instrument = null) =>
        new(instrument ?? Yes, new TradeId(Guid.NewGuid().ToString("N")), Price.Parse(price), Quantity.Of(count), OrderSide.Buy, at ?? T);

    [Fact]
    public void The_fills_of_one_sweep_are_summed_and_the_whale_is_reported_once_when_it_crosses_the_threshold()
    {
        var tracker = new WhaleTracker(Money.FromDollars(500m));
        Assert.Null(tracker.Observe(Fill("0.45", 600)));  // 270
        var whale = tracker.Observe(Fill("0.46", 600));   // + 276 = 546
        Assert.NotNull(whale);
        Assert.Equal(("KXW-1", "yes", Price.Parse("0.45"), Quantity.Of(1200), Money.Parse("546")), (whale.Market, whale.Side, whale.Price, whale.Quantity, whale.Notional));
        Assert.Equal($"KXW-1:{T.ToUnixTimeMilliseconds()}:0.45:yes", whale.Id);
        Assert.Null(tracker.Observe(Fill("0.47", 600))); // the same sweep: already reported
    }

    [Fact]
    public void Small_trades_at_other_instants_or_on_the_other_outcome_are_not_one_whale()
    {
        var tracker = new WhaleTracker(Money.FromDollars(500m));
        Assert.Null(tracker.Observe(Fill("0.45", 600)));
        Assert.Null(tracker.Observe(Fill("0.45", 600, T.AddMilliseconds(1))));
        Assert.Null(tracker.Observe(Fill("0.55", 600, instrument: new InstrumentId("kalshi", "KXW-1:no"))));
    }
}
