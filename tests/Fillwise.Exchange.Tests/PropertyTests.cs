using Fillwise.Domain.Orders;
using Fillwise.Domain.Venues;
using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Core;
using Fillwise.Testing;
using Microsoft.FSharp.Core;

namespace Fillwise.Exchange.Tests;

/// <summary>Random order streams across users and markets; invariants checked after every operation.</summary>
public sealed class PropertyTests
{
    internal enum OpKind { Place, Cancel, Amend, Decrease, Tick }

    internal sealed record Op(OpKind Kind, int User, int Market, BookSide Side, int Tick, int Lots, VenueTimeInForce Tif,
        SelfTradePrevention Stp, bool PostOnly, bool ReduceOnly, int Target);

    private static readonly MarketTicker[] Tickers = [new("KXPROP-A"), new("KXPROP-B")];
    private static readonly decimal[] Deposits = [50m, 200m, 1000m];

    private static Gen<Op> OpGen() =>
        from kind in Gen.Frequency((12, Gen.Constant(OpKind.Place)), (3, Gen.Constant(OpKind.Cancel)), (2, Gen.Constant(OpKind.Amend)),
            (2, Gen.Constant(OpKind.Decrease)), (1, Gen.Constant(OpKind.Tick)))
        from user in Gen.Choose(0, Deposits.Length - 1)
        from market in Gen.Choose(0, Tickers.Length - 1)
        from side in Gen.Elements(BookSide.Bid, BookSide.Ask)
        from tick in Gen.Choose(30, 70)
        from lots in Gen.Frequency((4, Gen.Choose(1, 20).Select(x => x * 100)), (1, Gen.Choose(1, 999)))
        from tif in Gen.Frequency((5, Gen.Constant(VenueTimeInForce.GoodTillCanceled)), (2, Gen.Constant(VenueTimeInForce.ImmediateOrCancel)), (1, Gen.Constant(VenueTimeInForce.FillOrKill)))
        from stp in Gen.Elements(SelfTradePrevention.TakerAtCross, SelfTradePrevention.Maker)
        from postOnly in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
        from reduceOnly in Gen.Frequency((8, Gen.Constant(false)), (1, Gen.Constant(true)))
        from target in Gen.Choose(0, 1000)
        select new Op(kind, user, market, side, tick, lots, tif, stp, postOnly, reduceOnly, target);

