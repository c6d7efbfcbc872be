using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Reconciliation;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Reconciliation;

public class ReconciliationProperties
{
    private static readonly InstrumentId[] Instruments =
    [
        new(ScriptedVenue.Name, "KX-A:yes"), new(ScriptedVenue.Name, "KX-A:no"), new(ScriptedVenue.Name, "KX-B:yes"),
    ];

    /// <summary>One way the two pictures can drift: the engine trades, someone else trades, units vanish, orders appear, a pass checkpoints.</summary>
    public sealed record Step(int Kind, int Instrument, int Quantity, int Price);

    private static readonly Gen<Step> Steps =
        from kind in Gen.Choose(0, 5)
        from instrument in Gen.Choose(0, Instruments.Length - 1)
        from quantity in Gen.Choose(1, 40)
        from price in Gen.Choose(5, 95)
        select new Step(kind, instrument, quantity, price);

    /// <summary>Plays the steps; returns the harness, left for the caller to reconcile.</summary>
    private static async Task<EngineHarness> PlayAsync(IReadOnlyList<Step> steps)
    {
        var h = new EngineHarness();
        await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
        h.Venue.OnSubmit = (i, _) => new SubmitScript(SubmitKind.Accept, FillNow: i.Quantity.Value);
        foreach (var s in steps)
        {
            var instrument = Instruments[s.Instrument];
            h.Clock.Advance(TimeSpan.FromSeconds(1));
            switch (s.Kind)
            {
                case 0 or 1:
                    await h.Run(() => h.Entries.EnterAsync(new EntryRequest(instrument, PositionSide.Long, Quantity.Of(s.Quantity), Price.Of(s.Price / 100m), "prop"),
                        CancellationToken.None));
                    break;
                case 2:
                    h.Venue.ExternalTrade(instrument, OrderSide.Buy, s.Quantity, s.Price / 100m);
                    break;
                case 3:
                    // Units leave the account (never more than the venue holds: an outcome is not shorted).
                    var held = (await h.Venue.GetPositionsAsync(CancellationToken.None)).Where(p => p.Instrument == instrument && p.Side == PositionSide.Long).Sum(p => p.Quantity.Value);
                    if (held > 0) h.Venue.Vanish(instrument, Math.Min(held, s.Quantity));
                    break;
                case 4:
                    h.Venue.ExternalResting(instrument, OrderSide.Buy, s.Quantity, s.Price / 100m);
                    break;
                default:
                    await h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "step", true, CancellationToken.None));
                    break;
            }
        }
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        return h;
    }

    private static async Task<bool> AgreesAsync(EngineHarness h)
    {
        var positions = await h.Venue.GetPositionsAsync(CancellationToken.None);
        foreach (var market in Instruments.Select(i => i.Symbol.Split(':')[0]).Distinct())
        {
            decimal Net(string outcome, IEnumerable<(InstrumentId I, decimal Q)> holdings) =>
                holdings.Where(x => x.I.Symbol == $"{market}:{outcome}").Sum(x => x.Q);
            var local = h.OpenLots.Select(l => (l.Instrument, l.Quantity.Value)).ToList();
            var venue = positions.Select(p => (p.Instrument, p.Side == PositionSide.Long ? p.Quantity.Value : -p.Quantity.Value)).ToList();
            if (Net("yes", local) - Net("no", local) != Net("yes", venue) - Net("no", venue)) return false;
        }
        return h.Venue.Orders.All(o => o.State != Domain.Orders.VenueOrderState.Open || h.Tracker.Find(o.Id) is not null);
    }

    [Fact]
    public void For_any_divergence_a_pass_restores_equality_and_a_second_pass_finds_nothing()
    {
        PropertyCheck.Run(Prop.ForAll(Steps.ListOf().ToArbitrary(), (List<Step> steps) =>
        {
            return Task.Run(async () =>
            {
                await using var h = await PlayAsync(steps);
                var first = await h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "check", true, CancellationToken.None));
                if (!await AgreesAsync(h)) return false;
                h.Clock.Advance(TimeSpan.FromSeconds(1));
                var second = await h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "again", true, CancellationToken.None));
                _ = first;
                return second.Clean;
            }).GetAwaiter().GetResult();
        }), maxTest: 60);
    }

    [Fact]
    public void Synthetic_ids_are_deterministic()
    {
        PropertyCheck.Run(Prop.ForAll(Steps.ListOf().ToArbitrary(), (List<Step> steps) =>
        {
            return Task.Run(async () =>
            {
                async Task<string[]> SyntheticIds()
                {
                    await using var h = await PlayAsync(steps);
                    await h.Run(() => h.Engine.Reconciler.ReconcileAsync(ScriptedVenue.Name, "check", true, CancellationToken.None));
                    var lots = h.OpenLots.Concat(h.ClosedLots);
                    return lots.Select(l => l.Id.Value).Where(id => id.StartsWith("recon-", StringComparison.Ordinal) || id.StartsWith("ext-", StringComparison.Ordinal))
                        .Concat(lots.SelectMany(l => l.Exits).Select(e => e.OrderId?.Value ?? "").Where(id => id.StartsWith("recon-", StringComparison.Ordinal)))
                        .Order(StringComparer.Ordinal).ToArray();
                }
                var first = await SyntheticIds();
                var second = await SyntheticIds();
                return first.SequenceEqual(second);
            }).GetAwaiter().GetResult();
        }), maxTest: 30);
    }
}
