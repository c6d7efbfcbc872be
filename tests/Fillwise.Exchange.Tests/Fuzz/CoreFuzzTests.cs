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

    private static readonly PriceLevelStructure[] Grids = [PriceLevelStructure.LinearCent, PriceLevelStructure.LinearCent, PriceLevelStructure.DeciCent, PriceLevelStructure.TaperedDeciCent];

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
            while (_exchange.GetMarkets().Count(m => m.Status == MarketStatus.Active) < 2)
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
                // Void refunds pay costs, not the $1 per pair escrowed: the exchange's own difference.
                ExchangeInvariants.Check(_exchange, _users, _deposits + _exchange.VoidAdjustment.Dollars);
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
        (3, Lifecycle),
        (1, Archive),
        (4, Advance));

    private string User() => _v.Chance(2) ? "nobody" : _v.Pick(_users);

    private (MarketTicker Ticker, PriceLevelStructure Grid, bool Fractional) Market()
    {
        if (_v.Chance(3)) return (new MarketTicker("KXNOPE-" + _v.Random.Next(10)), PriceLevelStructure.LinearCent, true);
        var active = _tickers.Where(t => _exchange.GetMarket(t)!.Status == MarketStatus.Active).ToList();
        var ticker = active.Count > 0 && _v.Chance(90) ? _v.Pick(active) : _v.Pick(_tickers);
        var definition = _exchange.GetMarket(ticker)!.Definition;
        return (ticker, definition.Grid, definition.FractionalTrading);
    }

    private static ContractPrice PriceOf(decimal dollars) => ContractPrice.FromDollars(dollars);

    /// <summary>Most orders are sane (so the books fill and trade); the rest draw every field from the hostile mix.</summary>
    private bool Place()
    {
        var user = User();
        var (ticker, grid, fractional) = Market();
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
            Contracts.Of(sane ? (fractional ? _v.Random.Next(1, 2_000) / 100m : _v.Random.Next(1, 20)) : _v.Count()),
            PriceOf(sane ? _v.NearTheMiddle(grid) : _v.Price(grid)),
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
                : _v.Weighted<string?>((60, () => null), (25, () => groups.Count > 0 ? _v.Pick(groups) : null), (15, () => _groups.Count > 0 ? _v.Pick(_groups).GroupId : "no-such-group")),
            CancelOrderOnPause: _v.Chance(30));
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
        var grid = current is null ? PriceLevelStructure.LinearCent : _exchange.GetMarket(current.Ticker)!.Definition.Grid;
        var count = _v.Chance(50) && current is not null ? current.FillCount.Value + _v.Count() : _v.Count();
        var price = _v.Chance(30) && current is not null ? current.YesPrice.Dollars : _v.Price(grid);
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
            _v.Pick(Grids),
            _v.Chance(25) ? MarketType.Scalar : MarketType.Binary,
            valid || _v.Chance(70) ? TimeSpan.FromSeconds(_v.Pick([0, 0, 30, 600])) : TimeSpan.FromDays(_v.Pick([-1, 8])),
            FractionalTrading: _v.Chance(60));
        _doing = $"create market {definition}";
        if (_exchange.CreateMarket(definition) is not null) return false;
        _tickers.Add(definition.Ticker);
        return true;
    }

    private bool Close()
    {
        var (ticker, _, _) = Market();
        _doing = $"close {ticker}";
        var wasOpen = _exchange.GetMarket(ticker)?.Status is MarketStatus.Active or MarketStatus.Inactive or MarketStatus.Initialized;
        // Closing a closed market is a success that changes nothing.
        return _exchange.CloseMarket(ticker) is null && wasOpen;
    }

    /// <summary>Any result, right or wrong for the market's type: yes, no, void, a scalar value (some out of range).</summary>
    private MarketResult Result() => _v.Weighted(
        (30, () => MarketResult.Yes),
        (30, () => MarketResult.No),
        (15, () => MarketResult.Void),
        (25, () => MarketResult.TryScalar(_v.Random.Next(0, 101) / 100m, out var r, out _) ? r : MarketResult.Void));

    /// <summary>Pause, resume, determine, dispute, amend or finalize: from the right status or not.</summary>
    private bool Lifecycle()
    {
        var (ticker, _, _) = Market();
        var result = Result();
        var (name, refused) = _v.Random.Next(7) switch
        {
            0 => ("pause", _exchange.PauseMarket(ticker)),
            1 => ("resume", _exchange.ResumeMarket(ticker)),
            2 => ($"determine {result}", _exchange.DetermineMarket(ticker, result)),
            3 => ("dispute", _exchange.DisputeMarket(ticker)),
            4 => ($"amend {result}", _exchange.AmendMarket(ticker, result)),
            5 => ("finalize", _exchange.FinalizeMarket(ticker)),
            _ => ("maintenance", ToggleMaintenance()),
        };
        _doing = $"{name} {ticker}";
        if (refused is null && name == "finalize") _totals.Settled++;
        return refused is null;
    }

    /// <summary>A maintenance window around now (or none); it takes effect at the next clock tick.</summary>
    private ExchangeError? ToggleMaintenance()
    {
        var now = TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), MaintenanceWindow.Eastern);
        _exchange.Maintenance = _exchange.Maintenance is null ? new MaintenanceWindow(now.DayOfWeek, TimeOnly.FromDateTime(now.DateTime), TimeSpan.FromSeconds(20)) : null;
        return null;
    }

    private bool Settle()
    {
        var (ticker, _, _) = Market();
        var result = Result();
        _doing = $"settle {ticker} {result}";
        var ok = _exchange.SettleMarket(ticker, result) is null;
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
