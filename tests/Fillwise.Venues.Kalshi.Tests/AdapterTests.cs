using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Venues.Kalshi.Tests.Integration;

namespace Fillwise.Venues.Kalshi.Tests;

/// <summary>The engine's ports on Kalshi: every yes-leg conversion happens here and nowhere else.</summary>
public class AdapterMappingTests
{
    [Theory]
    [InlineData(OutcomeSide.Yes, OrderSide.Buy, "0.40", BookSide.Bid, "0.40")]
    [InlineData(OutcomeSide.Yes, OrderSide.Sell, "0.40", BookSide.Ask, "0.40")]
    [InlineData(OutcomeSide.No, OrderSide.Buy, "0.40", BookSide.Ask, "0.60")]
    [InlineData(OutcomeSide.No, OrderSide.Sell, "0.40", BookSide.Bid, "0.60")]
    public void An_outcome_instruments_buy_or_sell_is_one_V2_side_and_yes_price_and_back(OutcomeSide outcome, OrderSide side, string price, BookSide book, string yes)
    {
        var (v2Side, v2Yes) = KalshiInstruments.Direction(outcome, side).ToV2(ContractPrice.Parse(price));
        Assert.Equal((book, ContractPrice.Parse(yes)), (v2Side, v2Yes));
        Assert.Equal((side, Price.Parse(price)), KalshiInstruments.FromV2(outcome, v2Side, v2Yes));
    }

    [Fact]
    public void Outcome_instruments_are_named_ticker_colon_side()
    {
        var id = KalshiInstruments.Outcome(new MarketTicker("KXT-26-B4787.5"), OutcomeSide.No);
        Assert.Equal("kalshi:KXT-26-B4787.5:no", id.ToString());
        Assert.Equal((new MarketTicker("KXT-26-B4787.5"), OutcomeSide.No), KalshiInstruments.Parse(id));
        Assert.False(KalshiInstruments.TryParse(new InstrumentId("aster", "ZECUSDT"), out _, out _));
        Assert.False(KalshiInstruments.TryParse(new InstrumentId("kalshi", "KXT-1"), out _, out _));
    }

    [Fact]
    public void The_NO_outcome_sees_Kalshis_price_ranges_mirrored()
    {
        var market = new KalshiMarket(new MarketTicker("KXT-1"), null, "active", null, null, null, null, null, null, null, null, null, null,
            [new KalshiPriceRange(0m, 0.1m, 0.001m), new KalshiPriceRange(0.1m, 0.9m, 0.01m), new KalshiPriceRange(0.9m, 1m, 0.001m)])
        {
            FractionalTradingEnabled = true,
        };
        var yes = KalshiInstruments.Describe(market, OutcomeSide.Yes);
        var no = KalshiInstruments.Describe(market, OutcomeSide.No);
        Assert.Equal((Price.Parse("0.001"), Price.Parse("0.999")), (yes.MinPrice, yes.MaxPrice));
        Assert.True(no.IsOnGrid(Price.Parse("0.955")));   // yes 0.045 on the 0.001 grid
        Assert.False(no.IsOnGrid(Price.Parse("0.555")));  // yes 0.445: only whole cents in the middle
        Assert.Equal("no", no.Outcome);
        Assert.Equal(Quantity.Parse("0.01"), no.Step);
        // A market that lists no ranges but names its structure gets that structure's grid; one that
        // does not enable fractional trading is traded in whole contracts.
        var named = KalshiInstruments.Describe(market with { PriceRanges = [], PriceLevelStructure = "tapered_deci_cent", FractionalTradingEnabled = null }, OutcomeSide.Yes);
        Assert.Equal(yes.PriceBands, named.PriceBands);
        Assert.Equal(Quantity.Parse("1"), named.Step);
        Assert.Equal(Price.Parse("0.45"), named.SnapToGrid(Price.Parse("0.455"), up: false));
        Assert.Equal(Price.Parse("0.047"), named.SnapToGrid(Price.Parse("0.0461"), up: true));
    }

