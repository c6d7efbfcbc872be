using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Arbitrage;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Venues;
using Fillwise.Testing;

namespace Fillwise.Engine.Tests.Arbitrage;

/// <summary>
/// The engine over two scripted perp venues with seed 003's rules: "aster" (ZECUSDT: tick 0.01,
/// step 0.001, 5 USDT minimum notional, reduce-only spared it) and "lighter" (ZEC: tick 0.001,
/// step 0.001, 0.05 ZEC and 10 USDC minimums for every order, reduce-only included, refused with
/// 21706), a manual clock, an in-memory journal. Tests script the market with hooks that run at
/// every step of the clock, and read every intent each venue was sent.
/// </summary>
internal sealed class TwoLegHarness : IAsyncDisposable
{
    public static readonly InstrumentId AsterZec = new("aster", "ZECUSDT");
    public static readonly InstrumentId LighterZec = new("lighter", "ZEC");

    private readonly List<Action> _hooks = [];

    public TwoLegHarness(TwoLegOptions? options = null, InMemoryJournal? journal = null, ManualTimeProvider? clock = null, Fillwise.Engine.Risk.RiskLimits? risk = null,
        (ScriptedVenue Aster, ScriptedVenue Lighter)? venues = null)
    {
        Clock = clock ?? new ManualTimeProvider();
        Aster = venues?.Aster ?? new ScriptedVenue("aster", "aster-") { Clock = Clock, Rules = id => id == AsterZec ? AsterRules : null };
        Lighter = venues?.Lighter ?? new ScriptedVenue("lighter", "lighter-") { Clock = Clock, Rules = id => id == LighterZec ? LighterRules : null };
        Script(Aster, AsterSent);
        Script(Lighter, LighterSent, refuseBelowMinimum: true);
        Journal = journal ?? new InMemoryJournal();
        Options = options ?? new TwoLegOptions();
        Engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(Aster), VenueConnection.Of(Lighter)]), Journal, Clock, new TradingEngineOptions
        {
            Reconciliation = new Fillwise.Engine.Reconciliation.ReconciliationOptions { QuietPeriod = TimeSpan.Zero },
            Risk = risk ?? Fillwise.Engine.Risk.RiskLimits.None,
            KillSwitch = Fillwise.Engine.Risk.KillSwitchOptions.Off,
            Arbitrage = Options,
        });
        Aster.SetBid(AsterZec, 513.99m, 514.03m);
        Lighter.SetBid(LighterZec, 513.647m, 514.033m);
    }

    public static Instrument AsterRules { get; } = new(AsterZec, InstrumentKind.Perpetual, "ZEC", [new PriceBand(Price.Of(0.01m), Price.Of(100_000m), Price.Of(0.01m))],
        Quantity.Of(0.001m), Quantity.Of(0.001m), Money.FromDollars(5m), reduceOnlyWaivesMinimums: true, quoteCurrency: "USDT");

    public static Instrument LighterRules { get; } = new(LighterZec, InstrumentKind.Perpetual, "ZEC", [new PriceBand(Price.Of(0.001m), Price.Of(4_000_000m), Price.Of(0.001m))],
        Quantity.Of(0.001m), Quantity.Of(0.05m), Money.FromDollars(10m), reduceOnlyWaivesMinimums: false, quoteCurrency: "USDC");

    public ManualTimeProvider Clock { get; }
    public ScriptedVenue Aster { get; }
    public ScriptedVenue Lighter { get; }
    public InMemoryJournal Journal { get; }
    public TwoLegOptions Options { get; }
    public TradingEngine Engine { get; }

    /// <summary>Every intent each venue received, in order (refused ones included).</summary>
    public List<OrderIntent> AsterSent { get; } = [];
    public List<OrderIntent> LighterSent { get; } = [];

    /// <summary>What a create does on each venue after the harness's own checks (default: accept and rest).</summary>
    public Func<OrderIntent, SubmitScript> OnAster { get; set; } = _ => SubmitScript.Accept;
    public Func<OrderIntent, SubmitScript> OnLighter { get; set; } = _ => SubmitScript.Accept;

    /// <summary>Reduce-only orders that would have flipped or grown a position (a venue would refuse them; the executor must never send one).</summary>
    public List<string> ReduceOnlyViolations { get; } = [];

    public ScriptedVenue VenueOf(InstrumentId id) => id.Venue == "aster" ? Aster : Lighter;

    public static InstrumentId Zec(string venue) => venue == "aster" ? AsterZec : LighterZec;

    private void Script(ScriptedVenue venue, List<OrderIntent> sent, bool refuseBelowMinimum = false)
    {
        venue.OnSubmit = (intent, _) =>
        {
            sent.Add(intent);
            if (intent.ReduceOnly)
            {
                var held = Signed(venue, intent.Instrument);
                var reduces = intent.Side == OrderSide.Sell ? held >= intent.Quantity.Value : -held >= intent.Quantity.Value;
                if (!reduces) ReduceOnlyViolations.Add($"{intent.Instrument} {intent.Side.ToWire()} {intent.Quantity} reduce-only with {held} held");
            }
            if (refuseBelowMinimum && (intent.Quantity < LighterRules.MinQuantity || intent.LimitPrice * intent.Quantity < LighterRules.MinNotional))
                return new SubmitScript(SubmitKind.Reject, Code: "21706", Reason: RejectionReason.BelowMinimumSize);
            return venue == Aster ? OnAster(intent) : OnLighter(intent);
        };
    }

    /// <summary>The venue's signed position on the instrument (what its fills add up to).</summary>
    public static decimal Signed(ScriptedVenue venue, InstrumentId instrument)
    {
        var p = venue.GetPositionsAsync(CancellationToken.None).Result.FirstOrDefault(x => x.Instrument == instrument);
        return p is null ? 0m : p.Side == Domain.Portfolio.PositionSide.Long ? p.Quantity.Value : -p.Quantity.Value;
    }

    public decimal AsterPosition => Signed(Aster, AsterZec);
    public decimal LighterPosition => Signed(Lighter, LighterZec);

    /// <summary>A position held from before the engine looks (someone's fill on the account), at an entry price.</summary>
    public void Hold(InstrumentId instrument, decimal signedQuantity, decimal entry) =>
        VenueOf(instrument).ExternalTrade(instrument, signedQuantity > 0 ? OrderSide.Buy : OrderSide.Sell, Math.Abs(signedQuantity), entry);

    /// <summary>The engine's orders on a venue (not the test's own liquidity).</summary>
    public static IReadOnlyList<VenueOrder> Ours(ScriptedVenue venue) => venue.Orders.Where(o => !o.ClientOrderId.Value.StartsWith("other-", StringComparison.Ordinal)).ToList();

    public static VenueOrder? Resting(ScriptedVenue venue) => Ours(venue).LastOrDefault(o => o.State == VenueOrderState.Open);

    /// <summary>Runs at every step of the clock while an operation runs (the market's behaviour).</summary>
    public void Every(Action hook) => _hooks.Add(hook);

    public async Task StartAsync() => await Run(() => Engine.StartAsync(CancellationToken.None));

    public async Task<TwoLegView> CloseAsync(string reason = "funding_erosion") => await Run(() => StartClose(reason));

    public async Task<TwoLegView> OpenAsync(string quantity, string longVenue = "aster", string shortVenue = "lighter") => await Run(() => StartOpen(quantity, longVenue, shortVenue));

    /// <summary>Plans and starts a close on the engine's lifetime (the caller moves the clock).</summary>
    public async Task<TwoLegView> StartClose(string reason = "funding_erosion")
    {
        var planning = await Engine.Arbitrage.PlanCloseAsync(new ArbCloseRequest("ZEC", ["aster", "lighter"], reason), CancellationToken.None);
        return await Engine.RunArbAsync(planning.Plan ?? throw new InvalidOperationException(planning.Problem));
    }

    public async Task<TwoLegView> StartOpen(string quantity, string longVenue = "aster", string shortVenue = "lighter")
    {
        var planning = await Engine.Arbitrage.PlanOpenAsync(new ArbOpenRequest("ZEC", longVenue, shortVenue, Quantity.Parse(quantity)), CancellationToken.None);
        return await Engine.RunArbAsync(planning.Plan ?? throw new InvalidOperationException(planning.Problem));
    }

    /// <summary>Runs an operation to completion, moving the manual clock in steps while it waits and running the hooks at each.</summary>
    public async Task<T> Run<T>(Func<Task<T>> operation, TimeSpan? step = null)
    {
        var task = Task.Run(operation);
        for (var i = 0; i < 100_000 && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
            if (task.IsCompleted) break;
            foreach (var hook in _hooks.ToList()) hook();
            Clock.Advance(step ?? TimeSpan.FromMilliseconds(100));
        }
        return await task;
    }

    public async Task Run(Func<Task> operation) => await Run(async () =>
    {
        await operation();
        return 0;
    });

    public async ValueTask DisposeAsync() => await Engine.DisposeAsync();
}
