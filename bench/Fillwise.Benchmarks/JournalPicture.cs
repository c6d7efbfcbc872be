using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;

namespace Fillwise.Benchmarks;

/// <summary>What became of a journaled bench order.</summary>
internal enum BenchOrderKind { OpenLot, Live, Canceled }

/// <summary>
/// A journal as a long-running engine leaves it, written order by order: entries that opened a lot
/// (accepted, filled 10 at 0.45, lot with its plan), orders still resting, and canceled ones. Order
/// i has client id fw-bench-i, venue id v-i and trade id t-i, so a venue picture can be built beside it.
/// </summary>
internal static class JournalPicture
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first <paramref name="lots"/> orders opened lots, the last <paramref name="live"/> rest, the others were canceled.</summary>
    public static BenchOrderKind KindOf(int i, int lots, int orders, int live) =>
        i < lots ? BenchOrderKind.OpenLot : i >= orders - live ? BenchOrderKind.Live : BenchOrderKind.Canceled;

    public static ClientOrderId ClientId(int i) => new($"fw-bench-{i.ToString(CultureInfo.InvariantCulture)}");

    public static VenueOrderId VenueId(int i) => new($"v-{i.ToString(CultureInfo.InvariantCulture)}");

    public static TradeId TradeIdOf(int i) => new($"t-{i.ToString(CultureInfo.InvariantCulture)}");

    public static readonly Quantity Size = Quantity.Of(10);
    public static readonly Price EntryPrice = Price.Parse("0.45");
    public static readonly Money Commission = Money.Parse("0.0173");

    public static async Task WriteOrderAsync(IJournal journal, int i, InstrumentId instrument, BenchOrderKind kind)
    {
        var id = ClientId(i);
        var lot = kind == BenchOrderKind.OpenLot ? new PositionId(id.Value) : (PositionId?)null;
        var venueId = VenueId(i);
        var plan = lot is null ? "" : ""","plan":{"strategy":"bench","side":"long","stop_loss":"0.40","take_profit":"0.60","requested":"10","reason":"bench"}""";
        await journal.AppendIntentAsync(new JournalIntent(id, instrument, OrderSide.Buy, Size, EntryPrice, OrderPurpose.Entry, "bench", "bench",
            $$"""{"time_in_force":"GoodTillCanceled"{{plan}}}""", T0, lot));
        await journal.AppendOrderEventAsync(new JournalOrderEvent(id, null, "Submit", "{}", T0));
        await journal.AppendOrderEventAsync(new JournalOrderEvent(id, venueId, "Accept", "{}", T0, ResolvesIntent: true));
        switch (kind)
        {
            case BenchOrderKind.OpenLot:
                var trade = TradeIdOf(i);
                await journal.AppendOrderEventAsync(new JournalOrderEvent(id, venueId, "Fill",
                    $$"""{"trade_id":"{{trade}}","quantity":"10","price":"0.45","commission":"0.0173","is_taker":true}""", T0, ResolvesIntent: true, FinishesOrder: true));
                await journal.AppendFillAsync(new JournalFill(trade, id, venueId, instrument, OrderSide.Buy, Size, EntryPrice, Commission, true, T0));
                await journal.OpenPositionAsync(new JournalPosition(lot!.Value, instrument, PositionSide.Long, id, Size, Price.Parse("0.40"), Price.Parse("0.60"), "bench", "bench", T0));
                break;
            case BenchOrderKind.Live:
                break; // accepted, resting
            default:
                await journal.AppendOrderEventAsync(new JournalOrderEvent(id, venueId, "Cancel", "{}", T0, ResolvesIntent: true, FinishesOrder: true));
                break;
        }
    }
}
