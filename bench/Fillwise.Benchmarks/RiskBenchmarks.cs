using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Risk;
using Fillwise.Engine.Venues;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;
using Fillwise.Testing;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Benchmarks;

/// <summary>
/// The pre-trade gate on the path every order takes: an entry that passes every check (trading
/// state, closed market, the instrument's rules, sanity bounds, price against a live book, cost
/// against a known balance) and, for <see cref="AdmitAndRelease"/>, the exposure limits with its
/// reservation taken and returned. The engine is started on a scripted venue so the quote and the
/// balance are real engine state, not stubs of the gate.
/// </summary>
[MemoryDiagnoser]
public class PreTradeGateBenchmarks
{
    private TradingEngine _engine = null!;
    private PreTradeGate _gate = null!;
    private Instrument _instrument = null!;
    private OrderIntent _intent = null!;

    [GlobalSetup]
    public void Setup() => (_engine, _gate, _instrument, _intent) = StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "gate: every check but the exposure limits")]
    public bool Check() => _gate.Check(_intent, _instrument).Allowed;

    [Benchmark(Description = "gate: admit (limits + reservation) and release")]
    public bool AdmitAndRelease()
    {
        var allowed = _gate.Admit(_intent, _instrument).Allowed;
        _gate.Release(_intent.ClientOrderId);
        return allowed;
    }

    internal static async Task<(TradingEngine, PreTradeGate, Instrument, OrderIntent)> StartAsync()
    {
        var venue = new ScriptedVenue();
        var id = ScriptedVenue.Instrument();
        venue.SetBid(id, 0.44m, 0.45m);
        var engine = new TradingEngine(new VenueRegistry([VenueConnection.Of(venue)]), new NullJournal(), TimeProvider.System,
            new TradingEngineOptions { KillSwitch = KillSwitchOptions.Off });
        await engine.StartAsync(CancellationToken.None);
        var instrument = await engine.Venues.GetInstrumentAsync(id, CancellationToken.None) ?? throw new InvalidOperationException("no instrument");
        var intent = new OrderIntent(new ClientOrderId("bench-gate-1"), id, OrderSide.Buy, Quantity.Of(5), Price.Parse("0.45"), OrderPurpose.Entry, "bench", DateTimeOffset.UtcNow);
        if (engine.Gate.Admit(intent, instrument) is { Allowed: false } denied) throw new InvalidOperationException("the bench order is denied: " + denied.Reason);
        engine.Gate.Release(intent.ClientOrderId);
        return (engine, engine.Gate, instrument, intent);
    }

    /// <summary>Stopwatch per call over a million calls: p50, p99, p99.9 and bytes allocated.</summary>
    public static void Quick()
    {
        var (engine, gate, instrument, intent) = StartAsync().GetAwaiter().GetResult();
        const int calls = 1_000_000;
        var samples = new long[calls];
        for (var round = 0; round < 3; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                gate.Admit(intent, instrument);
                gate.Release(intent.ClientOrderId);
                samples[i] = Stopwatch.GetTimestamp() - start;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Array.Sort(samples);
            double Us(double q) => samples[(int)(q * (calls - 1))] * 1_000_000.0 / Stopwatch.Frequency;
            Console.WriteLine($"gate admit+release: p50 {Us(0.50):0.000} µs, p99 {Us(0.99):0.000} µs, p99.9 {Us(0.999):0.000} µs, {allocated / (double)calls:0.##} B a call");
        }
        engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>
/// From the kill switch's trigger to the last cancel answered, with 100 orders resting on the
/// account: the engine on the built-in exchange over loopback through the real Kalshi client at
/// its default (basic) rate tier, so the client's own pacing of the batch cancels is counted.
/// Each iteration rests 100 orders (not timed), trips the kill switch, then resets it. With
/// <see cref="InOrderGroup"/> the orders rest inside the engine's Kalshi order group, as the engine's
/// own orders do: tripping the group cancels them all in one request and the sweep finds none left.
/// </summary>
public class KillSwitchSweepBenchmarks
{
    private static readonly MarketTicker Ticker = new("KXBENCH-KILL-1");
    private ExchangeServer _server = null!;
    private HttpClient _http = null!;
    private KalshiConnection _trader = null!;
    private KalshiConnection _placer = null!;
    private TradingEngine _engine = null!;
    private readonly List<double> _samples = [];

    [Params(false, true)]
    public bool InOrderGroup { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = await ExchangeServer.StartAsync(new ExchangeServerOptions { RateLimitTier = RateLimitTier.Unlimited, Seed = 7, Scenario = ExchangeScenario.Empty });
        _http = new HttpClient();
        var admin = new AdminClient(_http, _server.AdminUrl);
        await admin.CreateMarketAsync(new AdminMarketRequest(Ticker));
        var account = await admin.CreateAccountAsync(Money.Parse("100000"));
        var env = KalshiEnvironment.Parse(_server.RestBaseUrl);
        _trader = KalshiConnection.Create(env, KalshiRequestSigner.FromPem(account.ApiKeyId, account.PrivateKeyPem, TimeProvider.System), TimeProvider.System);
        // Rests the orders between iterations, unpaced.
        _placer = KalshiConnection.Create(env, KalshiRequestSigner.FromPem(account.ApiKeyId, account.PrivateKeyPem, TimeProvider.System), TimeProvider.System,
            new KalshiRestOptions { RateTier = new KalshiRateTier("bench", new(10_000_000, 10_000_000), new(10_000_000, 10_000_000)) });
        _engine = new TradingEngine(new VenueRegistry([_trader.Connection]), new NullJournal(), TimeProvider.System,
            new TradingEngineOptions { KillSwitch = KillSwitchOptions.Off with { VenueBackstopContracts = InOrderGroup ? Quantity.Of(1_000_000m) : null } });
        await _engine.StartAsync(CancellationToken.None);
    }

    [IterationSetup]
    public void RestHundred() => RestHundredAsync().GetAwaiter().GetResult();

    private async Task RestHundredAsync()
    {
        var group = InOrderGroup ? _trader.Venue.BackstopId ?? throw new InvalidOperationException("no order group") : null;
        for (var i = 0; i < 100; i++)
            await _placer.Rest.CreateOrderAsync(new KalshiCreateOrder(Ticker, BookSide.Bid, Contracts.Of(1), ContractPrice.Parse("0.0" + (1 + i % 9)),
                VenueTimeInForce.GoodTillCanceled, new ClientOrderId($"rest-{Guid.NewGuid():N}"), OrderGroupId: group));
    }

    [Benchmark(Description = "kill switch: trigger -> last of 100 cancels answered")]
    public void TripWithHundredResting()
    {
        var start = Stopwatch.GetTimestamp();
        _engine.KillSwitch.EmergencyStopAsync("bench", CancellationToken.None).GetAwaiter().GetResult();
        _samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        var sweep = _engine.KillSwitch.LastSweep;
        // Inside the group the venue cancels them on the trip; the sweep then finds nothing left.
        if (sweep is null || sweep.Canceled != (InOrderGroup ? 0 : 100)) throw new InvalidOperationException($"the sweep canceled {sweep?.Canceled}");
        _engine.KillSwitch.ResetAsync("RESET", CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_samples.Count > 0)
        {
            _samples.Sort();
            Console.WriteLine($"// kill switch, 100 resting (in order group: {InOrderGroup}): p50 {_samples[_samples.Count / 2]:0.0} ms, max {_samples[^1]:0.0} ms over {_samples.Count} trips");
        }
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _trader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _placer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _http.Dispose();
    }
}
