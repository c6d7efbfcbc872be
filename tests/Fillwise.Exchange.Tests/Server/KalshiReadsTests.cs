using System.Text.Json.Nodes;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Core;
using Fillwise.Exchange.Server;
using Fillwise.Testing;

namespace Fillwise.Exchange.Tests.Server;

/// <summary>
/// What Kalshi serves beyond orders and the portfolio (series, schedule, several books at once,
/// queue positions, candlesticks, the historical archive), and the codes it answers a create with
/// when a field is missing or no order may have its value.
/// </summary>
public sealed class KalshiReadsTests
{
    // A Wednesday noon in New York: the Thursday 03:00 ET maintenance is 15 hours away.
    private static readonly DateTimeOffset Noon = new(2026, 6, 10, 16, 0, 0, TimeSpan.Zero);

    private static Task<ServerHarness> StartAsync(ManualTimeProvider clock) => ServerHarness.StartAsync(new ExchangeServerOptions
    {
        RateLimitTier = RateLimitTier.Unlimited,
        TimeProvider = clock,
        Maintenance = MaintenanceWindow.Kalshi,
    });

    [Fact]
    public async Task A_create_missing_a_field_is_missing_parameters_and_one_no_order_may_have_is_invalid_order_and_neither_changes_anything()
    {
        await using var h = await ServerHarness.StartAsync();
        var alice = await h.NewAccountAsync();
        var balance = (string?)(await h.GetAsync(alice, "/portfolio/balance")).Json["balance_dollars"];
        var valid = new JsonObject
        {
            ["ticker"] = ServerHarness.Ticker, ["side"] = "bid", ["count"] = "1.00", ["price"] = "0.4500",
            ["time_in_force"] = "good_till_canceled", ["self_trade_prevention_type"] = "taker_at_cross",
        };
        foreach (var field in new[] { "ticker", "side", "count", "price", "time_in_force", "self_trade_prevention_type" })
        {
            var body = valid.DeepClone().AsObject();
            body.Remove(field);
            var answer = await h.PostAsync(alice, "/portfolio/events/orders", body);
            Assert.Equal((400, "missing_parameters", $"{field} is required"),
                (answer.Code, (string?)answer.Json["error"]!["code"], (string?)answer.Json["error"]!["details"]));
        }
        foreach (var (field, value) in new[] { ("side", "buy"), ("count", "0"), ("time_in_force", "day"), ("self_trade_prevention_type", "none"), ("client_order_id", "has space") })
        {
            var body = valid.DeepClone().AsObject();
            body[field] = value;
            var answer = await h.PostAsync(alice, "/portfolio/events/orders", body);
            Assert.True((answer.Code, (string?)answer.Json["error"]!["code"]) == (400, "invalid_order"), $"{field}={value}: {answer}");
        }
        var decrease = await h.PostAsync(alice, "/portfolio/events/orders/x/decrease", new JsonObject());
        Assert.Equal("missing_parameters", (string?)decrease.Json["error"]!["code"]);
        Assert.Equal(balance, (string?)(await h.GetAsync(alice, "/portfolio/balance")).Json["balance_dollars"]);
        Assert.Empty((await h.GetAsync(alice, "/portfolio/orders")).Json["orders"]!.AsArray());
    }

    [Fact]
    public async Task Queue_positions_count_the_contracts_resting_ahead_at_the_same_price()
    {
        await using var h = await ServerHarness.StartAsync();
        var first = await h.NewAccountAsync();
        var second = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();
        var a = (string)(await h.PlaceAsync(first, "bid", "0.4000", "5.00")).Json["order_id"]!;
        var better = (string)(await h.PlaceAsync(first, "bid", "0.4100", "9.00")).Json["order_id"]!;
        var b = (string)(await h.PlaceAsync(second, "bid", "0.4000", "3.00")).Json["order_id"]!;

        async Task<string?> Ahead(TestAccount who, string id) => (string?)(await h.GetAsync(who, $"/portfolio/orders/{id}/queue_position")).Json["queue_position_fp"];
        Assert.Equal(("0.00", "0.00", "5.00"), (await Ahead(first, a), await Ahead(first, better), await Ahead(second, b)));
        // 9 at the better price and 2 of the first 0.40 bid trade: 3 remain ahead of the second bid.
        await h.PlaceAsync(taker, "ask", "0.4000", "11.00", tif: "immediate_or_cancel");
        Assert.Equal("3.00", await Ahead(second, b));
        var all = (await h.GetAsync(second, $"/portfolio/orders/queue_positions?market_tickers={ServerHarness.Ticker}")).Json["queue_positions"]!.AsArray();
        Assert.Equal((b, "3.00"), ((string?)all.Single()!["order_id"], (string?)all.Single()!["queue_position_fp"]));
        // Someone else's order, or one no longer resting, has no queue position.
        Assert.Equal(404, (await h.GetAsync(second, $"/portfolio/orders/{a}/queue_position")).Code);
        Assert.Equal(404, (await h.GetAsync(first, $"/portfolio/orders/{better}/queue_position")).Code);
    }

