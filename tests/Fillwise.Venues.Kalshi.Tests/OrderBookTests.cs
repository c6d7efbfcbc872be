using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi.Tests;

public sealed class OrderBookTests
{
    private static readonly MarketTicker T = new("KXT-1");

    private static KalshiBookLevel L(string p, string c) => new(ContractPrice.Parse(p), Contracts.Parse(c));

    [Fact]
    public void Snapshot_delta_math_and_derived_asks()
    {
        var book = new OrderBook(T);
        Assert.True(book.IsStale);
        book.ApplySnapshot([L("0.46", "1"), L("0.47", "3")], [L("0.48", "3"), L("0.40", "5")]);
        Assert.False(book.IsStale);
        Assert.Equal(ContractPrice.Parse("0.47"), book.BestBid(OutcomeSide.Yes));
        Assert.Equal(ContractPrice.Parse("0.48"), book.BestBid(OutcomeSide.No));
        Assert.Equal(ContractPrice.Parse("0.52"), book.BestAsk(OutcomeSide.Yes)); // 1 - best NO bid
        Assert.Equal(ContractPrice.Parse("0.53"), book.BestAsk(OutcomeSide.No));
        Assert.Equal(Contracts.Parse("3"), book.AskSizeAt(OutcomeSide.Yes, ContractPrice.Parse("0.52")));

        Assert.Equal(BookApplyResult.Applied, book.ApplyDelta(OutcomeSide.Yes, ContractPrice.Parse("0.47"), -3m));
        Assert.Equal(ContractPrice.Parse("0.46"), book.BestBid(OutcomeSide.Yes)); // best emptied: next level down
        Assert.Equal(BookApplyResult.Applied, book.ApplyDelta(OutcomeSide.Yes, ContractPrice.Parse("0.5012"), 2.5m));
        Assert.Equal(ContractPrice.Parse("0.5012"), book.BestBid(OutcomeSide.Yes));
        Assert.Equal(Contracts.Parse("2.50"), book.BestBidSize(OutcomeSide.Yes));
        Assert.Equal(Contracts.Parse("3.50"), book.BidDepth(OutcomeSide.Yes, ContractPrice.Parse("0.40")));
        Assert.Equal([ContractPrice.Parse("0.5012"), ContractPrice.Parse("0.46")], book.Bids(OutcomeSide.Yes).Select(l => l.Price));
        Assert.Equal([ContractPrice.Parse("0.52"), ContractPrice.Parse("0.60")], book.Asks(OutcomeSide.Yes).Select(l => l.Price));

        Assert.Equal(BookApplyResult.Inconsistent, book.ApplyDelta(OutcomeSide.No, ContractPrice.Parse("0.48"), -4m));
        Assert.True(book.IsStale);
        Assert.Equal(BookApplyResult.DroppedStale, book.ApplyDelta(OutcomeSide.No, ContractPrice.Parse("0.48"), 1m));
    }

    private static byte[] Snapshot(long sid, long seq, string ticker = "KXT-1") => Encoding.UTF8.GetBytes(
        $$$"""{"type":"orderbook_snapshot","sid":{{{sid}}},"seq":{{{seq}}},"msg":{"market_ticker":"{{{ticker}}}","market_id":"m","yes_dollars_fp":[["0.0800","300.00"],["0.2200","333.00"]],"no_dollars_fp":[["0.5400","20.00"],["0.5600","146.00"]]}}""");

    private static byte[] Delta(long sid, long seq, string price, string delta, string side, string ticker = "KXT-1") => Encoding.UTF8.GetBytes(
        $$$"""{"type":"orderbook_delta","sid":{{{sid}}},"seq":{{{seq}}},"msg":{"market_ticker":"{{{ticker}}}","market_id":"m","price_dollars":"{{{price}}}","delta_fp":"{{{delta}}}","side":"{{{side}}}","ts_ms":1669149841000}}""");

