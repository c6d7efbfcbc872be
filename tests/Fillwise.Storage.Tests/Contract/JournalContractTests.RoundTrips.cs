using Fillwise.Engine.Journal;
using Fillwise.Domain.Orders;
using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Values;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

public abstract partial class JournalContractTests
{
    private const ulong Seed = JournalTextTests.Seed;
    private static readonly Gen<Price> Prices = JournalTextTests.Prices;
    private static readonly Gen<Quantity> Counts = JournalTextTests.Counts;
    private static readonly Gen<Money> Amounts = JournalTextTests.Amounts;
    private static readonly Gen<DateTimeOffset> Times = JournalTextTests.Times;

    [JournalFact]
    public async Task Generated_intents_and_fills_come_back_exactly()
    {
        var intentGen = Gen.Zip(Gen.Zip(Prices, Counts), Gen.Zip(Times, Gen.Elements(Enum.GetValues<OrderPurpose>())));
        var fillGen = Gen.Zip(Gen.Zip(Prices, Counts), Gen.Zip(Amounts.Select(m => m.IsNegative ? -m : m), Times));
        var intents = intentGen.Sample(50, new Rnd(Seed), 150)
            .Select((g, i) => Journals.Intent($"gen-{i}") with
            {
                LimitPrice = g.Item1.Item1,
                Quantity = g.Item1.Item2,
                CreatedAt = g.Item2.Item1,
                Purpose = g.Item2.Item2,
                Instrument = i % 2 == 0 ? Journals.Instrument : new Fillwise.Domain.Instruments.InstrumentId("aster", "ZECUSDT"),
                Side = i % 3 == 0 ? OrderSide.Sell : OrderSide.Buy,
                PositionId = i % 4 == 0 ? null : new PositionId($"lot-{i}"),
            })
            .ToList();
        var fills = fillGen.Sample(50, new Rnd(Seed + 1), 150)
            .Select((g, i) => Journals.Fill($"trade-{i}", $"gen-{i}") with
            {
                Price = g.Item1.Item1,
                Quantity = g.Item1.Item2,
                Commission = g.Item2.Item1,
                At = g.Item2.Item2,
                IsTaker = i % 2 == 0,
            })
            .ToList();

        await using (var journal = await OpenAsync())
        {
            await Task.WhenAll(intents.Select(i => journal.AppendIntentAsync(i)));
            await Task.WhenAll(fills.Select(f => journal.AppendFillAsync(f)));
        }

        await using (var reopened = await OpenAsync())
        {
            foreach (var (intent, fill) in intents.Zip(fills))
            {
                var storedIntent = (await reopened.GetIntentAsync(intent.ClientOrderId))!.Record;
                Assert.Equal(intent, storedIntent);
                Assert.Equal(intent.LimitPrice.ToString(), storedIntent.LimitPrice.ToString());
                Assert.Equal(intent.Quantity.ToString(), storedIntent.Quantity.ToString());
                var storedFill = Assert.Single(await reopened.GetFillsByOrderAsync(intent.ClientOrderId)).Record;
                Assert.Equal(fill, storedFill);
                Assert.Equal(JournalText.Money(fill.Commission), JournalText.Money(storedFill.Commission));
            }
        }
    }