    [Fact]
    public async Task Candlesticks_hold_the_book_and_the_trades_of_each_period()
    {
        var clock = new ManualTimeProvider(Noon);
        await using var h = await StartAsync(clock);
        var maker = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();
        await h.PlaceAsync(maker, "bid", "0.4000", "2.00");
        await h.PlaceAsync(maker, "bid", "0.4500", "1.00");
        await h.PlaceAsync(taker, "ask", "0.4000", "3.00", tif: "immediate_or_cancel"); // 1 at 0.45, then 2 at 0.40
        clock.Advance(TimeSpan.FromMinutes(1));
        await h.PlaceAsync(maker, "bid", "0.3000", "4.00");

        var start = Noon.ToUnixTimeSeconds();
        var answer = await h.GetAsync(null, $"/series/KXTEST/markets/{ServerHarness.Ticker}/candlesticks?start_ts={start}&end_ts={start + 3600}&period_interval=1");
        var candles = answer.Json["candlesticks"]!.AsArray();
        Assert.Equal(2, candles.Count);
        var first = candles[0]!;
        Assert.Equal(start + 60, (long)first["end_period_ts"]!);
        Assert.Equal(("0.4500", "0.4500", "0.4000", "0.4000"), Ohlc(first["price"]!, "_dollars"));
        Assert.Equal("0.4167", (string?)first["price"]!["mean_dollars"]); // (0.45 + 2 x 0.40) / 3
        Assert.Equal(("3.00", "3.00"), ((string?)first["volume_fp"], (string?)first["open_interest_fp"]));
        Assert.Equal("0.0000", (string?)first["yes_bid"]!["close_dollars"]); // every bid traded away
        var second = candles[1]!;
        Assert.Null((string?)second["price"]!["close_dollars"]); // no trade in the second minute
        Assert.Equal("0.4000", (string?)second["price"]!["previous_dollars"]);
        Assert.Equal("0.3000", (string?)second["yes_bid"]!["close_dollars"]);

        // One hour merges both minutes; the batch read names the market.
        var batch = await h.GetAsync(maker, $"/markets/candlesticks?market_tickers={ServerHarness.Ticker}&start_ts={start}&end_ts={start + 7200}&period_interval=60");
        var hour = batch.Json["markets"]![0]!["candlesticks"]!.AsArray().Single()!;
        Assert.Equal(("0.4500", "0.4500", "0.4000", "0.4000"), Ohlc(hour["price"]!, "_dollars"));
        Assert.Equal(("0.0000", "0.4500", "0.0000", "0.3000"), Ohlc(hour["yes_bid"]!, "_dollars")); // from the empty book at creation
        Assert.Equal(400, (await h.GetAsync(null, $"/series/KXTEST/markets/{ServerHarness.Ticker}/candlesticks?start_ts={start}&end_ts={start}&period_interval=5")).Code);
        Assert.Equal(404, (await h.GetAsync(null, $"/series/OTHER/markets/{ServerHarness.Ticker}/candlesticks?start_ts={start}&end_ts={start}&period_interval=1")).Code);
    }

    private static (string?, string?, string?, string?) Ohlc(JsonNode d, string suffix) =>
        ((string?)d["open" + suffix], (string?)d["high" + suffix], (string?)d["low" + suffix], (string?)d["close" + suffix]);

