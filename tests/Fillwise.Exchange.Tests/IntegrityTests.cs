using System.Globalization;
using Fillwise.Domain.Fees;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Core;
using Fillwise.Exchange.Core.Internal;
using Fillwise.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Fillwise.Exchange.Tests;

/// <summary>Issue 17 in the core: limits checked first, every operation whole or not at all.</summary>
public sealed class IntegrityTests
{
    private readonly ExchangeHarness _h = new();

    private string Fingerprint(params string[] users) => ExchangeInvariants.Fingerprint(_h.Exchange, users);

    [Fact]
    public void An_order_above_the_maximum_count_is_refused_naming_count_and_the_account_keeps_trading()
    {
        var alice = _h.User();
        var resting = _h.Bid(alice, 0.20m, 5).Order!;
        var before = Fingerprint(alice);

        var refused = _h.Exchange.PlaceOrder(alice, ExchangeHarness.Request(BookSide.Bid, 0.30m, 999_999_999_999_999.99m));

        Assert.Equal((400, "bad_request"), (refused.Error!.HttpStatus, refused.Error.Code));
        Assert.StartsWith("count 999999999999999.99 is above the maximum of 1000000.00", refused.Error.Details, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(alice));
        // The account is not poisoned: orders, cancels and every collateral release work.
        var next = _h.Bid(alice, 0.30m, 10);
        Assert.True(next.IsSuccess, next.Error?.ToString());
        Assert.True(_h.Exchange.CancelOrder(alice, next.Order!.OrderId).IsSuccess);
        Assert.True(_h.Exchange.CancelOrder(alice, resting.OrderId).IsSuccess);
        Assert.Equal(0m, _h.Held(alice));
        Assert.Equal(1000m, _h.Balance(alice));
    }

