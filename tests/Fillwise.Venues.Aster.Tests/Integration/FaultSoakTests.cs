using System.Globalization;
using System.Text;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Xunit.Abstractions;

namespace Fillwise.Venues.Aster.Tests.Integration;

/// <summary>
/// A seeded soak against the built-in venue with 503s, dropped answers (the request carried out,
/// the connection cut) and WebSocket cuts: every create is resolved by its client order id, none is
/// lost or doubled, and the position built from our fills equals the venue's.
/// </summary>
public sealed class FaultSoakTests(ITestOutputHelper output)
{
    private const int Seed = 2026;
    private const int Intents = 40;
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task No_order_is_lost_or_doubled_and_positions_equal_the_venues_under_faults()
    {
        output.WriteLine($"soak seed {Seed} (replay: same seed, same faults)");
        await using var h = await AsterVenueHarness.StartAsync();
        // One attempt per request: every unknown outcome reaches this test, which resolves it as an engine would.
        var (traderId, trader) = await h.NewTraderAsync("100000", o => o with { MaxAttempts = 1 });
        var (bankId, _) = await h.NewTraderAsync("1000000");
        // Liquidity on both sides, from an account that goes through the admin API (no faults there).
        for (var i = 0; i < 10; i++)
        {
            await h.AdminOrderAsync(bankId, "buy", (513.90m - i * 0.05m).ToString("F2", CultureInfo.InvariantCulture), "2.000");
            await h.AdminOrderAsync(bankId, "sell", (514.10m + i * 0.05m).ToString("F2", CultureInfo.InvariantCulture), "2.000");
        }
        await using var stream = trader.OpenUserDataStream();
        await stream.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);

        await SetFaultsAsync(h, """{"http_5xx_rate":0.15,"drop_response_rate":0.1,"ws_disconnect_every_s":2}""");
        var random = new Random(Seed);
        var accepted = new Dictionary<string, long>(StringComparer.Ordinal);
        var rejected = 0;
        var resends = 0;
        var unknowns = 0;
        for (var n = 0; n < Intents; n++)
        {
            var buy = random.Next(2) == 0;
            var crossing = random.Next(3) > 0;
            var price = buy ? (crossing ? 514.30m : 513.50m) : (crossing ? 513.70m : 514.60m);
            var lots = random.Next(20, 400);
            var request = new AsterOrderRequest(AsterVenueHarness.Zec, buy ? OrderSide.Buy : OrderSide.Sell, AsterOrderType.Limit,
                Quantity.Of(lots / 1000m), Price.Of(price), new ClientOrderId($"soak-{Seed}-{n}"), crossing ? AsterTimeInForce.ImmediateOrCancel : AsterTimeInForce.GoodTillCanceled);

            var outcome = await trader.Orders.PlaceAsync(request, Ct);
            for (var tries = 0; outcome is AsterPlaceOutcome.Unknown; tries++)
            {
                unknowns++;
                Assert.True(tries < 60, $"seed {Seed}: intent {n} still unknown after {tries} lookups");
                outcome = await trader.Orders.FindAsync(AsterVenueHarness.Zec, request.ClientOrderId, Ct) switch
                {
                    AsterLookupOutcome.Found f => new AsterPlaceOutcome.Accepted(f.Order),
                    // Never reached the venue: send the same create again, same client order id.
                    AsterLookupOutcome.NotFound => await Resend(),
                    _ => outcome,
                };
            }
            switch (outcome)
            {
                case AsterPlaceOutcome.Accepted a:
                    accepted[request.ClientOrderId.Value] = a.Order.OrderId;
                    break;
                case AsterPlaceOutcome.Rejected r:
                    rejected++;
                    output.WriteLine($"intent {n} refused: {r.Code} {r.Message}");
                    break;
            }

            async Task<AsterPlaceOutcome> Resend()
            {
                resends++;
                return await trader.Orders.PlaceAsync(request, Ct);
            }
        }
        // Cancel what rests, through the same faults.
        foreach (var open in await Eventually(() => trader.Orders.GetOpenOrdersAsync(AsterVenueHarness.Zec, Ct)))
        {
            for (var tries = 0; ; tries++)
            {
                Assert.True(tries < 60, $"seed {Seed}: cancel of {open.OrderId} never resolved");
                var c = await trader.Orders.CancelAsync(AsterVenueHarness.Zec, open.OrderId, null, Ct);
                if (c is AsterCancelOutcome.Canceled or AsterCancelOutcome.NotFound) break;
            }
        }
        await AsterClientLoopbackTests.WaitUntil(() => stream.Connections >= 2, seconds: 15);
        await SetFaultsAsync(h, """{}""");

