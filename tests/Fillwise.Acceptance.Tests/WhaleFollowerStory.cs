using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Strategies;
using Fillwise.Exchange.Admin;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Seed 002: big bets seen on Kalshi's public trade stream are followed once, through the engine's
/// normal entry path; the rest are skipped with their reasons, and a restart never follows a whale again.
/// Against the built-in exchange over loopback, the whale a real account sweeping the book.
/// </summary>
public sealed class WhaleFollowerStory
{
    private static readonly MarketTicker Second = new("KXACCEPT-26-T2");

    private static readonly WhaleOptions Options = new() { FillTimeout = TimeSpan.FromSeconds(2), QuoteWait = TimeSpan.FromMilliseconds(500) };

    private static async Task SweepAsync(AcceptanceWorld world, KalshiConnection whale, MarketTicker ticker, string price, int count) =>
        await whale.Rest.CreateOrderAsync(new KalshiCreateOrder(ticker, BookSide.Bid, Contracts.Of(count), ContractPrice.Parse(price),
            VenueTimeInForce.ImmediateOrCancel, new ClientOrderId($"whale-{Guid.NewGuid():N}")));

    private static async Task<WhaleDecision> DecisionAsync(WhaleFollower follower, Func<WhaleDecision, bool> which, string what)
    {
        WhaleDecision? found = null;
        await Eventually.TrueAsync(() => Task.FromResult((found = follower.Snapshot().Recent.FirstOrDefault(which)) is not null), what);
        return found!;
    }

    [Fact]
    public async Task A_whale_is_followed_once_others_are_skipped_with_their_reasons_and_a_restart_never_follows_it_again()
    {
        await using var world = await AcceptanceWorld.StartAsync();
        await world.Admin.CreateMarketAsync(new AdminMarketRequest(Second, "KXACCEPT-26", "Second market", DateTimeOffset.UtcNow.AddHours(2)));
        var whale = world.Connect(await world.Admin.CreateAccountAsync(Money.Parse("100000")));
        var options = AcceptanceWorld.Options with { Risk = new RiskLimits { MaxPositions = 1 } };
        Whale first;
        await using (var trader = await world.StartTraderAsync(options: options))
        {
            var follower = new WhaleFollower(trader.Engine, trader.Journal, KalshiInstruments.Venue, Options);
            await follower.StartAsync(CancellationToken.None);
            using var stop = new CancellationTokenSource();
            var running = follower.RunAsync(stop.Token);

            // 2,000 YES offered at 0.45, a bid at 0.44; the whale takes 1,500 (675 dollars).
            await world.RestAsync(BookSide.Ask, "0.45", 2000);
            await world.RestAsync(BookSide.Bid, "0.44", 10);
            await SweepAsync(world, whale, AcceptanceWorld.Ticker, "0.45", 1500);

            var followed = await DecisionAsync(follower, d => d.Verdict == WhaleVerdict.Followed, "the whale is followed");
            first = followed.Whale;
            Assert.Equal(AcceptanceWorld.Ticker.Value, first.Market);
            Assert.Equal("yes", first.Side);
            Assert.Equal(Money.Parse("675"), first.Notional);
            Assert.Equal(Price.Parse("0.45"), followed.EntryPrice); // best bid 0.44 + 0.02, never above the best ask 0.45
            Assert.Equal(Quantity.Of(5), followed.Filled);
            Assert.Equal(1, trader.Engine.Metrics.Snapshot().EntryOrdersPlaced);
            var lot = Assert.Single(trader.OpenLots);
            Assert.Equal((WhaleFollower.StrategyName, Price.Parse("0.35"), Price.Parse("0.6")), (lot.Strategy, lot.StopLoss!.Value, lot.TakeProfit!.Value));

            // A second whale in the same market: skipped, a position is open there.
            await world.RestAsync(BookSide.Ask, "0.46", 1500);
            await SweepAsync(world, whale, AcceptanceWorld.Ticker, "0.46", 1500);
            var same = await DecisionAsync(follower, d => d.Whale.Id != first.Id && d.Whale.Market == AcceptanceWorld.Ticker.Value, "the second whale is decided");
            Assert.Equal((WhaleVerdict.Skipped, $"a position is open in {AcceptanceWorld.Ticker}"), (same.Verdict, same.Reason));

            // One in another market: beyond the positions limit (1).
            await world.Liquidity.Rest.CreateOrderAsync(new KalshiCreateOrder(Second, BookSide.Ask, Contracts.Of(1500), ContractPrice.Parse("0.50"),
                VenueTimeInForce.GoodTillCanceled, new ClientOrderId($"liq-{Guid.NewGuid():N}")));
            await SweepAsync(world, whale, Second, "0.50", 1500);
            var beyond = await DecisionAsync(follower, d => d.Whale.Market == Second.Value, "the whale in the second market is decided");
            Assert.Equal((WhaleVerdict.Skipped, "1 position(s) open: the limit is 1"), (beyond.Verdict, beyond.Reason));

            // An old whale: stale.
            var old = await follower.DecideAsync(first with { Id = "old-whale", Time = DateTimeOffset.UtcNow.AddMinutes(-5) }, CancellationToken.None);
            Assert.Equal(WhaleVerdict.Skipped, old.Verdict);
            Assert.EndsWith("s old (max 120 s)", old.Reason, StringComparison.Ordinal);

            var snapshot = follower.Snapshot();
            Assert.Equal((3L, 1L, 3L), (snapshot.Seen, snapshot.Followed, snapshot.Skipped));
            Assert.Equal(1, trader.Engine.Metrics.Snapshot().EntryOrdersPlaced);
            await stop.CancelAsync();
            await running;
        }

        // After a restart the journal remembers: the same whale is not followed again.
        await using (var again = await world.StartTraderAsync(options: options))
        {
            var follower = new WhaleFollower(again.Engine, again.Journal, KalshiInstruments.Venue, Options);
            await follower.StartAsync(CancellationToken.None);
            var repeat = await follower.DecideAsync(first with { Time = DateTimeOffset.UtcNow }, CancellationToken.None);
            Assert.Equal((WhaleVerdict.Skipped, "already followed"), (repeat.Verdict, repeat.Reason));
            Assert.Equal(0, again.Engine.Metrics.Snapshot().EntryOrdersPlaced);
        }
    }
}
