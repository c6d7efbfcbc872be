using System.Text;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi.Tests;

public class SnapshotFramingTests
{
    [Theory]
    // Kalshi (and the built-in exchange) put msg last; an empty side arrives as [].
    [InlineData("""{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXT-1","market_id":"m","yes_dollars_fp":[],"no_dollars_fp":[]}}""", null)]
    [InlineData("""{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXT-1","yes_dollars_fp":[["0.4700","3.00"]],"no_dollars_fp":[["0.4800","2.00"]]}}""", "0.4700")]
    [InlineData("""{"msg":{"market_ticker":"KXT-1","yes_dollars_fp":[["0.4700","3.00"]]},"type":"orderbook_snapshot","sid":1,"seq":1}""", "0.4700")]
    public void A_snapshot_applies_wherever_msg_stands_in_the_frame(string frame, string? bestYesBid)
    {
        var feed = new OrderBookFeed();
        var result = feed.Apply(Encoding.UTF8.GetBytes(frame));
        Assert.Equal(BookFeedOutcome.SnapshotApplied, result.Outcome);
        Assert.False(result.Book!.IsStale);
        Assert.Equal(bestYesBid, result.Book.BestBid(OutcomeSide.Yes)?.ToString());
    }
}