        var venueOrders = await trader.Orders.GetOrdersAsync(AsterVenueHarness.Zec, 1000, Ct);
        output.WriteLine($"accepted {accepted.Count}, refused {rejected}, unknown outcomes resolved {unknowns}, resends {resends}, venue orders {venueOrders.Count}, stream connections {stream.Connections}");
        // Not doubled: one venue order per client order id. Not lost: every accepted intent is there, under its id.
        Assert.Equal(venueOrders.Count, venueOrders.Select(o => o.ClientOrderId!.Value.Value).Distinct().Count());
        Assert.Equal(accepted.Count, venueOrders.Count);
        foreach (var (clientId, orderId) in accepted)
            Assert.Equal(orderId, venueOrders.Single(o => o.ClientOrderId!.Value.Value == clientId).OrderId);
        Assert.DoesNotContain(venueOrders, o => o.IsOpen);

        // Our position from our fills (deduplicated by trade id) is the venue's.
        var fills = await trader.Orders.GetTradesAsync(AsterVenueHarness.Zec, null, 1000, Ct);
        var position = new PerpPosition(AsterVenueHarness.Zec);
        foreach (var f in fills) position.Apply(f);
        var venue = (await trader.Account.GetPositionsAsync(Ct)).Single(p => p.Instrument == AsterVenueHarness.Zec);
        Assert.Equal(venue.Quantity, position.SignedQuantity);
        var truth = (await h.AccountAsync(traderId)).GetProperty("positions")[0];
        Assert.Equal(truth.GetProperty("quantity").GetString(), Dec(position.SignedQuantity));
        Assert.Equal(truth.GetProperty("realized_pnl").GetString(), Dec(position.RealizedPnl.Dollars));
        Assert.Equal(truth.GetProperty("fees_paid").GetString(), Dec(position.FeesPaid.Dollars));
        Assert.Equal(Money.FromDollars(100000m) + position.RealizedPnl - position.FeesPaid, (await trader.Account.GetBalanceAsync(Ct)).WalletBalance);

        // The stream was cut, said so, and every fill it delivered is one of the venue's.
        var streamed = new List<AsterStreamEvent>();
        while (stream.TryRead(out var e)) streamed.Add(e!);
        Assert.Contains(streamed, e => e is AsterStreamEvent.ResyncNeeded);
        var tradeIds = fills.Select(f => f.TradeId).ToHashSet();
        Assert.All(streamed.OfType<AsterStreamEvent.OrderUpdate>().Where(u => u.Fill is not null), u => Assert.Contains(u.Fill!.TradeId, tradeIds));
        Assert.True(fills.Count > 0 && accepted.Count > Intents / 2 && unknowns > 0, $"seed {Seed}: the soak traded too little, or met no fault, to mean anything");
    }

    private static string Dec(decimal v) => FixedPoint.Format(v, FixedPoint.DecimalPlaces(v));

    private static async Task SetFaultsAsync(AsterVenueHarness h, string json)
    {
        var r = await h.Http.PutAsync(h.Server.AsterAdminUrl + "/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
    }

    /// <summary>A read that is safe to repeat, repeated until the faults let it through.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> read)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await read();
            }
            catch (AsterApiException) when (i < 30)
            {
                await Task.Delay(20);
            }
        }
    }
}