    [Theory]
    [InlineData("initialized", null, null, InstrumentPhase.Paused, null, null, null)]
    [InlineData("active", null, null, InstrumentPhase.Open, null, null, null)]
    [InlineData("inactive", null, null, InstrumentPhase.Paused, null, null, null)]
    [InlineData("closed", "", null, InstrumentPhase.Closed, null, null, null)]
    [InlineData("determined", "yes", "1.0000", InstrumentPhase.Determined, null, "1", "0")]
    [InlineData("disputed", "yes", "1.0000", InstrumentPhase.Determined, null, "1", "0")]
    [InlineData("amended", "no", "0.0000", InstrumentPhase.Determined, null, "0", "1")]
    [InlineData("finalized", "yes", "1.0000", InstrumentPhase.Settled, "1", "1", "0")]
    [InlineData("settled", "no", null, InstrumentPhase.Settled, "0", "0", "1")]
    [InlineData("determined", "scalar", "0.3500", InstrumentPhase.Determined, null, "0.35", "0.65")]
    [InlineData("finalized", "scalar", "0.3500", InstrumentPhase.Settled, "0.35", "0.35", "0.65")]
    // A scalar whose value is not stated is never booked on a guess.
    [InlineData("finalized", "scalar", null, InstrumentPhase.Determined, null, null, null)]
    public void Payouts_are_booked_only_once_Kalshi_has_finalized(string status, string? result, string? value, InstrumentPhase phase,
        string? yesSettles, string? yesDetermined, string? noDetermined)
    {
        var market = new KalshiMarket(new MarketTicker("KXT-1"), null, status, null, null, null, null, null, null, null, null, null, result, [])
        {
            SettlementValue = value is null ? null : decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
        };
        var yes = KalshiVenueAdapter.Status(KalshiInstruments.Outcome(market.Ticker, OutcomeSide.Yes), market, OutcomeSide.Yes);
        var no = KalshiVenueAdapter.Status(KalshiInstruments.Outcome(market.Ticker, OutcomeSide.No), market, OutcomeSide.No);
        Assert.Equal(phase, yes.Phase);
        Assert.Equal(yesSettles is null ? null : Price.Parse(yesSettles), yes.SettlementPrice);
        Assert.Equal(yesDetermined is null ? null : Price.Parse(yesDetermined), yes.DeterminedPrice);
        Assert.Equal(noDetermined is null ? null : Price.Parse(noDetermined), no.DeterminedPrice);
        Assert.False(yes.IsVoid);
    }

    [Fact]
    public void A_void_pays_back_each_sides_cost_from_the_holders_settlement_record()
    {
        var market = new KalshiMarket(new MarketTicker("KXT-1"), null, "finalized", null, null, null, null, null, null, null, null, null, "", []);
        var yesId = KalshiInstruments.Outcome(market.Ticker, OutcomeSide.Yes);
        var noId = KalshiInstruments.Outcome(market.Ticker, OutcomeSide.No);
        Assert.Equal((InstrumentPhase.Settled, true, (Price?)null), (KalshiVenueAdapter.Status(yesId, market, OutcomeSide.Yes) is var s ? (s.Phase, s.IsVoid, s.SettlementPrice) : default));
        var record = new KalshiSettlement(market.Ticker, "KXT", "scalar", Contracts.Of(3), Contracts.Zero, Money.Parse("1.230000"), Money.Zero, Money.Parse("1.23"), Money.Zero, null);
        Assert.Equal(Price.Parse("0.41"), KalshiVenueAdapter.Status(yesId, market, OutcomeSide.Yes, record).SettlementPrice);
        // Nothing held on NO: no refund price for it (nothing to book there either).
        Assert.Null(KalshiVenueAdapter.Status(noId, market, OutcomeSide.No, record).SettlementPrice);
        Assert.Equal("void", KalshiVenueAdapter.Status(noId, market, OutcomeSide.No, record).PayoutText);
    }

    [Theory]
    [InlineData(KalshiErrorKind.Rejected, 409, "order_already_exists", null, RejectionReason.DuplicateClientOrderId)]
    [InlineData(KalshiErrorKind.Rejected, 400, "insufficient_balance", null, RejectionReason.InsufficientBalance)]
    [InlineData(KalshiErrorKind.Rejected, 400, "MARKET_INACTIVE", null, RejectionReason.MarketClosed)]
    [InlineData(KalshiErrorKind.Rejected, 400, "trading_is_paused", "trading resumes at 2026-01-01T10:00:00Z", RejectionReason.MarketClosed)]
    [InlineData(KalshiErrorKind.Rejected, 400, "invalid_order", "post only cross", RejectionReason.PostOnlyWouldCross)]
    [InlineData(KalshiErrorKind.Rejected, 400, "invalid_price", null, RejectionReason.InvalidPrice)]
    [InlineData(KalshiErrorKind.Rejected, 404, "not_found", null, RejectionReason.NotFound)]
    [InlineData(KalshiErrorKind.RateLimited, 429, null, null, RejectionReason.RateLimited)]
    [InlineData(KalshiErrorKind.Rejected, 400, "something_new", null, RejectionReason.Other)]
    public void Kalshis_error_codes_become_typed_rejections(KalshiErrorKind kind, int status, string? code, string? details, RejectionReason reason)
    {
        var rejection = KalshiRejections.From(new KalshiApiException(kind, "refused", status, code, details));
        Assert.Equal(reason, rejection.Reason);
        Assert.Equal(code ?? $"http_{status}", rejection.VenueCode);
    }
}