    [Fact]
    public void Feed_applies_snapshot_and_deltas_from_bytes()
    {
        var feed = new OrderBookFeed();
        Assert.Equal(BookFeedOutcome.SnapshotApplied, feed.Apply(Snapshot(2, 1)).Outcome);
        Assert.Equal(BookFeedOutcome.DeltaApplied, feed.Apply(Delta(2, 2, "0.220", "-33.00", "yes")).Outcome);
        Assert.Equal(BookFeedOutcome.DeltaApplied, feed.Apply(Delta(2, 3, "0.5700", "5", "no")).Outcome);
        var book = feed.Book(T)!;
        Assert.Equal(Contracts.Parse("300"), book.BidSizeAt(OutcomeSide.Yes, ContractPrice.Parse("0.22")));
        Assert.Equal(ContractPrice.Parse("0.57"), book.BestBid(OutcomeSide.No));
        Assert.Equal(ContractPrice.Parse("0.43"), book.BestAsk(OutcomeSide.Yes));
        Assert.Equal(3, book.LastSeq);
    }

    [Fact]
    public void Field_order_does_not_matter()
    {
        var feed = new OrderBookFeed();
        feed.Apply(Snapshot(2, 1));
        var msgFirst = """{"msg":{"side":"yes","delta_fp":"1.00","price_dollars":"0.0800","market_ticker":"KXT-1"},"seq":2,"sid":2,"type":"orderbook_delta"}"""u8;
        Assert.Equal(BookFeedOutcome.DeltaApplied, feed.Apply(msgFirst).Outcome);
        Assert.Equal(Contracts.Parse("301"), feed.Book(T)!.BidSizeAt(OutcomeSide.Yes, ContractPrice.Parse("0.08")));
    }

    [Fact]
    public void Gap_marks_stale_drops_deltas_and_recovers_on_snapshot()
    {
        var feed = new OrderBookFeed();
        feed.Apply(Snapshot(2, 1));
        feed.Apply(Snapshot(2, 2, "KXT-2"));
        feed.Apply(Delta(2, 3, "0.0800", "1.00", "yes"));
        var gap = feed.Apply(Delta(2, 5, "0.0800", "1.00", "yes"));
        Assert.Equal(BookFeedOutcome.Gap, gap.Outcome);
        Assert.True(gap.NeedsSnapshot);
        Assert.True(feed.Book(T)!.IsStale);
        Assert.True(feed.Book(new MarketTicker("KXT-2"))!.IsStale); // same sid: could have been either market
        Assert.Equal(2, feed.StaleBooks(2).Count());
        Assert.Equal(BookFeedOutcome.DroppedStale, feed.Apply(Delta(2, 6, "0.0800", "1.00", "yes")).Outcome);
        Assert.Equal(BookFeedOutcome.Duplicate, feed.Apply(Delta(2, 6, "0.0800", "1.00", "yes")).Outcome);

        Assert.Equal(BookFeedOutcome.SnapshotApplied, feed.Apply(Snapshot(2, 7)).Outcome);
        Assert.Equal(BookFeedOutcome.DeltaApplied, feed.Apply(Delta(2, 8, "0.0800", "-100.00", "yes")).Outcome);
        Assert.Equal(Contracts.Parse("200"), feed.Book(T)!.BidSizeAt(OutcomeSide.Yes, ContractPrice.Parse("0.08")));
        Assert.True(feed.Book(new MarketTicker("KXT-2"))!.IsStale);
    }

