using System.Text.Json;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Lighter.Tests;

/// <summary>Markets from Lighter's orderBookDetails shape, and the order_book channel's snapshot, updates and gaps.</summary>
public sealed class OrderBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Lighter's docs' ETH example: supported decimals 4 / 2, minimums 0.005 ETH and 10 USDC (display decimals differ on purpose).</summary>
    private static LighterMarketInfo Eth()
    {
        using var doc = JsonDocument.Parse("""
            {"symbol":"ETH","market_id":0,"status":"active","taker_fee":"0.0200","maker_fee":"0.0020","min_base_amount":"0.0050","min_quote_amount":"10.000000",
             "supported_size_decimals":4,"supported_price_decimals":2,"supported_quote_decimals":6,"size_decimals":8,"price_decimals":2,"last_trade_price":3012.5}
            """);
        return LighterMarketDataClient.Parse(doc.RootElement, "lighter");
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void A_market_scales_by_the_supported_decimals_not_the_display_ones()
    {
        var eth = Eth();
        Assert.Equal((Quantity.Parse("0.0001"), Price.Parse("0.01"), Quantity.Parse("0.005"), Money.Parse("10")),
            (eth.Instrument.Step, eth.Instrument.PriceBands[0].Tick, eth.Instrument.MinQuantity, eth.Instrument.MinNotional));
        Assert.Equal((0.0002m, 0.00002m, Price.Parse("3012.5")), (eth.TakerFeeRate, eth.MakerFeeRate, eth.LastTradePrice!.Value));
        Assert.True(eth.TryBaseAmount(Quantity.Parse("0.005"), out var amount));
        Assert.Equal(50, amount);
        Assert.False(eth.TryBaseAmount(Quantity.Parse("0.00005"), out _));
        Assert.True(eth.TryPriceUnits(Price.Parse("3012.57"), out var units));
        Assert.Equal(301257, units);
        // Prices are uint32 in Lighter's signer: 42,949,672.95 is the most this market can say.
        Assert.True(eth.TryPriceUnits(Price.Parse("42949672.95"), out _));
        Assert.False(eth.TryPriceUnits(Price.Parse("42949672.96"), out _));
        Assert.Equal((Quantity.Parse("0.0021"), Price.Parse("3012.57")), (eth.QuantityOf(21), eth.PriceOf(301257)));
    }

    [Fact]
    public void Updates_apply_while_each_continues_from_the_last_nonce_and_a_gap_unsyncs_the_book_until_a_snapshot()
    {
        var book = new LighterOrderBook(Eth());
        Assert.False(book.Apply(Json("""{"begin_nonce":0,"nonce":1,"bids":[{"price":"3000.00","size":"1.0000"}],"asks":[]}"""), Now));
        book.Reset(Json("""{"nonce":10,"bids":[{"price":"3000.00","size":"1.0000"},{"price":"2999.99","size":"2.5000"}],"asks":[{"price":"3000.50","size":"0.7500"}]}"""), Now);
        Assert.True(book.IsSynced);
        Assert.Equal((Price.Parse("3000"), Quantity.Parse("1")), (book.BestBid!.Value.Price, book.BestBid!.Value.Size));

        // The best bid goes, a better ask arrives.
        Assert.True(book.Apply(Json("""{"begin_nonce":10,"nonce":11,"bids":[{"price":"3000.00","size":"0.0000"}],"asks":[{"price":"3000.25","size":"0.1000"}]}"""), Now.AddSeconds(1)));
        Assert.Equal((Price.Parse("2999.99"), Price.Parse("3000.25")), (book.BestBid!.Value.Price, book.BestAsk!.Value.Price));
        Assert.Equal([Price.Parse("3000.25"), Price.Parse("3000.50")], book.Asks(5).Select(l => l.Price));
        Assert.Equal((11L, 1L, Now.AddSeconds(1)), (book.Nonce, book.Applied, book.UpdatedAt));

        // Update 12 never came: 13 is not applied, the book asks for a snapshot once.
        Assert.False(book.Apply(Json("""{"begin_nonce":12,"nonce":13,"bids":[{"price":"2999.99","size":"0"}],"asks":[]}"""), Now.AddSeconds(2)));
        Assert.False(book.IsSynced);
        Assert.True(book.RequestResync());
        Assert.False(book.RequestResync());
        Assert.Equal(Price.Parse("2999.99"), book.BestBid!.Value.Price);
        book.Reset(Json("""{"nonce":20,"bids":[{"price":"2999.00","size":"3.0000"}],"asks":[{"price":"3001.00","size":"1.0000"}]}"""), Now.AddSeconds(3));
        Assert.True(book.IsSynced);
        Assert.Equal((1, 1, 20L, 0L), (book.Bids(10).Count, book.Asks(10).Count, book.Nonce, book.Applied));
    }

    [Fact]
    public void A_cut_stream_invalidates_the_book_and_the_reconnect_snapshot_brings_it_back()
    {
        var book = new LighterOrderBook(Eth());
        book.Reset(Json("""{"nonce":5,"bids":[],"asks":[{"price":"3001.00","size":"1.0000"}]}"""), Now);
        book.Invalidate();
        Assert.False(book.IsSynced);
        // The reconnect subscribes again on its own: no extra resync request.
        Assert.False(book.RequestResync());
        Assert.False(book.Apply(Json("""{"begin_nonce":5,"nonce":6,"bids":[],"asks":[]}"""), Now));
        book.Reset(Json("""{"nonce":9,"bids":[],"asks":[{"price":"3001.00","size":"2.0000"}]}"""), Now);
        Assert.Equal(Quantity.Parse("2"), book.BestAsk!.Value.Size);
    }
}
