using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fillwise.Engine.Tests.Portfolio;

public class LotBookProperties
{
    private static readonly InstrumentId Instrument = new("test", "X:yes");
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    /// <summary>One step: open a new entry and fill part of it, or exit part of an existing lot (possibly in several fills).</summary>
    private sealed record Step(bool Entry, int Lot, int Quantity, int Pieces, int Price);

    [Fact]
    public void For_any_sequence_of_fills_and_exits_the_lots_of_a_market_add_up_to_the_fills()
    {
        var step = from entry in Gen.Elements(true, true, false)
                   from lot in Gen.Choose(0, 9)
                   from q in Gen.Choose(1, 500)
                   from pieces in Gen.Choose(1, 4)
                   from price in Gen.Choose(1, 99)
                   select new Step(entry, lot, q, pieces, price);
        PropertyCheck.Run(Prop.ForAll(step.ListOf().ToArbitrary(), (List<Step> steps) =>
        {
            var metrics = new EngineMetrics();
            var tracker = new OrderTracker();
            var book = new PortfolioBook(tracker, new Anomalies(NullLogger<Anomalies>.Instance, metrics, TimeProvider.System), TimeProvider.System);
            var lots = new List<PositionId>();
            decimal bought = 0, sold = 0;
            var n = 0;
            foreach (var s in steps)
            {
                var id = new ClientOrderId($"o{n++}");
                if (s.Entry)
                {
                    lots.Add(book.RegisterEntry(id, new LotPlan("p", PositionSide.Long, Price.Of(s.Price / 200m), null, Quantity.Of(s.Quantity))));
                    Fill(tracker, id, OrderSide.Buy, s.Quantity, s.Pieces, s.Price, ref n);
                    bought += s.Quantity;
                }
                else
                {
                    var open = book.Snapshot().Open;
                    if (open.Count == 0) continue;
                    var target = open[s.Lot % open.Count];
                    var q = Math.Min(s.Quantity, (int)target.Quantity.Value);
                    if (q == 0) continue;
                    book.RegisterExit(id, target.Id, ExitReason.StopLoss);
                    Fill(tracker, id, OrderSide.Sell, q, s.Pieces, s.Price, ref n);
                    sold += q;
                }
                var (openLots, _) = book.Snapshot(0);
                if (openLots.Sum(l => l.Quantity.Value) != bought - sold) return false;
                if (openLots.Any(l => l.StopLoss is null)) return false; // each lot kept its own plan
            }
            metrics.Dispose();
            return true;
        }));
    }

    private static void Fill(OrderTracker tracker, ClientOrderId id, OrderSide side, int quantity, int pieces, int price, ref int n)
    {
        var order = tracker.Track(new Order(id, Instrument, side, Quantity.Of(quantity), Price.Of(price / 100m), side == OrderSide.Buy ? OrderPurpose.Entry : OrderPurpose.Exit, T0));
        tracker.Apply(id, new OrderSubmitted(T0));
        tracker.Apply(id, new OrderAccepted(new VenueOrderId($"v-{id}"), T0));
        var left = quantity;
        for (var p = 0; p < pieces && left > 0; p++)
        {
            var q = p == pieces - 1 ? left : Math.Max(1, left / 2);
            tracker.Apply(id, new OrderFilled(new TradeId($"t{n++}"), Quantity.Of(q), Price.Of(price / 100m), Money.Zero, true, T0));
            left -= q;
        }
        _ = order;
    }
}