public class AdapterLoopbackTests
{
    [Fact]
    public async Task Buying_NO_goes_out_as_a_V2_ask_and_its_fill_comes_back_as_a_buy_of_NO_at_the_NO_price()
    {
        await using var venue = await Venue.StartAsync();
        var (_, traderSigner) = await venue.GeneratedKeyAccountAsync(1000m);
        var (_, makerSigner) = await venue.GeneratedKeyAccountAsync(1000m);
        var maker = venue.Rest(makerSigner);
        // A YES bid at 0.60 for 10: selling YES at 0.60 there is buying NO at 0.40.
        await maker.CreateOrderAsync(new KalshiCreateOrder(Venue.Ticker, BookSide.Bid, Contracts.Of(10), ContractPrice.Parse("0.60"), VenueTimeInForce.GoodTillCanceled, new ClientOrderId("mk-1")));

        var adapter = new KalshiVenueAdapter(venue.Rest(traderSigner), null);
        var no = KalshiInstruments.Outcome(Venue.Ticker, OutcomeSide.No);
        var id = new ClientOrderId("fw-no-1");
        var submitted = await adapter.SubmitAsync(new OrderIntent(id, no, OrderSide.Buy, Quantity.Of(10), Price.Parse("0.40"), OrderPurpose.Entry, "test", DateTimeOffset.UtcNow),
            CancellationToken.None);
        var accepted = Assert.IsType<SubmitOutcome.Accepted>(submitted);
        Assert.Equal(Quantity.Of(10), accepted.Filled);

        var report = await adapter.GetOrderAsync(new OrderRef(no, id, accepted.OrderId), CancellationToken.None);
        Assert.Equal((no, OrderSide.Buy, Price.Parse("0.40"), VenueOrderState.Filled), (report.Instrument, report.Side, report.LimitPrice, report.State));
        var fill = Assert.Single(await adapter.GetFillsAsync(new OrderRef(no, id, accepted.OrderId), CancellationToken.None));
        Assert.Equal((no, OrderSide.Buy, Quantity.Of(10), Price.Parse("0.40")), (fill.Instrument, fill.Side, fill.Quantity, fill.Price));
        var position = Assert.Single(await adapter.GetPositionsAsync(CancellationToken.None));
        Assert.Equal((no, PositionSide.Long, Quantity.Of(10)), (position.Instrument, position.Side, position.Quantity));
        var instrument = await adapter.GetInstrumentAsync(no, CancellationToken.None);
        Assert.Equal((InstrumentKind.EventContract, "no", Venue.Ticker.Value), (instrument!.Kind, instrument.Outcome, instrument.Market));
    }

    [Fact]
    public async Task A_price_off_Kalshis_range_is_refused_with_a_typed_reason_before_any_request()
    {
        await using var venue = await Venue.StartAsync();
        var (_, signer) = await venue.GeneratedKeyAccountAsync(100m);
        var adapter = new KalshiVenueAdapter(venue.Rest(signer), null);
        var yes = KalshiInstruments.Outcome(Venue.Ticker, OutcomeSide.Yes);
        var outcome = await adapter.SubmitAsync(new OrderIntent(new ClientOrderId("fw-x"), yes, OrderSide.Buy, Quantity.Of(1), Price.Parse("1.5"), OrderPurpose.Entry, "t", DateTimeOffset.UtcNow),
            CancellationToken.None);
        Assert.Equal(RejectionReason.InvalidPrice, Assert.IsType<SubmitOutcome.Rejected>(outcome).Rejection.Reason);
        var quantity = await adapter.SubmitAsync(new OrderIntent(new ClientOrderId("fw-y"), yes, OrderSide.Buy, Quantity.Parse("1.005"), Price.Parse("0.5"), OrderPurpose.Entry, "t", DateTimeOffset.UtcNow),
            CancellationToken.None);
        Assert.Equal(RejectionReason.InvalidQuantity, Assert.IsType<SubmitOutcome.Rejected>(quantity).Rejection.Reason);
    }
}
