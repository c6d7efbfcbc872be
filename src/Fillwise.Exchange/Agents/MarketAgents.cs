using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;
using Fillwise.Exchange.Core.Internal;

namespace Fillwise.Exchange.Agents;

/// <summary>
/// The simulated crowd of the demo world. <see cref="Step"/> is called by the host periodically while
/// it holds the exchange lock; each step every live market gets: market makers re-quoting around a
/// hidden fair value (skewed by inventory), noise takers, an informed trader leaning toward the fair
/// value, and now and then a whale sweeping the book. Markets close, settle and are replaced on their
/// own schedule. Deterministic: System.Random(seed) and the exchange's clock only; every amount is a
/// whole tick or a whole contract, never a floating-point number.
/// </summary>
public sealed class MarketAgents
{
    private readonly KalshiExchange _exchange;
    private readonly Random _random;
    private readonly DemoScenarioOptions _options;
    private readonly List<LiveMarket> _live = [];
    private readonly string[] _makers;
    private readonly string[] _noise;
    private readonly string _informed;
    private readonly string _whale;
    private readonly Dictionary<string, long> _startingBalance = new(StringComparer.Ordinal);
    private int _marketSequence;
    private long _steps;

    /// <summary>A world with no markets and no agents (scenario "empty"): Step does nothing.</summary>
    public static MarketAgents None(KalshiExchange exchange) => new(exchange, 0, null);

    internal MarketAgents(KalshiExchange exchange, int seed, DemoScenarioOptions? options)
    {
        _exchange = exchange;
        _random = new Random(seed);
        _options = options ?? new DemoScenarioOptions();
        if (options is null)
        {
            _makers = _noise = [];
            _informed = _whale = string.Empty;
            return;
        }
        _makers = [Account(5_000_000m), Account(5_000_000m)];
        _noise = [Account(100_000m), Account(100_000m), Account(100_000m)];
        _informed = Account(500_000m);
        _whale = Account(2_000_000m);
        for (var i = 0; i < _options.MarketCount; i++) OpenMarket();
    }

    /// <summary>Tickers of the markets currently trading.</summary>
    public IReadOnlyList<MarketTicker> LiveMarkets => _live.ConvertAll(m => m.Market.Ticker);

    /// <summary>Agent user ids (market makers, noise, informed, whale), for dashboards and tests.</summary>
    public IReadOnlyList<string> AgentUserIds => _whale.Length == 0 ? [] : [.. _makers, .. _noise, _informed, _whale];

    public string? WhaleUserId => _whale.Length == 0 ? null : _whale;

    private string Account(decimal dollars)
    {
        var id = _exchange.CreateAccount(Money.FromDollars(dollars), retainHistory: false);
        _startingBalance[id] = (long)(dollars * 1_000_000m);
        return id;
    }

    public void Step()
    {
        if (_whale.Length == 0) return;
        _steps++;
        var now = _exchange.Time.GetUtcNow();
        for (var i = 0; i < _live.Count; i++)
        {
            var live = _live[i];
            if (now >= live.Market.Definition.CloseTime || live.Market.Status != MarketStatus.Active)
            {
                Retire(live);
                _live[i] = OpenMarket(replaceAt: i);
                continue;
            }
            Trade(live);
        }
        if (_steps % 50 == 0) TopUp();
    }

    private LiveMarket OpenMarket(int replaceAt = -1)
    {
        var now = _exchange.Time.GetUtcNow();
        var theme = DemoScenarioOptions.Themes[_marketSequence % DemoScenarioOptions.Themes.Length];
        _marketSequence++;
        var lifetime = _options.MinLifetime + TimeSpan.FromSeconds(_random.Next((int)(_options.MaxLifetime - _options.MinLifetime).TotalSeconds + 1));
        var ticker = new MarketTicker($"KXDEMO-{theme.Code}-{_marketSequence:D4}");
        var definition = new MarketDefinition(ticker, $"KXDEMO-{theme.Code}", $"{theme.Title} (round {_marketSequence})", now, now + lifetime);
        var error = _exchange.CreateMarket(definition);
        if (error is not null) throw new InvalidOperationException($"demo market {ticker}: {error.Message}");

        // The outcome is drawn up front from the starting fair value; the fair value then drifts toward it.
        var startTick = _random.Next(20, 81);
        var yes = _random.Next(1, 100) <= startTick;
        var live = new LiveMarket(_exchange.FindMarket(ticker)!, _steps, lifetime, startTick, yes ? OutcomeSide.Yes : OutcomeSide.No, _makers.Length);
        if (replaceAt < 0) _live.Add(live);
        return live;
    }

    private void Retire(LiveMarket live)
    {
        // Settlement closes the market (canceling every resting order) and pays the winners.
        _exchange.SettleMarket(live.Market.Ticker, live.Outcome);
    }

