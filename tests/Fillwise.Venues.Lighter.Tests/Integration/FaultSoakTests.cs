using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Xunit.Abstractions;

namespace Fillwise.Venues.Lighter.Tests.Integration;

/// <summary>
/// A seeded soak of the engine's ports on Lighter with 503s, dropped answers (carried out, the
/// connection cut) and WebSocket cuts: every create is resolved by its client order index as the
/// engine resolves it, none is lost or doubled, and the position built from our fills is the venue's.
/// </summary>
public sealed class FaultSoakTests(ITestOutputHelper output)
{
    private const int Seed = 2027;
    private const int Intents = 40;
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task No_order_is_lost_or_doubled_and_positions_equal_the_venues_under_faults()
    {
        output.WriteLine($"soak seed {Seed} (replay: same seed, same faults)");
        await using var h = await LighterVenueHarness.StartAsync();
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        // One attempt per read: unknown outcomes get through to the resolution below, as they would to the engine.
        var (traderId, c) = await h.NewConnectionAsync("100000", o => o with { MaxAttempts = 1, ExecutionWait = TimeSpan.FromSeconds(2) });
        await using var _ = c;
        var (bankId, _) = await h.NewAccountAsync("1000000");
        for (var i = 0; i < 10; i++)
        {
            await h.AdminOrderAsync(bankId, "buy", (513.900m - i * 0.05m).ToString("F3", CultureInfo.InvariantCulture), "2.000");
            await h.AdminOrderAsync(bankId, "sell", (514.100m + i * 0.05m).ToString("F3", CultureInfo.InvariantCulture), "2.000");
        }
        var venue = c.Connection;
        var streamed = new List<ExecutionEvent>();
        using var reading = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in venue.Reports.ReadEventsAsync(reading.Token)) lock (streamed) streamed.Add(e);
            }
            catch (OperationCanceledException)
            {
                // Done reading.
            }
        });

        await h.SetFaultsAsync("""{"http_5xx_rate":0.15,"drop_response_rate":0.1,"ws_disconnect_every_s":2}""");
        var random = new Random(Seed);
        var accepted = new Dictionary<ClientOrderId, VenueOrderId>();
        var refused = new List<ClientOrderId>();
        var unknowns = 0;
        var resends = 0;
        for (var n = 0; n < Intents; n++)
        {
            var buy = random.Next(2) == 0;
            var crossing = random.Next(3) > 0;
            var price = buy ? (crossing ? 514.300m : 513.500m) : (crossing ? 513.700m : 514.600m);
            var intent = new OrderIntent(new ClientOrderId($"fw-soak-{Seed}-{n}"), LighterVenueHarness.Zec, buy ? OrderSide.Buy : OrderSide.Sell,
                Quantity.Of(random.Next(50, 400) / 1000m), Price.Of(price), OrderPurpose.Entry, "soak", start,
                crossing ? VenueTimeInForce.ImmediateOrCancel : VenueTimeInForce.GoodTillCanceled);

            var outcome = await venue.Execution.SubmitAsync(intent, Ct);
            for (var tries = 0; outcome is SubmitOutcome.Unknown or SubmitOutcome.Rejected { Rejection.Reason: RejectionReason.DuplicateClientOrderId }; tries++)
            {
                if (outcome is SubmitOutcome.Unknown) unknowns++;
                Assert.True(tries < 100, $"seed {Seed}: intent {n} still unresolved after {tries} tries: {outcome}");
                var resolved = await venue.Reports.ResolveAsync(LighterVenueHarness.Zec, intent.ClientOrderId, Ct);
                switch (resolved)
                {
                    case ResolveOutcome.Found found:
                        outcome = new SubmitOutcome.Accepted(found.Order.OrderId, found.Order.Filled, found.Order.Remaining);
                        break;
                    case ResolveOutcome.NotFound:
                        // Never landed: the same intent again, same client order id (so the same index).
                        resends++;
                        outcome = await venue.Execution.SubmitAsync(intent, Ct);
                        break;
                    default:
                        await Task.Delay(50);
                        break;
                }
            }
            switch (outcome)
            {
                case SubmitOutcome.Accepted a:
                    accepted[intent.ClientOrderId] = a.OrderId;
                    break;
                case SubmitOutcome.Rejected r:
                    refused.Add(intent.ClientOrderId);
                    output.WriteLine($"intent {n} refused: {r.Rejection}");
                    break;
            }
        }
        // Cancel what rests, through the same faults.
        foreach (var (clientId, orderId) in accepted)
        {
            for (var tries = 0; ; tries++)
            {
                Assert.True(tries < 100, $"seed {Seed}: cancel of {orderId} never resolved");
                var cancel = await venue.Execution.CancelAsync(new OrderRef(LighterVenueHarness.Zec, clientId, orderId), Ct);
                if (cancel is CancelOutcome.Canceled or CancelOutcome.NotFound) break;
                await Task.Delay(20);
            }
        }
        await LighterVenueHarness.WaitUntil(() => c.Stream.Connections >= 2, seconds: 15);
        await h.SetFaultsAsync("{}");

        // Not doubled, not lost: one venue order per client order index, and each accepted intent is its order.
        var orders = new List<LighterOrder>();
        string? cursor = null;
        do
        {
            var (page, next) = await c.Client.Orders.GetInactiveOrdersAsync(LighterVenueHarness.Zec, 100, cursor, Ct);
            orders.AddRange(page);
            cursor = next;
        }
        while (cursor is not null);
        Assert.Empty(await c.Client.Orders.GetActiveOrdersAsync(null, Ct));
        output.WriteLine($"accepted {accepted.Count}, refused {refused.Count}, unknown outcomes {unknowns}, resends {resends}, venue orders {orders.Count}, " +
                         $"stream connections {c.Stream.Connections}, nonce {await c.Client.Orders.GetNextNonceAsync(Ct)}");
        Assert.Equal(orders.Count, orders.Select(o => o.ClientOrderIndex).Distinct().Count());
        Assert.Equal(accepted.Count + refused.Count, orders.Count);
        foreach (var (clientId, orderId) in accepted)
            Assert.Equal(orderId, orders.Single(o => o.ClientOrderIndex == LighterClientOrderIndex.Of(clientId)).VenueOrderId);

        // Our position from our fills (deduplicated by trade id) is the venue's.
        var fills = await venue.Reports.GetFillsSinceAsync(start, Ct);
        var position = new PerpPosition(LighterVenueHarness.Zec);
        foreach (var f in fills)
            position.Apply(new PerpFill(f.TradeId, f.Instrument, f.Side, f.Quantity, f.Price, f.Commission, !f.IsTaker, f.Time, f.OrderId, f.ClientOrderId));
        var reported = Assert.Single(await venue.Reports.GetPositionsAsync(Ct));
        Assert.Equal(position.SignedQuantity, reported.Side == Domain.Portfolio.PositionSide.Short ? -reported.Quantity.Value : reported.Quantity.Value);
        var truth = (await h.AccountAsync(traderId)).GetProperty("positions")[0];
        Assert.Equal(truth.GetProperty("quantity").GetString(), Dec(position.SignedQuantity));
        Assert.Equal(truth.GetProperty("realized_pnl").GetString(), Dec(position.RealizedPnl.Dollars));
        Assert.Equal(truth.GetProperty("fees_paid").GetString(), Dec(position.FeesPaid.Dollars));
        Assert.Equal(Money.FromDollars(100000m) + position.RealizedPnl - position.FeesPaid, (await venue.Reports.GetAccountAsync(Ct)).Balance);

        // The stream was cut, said so, and every fill it delivered is one of the venue's.
        await reading.CancelAsync();
        await reader;
        var tradeIds = fills.Select(f => f.TradeId).ToHashSet();
        lock (streamed)
        {
            Assert.Contains(streamed, e => e is ExecutionEvent.ResyncNeeded);
            Assert.All(streamed.OfType<ExecutionEvent.FillReported>(), f => Assert.Contains(f.Fill.TradeId, tradeIds));
        }
        Assert.True(fills.Count > 0 && accepted.Count > Intents / 2 && unknowns > 0, $"seed {Seed}: the soak traded too little, or met no fault, to mean anything");
    }

    private static string Dec(decimal v) => FixedPoint.Format(v, FixedPoint.DecimalPlaces(v));
}