    [Theory]
    [InlineData("""{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXT-1","price_dollars":"0.45001","delta_fp":"1","side":"yes"}}""")]
    [InlineData("""{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXT-1","price_dollars":"1.0000","delta_fp":"1","side":"yes"}}""")]
    [InlineData("""{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXT-1","price_dollars":"0.4500","delta_fp":"1.005","side":"yes"}}""")]
    [InlineData("""{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXT-1","price_dollars":"0.4500","delta_fp":"1","side":"maybe"}}""")]
    [InlineData("""{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXT-1","delta_fp":"1","side":"yes"}}""")]
    [InlineData("""{"type":"orderbook_delta","sid":1,"msg":{"market_ticker":"KXT-1","price_dollars":"0.4500","delta_fp":"1","side":"yes"}}""")]
    [InlineData("""{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXT-1","price_dollars":"0.45""")]
    public void Malformed_deltas_are_reported_not_thrown(string json)
    {
        var feed = new OrderBookFeed();
        feed.Apply(Snapshot(1, 1));
        Assert.Equal(BookFeedOutcome.Malformed, feed.Apply(Encoding.UTF8.GetBytes(json)).Outcome);
    }

    [Fact]
    public void Other_messages_are_not_book_messages()
    {
        var feed = new OrderBookFeed();
        Assert.Equal(BookFeedOutcome.NotBookMessage, feed.Apply("""{"type":"ticker","sid":3,"msg":{}}"""u8).Outcome);
        Assert.Equal(BookFeedOutcome.NotBookMessage, feed.Apply("""{"id":1,"type":"subscribed","msg":{"channel":"ticker","sid":3}}"""u8).Outcome);
    }

