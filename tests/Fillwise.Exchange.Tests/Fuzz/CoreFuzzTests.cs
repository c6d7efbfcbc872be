using Fillwise.Domain.Fees;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;
using Fillwise.Testing;
using Xunit.Abstractions;

namespace Fillwise.Exchange.Tests.Fuzz;

/// <summary>
/// The matching core under random and boundary input, many accounts and markets: every call the
/// server can make, straight at <see cref="KalshiExchange"/> (fast, so many steps).
/// </summary>
public sealed class CoreFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_and_boundary_operations_never_throw_never_half_apply_and_keep_every_invariant()
    {
        var totals = new CoreFuzzSession.Totals();
        FuzzRun.Run("core fuzz", baseSeed: 17_000, sessions: 12, (random, _) => new CoreFuzzSession(random, totals).Run(steps: 350));
        output.WriteLine($"{totals.Steps} steps, {totals.Rejected} refused, {totals.Trades} trades, {totals.Settled} settlements");
        foreach (var line in totals.Log) output.WriteLine(line);
        Assert.True(totals.Steps >= 4_000, $"{totals.Steps} steps");
        // The streams reach the interesting places: trades, refusals and every kind of operation.
        Assert.True(totals.Trades > 200, $"{totals.Trades} trades");
        Assert.True(totals.Rejected > 500, $"{totals.Rejected} refusals");
        Assert.True(totals.Settled > 5, $"{totals.Settled} settlements");
    }
}

/// <summary>One exchange on a manual clock and a few hundred random operations against it.</summary>
internal sealed class CoreFuzzSession
{
    internal sealed class Totals
    {
        public int Steps;
        public int Trades;
        public int Rejected;
        public int Settled;
        public List<string> Log { get; } = [];
    }

    private static readonly decimal[] TickSizes = [0.01m, 0.01m, 0.001m, 0.0001m, 0.05m, 0.0025m, 0.1m];

    private readonly FuzzValues _v;
    private readonly Totals _totals;
    private readonly ManualTimeProvider _clock = new();
    private readonly KalshiExchange _exchange;
    private readonly List<string> _users = [];
    private readonly List<MarketTicker> _tickers = [];
    private readonly List<(string User, string OrderId)> _orders = [];
    private readonly List<(string User, string GroupId)> _groups = [];
    private readonly List<string> _clientIds = [];
    private decimal _deposits;
    private string _doing = "setup";

    public CoreFuzzSession(Random random, Totals totals)
    {
        _v = new FuzzValues(random);
        _totals = totals;
        _exchange = new KalshiExchange(_clock, seed: random.Next());
    }

