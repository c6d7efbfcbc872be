using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine;
using Fillwise.Engine.Execution;
using Fillwise.Engine.Journal;
using Fillwise.Engine.Orders;
using Fillwise.Engine.Venues;
using Fillwise.Storage;
using Fillwise.Venues.Kalshi;

namespace Fillwise.Benchmarks;

/// <summary>
/// From the engine's decision (EntryExecutor.EnterAsync called) to the signed create request
/// handed to the socket layer (the HttpMessageHandler's SendAsync): everything the process does
/// before the order is on the wire. The handler answers from memory, so no network time is
/// counted. Each invocation records its own latency; p50/p99 of those samples are printed at
/// cleanup. The RSA-PSS signature is measured on its own in <see cref="SignCreateRequest"/>.
/// "Durable" puts the SQLite journal (WAL, synchronous=FULL, group commit) in the path;
/// "ReuseSignature" turns on the client's opt-in reuse of a recent create signature (off by default:
/// each create then pays for its own RSA-PSS signature on the path).
/// </summary>
[MemoryDiagnoser]
public class DecisionToWireBenchmarks
{
    private static readonly Domain.Instruments.InstrumentId Instrument = KalshiInstruments.Outcome(new MarketTicker("KXBENCH-1"), OutcomeSide.Yes);
    private readonly List<double> _samples = new(200_000);
    private KalshiWireTap _tap = null!;
    private TradingEngine _engine = null!;
    private KalshiConnection _connection = null!;
    private IJournal _journal = null!;
    private string? _dir;
    private KalshiRequestSigner _signer = null!;

    [Params(false, true)]
    public bool Durable { get; set; }

    [Params(false, true)]
    public bool ReuseSignature { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        _signer = KalshiRequestSigner.FromPem("bench-key", pem);
        _tap = new KalshiWireTap();
        _connection = KalshiConnection.Create(KalshiEnvironment.Parse("http://127.0.0.1:9/trade-api/v2"), KalshiRequestSigner.FromPem("bench-key", pem), TimeProvider.System,
            // A bucket the benchmark never drains: the client's rate limiter would otherwise (rightly) pace creates.
            new KalshiRestOptions
            {
                RateTier = new KalshiRateTier("bench", new(10_000_000, 10_000_000), new(10_000_000, 10_000_000)),
                SignatureReuse = ReuseSignature ? TimeSpan.FromSeconds(1) : TimeSpan.Zero,
            },
            handler: _tap);
        if (Durable)
        {
            _dir = Path.Combine(Path.GetTempPath(), "fillwise-bench-" + Guid.NewGuid().ToString("N"));
            _journal = SqliteJournal.OpenAsync(new SqliteJournalOptions(_dir)).GetAwaiter().GetResult();
        }
        else
        {
            _journal = new NullJournal();
        }
        _engine = new TradingEngine(new VenueRegistry([_connection.Connection]), _journal, TimeProvider.System,
            new TradingEngineOptions
            {
                EntryConfirmation = ConfirmationOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(1), FillTimeout = TimeSpan.FromSeconds(5) },
                // The gate runs every check, with limits that never bind: each decision fills and leaves a lot, millions of them.
                Risk = Engine.Risk.RiskLimits.None,
                KillSwitch = Engine.Risk.KillSwitchOptions.Off,
            });
        // The instrument is asked of the venue once; later decisions find it cached, as in a long run.
        _engine.Venues.GetInstrumentAsync(Instrument, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark(Description = "decision -> create request on the wire")]
    public async Task DecisionToWire()
    {
        var onWire = _tap.NextCreate();
        var start = Stopwatch.GetTimestamp();
        var entry = _engine.Entries.EnterAsync(new EntryRequest(Instrument, Domain.Portfolio.PositionSide.Long, Quantity.Of(1), Price.Parse("0.45"), "bench"), CancellationToken.None);
        var wireAt = await onWire;
        _samples.Add(Stopwatch.GetElapsedTime(start, wireAt).TotalMicroseconds);
        await entry; // the canned venue fills it at once: the confirmation finishes before the next decision
    }

    [Benchmark(Description = "RSA-PSS sign of a create request")]
    public KalshiAuthHeaders SignCreateRequest() => _signer.Sign("POST", "/trade-api/v2/portfolio/events/orders");

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_samples.Count > 0)
        {
            _samples.Sort();
            double P(double q) => _samples[Math.Min(_samples.Count - 1, (int)(q * _samples.Count))];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// decision-to-wire (durable={Durable}, reuse={ReuseSignature}): n={_samples.Count} p50={P(0.50):F1}us p90={P(0.90):F1}us p99={P(0.99):F1}us max={_samples[^1]:F1}us"));
        }
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _signer.Dispose();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }
}