    private static Config Deterministic(int tests) =>
        Config.QuickThrowOnFailure.WithMaxTest(tests).WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20260101UL, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));

    [Fact]
    public void Invariants_hold_after_every_operation_and_after_settlement()
    {
        var streams = Arb.From(Gen.ListOf(OpGen(), 120).Select(l => l.ToArray()));
        var trades = 0;
        Check.One(Deterministic(60), Prop.ForAll(streams, ops => trades += Run(ops, KalshiFeeType.Quadratic)));
        Assert.True(trades > 500, $"the streams should trade, got {trades} trades");
    }

    [Fact]
    public void Invariants_hold_with_maker_fees()
    {
        var streams = Arb.From(Gen.ListOf(OpGen(), 120).Select(l => l.ToArray()));
        Check.One(Deterministic(30), Prop.ForAll(streams, ops => { Run(ops, KalshiFeeType.QuadraticWithMakerFees); }));
    }

    private static int Run(Op[] ops, KalshiFeeType feeType)
    {
        var clock = new ManualTimeProvider();
        var book = new BookFromDeltas();
        var exchange = new KalshiExchange(clock, seed: 3, book);
        foreach (var ticker in Tickers)
        {
            Assert.Null(exchange.CreateMarket(new MarketDefinition(ticker, "KXPROP", "prop", clock.GetUtcNow().AddHours(-1), clock.GetUtcNow().AddHours(5), feeType)));
        }
        var users = Deposits.Select(d => exchange.CreateAccount(Money.FromDollars(d))).ToArray();
        var orderIds = new List<(string User, string OrderId)>();
        var step = 0;

        foreach (var op in ops)
        {
            step++;
            var user = users[op.User];
            switch (op.Kind)
            {
                case OpKind.Place:
                    var request = new OrderRequest(Tickers[op.Market], op.Side, Contracts.Of(op.Lots / 100m), ContractPrice.FromDollars(op.Tick / 100m), op.Tif, op.Stp,
                        ClientOrderId: $"c{step}", PostOnly: op.PostOnly && op.Tif == VenueTimeInForce.GoodTillCanceled, ReduceOnly: op.ReduceOnly,
                        ExpirationTime: op.Tif == VenueTimeInForce.GoodTillCanceled && op.Target % 5 == 0 ? clock.GetUtcNow().AddSeconds(op.Target % 30 + 1) : null);
                    var placed = exchange.PlaceOrder(user, request);
                    if (placed.Order is { } order)
                    {
                        orderIds.Add((user, order.OrderId));
                        Assert.Equal(order.FillCount.Value, placed.Fills.Sum(f => f.Count.Value));
                    }
                    else
                    {
                        Assert.Contains(placed.Error!.Code, new[] { "insufficient_balance", "invalid_order" });
                    }
                    break;
                case OpKind.Cancel when orderIds.Count > 0:
                    var (cu, co) = orderIds[op.Target % orderIds.Count];
                    var cancel = exchange.CancelOrder(cu, co);
                    Assert.True(cancel.IsSuccess || cancel.Error!.Code == "not_found");
                    break;
                case OpKind.Amend when orderIds.Count > 0:
                    var (au, ao) = orderIds[op.Target % orderIds.Count];
                    var current = exchange.GetOrder(au, ao)!;
                    var amend = exchange.AmendOrder(au, ao, ContractPrice.FromDollars(op.Tick / 100m), Contracts.Of(current.FillCount.Value + op.Lots / 100m), null);
                    Assert.True(amend.IsSuccess || amend.Error!.Code is "not_found" or "insufficient_balance" or "invalid_order");
                    break;
                case OpKind.Decrease when orderIds.Count > 0:
                    var (du, dor) = orderIds[op.Target % orderIds.Count];
                    var decrease = exchange.DecreaseOrder(du, dor, Contracts.Of(op.Lots / 100m), null);
                    Assert.True(decrease.IsSuccess || decrease.Error!.Code == "not_found");
                    break;
                case OpKind.Tick:
                    clock.Advance(TimeSpan.FromSeconds(op.Target % 20));
                    exchange.OnClockTick();
                    break;
            }
            ExchangeInvariants.Check(exchange, users, Deposits.Sum());
            book.AssertMatches(exchange, Tickers);
            // Taker fees are covered at entry, so free cash never goes negative without maker fees.
            if (feeType == KalshiFeeType.Quadratic) Assert.All(users, u => Assert.True(exchange.GetBalance(u).Dollars >= 0m));
        }
        var trades = exchange.GetTrades(null).Count;

        foreach (var ticker in Tickers) Assert.Null(exchange.SettleMarket(ticker, ops.Length % 2 == 0 ? OutcomeSide.Yes : OutcomeSide.No));
        ExchangeInvariants.Check(exchange, users, Deposits.Sum(), settled: true);
        return trades;
    }

    /// <summary>Rebuilds every book from the delta events alone: the WebSocket feed must reproduce GetBook.</summary>
    private sealed class BookFromDeltas : IExchangeEventSink
    {
        private readonly Dictionary<(MarketTicker, OutcomeSide, decimal), decimal> _levels = [];

        public void OnBookDelta(MarketTicker ticker, OutcomeSide leg, ContractPrice legPrice, decimal delta, string? userId, string? clientOrderId)
        {
            var key = (ticker, leg, legPrice.Dollars);
            var total = _levels.GetValueOrDefault(key) + delta;
            Assert.True(total >= 0m);
            if (total == 0m) _levels.Remove(key);
            else _levels[key] = total;
        }

        public void AssertMatches(KalshiExchange exchange, IEnumerable<MarketTicker> tickers)
        {
            foreach (var ticker in tickers)
            {
                var snapshot = exchange.GetBook(ticker)!;
                var expected = snapshot.YesBids.Select(l => (OutcomeSide.Yes, l.Price.Dollars, l.Count.Value))
                    .Concat(snapshot.NoBids.Select(l => (OutcomeSide.No, l.Price.Dollars, l.Count.Value)))
                    .OrderBy(x => x).ToList();
                var actual = _levels.Where(kv => kv.Key.Item1 == ticker).Select(kv => (kv.Key.Item2, kv.Key.Item3, kv.Value)).OrderBy(x => x).ToList();
                Assert.Equal(expected, actual);
            }
        }

        public void OnTrade(TradeView trade) { }
        public void OnFill(FillView fill) { }
        public void OnOrderUpdate(OrderView order) { }
        public void OnPositionUpdate(string userId, PositionView position) { }
        public void OnMarketLifecycle(MarketTicker ticker, string eventType, OutcomeSide? result) { }
    }
}
