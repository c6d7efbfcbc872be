using System.Text.Json.Nodes;
using Fillwise.Exchange.Server;

namespace Fillwise.Exchange.Tests.Server;

public sealed class DemoScenarioServerTests
{
    [Fact]
    public async Task Demo_scenario_serves_markets_and_agents_trade_on_them()
    {
        await using var h = await ServerHarness.StartAsync(new ExchangeServerOptions
        {
            Scenario = ExchangeScenario.Demo,
            RateLimitTier = RateLimitTier.Unlimited,
            AgentStepInterval = TimeSpan.FromMilliseconds(20),
        }, withMarket: false);
        var markets = (await h.GetAsync(null, "/markets?status=open")).Json["markets"]!.AsArray();
        Assert.NotEmpty(markets);
        var ticker = (string)markets[0]!["ticker"]!;
        Assert.NotEmpty(h.Server.WithExchange(_ => h.Server.Agents.AgentUserIds));

        var alice = await h.NewAccountAsync();
        using var ws = await h.ConnectAsync(alice);
        await WsReader.SendAsync(ws, new JsonObject
        {
            ["id"] = 1, ["cmd"] = "subscribe",
            ["params"] = new JsonObject { ["channels"] = new JsonArray("orderbook_delta"), ["market_tickers"] = new JsonArray(ticker) },
        }.ToJsonString());
        Assert.Equal("subscribed", (string?)(await WsReader.NextAsync(ws))["type"]);
        var snapshot = await WsReader.NextAsync(ws);
        Assert.Equal(1L, (long)snapshot["seq"]!);
        // The agents keep quoting: deltas arrive, numbered without gaps.
        var last = 1L;
        for (var i = 0; i < 5; i++)
        {
            var delta = await WsReader.NextAsync(ws, TimeSpan.FromSeconds(10));
            Assert.Equal(last + 1, (long)delta["seq"]!);
            last++;
        }
        Assert.Null(h.Server.LastBackgroundError);
    }

    [Fact]
    public async Task Held_agents_trade_only_once_started_and_only_for_the_steps_given()
    {
        await using var h = await ServerHarness.StartAsync(new ExchangeServerOptions
        {
            Scenario = ExchangeScenario.Demo,
            RateLimitTier = RateLimitTier.Unlimited,
            AgentStepInterval = TimeSpan.FromMilliseconds(10),
            AgentsWaitForStart = true,
        }, withMarket: false);
        var trades = () => h.Server.WithExchange(ex => h.Server.Agents.AgentUserIds.Sum(u => ex.BalanceMicros(u)));
        var before = trades();
        await Task.Delay(200);
        Assert.Equal(0, h.Server.AgentSteps);
        Assert.Equal(before, trades());

        h.Server.StartAgents(steps: 5);
        await h.Server.WaitForAgentStepsAsync(5, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        // The world holds still after the last step: the clock keeps ticking, the agents do not.
        await Task.Delay(200);
        Assert.Equal(5, h.Server.AgentSteps);
        Assert.Null(h.Server.LastBackgroundError);
    }
}
