using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Funding;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Portfolio;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Perp;

/// <summary>Funding on the engine's perpetual lots: booked from the venue's payments on what each lot held when it settled, once, across restarts, and agreed with the venue.</summary>
public class FundingTests
{
    private static readonly InstrumentId Zec = ScriptedVenue.Perpetual();

    private static async Task<(EngineHarness H, ScriptedFunding Funding)> Started(InMemoryJournal? journal = null, ScriptedVenue? venue = null, ManualTimeProvider? clock = null)
    {
        ScriptedFunding? funding = null;
        var h = new EngineHarness(journal, venue, clock: clock, connect: v => (funding = new ScriptedFunding(v)).Connection);
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        return (h, funding!);
    }

    private static async Task<LotView> Long(EngineHarness h, string quantity, string price = "500")
    {
        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        var entry = await h.Run(() => h.Entries.EnterAsync(new EntryRequest(Zec, PositionSide.Long, Quantity.Parse(quantity), Price.Parse(price), "test",
            FillTimeout: TimeSpan.FromSeconds(3)), CancellationToken.None));
        Assert.Equal(ConfirmationOutcome.Filled, entry.Confirmation.Outcome);
        return h.OpenLots.Single(l => l.Id == entry.PositionId);
    }

    private static Task<FundingSyncResult> Sync(EngineHarness h) => h.Run(() => h.Engine.Funding.SyncAsync(ScriptedVenue.Name, CancellationToken.None));

    private static Money FundingOf(EngineHarness h, PositionId id) => h.Engine.Portfolio.View(id)!.FundingPaid;

    [Fact]
    public async Task Each_settlement_is_charged_on_what_each_lot_held_then_once_and_what_no_lot_held_is_kept_apart()
    {
        var (h, venue) = await Started();
        await using var _ = h;
        var first = await Long(h, "1.000");
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        venue.Pay("f1", Zec, "0.05", h.Clock.GetUtcNow(), signedPosition: 1m);   // only the first lot was held
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        var second = await Long(h, "3.000");
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        venue.Pay("f2", Zec, "0.20", h.Clock.GetUtcNow(), signedPosition: 4m);   // both: 1 and 3 of 4
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        venue.Pay("f3", Zec, "-0.50", h.Clock.GetUtcNow(), signedPosition: 5m);  // received; the venue held 1 more than our lots

        var synced = await Sync(h);
        Assert.Equal((3, Money.Parse("-0.25")), (synced.Booked, synced.Paid));
        Assert.Equal(Money.Parse("0.05") + Money.Parse("0.05") - Money.Parse("0.10"), FundingOf(h, first.Id));
        Assert.Equal(Money.Parse("0.15") - Money.Parse("0.30"), FundingOf(h, second.Id));
        var snapshot = h.Engine.Snapshot().Funding;
        Assert.Equal(Money.Parse("-0.25"), snapshot.Paid[Zec]);
        Assert.Equal(Money.Parse("-0.10"), snapshot.Unattributed[Zec]);

        // Read again (the overlap brings them back): nothing is booked twice.
        Assert.Equal(0, (await Sync(h)).Booked);
        Assert.Equal(Money.Parse("-0.15"), FundingOf(h, second.Id));
        await h.Engine.Recorder.FlushAsync(CancellationToken.None);
        Assert.Equal(3, (await h.Journal.GetRecentEngineEventsAsync(1000)).Count(e => e.Record.Kind == "funding"));
    }

    [Fact]
    public async Task A_restart_gives_each_open_lot_back_what_it_paid_and_books_nothing_twice()
    {
        var clock = new ManualTimeProvider();
        var journal = new InMemoryJournal();
        var scripted = new ScriptedVenue();
        PositionId lot;
        var (h, venue) = await Started(journal, scripted, clock);
        await using (h)
        {
            lot = (await Long(h, "2.000")).Id;
            clock.Advance(TimeSpan.FromHours(1));
            venue.Pay("f1", Zec, "0.1028", clock.GetUtcNow(), signedPosition: 2m);
            await Sync(h);
            Assert.Equal(Money.Parse("0.1028"), FundingOf(h, lot));
        }

        var (again, venueAgain) = await Started(journal, scripted, clock);
        await using (again)
        {
            // The start's reconciliation read the payments again: the one booked before stays booked once.
            Assert.Equal(Money.Parse("0.1028"), FundingOf(again, lot));
            clock.Advance(TimeSpan.FromHours(1));
            venueAgain.Pay("f1", Zec, "0.1028", clock.GetUtcNow() - TimeSpan.FromHours(1), signedPosition: 2m);
            venueAgain.Pay("f2", Zec, "0.1030", clock.GetUtcNow(), signedPosition: 2m);
            Assert.Equal(1, (await Sync(again)).Booked);
            Assert.Equal(Money.Parse("0.2058"), FundingOf(again, lot));
            Assert.Equal(Money.Parse("0.2058"), again.Engine.Snapshot().Funding.Paid[Zec]);
        }
    }

