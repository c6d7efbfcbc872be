using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Fillwise.Testing;

namespace Fillwise.Storage.Tests;

/// <summary>
/// A journal with every kind of row in it: lots on two venues (one closed, one with a settlement),
/// orders finished and not, fills of ours and an external one, metadata overwritten, engine
/// events, odd text (quotes, newlines, non-ASCII) and every decimal precision.
/// </summary>
internal static class RichJournal
{
    public static async Task WriteAsync(IJournal journal, ManualTimeProvider clock)
    {
        var perp = new InstrumentId("aster", "ZECUSDT");
        await journal.AppendIntentAsync(Journals.Intent("e-1", price: "0.4500", count: "50.00"));
        clock.Advance(TimeSpan.FromMilliseconds(1.2345));
        await journal.AppendIntentAsync(Journals.Intent("e-2") with
        {
            Instrument = perp, Side = OrderSide.Sell, LimitPrice = Price.Parse("495.791668"), Quantity = Quantity.Parse("2.332"),
            Reason = "funding \"arb\"\nleg 2 — ZEC ✓", MetadataJson = """{"note":"é","n":[1,2.5,null]}""",
        });
        await journal.AppendIntentAsync(Journals.Intent("x-1", price: "0.3800", count: "20.00", purpose: OrderPurpose.Exit) with { PositionId = new PositionId("e-1") });
        await journal.AppendIntentAsync(Journals.Intent("m-1", purpose: OrderPurpose.Manual));
        clock.Advance(TimeSpan.FromSeconds(1));
        await journal.AppendOrderEventAsync(new JournalOrderEvent(new ClientOrderId("e-1"), new VenueOrderId("v-e-1"), "Accept", """{"status":"resting"}""", Journals.T0.AddSeconds(1), ResolvesIntent: true));
        await journal.AppendOrderEventAsync(new JournalOrderEvent(new ClientOrderId("m-1"), null, "Cancel", "{}", Journals.T0.AddSeconds(2), ResolvesIntent: true, FinishesOrder: true));
        await journal.AppendFillAsync(Journals.Fill("t-1", "e-1", count: "30.00", fee: "0.017500"));
        await journal.AppendFillAsync(Journals.Fill("t-2", "e-2", count: "2.332", price: "495.791668", fee: "-0.000123") with { Instrument = perp, Side = OrderSide.Sell, IsTaker = false });
        await journal.AppendFillAsync(Journals.Fill("t-ext", clientOrderId: null));
        await journal.AppendFillAsync(Journals.Fill("t-3", "x-1", count: "20.00", price: "0.3800") with { Side = OrderSide.Sell });
        clock.Advance(TimeSpan.FromTicks(7));
        await journal.OpenPositionAsync(new JournalPosition(new PositionId("e-1"), Journals.Instrument, PositionSide.Long, new ClientOrderId("e-1"),
            Quantity.Parse("50.00"), Price.Parse("0.4000"), Price.Parse("0.6000"), "whale-follower", "followed whale 0xabc", Journals.T0.AddSeconds(3)));
        await journal.OpenPositionAsync(new JournalPosition(new PositionId("e-2"), perp, PositionSide.Short, new ClientOrderId("e-2"),
            Quantity.Parse("2.332"), null, null, "funding-arb", "", Journals.T0.AddSeconds(3)));
        await journal.AppendExitAsync(new JournalExit(new PositionId("e-1"), new VenueOrderId("v-x-1"), Quantity.Parse("20.00"), Price.Parse("0.3800"),
            Money.Parse("-1.400000"), Money.Parse("0.028000"), Money.Parse("-1.428000"), Journals.T0.AddSeconds(4), ExitReason.StopLoss));
        await journal.AppendExitAsync(new JournalExit(new PositionId("e-2"), null, Quantity.Parse("2.332"), Price.Parse("1"),
            Money.Parse("1154.886169"), Money.Zero, Money.Parse("1154.886169"), Journals.T0.AddSeconds(5), ExitReason.Settlement));
        await journal.ClosePositionAsync(new PositionId("e-2"), Journals.T0.AddSeconds(5));
        await journal.SetMetadataAsync(MetadataOwner.Position(new PositionId("e-1")), "stop_loss", "\"0.4000\"");
        await journal.SetMetadataAsync(MetadataOwner.Position(new PositionId("e-1")), "stop_loss", "\"0.4200\"");
        await journal.SetMetadataAsync(MetadataOwner.Intent(new ClientOrderId("e-2")), "leg", """{"venue":"aster"}""");
        await journal.SetMetadataAsync(MetadataOwner.Engine("restart"), "count", "3");
        clock.Advance(TimeSpan.FromMinutes(1));
        await journal.AppendEngineEventAsync(new JournalEngineEvent("kill_switch", """{"reason":"daily_loss"}""", Journals.T0.AddMinutes(1)));
        await journal.AppendEngineEventAsync(new JournalEngineEvent("anomaly", """{"kind":"orphan_fill","trade":"t-ext"}""", Journals.T0.AddMinutes(2)));
    }

    /// <summary>Every entry read back, as a list to compare.</summary>
    public static async Task<List<Archive.ArchiveEntry>> ReadAsync(IAsyncEnumerable<Archive.ArchiveEntry> entries)
    {
        var list = new List<Archive.ArchiveEntry>();
        await foreach (var entry in entries)
            list.Add(entry);
        return list;
    }
}
