using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Engine.Arbitrage;
using Xunit.Abstractions;

namespace Fillwise.Acceptance.Tests;

/// <summary>
/// Seed 003's two closing trades replayed on the built-in Aster and Lighter venues over loopback,
/// driven through the control API (POST /api/v1/arb/close) as a person or the strategy would: each
/// ends with both legs flat, success, no rollback, no 0.021 order and no redundant hedge; and the
/// same replays run aggressive-first (a critical close) to compare the maker and taker fees paid.
/// </summary>
public sealed class TwoLegArbitrage(ITestOutputHelper output)
{
    private static readonly TwoLegOptions Options = new()
    {
        PassiveOffsetTicks = 1,
        PassiveTimeout = TimeSpan.FromSeconds(12),
        AggressiveTimeout = TimeSpan.FromSeconds(12),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        PollInterval = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Other traders' flow: an order of ours that has rested <paramref name="after"/> at the top of its side is hit, whole or in <paramref name="pieces"/>.</summary>
    private static async Task FlowAsync(ArbWorld world, string venue, TimeSpan after, CancellationToken ct, Queue<decimal>? pieces = null, TimeSpan? gap = null, long? account = null)
    {
        var seen = new Dictionary<string, DateTime>();
        var next = DateTime.MinValue;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                foreach (var order in await world.OpenOrdersOn(venue))
                {
                    var id = order.GetProperty("order_id").GetString()!;
                    if (!seen.TryGetValue(id, out var since)) seen[id] = since = DateTime.UtcNow;
                    if (DateTime.UtcNow - since < after || DateTime.UtcNow < next) continue;
                    var remaining = decimal.Parse(order.GetProperty("remaining_quantity").GetString()!, CultureInfo.InvariantCulture);
                    var quantity = pieces is null ? remaining : pieces.Count > 0 ? pieces.Dequeue() : 0m;
                    if (quantity <= 0m) continue;
                    var side = order.GetProperty("side").GetString() == "buy" ? "sell" : "buy";
                    var price = order.GetProperty("price").GetString()!;
                    var q = quantity.ToString(CultureInfo.InvariantCulture);
                    if (account is { } other)
                        await world.Admin(venue, HttpMethod.Post, $"/accounts/{other}/orders", new { symbol = ArbWorld.Symbol(venue), side, price, quantity = q, ioc = true });
                    else
                        await world.Liquidity(venue, side, price, q, ioc: true);
                    if (gap is { } g) next = DateTime.UtcNow + g;
                }
                await Task.Delay(100, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Flow that meets both legs' resting offers in the same moment, once both have rested <paramref name="after"/>.</summary>
    private static async Task BothAtOnceAsync(ArbWorld world, TimeSpan after, CancellationToken ct)
    {
        var seen = new Dictionary<string, DateTime>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var resting = new List<(string Venue, JsonElement Order)>();
                foreach (var venue in new[] { "aster", "lighter" })
                    foreach (var order in await world.OpenOrdersOn(venue)) resting.Add((venue, order));
                foreach (var (venue, order) in resting)
                    if (!seen.ContainsKey(venue + order.GetProperty("order_id").GetString())) seen[venue + order.GetProperty("order_id").GetString()] = DateTime.UtcNow;
                var due = resting.Where(r => DateTime.UtcNow - seen[r.Venue + r.Order.GetProperty("order_id").GetString()] >= after).ToList();
                if (due.Count == 2 || (due.Count == 1 && resting.Count == 1))
                {
                    await Task.WhenAll(due.Select(r => world.Liquidity(r.Venue, r.Order.GetProperty("side").GetString() == "buy" ? "sell" : "buy",
                        r.Order.GetProperty("price").GetString()!, r.Order.GetProperty("remaining_quantity").GetString()!, ioc: true)));
                }
                await Task.Delay(100, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>What the venues charged the trader on a venue, split by maker and taker fills.</summary>
    private static async Task<(decimal Maker, decimal Taker)> FeesOn(ArbWorld world, string venue)
    {
        var fills = (await world.TraderOn(venue)).GetProperty("fills").EnumerateArray().ToList();
        decimal Sum(bool maker) => fills.Where(f => f.GetProperty("maker").GetBoolean() == maker).Sum(f => decimal.Parse(f.GetProperty("fee").GetString()!, CultureInfo.InvariantCulture));
        return (Sum(true), Sum(false));
    }

    private sealed record Replay(JsonNode Operation, decimal Maker, decimal Taker, decimal AsterLeft, decimal LighterLeft, IReadOnlyList<JsonElement> LighterFills, IReadOnlyList<JsonElement> AsterFills);

    /// <summary>Trade 1: ASTER short 2.332 @ 495.791668, LIGHTER long 2.311 @ 495.246; both passive offers are met by the flow after 4 s.</summary>
    private static async Task<Replay> TradeOneAsync(bool passiveFirst)
    {
        await using var world = await ArbWorld.StartAsync();
        await world.Hold("aster", "-2.332", "495.791668");
        await world.Hold("lighter", "2.311", "495.246");
        await world.Liquidity("aster", "buy", "513.50", "5");
        await world.Liquidity("aster", "sell", "514.50", "5");
        await world.Liquidity("lighter", "buy", "513.500", "5");
        await world.Liquidity("lighter", "sell", "514.500", "5");
        await using var trader = await world.StartTraderAsync(Options);
        using var stop = new CancellationTokenSource();
        var flows = BothAtOnceAsync(world, TimeSpan.FromSeconds(4), stop.Token);

        var (status, op) = await trader.PostAsync("/arb/close",
            $$"""{"symbol":"ZEC","venues":["aster","lighter"],"reason":"{{(passiveFirst ? "funding_erosion" : "critical")}}"}""");
        await stop.CancelAsync();
        await flows;
        Assert.Equal(200, status);
        return await ReadAsync(world, trader, op);
    }

    /// <summary>
    /// Trade 2: ASTER long 2.983 @ 503.66, LIGHTER short 2.983 @ 502.791. Lighter's first post-only
    /// bid crosses an offer that arrived while its transaction waited (canceled-post-only), the
    /// re-priced one fills in slow partials (0.700 ... 2.983); nobody meets Aster's offer, so Aster
    /// fills only after the fallback.
    /// </summary>
    private static async Task<Replay> TradeTwoAsync(bool passiveFirst)
    {
        await using var world = await ArbWorld.StartAsync();
        await world.Hold("aster", "2.983", "503.66");
        await world.Hold("lighter", "-2.983", "502.791");
        await world.Liquidity("aster", "buy", "517.64", "10");
        await world.Liquidity("aster", "sell", "517.66", "10");
        await world.Liquidity("lighter", "buy", "516.700", "0.05");
        await world.Liquidity("lighter", "sell", "516.820", "10");
        var seller = long.Parse((await world.Admin("lighter", HttpMethod.Post, "/accounts", new { balance = "1000000" })).GetProperty("account_id").GetString()!, CultureInfo.InvariantCulture);
        await using var trader = await world.StartTraderAsync(Options);

        if (passiveFirst) await world.HoldLighter(true);
        var reason = passiveFirst ? "divergence_flipped" : "critical";
        var closing = trader.PostAsync("/arb/close", $$"""{"symbol":"ZEC","venues":["aster","lighter"],"reason":"{{reason}}"}""");
        if (passiveFirst)
        {
            // The post-only bid is priced and sent; while it waits for the sequencer, an offer arrives at its price.
            await Eventually.TrueAsync(() => Task.FromResult(trader.Engine.Tracker.LiveOrders.Any(o => o.Instrument == ArbWorld.LighterZec)), "the lighter leg's bid is sent");
            var bid = trader.Engine.Tracker.LiveOrders.First(o => o.Instrument == ArbWorld.LighterZec).LimitPrice;
            await world.Admin("lighter", HttpMethod.Post, $"/accounts/{seller}/orders", new { symbol = "ZEC", side = "sell", price = bid.ToString(), quantity = "0.05" });
            await world.HoldLighter(false);
        }
        using var stop = new CancellationTokenSource();
        var pieces = new Queue<decimal>([0.750m, 0.230m, 0.117m, 0.183m, 0.194m, 0.660m, 0.593m, 0.306m]);
        var flow = FlowAsync(world, "lighter", TimeSpan.FromSeconds(1), stop.Token, pieces, TimeSpan.FromMilliseconds(400), seller);
        var (status, op) = await closing;
        await stop.CancelAsync();
        await flow;
        Assert.Equal(200, status);
        return await ReadAsync(world, trader, op);
    }

    private static async Task<Replay> ReadAsync(ArbWorld world, ArbTrader trader, JsonNode op)
    {
        // The engine agrees with both venues afterwards: reconciliation finds nothing to mend.
        await Task.Delay(400);
        foreach (var venue in new[] { "aster", "lighter" })
        {
            var report = await trader.Engine.Reconciler.ReconcileAsync(venue, "test", apply: true, CancellationToken.None);
            Assert.True(report.Clean, string.Join("; ", report.Discrepancies));
        }
        var (am, at) = await FeesOn(world, "aster");
        var (lm, lt) = await FeesOn(world, "lighter");
        var lighterFills = (await world.TraderOn("lighter")).GetProperty("fills").EnumerateArray().ToList();
        var asterFills = (await world.TraderOn("aster")).GetProperty("fills").EnumerateArray().ToList();
        var listed = await trader.GetAsync("/arb");
        Assert.Equal(op["id"]!.GetValue<string>(), listed["operations"]![0]!["id"]!.GetValue<string>());
        return new Replay(op, am + lm, at + lt, await world.PositionOn("aster"), await world.PositionOn("lighter"), lighterFills, asterFills);
    }

    private static IEnumerable<JsonNode> Orders(JsonNode op, string venue) =>
        op["legs"]!.AsArray().Single(l => l!["venue"]!.GetValue<string>() == venue)!["orders"]!.AsArray().Select(o => o!);

    [Fact]
    public async Task Seed_003_trade_one_closes_both_legs_flat_with_success_no_rollback_and_no_0_021_order()
    {
        var replay = await TradeOneAsync(passiveFirst: true);
        var op = replay.Operation;
        Assert.Equal("success", op["outcome"]!.GetValue<string>());
        Assert.False(op["rolled_back"]!.GetValue<bool>());
        var phases = op["phases"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Equal("passive", phases[0]);
        Assert.DoesNotContain("rollback", phases);
        Assert.Empty(op["dust"]!.AsArray());
        Assert.Equal((0m, 0m), (replay.AsterLeft, replay.LighterLeft));
        var all = Orders(op, "aster").Concat(Orders(op, "lighter")).ToList();
        Assert.DoesNotContain(all, o => o["quantity"]!.GetValue<string>() == "0.021");
        Assert.All(all, o => Assert.True(o["reduce_only"]!.GetValue<bool>()));
        // Each leg closed its own position: its first order was all of it, passive; nothing beyond it was ever asked of either venue.
        Assert.Equal(("2.332", true), (Orders(op, "aster").First()["quantity"]!.GetValue<string>(), Orders(op, "aster").First()["post_only"]!.GetValue<bool>()));
        Assert.Equal(("2.311", true), (Orders(op, "lighter").First()["quantity"]!.GetValue<string>(), Orders(op, "lighter").First()["post_only"]!.GetValue<bool>()));
        Assert.Equal(2.332m, Orders(op, "aster").Sum(o => decimal.Parse(o["filled"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
        Assert.Equal(2.311m, Orders(op, "lighter").Sum(o => decimal.Parse(o["filled"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
        // Both met passively (the flow meets both offers at once), both as makers.
        if (phases.Count == 1) Assert.Equal(0m, replay.Taker);
    }

    [Fact]
    public async Task Seed_003_trade_two_survives_post_only_refusals_and_slow_partials_and_closes_both_flat_with_no_redundant_hedge()
    {
        var replay = await TradeTwoAsync(passiveFirst: true);
        var op = replay.Operation;
        Assert.Equal("success", op["outcome"]!.GetValue<string>());
        Assert.False(op["rolled_back"]!.GetValue<bool>());
        Assert.Equal((0m, 0m), (replay.AsterLeft, replay.LighterLeft));
        // Lighter: the crossing bid refused as post-only (a re-price), the next one filled in pieces; nothing sent after it completed.
        var lighter = Orders(op, "lighter").ToList();
        Assert.Equal(2, lighter.Count);
        // Refused by the create's answer, or ended by the venue's stream first (canceled-post-only): either way nothing filled.
        Assert.Contains(lighter[0]["status"]!.GetValue<string>(), new[] { "rejected", "expired" });
        Assert.Equal(("0.000", true), (lighter[0]["filled"]!.GetValue<string>(), lighter[0]["post_only"]!.GetValue<bool>()));
        Assert.Equal(("filled", "2.983", "passive"), (lighter[1]["status"]!.GetValue<string>(), lighter[1]["filled"]!.GetValue<string>(), lighter[1]["phase"]!.GetValue<string>()));
        var pieces = replay.LighterFills.Where(f => f.GetProperty("side").GetString() == "buy").ToList();
        Assert.True(pieces.Count >= 8, $"Lighter filled in {pieces.Count} pieces");
        // Aster: nobody met its offer; it filled only after the fallback, in the ladder, once.
        var aster = Orders(op, "aster").ToList();
        Assert.Equal(("passive", "0.000"), (aster[0]["phase"]!.GetValue<string>(), aster[0]["filled"]!.GetValue<string>()));
        Assert.Equal("2.983", aster.Skip(1).Sum(o => decimal.Parse(o["filled"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToString("0.000", CultureInfo.InvariantCulture));
        Assert.DoesNotContain("rollback", op["phases"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task Passive_first_pays_maker_fees_where_aggressive_first_pays_taker_fees_on_the_same_replays()
    {
        var rows = new List<string>();
        decimal passiveTaker = 0m, aggressiveTaker = 0m, passiveMaker = 0m, aggressiveMaker = 0m;
        foreach (var (name, replay) in new (string, Func<bool, Task<Replay>>)[] { ("trade 1", TradeOneAsync), ("trade 2", TradeTwoAsync) })
        {
            foreach (var passiveFirst in new[] { true, false })
            {
                var r = await replay(passiveFirst);
                Assert.Equal("success", r.Operation["outcome"]!.GetValue<string>());
                Assert.Equal((0m, 0m), (r.AsterLeft, r.LighterLeft));
                var phases = string.Join(">", r.Operation["phases"]!.AsArray().Select(p => p!.GetValue<string>()));
                var hedge = r.Operation["hedge_latency_ms"] is JsonValue ms ? $"{ms.GetValue<decimal>():0.000} ms" : "none (no leg complete before the other's last order)";
                rows.Add($"{name} {(passiveFirst ? "passive-first   " : "aggressive-first")}: maker {r.Maker,10:0.000000}  taker {r.Taker,10:0.000000}  total {r.Maker + r.Taker,10:0.000000} USD; " +
                         $"phases {phases}; one leg complete -> hedge on the wire {hedge}");
                if (passiveFirst)
                {
                    passiveTaker += r.Taker;
                    passiveMaker += r.Maker;
                }
                else
                {
                    aggressiveTaker += r.Taker;
                    aggressiveMaker += r.Maker;
                }
            }
        }
        foreach (var row in rows) output.WriteLine(row);
        output.WriteLine($"both replays: passive-first maker {passiveMaker:0.000000} taker {passiveTaker:0.000000}; aggressive-first maker {aggressiveMaker:0.000000} taker {aggressiveTaker:0.000000}");
        Assert.True(passiveTaker + passiveMaker < aggressiveTaker + aggressiveMaker, string.Join("\n", rows));
    }

    [Fact]
    public async Task A_bad_arb_request_is_a_400_naming_what_is_wrong_and_changes_nothing()
    {
        await using var world = await ArbWorld.StartAsync();
        await using var trader = await world.StartTraderAsync(Options);
        foreach (var (body, named) in new[]
        {
            ("""{"symbol":"ZEC","venues":["aster"],"reason":"manual"}""", "'venues'"),
            ("""{"symbol":"ZEC","venues":["aster","lighter"],"reason":"because"}""", "'reason'"),
            ("""{"symbol":"ZEC!","venues":["aster","lighter"],"reason":"manual"}""", "'symbol'"),
            ("""{"symbol":"ZEC","venues":["aster","binance"],"reason":"manual"}""", "'binance' is not configured"),
            ("""[1]""", "JSON object"),
        })
        {
            var (status, answer) = await trader.PostAsync("/arb/close", body);
            Assert.Equal(400, status);
            Assert.Contains(named, answer["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        foreach (var (body, named) in new[]
        {
            ("""{"symbol":"ZEC","long_venue":"aster","short_venue":"lighter","quantity":"1.0005"}""", "step"),
            ("""{"symbol":"ZEC","long_venue":"aster","short_venue":"lighter","quantity":"-1"}""", "'quantity'"),
            ("""{"symbol":"ZEC","long_venue":"aster","short_venue":"aster","quantity":"1"}""", "two venues"),
            ("""{"symbol":"ZEC","long_venue":"aster","quantity":"1"}""", "'short_venue'"),
        })
        {
            var (status, answer) = await trader.PostAsync("/arb/open", body);
            Assert.Equal(400, status);
            Assert.Contains(named, answer["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        Assert.Empty((await trader.GetAsync("/arb"))["operations"]!.AsArray());
        Assert.Empty(await world.OpenOrdersOn("aster"));
        Assert.Empty(await world.OpenOrdersOn("lighter"));
        Assert.Equal(404, (int)(await trader.Http.GetAsync(new Uri("/api/v1/arb/arb-nothing", UriKind.Relative))).StatusCode);
    }
}
