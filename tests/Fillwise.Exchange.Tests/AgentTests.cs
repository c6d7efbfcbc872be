using Fillwise.Domain.Values;
using Fillwise.Exchange.Agents;
using Fillwise.Exchange.Core;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests;

public sealed class AgentTests
{
    private static (KalshiExchange Exchange, MarketAgents Agents, ManualTimeProvider Clock) Run(int seed, int steps)
    {
        var clock = new ManualTimeProvider();
        var exchange = new KalshiExchange(clock, seed);
        var agents = DemoScenario.Start(DemoScenario.Demo, exchange, seed);
        for (var i = 0; i < steps; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            exchange.OnClockTick();
            agents.Step();
        }
        return (exchange, agents, clock);
    }

    [Fact]
    public void Demo_trades_settles_replaces_markets_and_has_whales()
    {
        // 25 simulated minutes: every first-generation market has closed and settled.
        var (exchange, agents, _) = Run(seed: 11, steps: 6000);
        var markets = exchange.GetMarkets();
        Assert.True(markets.Count > 4);
        Assert.Contains(markets, m => m.Status == MarketStatus.Finalized);
        Assert.Equal(4, agents.LiveMarkets.Count);
        Assert.All(agents.LiveMarkets, t => Assert.Equal(MarketStatus.Active, exchange.GetMarket(t)!.Status));
        Assert.All(markets, m => Assert.StartsWith("KXDEMO-", m.Definition.Ticker.Value, StringComparison.Ordinal));

        var trades = exchange.GetTrades(null);
        Assert.True(trades.Count > 1000, $"only {trades.Count} trades");
        // A whale order sweeps the book: its prints add up to hundreds of dollars within one instant.
        var biggest = trades.GroupBy(t => (t.Ticker, t.Time, t.TakerSide)).Max(g => g.Sum(t => t.Count.Value * t.YesPrice.Dollars));
        Assert.True(biggest >= 300m, $"largest sweep ${biggest}");

        foreach (var ticker in agents.LiveMarkets)
        {
            var market = exchange.GetMarket(ticker)!;
            if (market.YesBid is { } bid && market.YesAsk is { } ask) Assert.True(bid < ask);
            Assert.NotEmpty(exchange.GetBook(ticker)!.YesBids);
        }

        // Cash is conserved across all agents (top-ups count as deposits).
        var deposits = 0m;
        var total = 0m;
        foreach (var user in agents.AgentUserIds)
        {
            var account = exchange.GetAccount(user)!;
            Assert.True(account.Balance.Dollars >= 0m);
            deposits += exchange.DepositsMicros(user) / 1_000_000m;
            total += account.Balance.Dollars + account.HeldCollateral.Dollars + account.Positions.Sum(p => p.FeesPaid.Dollars);
        }
        var escrow = markets.Where(m => m.Status != MarketStatus.Finalized).Sum(m => m.OpenInterest.Value);
        Assert.Equal(deposits, total + escrow);
    }

    [Fact]
    public void Demo_is_deterministic_by_seed()
    {
        static string Fingerprint(int seed)
        {
            var (exchange, _, _) = Run(seed, 800);
            return string.Join(";", exchange.GetTrades(null).Select(t => $"{t.TradeId},{t.Ticker},{t.YesPrice},{t.Count},{t.TakerSide}"));
        }
        Assert.Equal(Fingerprint(5), Fingerprint(5));
        Assert.NotEqual(Fingerprint(5), Fingerprint(6));
    }

    [Fact]
    public void Empty_scenario_has_nothing()
    {
        var clock = new ManualTimeProvider();
        var exchange = new KalshiExchange(clock, 1);
        var agents = DemoScenario.Start(DemoScenario.Empty, exchange, 1);
        agents.Step();
        Assert.Empty(exchange.GetMarkets());
        Assert.Empty(agents.AgentUserIds);
        Assert.Throws<ArgumentException>(() => DemoScenario.Start("nope", exchange, 1));
    }
}