    public void Run(int steps)
    {
        for (var i = 0; i < 2 + _v.Random.Next(3); i++) CreateMarket(valid: true);
        while (_users.Count < 3 + _v.Random.Next(5)) CreateAccount();

        string? unchanged = null;
        for (var step = 0; step < steps; step++)
        {
            // Time's own effects (expiries, closes) happen first, as the server's background tick does.
            _exchange.OnClockTick();
            // Keep a few markets trading: closes and settlements retire them.
            while (_exchange.GetMarkets().Count(m => m.Status == MarketStatus.Active && m.Definition.OpenTime <= _clock.GetUtcNow()) < 2)
            {
                CreateMarket(valid: true);
                unchanged = null;
            }
            // After a refusal nothing moved (not even the clock): its fingerprint is this step's before.
            var before = unchanged ?? ExchangeInvariants.Fingerprint(_exchange, _users);
            unchanged = null;
            bool accepted;
            try
            {
                accepted = Step();
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"step {step}: {_doing} threw {ex}");
            }
            if (!accepted)
            {
                _totals.Rejected++;
                var after = ExchangeInvariants.Fingerprint(_exchange, _users);
                Assert.True(before == after, $"step {step}: the refused {_doing} changed the exchange: {ExchangeInvariants.FirstDifference(before, after)}");
                unchanged = after;
            }
            try
            {
                ExchangeInvariants.Check(_exchange, _users, _deposits);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"step {step}: after {_doing} ({(accepted ? "accepted" : "refused")}): {ex.Message}");
            }
            _totals.Steps++;
        }
        _totals.Trades += _exchange.GetTrades(null).Count;
        _totals.Log.Add($"orders {_orders.Count} markets {_exchange.GetMarkets().Count(m => m.Status == MarketStatus.Active)}/{_tickers.Count} users {_users.Count} trades {_exchange.GetTrades(null).Count}");
    }

    /// <summary>One random operation; false when the exchange refused it.</summary>
    private bool Step() => _v.Weighted(
        (40, Place),
        (10, Cancel),
        (8, Amend),
        (6, Decrease),
        (6, GroupAction),
        (3, CreateAccount),
        (2, Deposit),
        (3, () => CreateMarket(valid: _v.Chance(60))),
        (2, Close),
        (2, Settle),
        (1, Archive),
        (4, Advance));

    private string User() => _v.Chance(2) ? "nobody" : _v.Pick(_users);

    private (MarketTicker Ticker, decimal TickSize) Market()
    {
        if (_v.Chance(3)) return (new MarketTicker("KXNOPE-" + _v.Random.Next(10)), 0.01m);
        var active = _tickers.Where(t => _exchange.GetMarket(t)!.Status == MarketStatus.Active).ToList();
        var ticker = active.Count > 0 && _v.Chance(90) ? _v.Pick(active) : _v.Pick(_tickers);
        return (ticker, _exchange.GetMarket(ticker)!.Definition.TickSize);
    }

    private static ContractPrice PriceOf(decimal dollars) => ContractPrice.FromDollars(dollars);

    /// <summary>Most orders are sane (so the books fill and trade); the rest draw every field from the hostile mix.</summary>
    private bool Place()
    {
        var user = User();
        var (ticker, tickSize) = Market();
        var sane = _v.Chance(75);
        var tif = sane && _v.Chance(70)
            ? VenueTimeInForce.GoodTillCanceled
            : _v.Pick([VenueTimeInForce.GoodTillCanceled, VenueTimeInForce.ImmediateOrCancel, VenueTimeInForce.FillOrKill]);
        var gtc = tif == VenueTimeInForce.GoodTillCanceled;
        var groups = _groups.Where(g => g.User == user).Select(g => g.GroupId).ToList();
        var now = _clock.GetUtcNow();
        var request = new OrderRequest(
            ticker,
            _v.Chance(50) ? BookSide.Bid : BookSide.Ask,
            Contracts.Of(sane ? _v.Random.Next(1, 2_000) / 100m : _v.Count()),
            PriceOf(sane ? _v.NearTheMiddle(tickSize) : _v.Price(tickSize)),
            tif,
            _v.Chance(50) ? SelfTradePrevention.TakerAtCross : SelfTradePrevention.Maker,
            sane ? (_v.Chance(50) ? null : "c-" + _v.Random.Next().ToString("x", System.Globalization.CultureInfo.InvariantCulture)) : _v.ClientOrderId(_clientIds),
            PostOnly: (gtc || !sane) && _v.Chance(10),
            ReduceOnly: _v.Chance(sane ? 5 : 20),
            ExpirationTime: sane
                ? (gtc && _v.Chance(15) ? now.AddSeconds(_v.Random.Next(1, 600)) : null)
                : _v.Weighted<DateTimeOffset?>((60, () => null), (25, () => now.AddSeconds(_v.Random.Next(1, 600))), (15, () => now.AddSeconds(-_v.Random.Next(0, 600)))),
            OrderGroupId: sane
                ? (groups.Count > 0 && _v.Chance(20) ? _v.Pick(groups) : null)
                : _v.Weighted<string?>((60, () => null), (25, () => groups.Count > 0 ? _v.Pick(groups) : null), (15, () => _groups.Count > 0 ? _v.Pick(_groups).GroupId : "no-such-group")));
        _doing = $"place {request} by {user}";
        var result = _exchange.PlaceOrder(user, request);
        if (result.Order is { } order)
        {
            _orders.Add((user, order.OrderId));
            if (order.ClientOrderId is { } id) _clientIds.Add(id);
            Assert.Equal(order.FillCount.Value, result.Fills.Sum(f => f.Count.Value));
        }
        return result.IsSuccess;
    }

    private (string User, string OrderId) Target()
    {
        if (_orders.Count == 0 || _v.Chance(5)) return (User(), "garbage-order-id");
        var (user, orderId) = _v.Pick(_orders);
        return (_v.Chance(10) ? User() : user, orderId);
    }

    private bool Cancel()
    {
        var (user, orderId) = Target();
        _doing = $"cancel {orderId} by {user}";
        return _exchange.CancelOrder(user, orderId).IsSuccess;
    }

    private bool Amend()
    {
        var (user, orderId) = Target();
        var current = _exchange.GetOrder(user, orderId);
        var tickSize = current is null ? 0.01m : _exchange.GetMarket(current.Ticker)!.Definition.TickSize;
        var count = _v.Chance(50) && current is not null ? current.FillCount.Value + _v.Count() : _v.Count();
        var price = _v.Chance(30) && current is not null ? current.YesPrice.Dollars : _v.Price(tickSize);
        var rename = _v.Chance(30) ? _v.ClientOrderId(_clientIds) : null;
        _doing = $"amend {orderId} by {user} to {count} at {price} as {rename}";
        var result = _exchange.AmendOrder(user, orderId, PriceOf(price), Contracts.Of(count), rename);
        if (result.IsSuccess && rename is not null) _clientIds.Add(rename);
        return result.IsSuccess;
    }

    private bool Decrease()
    {
        var (user, orderId) = Target();
        var (by, to) = _v.Weighted<(Contracts?, Contracts?)>(
            (45, () => (Contracts.Of(_v.Count()), null)),
            (45, () => (null, Contracts.Of(_v.Count()))),
            (5, () => (null, null)),
            (5, () => (Contracts.Of(_v.Count()), Contracts.Of(_v.Count()))));
        _doing = $"decrease {orderId} by {user}: by {by} to {to}";
        return _exchange.DecreaseOrder(user, orderId, by, to).IsSuccess;
    }

    private bool GroupAction()
    {
        var user = _v.Pick(_users);
        var mine = _groups.Where(g => g.User == user).Select(g => g.GroupId).ToList();
        var group = _v.Chance(80) && mine.Count > 0 ? _v.Pick(mine) : _groups.Count > 0 && _v.Chance(50) ? _v.Pick(_groups).GroupId : "no-such-group";
        var limit = Contracts.Of(_v.Chance(70) ? _v.Random.Next(1, 50) : _v.Count());
        switch (_v.Random.Next(5))
        {
            case 0:
                _doing = $"create group for {user} limit {limit}";
                // The server checks the limit before it calls (CreateOrderGroup throws on a bad one).
                if (ExchangeLimits.CheckGroupLimit(limit) is not null) return false;
                _groups.Add((user, _exchange.CreateOrderGroup(user, limit)));
                return true;
            case 1:
                _doing = $"reset group {group} of {user}";
                return _exchange.ResetOrderGroup(user, group) is null;
            case 2:
                _doing = $"trigger group {group} of {user}";
                return _exchange.TriggerOrderGroup(user, group) is null;
            case 3:
                _doing = $"set group {group} of {user} to {limit}";
                return _exchange.SetOrderGroupLimit(user, group, limit) is null;
            default:
                _doing = $"delete group {group} of {user}";
                return _exchange.DeleteOrderGroup(user, group) is null;
        }
    }

    private decimal Amount() => _v.Weighted(
        (60, () => _v.Random.Next(100, 5_000)),
        (10, () => _v.Random.Next(0, 1_000_000) / 100m),
        (5, () => 0m),
        (5, () => ExchangeLimits.MaxDepositDollars),
        (3, () => ExchangeLimits.MaxDepositDollars + 0.01m),
        (3, () => 1.0000001m),
        (3, () => -1m),
        (2, () => 79_000_000_000_000_000_000_000_000_000m));

    private bool CreateAccount()
    {
        var amount = Amount();
        _doing = $"create account with {amount}";
        var refused = _exchange.TryCreateAccount(Money.FromDollars(amount), out var userId);
        if (refused is not null) return false;
        _users.Add(userId!);
        _deposits += amount;
        return true;
    }

    private bool Deposit()
    {
        var user = _v.Pick(_users);
        var amount = Amount();
        _doing = $"deposit {amount} to {user}";
        if (!_exchange.Deposit(user, Money.FromDollars(amount))) return false;
        _deposits += amount;
        return true;
    }

    private bool CreateMarket(bool valid)
    {
        var now = _clock.GetUtcNow();
        var ticker = valid || _v.Chance(50) ? $"KXFUZZ-{_tickers.Count}-{_v.Random.Next(1000)}" : _v.Pick(["KX/SLASH", "KX?Q", new string('K', 129), "KX\u202E"]);
        var open = valid || _v.Chance(70) ? now.AddMinutes(-_v.Random.Next(0, 60)) : now.AddMinutes(_v.Random.Next(-60, 60));
        var close = valid ? now.AddMinutes(_v.Random.Next(5, 600)) : open.AddMinutes(_v.Random.Next(-10, 60));
        // The domain type itself refuses unprintable tickers: such a market can never reach the exchange.
        if (!MarketTicker.TryCreate(ticker, out var fresh)) return false;
        var definition = new MarketDefinition(
            _tickers.Count > 0 && !valid && _v.Chance(20) ? _v.Pick(_tickers) : fresh,
            valid || _v.Chance(50) ? "KXFUZZ" : _v.OddText(),
            valid || _v.Chance(50) ? _v.OddText() : _v.BadText(),
            open,
            close,
            _v.Pick([KalshiFeeType.Quadratic, KalshiFeeType.QuadraticWithMakerFees, KalshiFeeType.QuadraticWithComboMakerFees]),
            valid ? _v.Pick([0m, 0.5m, 1m, 1m, 2.5m, 10m]) : _v.Pick([0m, 1m, 10m, 10.5m, 1.00001m, -1m]),
            valid ? _v.Pick(TickSizes) : _v.Pick([.. TickSizes, 0.03m, 0m, 0.2m, 0.00001m]));
        _doing = $"create market {definition}";
        if (_exchange.CreateMarket(definition) is not null) return false;
        _tickers.Add(definition.Ticker);
        return true;
    }

    private bool Close()
    {
        var (ticker, _) = Market();
        _doing = $"close {ticker}";
        var wasActive = _exchange.GetMarket(ticker)?.Status == MarketStatus.Active;
        // Closing a closed market is a success that changes nothing.
        return _exchange.CloseMarket(ticker) is null && wasActive;
    }

    private bool Settle()
    {
        var (ticker, _) = Market();
        _doing = $"settle {ticker}";
        var ok = _exchange.SettleMarket(ticker, _v.Chance(50) ? OutcomeSide.Yes : OutcomeSide.No) is null;
        if (ok)
        {
            _totals.Settled++;
            // Keep trading somewhere: a settled market is replaced by a new one.
            CreateMarket(valid: true);
        }
        return ok;
    }

    private bool Archive()
    {
        _doing = "archive";
        _exchange.ArchiveFinished();
        return true;
    }

    private bool Advance()
    {
        var by = _v.Weighted((9, () => TimeSpan.FromSeconds(_v.Random.Next(0, 30))), (1, () => TimeSpan.FromMinutes(_v.Random.Next(1, 120))));
        _doing = $"advance the clock {by}";
        _clock.Advance(by);
        return true;
    }
}
