using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Perp.Core;

namespace Fillwise.Exchange.Perp.Agents;

/// <summary>How busy the perp demo crowd is.</summary>
public sealed record PerpAgentOptions
{
    /// <summary>Price levels each maker quotes on each side.</summary>
    public int LevelsPerSide { get; init; } = 4;

    /// <summary>Chance per market per step, in percent, that a taker crosses the spread.</summary>
    public int TakerPercent { get; init; } = 60;

    /// <summary>Half-spread of the first level, in basis points of the mark.</summary>
    public int HalfSpreadBps { get; init; } = 2;

    /// <summary>Largest mark move per step, in ticks.</summary>
    public int MarkStepTicks { get; init; } = 3;

    /// <summary>
    /// Largest funding-rate move per step, in percent of the market's starting rate (0: the rate
    /// stays put). The rate walks between zero and twice where it started, so the spread between
    /// two venues widens, erodes and sometimes flips, as funding-arb sees it do on real venues.
    /// </summary>
    public int FundingDriftPercent { get; init; } = 2;
}

/// <summary>
/// The perp demo crowd: two makers quoting a few levels around the mark (skewed against their
/// inventory), two takers crossing the spread a little at a time (small IOCs, so a resting order
/// at the touch fills in pieces), and a mark price that walks. Step() runs under the venue lock.
/// Deterministic: System.Random(seed) and the venue's clock; every amount is whole ticks and lots.
/// </summary>
public sealed class PerpMarketAgents
{
    private readonly PerpExchange _exchange;
    private readonly Random _random;
    // Its own source, so the funding walk leaves the crowd's orders as they were for a given seed.
    private readonly Random _funding;
    private readonly PerpAgentOptions _options;
    private readonly List<Quoted> _markets = [];
    private readonly long[] _makers;
    private readonly long[] _takers;
    private long _steps;

    internal PerpMarketAgents(PerpExchange exchange, int seed, IReadOnlyList<string> symbols, PerpAgentOptions? options)
    {
        _exchange = exchange;
        _random = new Random(unchecked(seed * 7 + 1));
        _funding = new Random(unchecked(seed * 13 + 5));
        _options = options ?? new PerpAgentOptions();
        _makers = [exchange.CreateAccount(Money.FromDollars(50_000_000m), retainHistory: false), exchange.CreateAccount(Money.FromDollars(50_000_000m), retainHistory: false)];
        _takers = [exchange.CreateAccount(Money.FromDollars(5_000_000m), retainHistory: false), exchange.CreateAccount(Money.FromDollars(5_000_000m), retainHistory: false)];
        foreach (var symbol in symbols)
        {
            var market = exchange.GetMarket(symbol) ?? throw new ArgumentException($"market {symbol} does not exist", nameof(symbols));
            _markets.Add(new Quoted(market, market.MarkPrice, market.FundingRate, _makers.Length, _options.LevelsPerSide));
        }
    }

    /// <summary>Account ids of the agents (makers, then takers).</summary>
    public IReadOnlyList<long> AgentAccounts => [.. _makers, .. _takers];

    public void Step()
    {
        _steps++;
        foreach (var q in _markets)
        {
            WalkMark(q);
            WalkFunding(q);
            for (var m = 0; m < _makers.Length; m++) Quote(q, m);
            if (_random.Next(100) < _options.TakerPercent) Take(q);
        }
        if (_steps % 40 == 0) TopUp();
    }

    private void WalkMark(Quoted q)
    {
        var d = q.Market.Definition;
        var tick = d.TickSize.Value;
        var current = _exchange.GetMarket(d.Symbol)!.MarkPrice.Value;
        var move = _random.Next(-_options.MarkStepTicks, _options.MarkStepTicks + 1) * tick;
        // Pulled back toward where it started so a long demo stays in range.
        if (current > q.StartMark.Value * 1.05m) move = -Math.Abs(move);
        if (current < q.StartMark.Value * 0.95m) move = Math.Abs(move);
        var next = current + move;
        if (next > tick) _exchange.SetMark(d.Symbol, Price.Of(next));
    }

    /// <summary>The rate moves a seeded step of whole units of the drift, reflected at zero and at twice its start.</summary>
    private void WalkFunding(Quoted q)
    {
        var start = q.StartRate.Value;
        if (_options.FundingDriftPercent == 0 || start == 0m) return;
        var unit = start * _options.FundingDriftPercent / 100m;
        var current = _exchange.MarketOf(q.Market.Definition.Symbol)!.FundingRate.Value;
        var next = current + _funding.Next(-1, 2) * unit;
        var (low, high) = start > 0m ? (0m, 2m * start) : (2m * start, 0m);
        if (next < low || next > high) next = 2m * current - next;
        if (next != current) _exchange.SetFundingRate(q.Market.Definition.Symbol, Domain.Perp.FundingRate.Of(next));
    }