    [Fact]
    public void Lots_of_any_count_agree_with_exact_decimal_arithmetic_and_stop_at_the_maximum()
    {
        // Counts as the wire gives them (scale 0-2), with trailing zeros (scale up to 12), and 96-bit ones.
        var counts =
            from magnitude in Gen.Elements(1L, 100L, 10_000L, 100_000_000L, 100_000_001L, 10_000_000_000L, long.MaxValue)
            from cents in Gen.Choose(0, int.MaxValue).Select(n => n % magnitude)
            from places in Gen.Frequency((4, Gen.Constant(2)), (2, Gen.Choose(0, 1)), (1, Gen.Choose(3, 12)))
            from wide in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
            let needed = cents % 100 == 0 ? 0 : cents % 10 == 0 ? 1 : 2
            let text = (cents / 100m).ToString("F" + Math.Max(needed, places).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            select wide ? new decimal(int.MaxValue, int.MaxValue, 7, false, 2) : decimal.Parse(text, CultureInfo.InvariantCulture);
        PropertyCheck.Run(Prop.ForAll(counts.ToArbitrary(), (decimal value) =>
        {
            var count = Contracts.Of(value);
            var fits = value <= ExchangeLimits.MaxOrderContracts;
            return Lots.TryOf(count, out var lots) == fits && (!fits || lots == (long)(value * 100m));
        }), maxTest: 2_000);
        Assert.True(Lots.TryOf(Contracts.Parse("1000000.00"), out var max));
        Assert.Equal(100_000_000L, max);
        Assert.False(Lots.TryOf(Contracts.Parse("1000000.01"), out _));
        Assert.False(Lots.TryOf(Contracts.Parse("999999999999999.99"), out _));
        Assert.False(Lots.TryOf(Contracts.Of(79_000_000_000_000_000_000_000_000_000m), out _));
    }

    [Fact]
    public void The_maximum_count_itself_is_accepted_when_cash_covers_it()
    {
        var whale = _h.User(1_000_000_000m);
        var order = _h.Exchange.PlaceOrder(whale, ExchangeHarness.Request(BookSide.Bid, 0.99m, ExchangeLimits.MaxOrderContracts));
        Assert.True(order.IsSuccess, order.Error?.ToString());
        Assert.Equal(990_000m, _h.Held(whale));
        ExchangeInvariants.Check(_h.Exchange, [whale], 1_000_000_000m);
        Assert.True(_h.Exchange.PlaceOrder(whale, ExchangeHarness.Request(BookSide.Bid, 0.99m, ExchangeLimits.MaxOrderContracts + 0.01m)).Error is { Code: "bad_request" });
    }

    [Fact]
    public void An_amend_above_the_maximum_count_is_refused_and_the_order_rests_as_before()
    {
        var alice = _h.User();
        var order = _h.Bid(alice, 0.30m, 10).Order!;
        var before = Fingerprint(alice);

        var refused = _h.Exchange.AmendOrder(alice, order.OrderId, ContractPrice.FromDollars(0.30m), Contracts.Of(999_999_999_999_999.99m), null);
        Assert.Equal("bad_request", refused.Error!.Code);
        Assert.Contains("count", refused.Error.Details, StringComparison.Ordinal);
        var repriced = _h.Exchange.AmendOrder(alice, order.OrderId, ContractPrice.FromDollars(0.31m), Contracts.Of(1_000_000.01m), null);
        Assert.Equal("bad_request", repriced.Error!.Code);
        Assert.Equal(before, Fingerprint(alice));

        Assert.True(_h.Exchange.AmendOrder(alice, order.OrderId, ContractPrice.FromDollars(0.31m), Contracts.Of(12), null).IsSuccess);
        Assert.True(_h.Exchange.CancelOrder(alice, order.OrderId).IsSuccess);
        Assert.Equal(0m, _h.Held(alice));
    }

    [Fact]
    public void A_decrease_above_the_maximum_count_is_refused_naming_its_field()
    {
        var alice = _h.User();
        var order = _h.Bid(alice, 0.30m, 10).Order!;
        var byHuge = _h.Exchange.DecreaseOrder(alice, order.OrderId, Contracts.Of(999_999_999_999_999m), null);
        Assert.StartsWith("reduce_by", byHuge.Error!.Details, StringComparison.Ordinal);
        var toHuge = _h.Exchange.DecreaseOrder(alice, order.OrderId, null, Contracts.Of(999_999_999_999_999m));
        Assert.StartsWith("reduce_to", toHuge.Error!.Details, StringComparison.Ordinal);
        Assert.Equal(10m, _h.Exchange.GetOrder(alice, order.OrderId)!.RemainingCount.Value);
    }

    [Theory]
    [InlineData("nul\0inside")]
    [InlineData("new\nline")]
    [InlineData("right\u202Eto-left")]
    [InlineData("spa ce")]
    [InlineData("dot.ted")]
    [InlineData("")]
    [InlineData("é")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public void A_client_order_id_outside_kalshis_characters_is_refused_and_not_used_up(string clientOrderId)
    {
        var alice = _h.User();
        var before = Fingerprint(alice);
        var refused = _h.Exchange.PlaceOrder(alice, ExchangeHarness.Request(BookSide.Bid, 0.30m, 1, clientId: clientOrderId));
        Assert.Equal("bad_request", refused.Error!.Code);
        Assert.StartsWith("client_order_id must be 1 to 64 characters", refused.Error.Details, StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(alice));

        var order = _h.Bid(alice, 0.30m, 1).Order!;
        var renamed = _h.Exchange.AmendOrder(alice, order.OrderId, ContractPrice.FromDollars(0.30m), Contracts.Of(1), clientOrderId);
        Assert.StartsWith("updated_client_order_id must be", renamed.Error!.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_order_id_of_64_kalshi_characters_is_accepted()
    {
        var alice = _h.User();
        var id = "Az09_-:+=/" + new string('k', 54);
        Assert.Equal(64, id.Length);
        var placed = _h.Exchange.PlaceOrder(alice, ExchangeHarness.Request(BookSide.Bid, 0.30m, 1, clientId: id));
        Assert.True(placed.IsSuccess, placed.Error?.ToString());
        Assert.Equal(id, placed.Order!.ClientOrderId);
    }

    [Fact]
    public void A_refused_order_does_not_use_up_its_client_order_id()
    {
        var poor = _h.User(1m);
        Assert.Equal("insufficient_balance", _h.Exchange.PlaceOrder(poor, ExchangeHarness.Request(BookSide.Bid, 0.50m, 100, clientId: "retry-me")).Error!.Code);
        Assert.True(_h.Exchange.PlaceOrder(poor, ExchangeHarness.Request(BookSide.Bid, 0.50m, 1, clientId: "retry-me")).IsSuccess);
    }

    [Fact]
    public void Close_and_settle_complete_for_every_user_even_when_one_account_tally_is_corrupt()
    {
        var (alice, bob, carol) = (_h.User(), _h.User(), _h.User());
        _h.Ask(bob, 0.40m, 10);
        _h.Bid(alice, 0.40m, 10);                 // alice long 10 YES, bob long 10 NO
        _h.Bid(bob, 0.20m, 5);                    // resting bids and asks with collateral held
        _h.Ask(carol, 0.70m, 7);
        _h.Bid(alice, 0.10m, 3);
        // A tally no valid request can produce: recomputing collateral from it would overflow.
        var market = _h.Exchange.FindMarket(ExchangeHarness.Ticker)!;
        market.Positions.Single(p => p.Account.Id == bob).AddResting(BookSide.Bid, 1, long.MaxValue / 2);

        Assert.Null(_h.Exchange.SettleMarket(ExchangeHarness.Ticker, OutcomeSide.No));

        foreach (var user in new[] { alice, bob, carol })
        {
            var account = _h.Exchange.GetAccount(user)!;
            Assert.Equal((0m, 0), (account.HeldCollateral.Dollars, account.RestingOrders));
            Assert.All(account.Positions, p => Assert.Equal(0m, p.Position));
        }
        Assert.Equal(1000m - 6m + 10m, _h.Balance(bob));      // paid 0.60 for each NO as maker (no fee), won $1 each
        ExchangeInvariants.Check(_h.Exchange, [alice, bob, carol], 3000m, settled: true);
        Assert.Empty(_h.Exchange.GetBook(ExchangeHarness.Ticker)!.YesBids);
        Assert.Empty(_h.Exchange.GetBook(ExchangeHarness.Ticker)!.NoBids);
    }

    [Fact]
    public void Close_releases_every_collateral_even_when_one_account_tally_is_corrupt()
    {
        var (alice, bob) = (_h.User(), _h.User());
        _h.Bid(alice, 0.30m, 10);
        _h.Ask(bob, 0.60m, 10);
        _h.Exchange.FindMarket(ExchangeHarness.Ticker)!.Positions.Single(p => p.Account.Id == alice).AddResting(BookSide.Ask, 99, long.MaxValue / 2);

        Assert.Null(_h.Exchange.CloseMarket(ExchangeHarness.Ticker));

        Assert.Equal((1000m, 0m), (_h.Balance(alice), _h.Held(alice)));
        Assert.Equal((1000m, 0m), (_h.Balance(bob), _h.Held(bob)));
        Assert.Equal(MarketStatus.Closed, _h.Exchange.GetMarket(ExchangeHarness.Ticker)!.Status);
        Assert.All(_h.Exchange.GetOrders(alice, new OrderQuery()).Concat(_h.Exchange.GetOrders(bob, new OrderQuery())),
            o => Assert.Equal(VenueOrderStatus.Canceled, o.Status));
    }

    [Fact]
    public void Total_traded_and_volume_keep_counting_past_what_a_long_holds()
    {
        // Churning two accounts against each other grows these without bound while cash stays put.
        var (alice, bob) = (_h.User(), _h.User());
        _h.Bid(alice, 0.40m, 1);
        _h.Ask(bob, 0.40m, 1);
        var market = _h.Exchange.FindMarket(ExchangeHarness.Ticker)!;
        var position = market.Positions.Single(p => p.Account.Id == alice);
        position.TotalTraded = long.MaxValue;
        market.VolumeLots = long.MaxValue;

        Assert.True(_h.Bid(alice, 0.40m, 1).IsSuccess);
        Assert.True(_h.Ask(bob, 0.40m, 1).IsSuccess);

        Assert.Equal(long.MaxValue / 1_000_000m + 0.40m, _h.Position(alice)!.TotalTraded.Dollars);
        Assert.Equal(long.MaxValue / 100m + 1m, _h.Exchange.GetMarket(ExchangeHarness.Ticker)!.Volume.Value);
    }

    [Fact]
    public void Deposits_beyond_the_limits_are_refused_and_create_no_account()
    {
        var exchange = _h.Exchange;
        Assert.StartsWith("balance_dollars is above the maximum", exchange.TryCreateAccount(Money.FromDollars(1_000_000_000.01m), out var none)!.Details, StringComparison.Ordinal);
        Assert.Null(none);
        Assert.Contains("decimal places", exchange.TryCreateAccount(Money.FromDollars(1.0000001m), out _)!.Details, StringComparison.Ordinal);
        Assert.Contains("negative", exchange.TryCreateAccount(Money.FromDollars(-1m), out _)!.Details, StringComparison.Ordinal);
        for (var i = 0; i < 100; i++) Assert.Null(exchange.TryCreateAccount(Money.FromDollars(ExchangeLimits.MaxDepositDollars), out _));
        Assert.Contains("maximum of 100000000000 dollars", exchange.TryCreateAccount(Money.FromDollars(0.01m), out var overTotal)!.Details, StringComparison.Ordinal);
        Assert.Null(overTotal);
        Assert.False(exchange.Deposit(_h.User(0m), Money.FromDollars(1m)));
    }

    [Fact]
    public void Markets_outside_the_limits_are_refused()
    {
        var definition = _h.Definition(new MarketTicker("KXLIMIT-1"));
        Assert.Contains("ticker", _h.Exchange.CreateMarket(definition with { Ticker = new MarketTicker("KX/SLASH") })!.Details, StringComparison.Ordinal);
        Assert.Contains("ticker", _h.Exchange.CreateMarket(definition with { Ticker = new MarketTicker(new string('K', 129)) })!.Details, StringComparison.Ordinal);
        Assert.Contains("event_ticker", _h.Exchange.CreateMarket(definition with { EventTicker = "KX\u202EEVIL" })!.Details, StringComparison.Ordinal);
        Assert.Contains("title", _h.Exchange.CreateMarket(definition with { Title = "bad \ud800 title" })!.Details, StringComparison.Ordinal);
        Assert.Contains("fee_multiplier", _h.Exchange.CreateMarket(definition with { FeeMultiplier = 10.01m })!.Details, StringComparison.Ordinal);
        Assert.Contains("fee_multiplier", _h.Exchange.CreateMarket(definition with { FeeMultiplier = 1.00001m })!.Details, StringComparison.Ordinal);
        Assert.Null(_h.Exchange.GetMarket(definition.Ticker));
        Assert.Null(_h.Exchange.CreateMarket(definition with { FeeType = KalshiFeeType.QuadraticWithMakerFees, FeeMultiplier = 10m, Title = "fine ✓ 🎲" }));
    }

    [Fact]
    public void Order_group_limits_outside_one_to_the_maximum_count_are_refused()
    {
        var alice = _h.User();
        Assert.Throws<ArgumentOutOfRangeException>(() => _h.Exchange.CreateOrderGroup(alice, Contracts.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => _h.Exchange.CreateOrderGroup(alice, Contracts.Of(1_000_000.01m)));
        var group = _h.Exchange.CreateOrderGroup(alice, Contracts.Of(5));
        Assert.Equal("bad_request", _h.Exchange.SetOrderGroupLimit(alice, group, Contracts.Of(2_000_000))!.Code);
        Assert.Equal(5m, _h.Exchange.GetOrderGroup(alice, group)!.ContractsLimit.Value);
    }
}