    [Fact]
    public void Delta_path_allocates_nothing()
    {
        var feed = new OrderBookFeed();
        feed.Apply(Snapshot(2, 1));
        var messages = Enumerable.Range(0, 2000)
            .Select(i => Delta(2, i + 2, (i / 2) % 2 == 0 ? "0.3000" : "0.3100", i % 2 == 0 ? "5.00" : "-5.00", (i / 2) % 3 == 0 ? "no" : "yes"))
            .ToArray();
        for (var i = 0; i < 100; i++) feed.Apply(messages[i]); // warm up (JIT, cache)
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < messages.Length; i++)
        {
            if (feed.Apply(messages[i]).Outcome != BookFeedOutcome.DeltaApplied) Assert.Fail($"message {i} not applied");
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private const string Alphabet = "{}[]\\\":,. -0123456789aeflnrstu\t";

    /// <summary>Flips, drops or inserts one byte (JSON-ish characters are the interesting ones).</summary>
    private static byte[] Mutate(byte[] frame, System.Random rng)
    {
        var bytes = frame.ToList();
        var at = rng.Next(bytes.Count);
        var junk = (byte)Alphabet[rng.Next(Alphabet.Length)];
        switch (rng.Next(3))
        {
            case 0: bytes[at] = junk; break;
            case 1: bytes.RemoveAt(at); break;
            default: bytes.Insert(at, junk); break;
        }
        return [.. bytes];
    }

    [Fact]
    public void Fast_scanner_agrees_with_the_reader_path_on_mutated_frames()
    {
        var fast = new OrderBookFeed();
        var slow = new OrderBookFeed { UseFastPath = false };
        fast.Apply(Snapshot(2, 1));
        slow.Apply(Snapshot(2, 1));
        var rng = new System.Random(7);
        var seq = 1L;
        for (var n = 0; n < 20_000; n++)
        {
            var frame = Delta(2, ++seq, rng.Next(2) == 0 ? "0.0800" : "0.3300", rng.Next(2) == 0 ? "1.00" : "2.50", rng.Next(2) == 0 ? "yes" : "no");
            if (rng.Next(3) > 0) frame = Mutate(frame, rng);
            var a = fast.Apply(frame);
            var b = slow.Apply(frame);
            Assert.True(a.Outcome == b.Outcome && a.Sid == b.Sid && a.Seq == b.Seq, $"frame {Encoding.UTF8.GetString(frame)}: fast {a} vs reader {b}");
            Assert.Equal(slow.Book(T)!.Top, fast.Book(T)!.Top);
            if (fast.Book(T)!.IsStale)
            {
                fast.Apply(Snapshot(2, ++seq));
                slow.Apply(Snapshot(2, seq));
            }
        }
    }

    [Fact]
    public void Fast_scanner_agrees_with_the_reader_path_on_many_markets_and_number_shapes()
    {
        // 40 markets of one event (tickers differ only at the end: the hash must still spread them),
        // Kalshi's full layout with market_id and ts_ms, sizes of 1 to 10 whole digits with either
        // sign, prices in every accepted shape, and one frame in three mutated.
        var tickers = Enumerable.Range(0, 40).Select(n => $"KXHIGHNY-26NOV22-B{40 + n}.5").ToArray();
        var fast = new OrderBookFeed();
        var slow = new OrderBookFeed { UseFastPath = false };
        var seq = 0L;
        foreach (var t in tickers)
        {
            fast.Apply(Snapshot(4, ++seq, t));
            slow.Apply(Snapshot(4, seq, t));
        }
        var rng = new System.Random(20261122);
        string[] priceShapes = ["0.{0:D2}", "0.{0:D2}0", "0.{0:D2}00", "0.{0:D2}000", "0.{0:D2}01"];
        for (var n = 0; n < 30_000; n++)
        {
            var ticker = tickers[rng.Next(tickers.Length)];
            var price = string.Format(System.Globalization.CultureInfo.InvariantCulture, priceShapes[rng.Next(priceShapes.Length)], rng.Next(1, 100));
            var whole = rng.Next(11) switch { 0 => "0", 10 => "1234567890", var d => string.Concat(Enumerable.Range(0, d).Select(k => (char)('0' + (k == 0 ? rng.Next(1, 10) : rng.Next(10))))) };
            var size = $"{(rng.Next(2) == 0 ? "-" : "")}{whole}{rng.Next(4) switch { 0 => "", 1 => ".5", _ => $".{rng.Next(100):D2}" }}";
            var frame = Encoding.UTF8.GetBytes(
                $$$"""{"type":"orderbook_delta","sid":4,"seq":{{{++seq}}},"msg":{"market_ticker":"{{{ticker}}}","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1{{{n % 256:x2}}}","price_dollars":"{{{price}}}","delta_fp":"{{{size}}}","side":"{{{(rng.Next(2) == 0 ? "yes" : "no")}}}","ts_ms":{{{1_781_000_000_000 + n}}}}}""");
            if (price.Length == 6 && whole.Length < 8) Assert.True(fast.ScansAsKalshiLayout(frame), Encoding.UTF8.GetString(frame));
            if (rng.Next(3) == 0) frame = Mutate(frame, rng);
            var a = fast.Apply(frame);
            var b = slow.Apply(frame);
            Assert.True(a.Outcome == b.Outcome && a.Sid == b.Sid && a.Seq == b.Seq && a.Book?.Ticker == b.Book?.Ticker,
                $"frame {Encoding.UTF8.GetString(frame)}: fast {a} vs reader {b}");
            if (a.Book is { } touched)
            {
                var other = slow.Book(touched.Ticker)!;
                Assert.Equal(other.Top, touched.Top);
                if (touched.IsStale)
                {
                    fast.Apply(Snapshot(4, ++seq, touched.Ticker.Value));
                    slow.Apply(Snapshot(4, seq, touched.Ticker.Value));
                }
            }
        }
        foreach (var t in tickers)
        {
            var f = fast.Book(new MarketTicker(t))!;
            var r = slow.Book(new MarketTicker(t))!;
            Assert.Equal(r.Bids(OutcomeSide.Yes), f.Bids(OutcomeSide.Yes));
            Assert.Equal(r.Bids(OutcomeSide.No), f.Bids(OutcomeSide.No));
        }
    }

    [Fact]
    public void Word_at_a_time_digit_reading_matches_the_plain_loop()
    {
        var rng = new System.Random(11);
        for (var n = 0; n < 50_000; n++)
        {
            // Mostly digits, sometimes any byte at all (carries out of bytes >= 0xFA included).
            var bytes = new byte[rng.Next(0, 24)];
            for (var k = 0; k < bytes.Length; k++) bytes[k] = rng.Next(5) == 0 ? (byte)rng.Next(256) : (byte)('0' + rng.Next(10));
            var from = bytes.Length == 0 ? 0 : rng.Next(bytes.Length);
            var end = from;
            while (end < bytes.Length && bytes[end] is >= (byte)'0' and <= (byte)'9') end++;
            Assert.Equal(end, OrderBookFeed.DigitRun(bytes, from));
            if (bytes.Length - from >= 8)
            {
                var word = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(from));
                var count = OrderBookFeed.DigitsInWord(word);
                Assert.Equal(Math.Min(8, end - from), count);
                if (count is > 0 and < 8)
                {
                    var expected = ulong.Parse(Encoding.ASCII.GetString(bytes, from, count), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(expected, OrderBookFeed.ParseEightDigits(word, count));
                }
            }
        }
    }

    /// <summary>One random change: side, tick (coarse grid so levels collide), signed size in hundredths.</summary>
    public sealed record Op(bool Yes, int Tick, long Centis);

    [Fact]
    public void Random_delta_stream_matches_a_dictionary_model()
    {
        var opGen =
            from yes in Gen.Elements(true, false)
            from tick in Gen.Choose(1, 40).Select(t => t * 250 - 1) // 0.0249 .. 0.9999 on a 0.0001 grid
            from size in Gen.Choose(-500, 1000)
            select new Op(yes, tick, size);
        var arb = Gen.ListOf(opGen).Select(l => l.ToList()).ToArbitrary();

        var property = Prop.ForAll(arb, ops =>
        {
            var feed = new OrderBookFeed();
            feed.Apply(Encoding.UTF8.GetBytes("""{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXP-1","market_id":"m"}}"""));
            var model = new Dictionary<(bool, int), long>();
            var seq = 1L;
            foreach (var op in ops)
            {
                var current = model.GetValueOrDefault((op.Yes, op.Tick));
                var delta = current + op.Centis < 0 ? -current : op.Centis; // the venue never sends a level below zero
                if (delta == 0) continue;
                var text = $$$"""{"type":"orderbook_delta","sid":1,"seq":{{{++seq}}},"msg":{"market_ticker":"KXP-1","price_dollars":"0.{{{op.Tick:D4}}}","delta_fp":"{{{(delta < 0 ? "-" : "")}}}{{{Math.Abs(delta) / 100}}}.{{{Math.Abs(delta) % 100:D2}}}","side":"{{{(op.Yes ? "yes" : "no")}}}"}}""";
                if (feed.Apply(Encoding.UTF8.GetBytes(text)).Outcome != BookFeedOutcome.DeltaApplied) return false;
                model[(op.Yes, op.Tick)] = current + delta;
            }
            var book = feed.Book(new MarketTicker("KXP-1"))!;
            foreach (var yes in new[] { true, false })
            {
                var side = yes ? OutcomeSide.Yes : OutcomeSide.No;
                var expected = model.Where(kv => kv.Key.Item1 == yes && kv.Value > 0).OrderByDescending(kv => kv.Key.Item2)
                    .Select(kv => (kv.Key.Item2, kv.Value)).ToList();
                var actual = book.Bids(side).Select(l => (book.TickOf(l.Price), (long)(l.Count.Value * 100))).ToList();
                if (!expected.SequenceEqual(actual)) return false;
                var best = expected.Count == 0 ? (ContractPrice?)null : ContractPrice.FromDollars(expected[0].Item1 / 10_000m);
                if (book.BestBid(side) != best) return false;
                if (book.BestAsk(side.Opposite()) != best?.Complement) return false;
            }
            return !book.IsStale;
        });

        var replay = new Replay(new Rnd(20260611UL, 1442695040888963407UL), Microsoft.FSharp.Core.FSharpOption<int>.None);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(replay), property);
    }
}