    private void Quote(Quoted q, int maker)
    {
        var d = q.Market.Definition;
        var tick = d.TickSize.Value;
        var mark = _exchange.GetMarket(d.Symbol)!.MarkPrice.Value;
        var inventory = _exchange.PositionOf(_makers[maker], d.Symbol);
        var half = Math.Max(tick, decimal.Floor(mark * _options.HalfSpreadBps / 10_000m / tick) * tick) * (1 + maker);
        // Skew away from inventory: long makers quote lower, short makers higher.
        var skew = -Math.Sign(inventory) * Math.Min(3, (int)(Math.Abs(inventory) / Math.Max(d.StepSize.Value * 1000m, 1m))) * tick;
        var lot = LotForNotional(d, mark, 4m);
        for (var level = 0; level < _options.LevelsPerSide; level++)
        {
            var offset = half + level * 2 * half;
            var bid = decimal.Floor((mark - offset + skew) / tick) * tick;
            var ask = decimal.Ceiling((mark + offset + skew) / tick) * tick;
            var size = lot * _random.Next(4, 21) * (level + 1);
            q.Orders[maker][2 * level] = Requote(q.Orders[maker][2 * level], _makers[maker], d, OrderSide.Buy, bid, size);
            q.Orders[maker][2 * level + 1] = Requote(q.Orders[maker][2 * level + 1], _makers[maker], d, OrderSide.Sell, ask, size);
        }
    }

    private (long Id, decimal Price)? Requote((long Id, decimal Price)? current, long account, PerpMarketDefinition d, OrderSide side, decimal price, decimal size)
    {
        if (price <= 0m) return null;
        if (current is { } c && _exchange.IsOpen(account, c.Id))
        {
            if (c.Price == price) return current;
            _exchange.CancelOrder(account, d.Symbol, c.Id, null);
        }
        var result = _exchange.PlaceOrder(account, new PerpOrderRequest(d.Symbol, side, PerpOrderType.Limit, Quantity.Of(size), Price.Of(price),
            PerpTimeInForce.GoodTillCanceled, PostOnly: true));
        return result.Order is { IsOpen: true } o ? (o.OrderId, price) : null;
    }

    /// <summary>A small IOC through the touch: a resting order at the top fills a piece at a time.</summary>
    private void Take(Quoted q)
    {
        var d = q.Market.Definition;
        var taker = _takers[_random.Next(_takers.Length)];
        var inventory = _exchange.PositionOf(taker, d.Symbol);
        // Leans against its inventory so it does not drift off forever.
        var buy = inventory > 0m ? _random.Next(100) < 35 : inventory < 0m ? _random.Next(100) < 65 : _random.Next(2) == 0;
        var mark = _exchange.GetMarket(d.Symbol)!.MarkPrice.Value;
        var price = buy ? decimal.Ceiling(mark * 1.002m / d.TickSize.Value) * d.TickSize.Value : decimal.Floor(mark * 0.998m / d.TickSize.Value) * d.TickSize.Value;
        var size = LotForNotional(d, mark, 1m) * _random.Next(1, 4);
        _exchange.PlaceOrder(taker, new PerpOrderRequest(d.Symbol, buy ? OrderSide.Buy : OrderSide.Sell, PerpOrderType.Limit, Quantity.Of(size), Price.Of(price),
            PerpTimeInForce.ImmediateOrCancel));
    }

    /// <summary>The smallest whole-step quantity whose notional is at least <paramref name="timesMinimum"/> × the market's minimums.</summary>
    private static decimal LotForNotional(PerpMarketDefinition d, decimal mark, decimal timesMinimum)
    {
        var step = d.StepSize.Value;
        var byNotional = decimal.Ceiling(d.MinNotional.Dollars * timesMinimum / mark / step) * step;
        return Math.Max(Math.Max(byNotional, d.MinQuantity.Value), step);
    }

    private void TopUp()
    {
        foreach (var account in _makers.Concat(_takers))
        {
            if (_exchange.BalanceOf(account) < 1_000_000m) _exchange.Deposit(account, Money.FromDollars(5_000_000m));
        }
    }

    private sealed class Quoted(PerpMarketView market, Price startMark, Domain.Perp.FundingRate startRate, int makers, int levels)
    {
        public PerpMarketView Market { get; } = market;
        public Price StartMark { get; } = startMark;
        public Domain.Perp.FundingRate StartRate { get; } = startRate;
        public (long Id, decimal Price)?[][] Orders { get; } = Enumerable.Range(0, makers).Select(_ => new (long, decimal)?[2 * levels]).ToArray();
    }
}
