using FsCheck;
using FsCheck.Fluent;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Tests.Support;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Risk;

/// <summary>
/// Issue 11's property: whatever happens in whatever order (entries, exits, fills, a halt, a reducing
/// state, a kill switch and its reset), no order reaches the venue while trading is halted, and no
/// order that can add exposure reaches it while trading is reducing.
/// </summary>
public class TradingStateProperties
{
    private static readonly InstrumentId[] Instruments = [new(ScriptedVenue.Name, "KX-A:yes"), new(ScriptedVenue.Name, "KX-A:no"), new(ScriptedVenue.Name, "KX-B:yes")];

    public sealed record Step(int Kind, int Instrument, int Quantity, int Price);

    private static readonly Gen<Step> Steps =
        from kind in Gen.Choose(0, 9)
        from instrument in Gen.Choose(0, Instruments.Length - 1)
        from quantity in Gen.Choose(1, 20)
        from price in Gen.Choose(5, 95)
        select new Step(kind, instrument, quantity, price);

    [Fact]
    public void No_order_is_sent_while_halted_and_none_that_adds_exposure_while_reducing()
    {
        PropertyCheck.Run(Prop.ForAll(Steps.ListOf().ToArbitrary(), (List<Step> steps) =>
            Task.Run(async () =>
            {
                await using var h = new EngineHarness(killSwitch: KillSwitchOptions.Off, risk: RiskLimits.None);
                await h.Run(() => h.Engine.StartAsync(CancellationToken.None));
                var violations = new List<string>();
                var fill = 0m;
                h.Venue.OnSubmit = (intent, _) =>
                {
                    // What the venue sees, judged by the state at the moment it arrives.
                    var mode = h.Engine.Trading.Status.Mode;
                    var reduces = intent.Purpose == OrderPurpose.Exit || intent.ReduceOnly;
                    if (mode == TradingMode.Halted && !reduces) violations.Add($"{intent.Purpose} {intent.ClientOrderId} sent while halted");
                    if (mode == TradingMode.Reducing && !reduces) violations.Add($"{intent.Purpose} {intent.ClientOrderId} sent while reducing");
                    return new SubmitScript(SubmitKind.Accept, FillNow: Math.Min(fill, intent.Quantity.Value));
                };
                foreach (var s in steps)
                {
                    var instrument = Instruments[s.Instrument];
                    h.Clock.Advance(TimeSpan.FromMilliseconds(300));
                    fill = s.Quantity % 3 == 0 ? 0m : s.Quantity / 2m;
                    switch (s.Kind)
                    {
                        case 0 or 1 or 2:
                            await h.Run(() => h.Entries.EnterAsync(new EntryRequest(instrument, PositionSide.Long, Quantity.Of(s.Quantity), Price.Of(s.Price / 100m), "prop",
                                FillTimeout: TimeSpan.FromSeconds(1)), CancellationToken.None));
                            break;
                        case 3:
                            if (h.OpenLots.FirstOrDefault() is { } lot)
                                await h.Run(() => h.Engine.ExitAsync(lot.Id, ExitReason.Manual, Price.Of(s.Price / 100m)));
                            break;
                        case 4:
                            h.Engine.Trading.Set(TradingMode.Halted, "test: halted");
                            break;
                        case 5:
                            h.Engine.Trading.Set(TradingMode.Reducing, "test: reducing");
                            break;
                        case 6:
                            h.Engine.Trading.Set(TradingMode.Active, "test: active");
                            break;
                        case 7:
                            await h.Run(async () =>
                            {
                                await h.Engine.KillSwitch.EmergencyStopAsync("test", CancellationToken.None);
                                return true;
                            });
                            break;
                        case 8:
                            await h.Run(() => h.Engine.KillSwitch.ResetAsync("RESET", CancellationToken.None));
                            break;
                        default:
                            h.Venue.SetBid(instrument, s.Price / 100m, Math.Min(0.99m, s.Price / 100m + 0.02m));
                            await h.Run(() => h.Monitor.CheckAsync(CancellationToken.None));
                            break;
                    }
                }
                return violations.Count == 0;
            }).GetAwaiter().GetResult()), maxTest: 40);
    }
}