    [JournalFact]
    public async Task Every_record_type_round_trips_with_exact_decimal_strings()
    {
        var clock = new ManualTimeProvider(Journals.T0);
        await using var journal = await OpenAsync(clock);

        var intent = Journals.Intent("coid-1", price: "0.0001", count: "0.01");
        var intentSeq = await journal.AppendIntentAsync(intent);
        var storedIntent = await journal.GetIntentAsync(intent.ClientOrderId);
        Assert.NotNull(storedIntent);
        Assert.Equal(intent, storedIntent.Record);
        Assert.Equal(intentSeq, storedIntent.Sequence);
        Assert.Equal("0.0001", storedIntent.Record.LimitPrice.ToString());
        Assert.Equal("0.01", storedIntent.Record.Quantity.ToString());
        Assert.Equal(intent.MetadataJson, storedIntent.Record.MetadataJson);
        Assert.Equal(Journals.T0, storedIntent.RecordedAt);

        clock.Advance(TimeSpan.FromSeconds(5));
        var sent = new JournalOrderEvent(intent.ClientOrderId, null, "submitted", "{}", Journals.T0.AddSeconds(3));
        var acked = new JournalOrderEvent(intent.ClientOrderId, new VenueOrderId("ord-9"), "acknowledged", """{"status":"resting"}""", Journals.T0.AddSeconds(4));
        await journal.AppendOrderEventAsync(sent);
        await journal.AppendOrderEventAsync(acked);
        var events = await journal.GetOrderEventsAsync(intent.ClientOrderId);
        Assert.Equal([sent, acked], events.Select(e => e.Record));
        Assert.True(events[0].Sequence < events[1].Sequence);
        Assert.All(events, e => Assert.Equal(Journals.T0.AddSeconds(5), e.RecordedAt));

        var fill = Journals.Fill("trade-1", fee: "0.017472", price: "0.9999", count: "12345.67");
        var fillResult = await journal.AppendFillAsync(fill);
        Assert.Equal(FillAppendOutcome.Appended, fillResult.Outcome);
        var storedFill = Assert.Single(await journal.GetFillsByOrderAsync(intent.ClientOrderId));
        Assert.Equal(fill, storedFill.Record);
        Assert.Equal("0.017472", JournalText.Money(storedFill.Record.Commission));
        Assert.Equal("0.9999", storedFill.Record.Price.ToString());
        Assert.Equal("12345.67", storedFill.Record.Quantity.ToString());
        Assert.Equal(fill, Assert.Single(await journal.GetFillsByVenueOrderAsync(fill.VenueOrderId!.Value)).Record);
        Assert.Equal(fill, Assert.Single(await journal.GetFillsAsync(0, 10)).Record);

        var position = new JournalPosition(new PositionId("pos-1"), intent.Instrument, Fillwise.Domain.Portfolio.PositionSide.Long, intent.ClientOrderId,
            Quantity.Parse("100.00"), Price.Parse("0.3500"), Price.Parse("0.7250"), "whale-follower", "followed whale 0xabc", Journals.T0.AddSeconds(6));
        await journal.OpenPositionAsync(position);
        var stopLoss = new JournalExit(position.PositionId, new VenueOrderId("exit-1"), Quantity.Parse("50.00"), Price.Parse("0.3400"),
            Money.Parse("-5.500000"), Money.Parse("0.017500"), Money.Parse("-5.517500"), Journals.T0.AddSeconds(7), Fillwise.Domain.Portfolio.ExitReason.StopLoss);
        var settlement = new JournalExit(position.PositionId, null, Quantity.Parse("50.00"), Price.Parse("1"),
            Money.Parse("27.500000"), Money.Zero, Money.Parse("27.500000"), Journals.T0.AddSeconds(8), Fillwise.Domain.Portfolio.ExitReason.Settlement);
        await journal.AppendExitAsync(stopLoss);
        await journal.AppendExitAsync(settlement);
        var state = await journal.GetPositionAsync(position.PositionId);
        Assert.NotNull(state);
        Assert.Equal(position, state.Position);
        Assert.Null(state.ClosedAt);
        Assert.Equal([stopLoss, settlement], state.Exits.Select(e => e.Record));
        Assert.Equal("-5.517500", JournalText.Money(state.Exits[0].Record.RealizedPnl));
        Assert.Equal("1", state.Exits[1].Record.Price.ToString());
        Assert.Equal("0.35", state.Position.StopLoss!.Value.ToString());

        await journal.SetMetadataAsync(MetadataOwner.Position(position.PositionId), "stop_loss", "\"0.3500\"");
        await journal.SetMetadataAsync(MetadataOwner.Position(position.PositionId), "stop_loss", "\"0.3800\"");
        await journal.SetMetadataAsync(MetadataOwner.Position(position.PositionId), "whale", """{"id":"0xabc"}""");
        await journal.SetMetadataAsync(MetadataOwner.Intent(intent.ClientOrderId), "whale", "\"other\"");
        var metadata = await journal.GetMetadataAsync(MetadataOwner.Position(position.PositionId));
        Assert.Equal(2, metadata.Count);
        Assert.Equal("\"0.3800\"", metadata["stop_loss"]);
        Assert.Equal("""{"id":"0xabc"}""", metadata["whale"]);
        Assert.Equal("\"other\"", (await journal.GetMetadataAsync(MetadataOwner.Intent(intent.ClientOrderId)))["whale"]);

        var engineEvents = Enumerable.Range(0, 5)
            .Select(i => new JournalEngineEvent(i == 4 ? "kill_switch" : "reconciliation", $$"""{"n":{{i}}}""", Journals.T0.AddMinutes(i)))
            .ToList();
        foreach (var e in engineEvents)
            await journal.AppendEngineEventAsync(e);
        var recent = await journal.GetRecentEngineEventsAsync(3);
        Assert.Equal(engineEvents.Skip(2), recent.Select(e => e.Record));
        Assert.Empty(await journal.GetRecentEngineEventsAsync(0));
    }