    private void Trade(LiveMarket live)
    {
        var market = live.Market;
        live.MoveFairValue(_steps, _options.StepInterval, _random);
        var fair = live.FairTick;

        for (var m = 0; m < _makers.Length; m++) Quote(live, m, fair);

        // Noise: small marketable IOCs on either side.
        if (_random.Next(100) < 45)
        {
            var user = _noise[_random.Next(_noise.Length)];
            var buy = _random.Next(2) == 0;
            var tick = Math.Clamp(fair + (buy ? 6 : -6), 1, 99);
            Send(user, market, buy ? BookSide.Bid : BookSide.Ask, tick, _random.Next(1, 16), VenueTimeInForce.ImmediateOrCancel);
        }

        // Informed: takes quotes that are mispriced against the hidden fair value.
        if (_random.Next(100) < 30)
        {
            var bestAsk = market.No.Best > 0 ? 100 - market.No.Best : 100;
            var bestBid = market.Yes.Best > 0 ? market.Yes.Best : 0;
            if (bestAsk <= fair - 2) Send(_informed, market, BookSide.Bid, fair - 1, _random.Next(10, 61), VenueTimeInForce.ImmediateOrCancel);
            else if (bestBid >= fair + 2) Send(_informed, market, BookSide.Ask, fair + 1, _random.Next(10, 61), VenueTimeInForce.ImmediateOrCancel);
        }

        // Whale: now and then a large order in the direction the market is heading (hundreds of dollars and up).
        if (_random.Next(1000) < _options.WhalePerMille)
        {
            var buy = _random.Next(100) < 70 ? live.Outcome == OutcomeSide.Yes : live.Outcome == OutcomeSide.No;
            var tick = Math.Clamp(fair + (buy ? 4 : -4), 1, 99);
            Send(_whale, market, buy ? BookSide.Bid : BookSide.Ask, tick, _random.Next(800, 3001), VenueTimeInForce.ImmediateOrCancel);
        }
    }

    /// <summary>Two levels a side around fair value, shifted against inventory; unchanged quotes keep their place.</summary>
    private void Quote(LiveMarket live, int maker, int fair)
    {
        var user = _makers[maker];
        var market = live.Market;
        var inventory = _exchange.PositionLots(user, market) / 100;
        var skew = (int)Math.Clamp(inventory / 400, -3, 3);
        var halfSpread = 1 + maker;
        var quotes = live.Quotes[maker];
        for (var level = 0; level < 2; level++)
        {
            var bidTick = Math.Clamp(fair - halfSpread - skew - 2 * level, 1, 98);
            var askTick = Math.Clamp(fair + halfSpread - skew + 2 * level, bidTick + 1, 99);
            var size = level == 0 ? _random.Next(200, 601) : _random.Next(400, 1201);
            quotes[2 * level] = Requote(quotes[2 * level], user, market, BookSide.Bid, bidTick, size);
            quotes[2 * level + 1] = Requote(quotes[2 * level + 1], user, market, BookSide.Ask, askTick, size);
        }
    }

    private Order? Requote(Order? current, string user, Market market, BookSide side, int tick, int size)
    {
        if (current is { IsResting: true } && current.YesTick == tick && current.RemainingLots * 2 >= (long)size * 100) return current;
        if (current is { IsResting: true }) _exchange.CancelOrderCore(current);
        return Send(user, market, side, tick, size, VenueTimeInForce.GoodTillCanceled);
    }

    private Order? Send(string user, Market market, BookSide side, int tick, int contracts, VenueTimeInForce tif)
    {
        var request = new OrderRequest(market.Ticker, side, Contracts.Of(contracts), market.PriceOf(tick), tif,
            SelfTradePrevention.Maker);
        var outcome = _exchange.PlaceOrderCore(user, request, fills: null);
        return outcome.Order is { IsResting: true } order ? order : null;
    }

    /// <summary>Agents that bled cash get it back, so a long demo keeps its liquidity.</summary>
    private void TopUp()
    {
        foreach (var (user, start) in _startingBalance)
        {
            var balance = _exchange.BalanceMicros(user);
            if (balance < start / 4) _ = _exchange.Deposit(user, Money.FromDollars((start - balance) / 1_000_000m));
        }
    }

    private sealed class LiveMarket(Market market, long openedAtStep, TimeSpan lifetime, int startTick, OutcomeSide outcome, int makers)
    {
        public Market Market { get; } = market;
        public OutcomeSide Outcome { get; } = outcome;
        private readonly int _startTick = startTick;

        public int FairTick { get; private set; } = startTick;
        public Order?[][] Quotes { get; } = Enumerable.Range(0, makers).Select(_ => new Order?[4]).ToArray();

        /// <summary>A random walk pulled toward the outcome as the close nears (by steps made since the market opened).</summary>
        public void MoveFairValue(long stepsMade, TimeSpan stepInterval, Random random)
        {
            var progress = Math.Clamp((stepsMade - openedAtStep) * stepInterval.Ticks * 100 / Math.Max(1, lifetime.Ticks), 0, 100);
            var target = _startTick + ((Outcome == OutcomeSide.Yes ? 95 : 5) - _startTick) * progress * progress / 10_000;
            var step = random.Next(-1, 2) + Math.Sign(target - FairTick) * (random.Next(3) == 0 ? 1 : 0);
            FairTick = Math.Clamp(FairTick + (int)step, 3, 97);
        }
    }
}
