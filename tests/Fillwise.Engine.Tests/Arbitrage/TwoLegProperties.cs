using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Arbitrage;
using Fillwise.Testing;
using Xunit.Sdk;

namespace Fillwise.Engine.Tests.Arbitrage;

/// <summary>
/// Two-leg exposure under any market: random fill schedules (passive fills whole or in pieces,
/// fills that race cancels), post-only refusals, refusals of anything, lost answers, immediate-or-
/// cancel orders that take only part, delays. After every operation: what the engine believes each
/// leg filled is what the venues' positions moved by; a success leaves no net exposure beyond the
/// tracked dust (a close: both legs flat but their dust); nothing reduce-only ever grows or flips a
/// position; a close never grows or flips a leg and sends nothing to a flat one; a rollback is sent
/// only against exposure the venues show the open created, and only reduces it.
/// </summary>
public sealed class TwoLegProperties
{
    /// <summary>How one venue behaves in a scenario, in percent per chance.</summary>
    public sealed record Market(int PostOnlyRefusal, int PassiveFill, int Partial, int TakeFill, int Refuse, int LateFill, int LoseAnswer, int IocFill);

    /// <summary>One scenario: an open of <paramref name="Quantity"/> (thousandths) or a close of the positions held (signed thousandths).</summary>
    public sealed record Scenario(bool Open, int Quantity, int AsterHeld, int LighterHeld, bool Critical, int Seed, Market Aster, Market Lighter);