    [Fact]
    public async Task Once_flat_the_reconciler_finds_the_funding_paid_equal_to_the_venues_and_names_a_difference()
    {
        var (h, venue) = await Started();
        await using var _ = h;
        var lot = await Long(h, "1.500");
        h.Clock.Advance(TimeSpan.FromHours(1));
        venue.Pay("f1", Zec, "0.0771", h.Clock.GetUtcNow(), signedPosition: 1.5m);
        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        var exit = await h.Run(() => h.Engine.ExitAsync(lot.Id, ExitReason.Manual, Price.Parse("501")));
        Assert.Equal(ConfirmationOutcome.Filled, exit.Confirmation!.Outcome);

        // Report only (the `reconcile` command): a payment not read yet is counted, nothing is booked.
        var looked = await h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "manual", apply: false, CancellationToken.None));
        Assert.True(looked.Clean, string.Join("; ", looked.Discrepancies));
        Assert.Equal(Money.Zero, FundingOf(h, lot.Id));

        var pass = await h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "test", apply: true, CancellationToken.None));
        Assert.True(pass.Clean, string.Join("; ", pass.Discrepancies));
        Assert.Equal(Money.Parse("0.0771"), FundingOf(h, lot.Id));

        venue.TotalAdjustments[Zec] = Money.Parse("0.05");
        var differs = await h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "test", apply: true, CancellationToken.None));
        var found = Assert.Single(differs.Discrepancies);
        Assert.Equal(DiscrepancyKind.PnlMismatch, found.Kind);
        Assert.Contains("funding paid 0.0771 here, 0.1271 on the venue", found.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_engine_follows_the_rate_interval_and_next_settlement_of_what_it_holds_and_reads_just_after_it()
    {
        var (h, venue) = await Started();
        await using var _ = h;
        var next = h.Clock.GetUtcNow() + TimeSpan.FromMinutes(10);
        venue.Schedules[Zec] = new FundingInfo(Zec, 0.000012m, TimeSpan.FromHours(1), next, Price.Parse("514"));
        using var stop = new CancellationTokenSource();
        var running = h.Engine.Funding.RunAsync(stop.Token);
        await Long(h, "1.000");
        await h.Until(() => h.Engine.Snapshot().Funding.Schedules.Any(s => s.Instrument == Zec), "the schedule of the held instrument is read");
        var schedule = h.Engine.Snapshot().Funding.Schedules.Single();
        Assert.Equal((0.000012m, TimeSpan.FromHours(1), next, 0.000012m), (schedule.Rate, schedule.Interval, schedule.NextFundingTime, schedule.RatePerHour));

        venue.Pay("f1", Zec, "0.006168", next, signedPosition: 1m);
        await h.Until(() => h.Engine.Portfolio.Snapshot().Open.Single().FundingPaid == Money.Parse("0.006168"), "the settlement is booked just after it");
        await stop.CancelAsync();
        await running;
    }
}

/// <summary>The split of one settlement over lots: proportional, exact to the payment, never onto a lot of the other side.</summary>
public class FundingAllocationTests
{
    private static readonly PositionId A = new("a");
    private static readonly PositionId B = new("b");
    private static readonly PositionId C = new("c");

    [Fact]
    public void Shares_follow_what_each_lot_held_and_add_up_to_the_payment_exactly()
    {
        var split = FundingAllocation.Split(Money.Parse("0.01"), 3m,
            [(A, PositionSide.Long, Quantity.Parse("1")), (B, PositionSide.Long, Quantity.Parse("1")), (C, PositionSide.Long, Quantity.Parse("1"))]);
        Assert.Equal([Money.Parse("0.00333333"), Money.Parse("0.00333333"), Money.Parse("0.00333334")], split.Shares.Select(s => s.Paid));
        Assert.Equal(Money.Zero, split.Unattributed);
    }

    [Fact]
    public void A_position_bigger_than_our_lots_leaves_the_rest_unattributed_and_the_other_side_pays_nothing()
    {
        var split = FundingAllocation.Split(Money.Parse("-0.30"), -3m,
            [(A, PositionSide.Short, Quantity.Parse("1")), (B, PositionSide.Long, Quantity.Parse("5")), (C, PositionSide.Short, Quantity.Zero)]);
        var share = Assert.Single(split.Shares);
        Assert.Equal((A, Money.Parse("-0.10")), (share.Lot, share.Paid));
        Assert.Equal(Money.Parse("-0.20"), split.Unattributed);

        var nobody = FundingAllocation.Split(Money.Parse("0.07"), 2m, []);
        Assert.Equal((0, Money.Parse("0.07")), (nobody.Shares.Count, nobody.Unattributed));
    }

    [Fact]
    public void Without_the_venues_position_size_our_lots_are_the_whole_position()
    {
        var split = FundingAllocation.Split(Money.Parse("0.9"), null, [(A, PositionSide.Long, Quantity.Parse("2")), (B, PositionSide.Long, Quantity.Parse("1"))]);
        Assert.Equal([Money.Parse("0.6"), Money.Parse("0.3")], split.Shares.Select(s => s.Paid));
    }

    [Fact]
    public void Any_split_adds_up_to_the_payment_and_no_share_is_further_from_its_exact_part_than_a_rounding() =>
        PropertyCheck.Run(Prop.ForAll(Gen.Choose(-1_000_000, 1_000_000).ToArbitrary(), Gen.Choose(1, 100_000).ToArbitrary(), Gen.Choose(1, 100_000).ToArbitrary(),
            (int paid, int a, int b) =>
            {
                var payment = Money.FromDollars(paid / 1_000_000m);
                var split = FundingAllocation.Split(payment, null, [(A, PositionSide.Long, Quantity.Of(a / 1000m)), (B, PositionSide.Long, Quantity.Of(b / 1000m))]);
                var exactA = payment.Dollars * a / (a + b);
                return split.Shares.Aggregate(split.Unattributed, (s, x) => s + x.Paid) == payment && split.Unattributed == Money.Zero
                    && Math.Abs(split.Shares[0].Paid.Dollars - exactA) <= 0.000000005m;
            }));
}