    [JournalFact]
    public async Task Resolving_event_removes_an_intent_from_the_unresolved_set()
    {
        await using var journal = await OpenAsync();
        var a = Journals.Intent("a");
        var b = Journals.Intent("b");
        await journal.AppendIntentAsync(a);
        await journal.AppendIntentAsync(b);
        await journal.AppendOrderEventAsync(new JournalOrderEvent(a.ClientOrderId, null, "timeout", "{}", Journals.T0));
        Assert.Equal([a, b], (await journal.GetUnresolvedIntentsAsync()).Select(e => e.Record));

        await journal.AppendOrderEventAsync(new JournalOrderEvent(a.ClientOrderId, new VenueOrderId("v-a"), "executed", "{}", Journals.T0, ResolvesIntent: true));
        Assert.Equal([b], (await journal.GetUnresolvedIntentsAsync()).Select(e => e.Record));
    }

    [JournalFact]
    public async Task Closed_positions_leave_the_open_set_but_keep_their_exits()
    {
        await using var journal = await OpenAsync();
        JournalPosition Position(string id) => new(new PositionId(id), new Fillwise.Domain.Instruments.InstrumentId("kalshi", "KXA:no"),
            Fillwise.Domain.Portfolio.PositionSide.Long, null, Quantity.Parse("10.00"), null, null, "manual", "", Journals.T0);
        await journal.OpenPositionAsync(Position("p1"));
        await journal.OpenPositionAsync(Position("p2"));
        var exit = new JournalExit(new PositionId("p1"), null, Quantity.Parse("10.00"), Price.Zero,
            Money.Parse("-4.000000"), Money.Zero, Money.Parse("-4.000000"), Journals.T0.AddHours(1), Fillwise.Domain.Portfolio.ExitReason.Settlement);
        await journal.AppendExitAsync(exit);
        await journal.ClosePositionAsync(new PositionId("p1"), Journals.T0.AddHours(1));

        var open = await journal.GetOpenPositionsAsync();
        Assert.Equal(["p2"], open.Select(p => p.Position.PositionId.Value));
        var closed = await journal.GetPositionAsync(new PositionId("p1"));
        Assert.Equal(Journals.T0.AddHours(1), closed!.ClosedAt);
        Assert.Equal(exit, Assert.Single(closed.Exits).Record);
        Assert.Equal("0", closed.Exits[0].Record.Price.ToString());
        Assert.Null(await journal.GetPositionAsync(new PositionId("nope")));
    }
}