    private static readonly Gen<Market> Markets =
        from postOnly in Gen.Choose(0, 60)
        from passive in Gen.Choose(0, 40)
        from partial in Gen.Choose(0, 100)
        from take in Gen.Choose(10, 100)
        from refuse in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(0, 100)))
        from late in Gen.Choose(0, 50)
        from lose in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, 30)))
        from ioc in Gen.Choose(30, 100)
        select new Market(postOnly, passive, partial, take, refuse, late, lose, ioc);

    private static readonly Gen<Scenario> Scenarios =
        from open in Gen.Elements(true, false)
        from quantity in Gen.Choose(50, 3000)
        from aster in Gen.Choose(-3000, 3000)
        from imbalance in Gen.Frequency((3, Gen.Constant(0)), (2, Gen.Choose(-40, 40)))
        from lighterFlat in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        from critical in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from seed in Gen.Choose(0, int.MaxValue)
        from a in Markets
        from l in Markets
        select new Scenario(open, quantity, aster, lighterFlat ? 0 : -aster + imbalance, critical, seed, a, l);

    private static readonly TwoLegOptions Fast = new()
    {
        PassiveTimeout = TimeSpan.FromSeconds(3),
        AggressiveTimeout = TimeSpan.FromSeconds(6),
        AttemptTimeout = TimeSpan.FromSeconds(1),
        PollInterval = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public void No_schedule_of_fills_refusals_cancels_and_delays_leaves_a_naked_leg_beyond_dust_or_rolls_back_what_is_not_there()
    {
        PropertyCheck.Run(Prop.ForAll(Scenarios.ToArbitrary(), (Scenario s) => Task.Run(() => CheckAsync(s)).GetAwaiter().GetResult()), maxTest: 50);
    }

    private static async Task<bool> CheckAsync(Scenario s)
    {
        await using var h = new TwoLegHarness(Fast);
        if (s.AsterHeld != 0) h.Hold(TwoLegHarness.AsterZec, s.AsterHeld / 1000m, 500m);
        if (s.LighterHeld != 0) h.Hold(TwoLegHarness.LighterZec, s.LighterHeld / 1000m, 499.5m);
        await h.StartAsync();
        var baseline = (Aster: h.AsterPosition, Lighter: h.LighterPosition);
        var atSend = new Dictionary<ClientOrderId, (decimal Aster, decimal Lighter)>();
        Play(h, h.Aster, s.Aster, s.Seed, atSend, () => (h.AsterPosition, h.LighterPosition));
        Play(h, h.Lighter, s.Lighter, s.Seed ^ 0x5bd1e995, atSend, () => (h.AsterPosition, h.LighterPosition));

        var op = s.Open
            ? await h.OpenAsync((s.Quantity / 1000m).ToString(System.Globalization.CultureInfo.InvariantCulture))
            : await h.CloseAsync(s.Critical ? "critical" : "funding_erosion");
        var sentAtEnd = h.AsterSent.Count + h.LighterSent.Count;
        await h.Run(() => Task.Delay(TimeSpan.FromSeconds(2), h.Clock));
        var now = (Aster: h.AsterPosition, Lighter: h.LighterPosition);
        string Explain() => $"{s}\n{TwoLegJson.ToJson(op).ToJsonString()}\nbaseline {baseline}, now {now}";
        void Require(bool condition, string what)
        {
            if (!condition) throw new XunitException($"{what}\n{Explain()}");
        }

        Require(op.Outcome != TwoLegOutcome.Running, "the operation ended");
        Require(h.AsterSent.Count + h.LighterSent.Count == sentAtEnd, "nothing is sent after the operation ended");
        Require(h.ReduceOnlyViolations.Count == 0, "no reduce-only order grows or flips a position: " + string.Join("; ", h.ReduceOnlyViolations));
        var dust = op.Dust.Sum(d => d.Quantity.Value);
        var leg = op.Legs.ToDictionary(l => l.Venue);
        // What the engine believes each leg filled is what the venue's position moved by.
        if (s.Open)
        {
            Require(leg["aster"].Filled.Value == now.Aster - baseline.Aster, "the long leg's fills are the venue's position change");
            Require(leg["lighter"].Filled.Value == baseline.Lighter - now.Lighter, "the short leg's fills are the venue's position change");
            var created = (now.Aster - baseline.Aster) + (now.Lighter - baseline.Lighter);
            if (op.Outcome == TwoLegOutcome.Success) Require(Math.Abs(created) <= dust + 0.0005m, "a successful open is level but for its dust");
        }
        else
        {
            foreach (var (venue, before, after) in new[] { ("aster", baseline.Aster, now.Aster), ("lighter", baseline.Lighter, now.Lighter) })
            {
                Require(Math.Abs(after) <= Math.Abs(before) && (after == 0m || Math.Sign(after) == Math.Sign(before)), $"{venue}: a close never grows or flips a leg");
                Require(leg[venue].Filled.Value == Math.Abs(before) - Math.Abs(after), $"{venue}: the leg's fills are the venue's position change");
                if (before == 0m) Require(leg[venue].Orders.Count == 0, $"{venue}: nothing is sent to a flat leg");
                var legDust = op.Dust.Where(d => d.Venue == venue).Sum(d => d.Quantity.Value);
                if (op.Outcome == TwoLegOutcome.Success) Require(Math.Abs(after) <= legDust + 0.0005m, $"{venue}: a successful close leaves the leg flat but for its dust");
            }
            Require(!op.RolledBack, "a close is never rolled back");
        }
        // A rollback goes only against exposure the venues showed the open had created, and only reduces it.
        foreach (var order in op.Legs.SelectMany(l => l.Orders.Select(o => (l.Venue, Order: o))).Where(x => x.Order.Phase == TwoLegPhase.Rollback))
        {
            var (a, l) = atSend[order.Order.ClientOrderId];
            var created = (a - baseline.Aster) + (l - baseline.Lighter);
            Require(Math.Abs(created) > 0.0005m, "a rollback is sent only against exposure that exists");
            Require(order.Order.Side == (created > 0 ? OrderSide.Sell : OrderSide.Buy) && order.Order.Quantity.Value <= Math.Abs(created) && order.Order.ReduceOnly,
                "a rollback only reduces the exposure created");
            Require((order.Venue == "aster" ? a : l) != 0m, "no flat leg is rolled back");
        }
        return true;
    }

    /// <summary>The market of one venue: what creates, resting orders and cancels do, each decided by a hash of the scenario's seed, the order and the moment.</summary>
    private static void Play(TwoLegHarness h, ScriptedVenue venue, Market m, int seed, Dictionary<ClientOrderId, (decimal, decimal)> atSend, Func<(decimal, decimal)> positions)
    {
        var instrument = TwoLegHarness.Zec(venue.Venue);
        var intents = new Dictionary<ClientOrderId, OrderIntent>();
        var step = 0L;
        bool Chance(int percent, string what, string id) => Roll(seed, what, id, step) % 100 < (ulong)percent;
        decimal Part(decimal remaining, string id)
        {
            var thousandths = (long)(remaining * 1000m);
            return thousandths <= 1 ? remaining : (1 + (long)(Roll(seed, "part", id, step) % (ulong)(thousandths - 1))) / 1000m;
        }
        SubmitScript Create(OrderIntent i)
        {
            atSend[i.ClientOrderId] = positions();
            intents[i.ClientOrderId] = i;
            var id = i.ClientOrderId.Value;
            if (Chance(m.Refuse, "refuse", id)) return new SubmitScript(SubmitKind.Reject, Code: "refused", Reason: RejectionReason.Other);
            if (i.PostOnly && Chance(m.PostOnlyRefusal, "cross", id)) return new SubmitScript(SubmitKind.ExpirePostOnly);
            var fill = i.TimeInForce == VenueTimeInForce.ImmediateOrCancel
                ? Chance(m.IocFill, "ioc", id) ? i.Quantity.Value : Chance(50, "iocpart", id) ? Part(i.Quantity.Value, id) : 0m
                : 0m;
            return new SubmitScript(Chance(m.LoseAnswer, "lose", id) ? SubmitKind.LoseAnswer : SubmitKind.Accept, FillNow: fill);
        }
        if (venue == h.Aster) h.OnAster = Create; else h.OnLighter = Create;
        venue.BeforeCancel = order =>
        {
            if (Chance(m.LateFill, "late", order.ClientOrderId.Value)) venue.Fill(order, Part(order.Remaining.Value, order.ClientOrderId.Value));
        };
        h.Every(() =>
        {
            step++;
            var quote = venue.GetQuote(instrument)!;
            foreach (var order in TwoLegHarness.Ours(venue).Where(o => o.State == VenueOrderState.Open))
            {
                var id = order.ClientOrderId.Value;
                var marketable = order.Side == OrderSide.Buy ? order.LimitPrice >= quote.BestAsk!.Value : order.LimitPrice <= quote.BestBid!.Value;
                var passive = intents.TryGetValue(order.ClientOrderId, out var intent) && intent.PostOnly;
                var chance = marketable ? m.TakeFill : passive ? m.PassiveFill : m.PassiveFill / 2;
                if (!Chance(chance, "fill", id)) continue;
                venue.Fill(order, Chance(m.Partial, "partial", id) ? Part(order.Remaining.Value, id) : order.Remaining.Value);
            }
        });
    }

    /// <summary>A stable hash (FNV-1a, then SplitMix64's finalizer): the same scenario decides the same way every run.</summary>
    private static ulong Roll(int seed, string what, string id, long step)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in $"{seed}/{what}/{id}/{step}")
        {
            hash ^= c;
            hash = unchecked(hash * 1099511628211UL);
        }
        hash = unchecked((hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9UL);
        hash = unchecked((hash ^ (hash >> 27)) * 0x94d049bb133111ebUL);
        return hash ^ (hash >> 31);
    }
}