    [Fact]
    public async Task The_schedule_names_the_weekly_maintenance_and_the_status_says_when_trading_is_paused()
    {
        var clock = new ManualTimeProvider(Noon);
        await using var h = await StartAsync(clock);
        var windows = (await h.GetAsync(null, "/exchange/schedule")).Json["schedule"]!["maintenance_windows"]!.AsArray();
        Assert.Equal(4, windows.Count);
        Assert.Equal(("2026-06-11T07:00:00Z", "2026-06-11T09:00:00Z"), ((string?)windows[0]!["start_datetime"], (string?)windows[0]!["end_datetime"])); // 03:00-05:00 EDT
        Assert.Equal(true, (bool?)(await h.GetAsync(null, "/exchange/status")).Json["trading_active"]);

        clock.Advance(TimeSpan.FromHours(15.5));
        var status = (await h.GetAsync(null, "/exchange/status")).Json;
        Assert.Equal((false, "2026-06-11T09:00:00Z"), ((bool?)status["trading_active"], (string?)status["exchange_estimated_resume_time"]));
        var alice = await h.NewAccountAsync();
        var refused = await h.PlaceAsync(alice, "bid", "0.4000", "1.00");
        Assert.Equal("trading_is_paused", (string?)refused.Json["error"]!["code"]);
    }

    [Fact]
    public async Task Series_carry_the_fee_schedule_and_several_books_come_in_one_read()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker("KXFEE-26-T1"), FeeType: "quadratic_with_maker_fees"));
        var alice = await h.NewAccountAsync();
        await h.PlaceAsync(alice, "bid", "0.2000", "4.00", ticker: "KXFEE-26-T1");

        var series = (await h.GetAsync(null, "/series/KXFEE")).Json["series"]!;
        Assert.Equal(("KXFEE", "quadratic_with_maker_fees"), ((string?)series["ticker"], (string?)series["fee_type"]));
        Assert.Equal(2, (await h.GetAsync(null, "/series")).Json["series"]!.AsArray().Count);
        Assert.Equal(404, (await h.GetAsync(null, "/series/NOPE")).Code);

        var books = (await h.GetAsync(alice, $"/markets/orderbooks?tickers=KXFEE-26-T1&tickers={ServerHarness.Ticker}")).Json["orderbooks"]!.AsArray();
        Assert.Equal(new[] { "KXFEE-26-T1", ServerHarness.Ticker }, books.Select(b => (string?)b!["ticker"]));
        Assert.Equal("""[["0.2000","4.00"]]""", books[0]!["orderbook_fp"]!["yes_dollars"]!.ToJsonString());
        Assert.Equal(400, (await h.GetAsync(alice, "/markets/orderbooks")).Code);
    }

    [Fact]
    public async Task A_market_settled_before_the_cutoff_and_its_trades_move_to_the_historical_reads()
    {
        await using var h = await ServerHarness.StartAsync();
        var maker = await h.NewAccountAsync();
        var taker = await h.NewAccountAsync();
        await h.PlaceAsync(maker, "bid", "0.6000", "2.00");
        await h.PlaceAsync(taker, "ask", "0.6000", "2.00", tif: "immediate_or_cancel");
        await h.Admin.SettleMarketAsync(new MarketTicker(ServerHarness.Ticker), "no");
        Assert.Single((await h.GetAsync(null, "/markets/trades")).Json["trades"]!.AsArray());
        Assert.Equal(404, (await h.GetAsync(null, $"/historical/markets/{ServerHarness.Ticker}")).Code);

        await h.Admin.ArchiveFinishedAsync();
        Assert.Empty((await h.GetAsync(null, "/markets")).Json["markets"]!.AsArray());
        Assert.Empty((await h.GetAsync(null, "/markets/trades")).Json["trades"]!.AsArray());
        Assert.Equal(ServerHarness.Ticker, (string?)(await h.GetAsync(null, "/historical/markets")).Json["markets"]![0]!["ticker"]);
        Assert.Equal("finalized", (string?)(await h.GetAsync(null, $"/historical/markets/{ServerHarness.Ticker}")).Json["market"]!["status"]);
        Assert.Equal("2.00", (string?)(await h.GetAsync(null, "/historical/trades")).Json["trades"]![0]!["count_fp"]);
    }
}
