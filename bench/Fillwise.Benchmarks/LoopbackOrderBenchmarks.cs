using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Fillwise.Domain.Values;
using Fillwise.Exchange.Admin;
using Fillwise.Exchange.Server;

namespace Fillwise.Benchmarks;

/// <summary>
/// A V2 create-order round trip over loopback HTTP against a started ExchangeServer, signature
/// check included: even calls rest a bid, odd calls cross it with an IOC ask (so every other call
/// fills). The client reuses a signature for up to a second (the signed text has no body), so the
/// numbers are the server's cost plus the socket round trip, not RSA signing on the client.
/// Per-call p50/p99 are measured with Stopwatch and printed at cleanup.
/// </summary>
[Config(typeof(PercentileConfig))]
public class LoopbackOrderBenchmarks
{
    private const string Ticker = "KXBENCH-LOOP-1";
    private const string Path = "/trade-api/v2/portfolio/events/orders";

    private ExchangeServer _server = null!;
    private HttpClient _http = null!;
    private Signer _maker = null!;
    private Signer _taker = null!;
    private byte[] _bid = [];
    private byte[] _ask = [];
    private string _url = string.Empty;
    private long[] _latencies = new long[1 << 22];
    private int _count;
    private long _calls;

    private sealed class PercentileConfig : ManualConfig
    {
        public PercentileConfig() => AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Max);
    }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = await ExchangeServer.StartAsync(new ExchangeServerOptions { RateLimitTier = RateLimitTier.Unlimited, Seed = 42 });
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false });
        var admin = new AdminClient(_http, _server.AdminUrl);
        await admin.CreateMarketAsync(new AdminMarketRequest(new MarketTicker(Ticker)));
        _maker = await Signer.CreateAsync(admin);
        _taker = await Signer.CreateAsync(admin);
        _url = _server.RestBaseUrl + "/portfolio/events/orders";
        _bid = Encoding.UTF8.GetBytes($$"""{"ticker":"{{Ticker}}","side":"bid","count":"1.00","price":"0.5000","time_in_force":"good_till_canceled","self_trade_prevention_type":"taker_at_cross"}""");
        _ask = Encoding.UTF8.GetBytes($$"""{"ticker":"{{Ticker}}","side":"ask","count":"1.00","price":"0.5000","time_in_force":"immediate_or_cancel","self_trade_prevention_type":"taker_at_cross"}""");
        for (var i = 0; i < 200; i++) await CreateOrderRoundTrip(); // warm the connection and JIT
        _count = 0;
    }

    [Benchmark(Description = "POST /portfolio/events/orders round trip")]
    public async Task CreateOrderRoundTrip()
    {
        var even = (_calls++ & 1) == 0;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(even ? _bid : _ask) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (even ? _maker : _taker).Sign(request);
        using var response = await _http.SendAsync(request);
        if ((int)response.StatusCode != 201)
            throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await response.Content.ReadAsByteArrayAsync();
        if (_count < _latencies.Length) _latencies[_count++] = System.Diagnostics.Stopwatch.GetTimestamp() - start;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_count > 0)
        {
            var sorted = _latencies.AsSpan(0, _count).ToArray();
            Array.Sort(sorted);
            double Us(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// LOOPBACK create-order per call over {_count} calls: p50 {Us(0.50):F1} us, p90 {Us(0.90):F1} us, p99 {Us(0.99):F1} us, max {Us(1.0):F1} us"));
        }
        _http.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private sealed class Signer(string keyId, RSA key)
    {
        private long _signedAt;
        private string _timestamp = string.Empty;
        private string _signature = string.Empty;

        public static async Task<Signer> CreateAsync(AdminClient admin)
        {
            var key = RSA.Create(2048);
            var (_, keyId) = await admin.CreateAccountWithPublicKeyAsync(Money.FromDollars(1_000_000m), key.ExportSubjectPublicKeyInfoPem());
            return new Signer(keyId, key);
        }

        public void Sign(HttpRequestMessage request)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (now - _signedAt > 1000)
            {
                _signedAt = now;
                _timestamp = now.ToString(CultureInfo.InvariantCulture);
                _signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(_timestamp + "POST" + Path), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
            }
            request.Headers.Add("KALSHI-ACCESS-KEY", keyId);
            request.Headers.Add("KALSHI-ACCESS-TIMESTAMP", _timestamp);
            request.Headers.Add("KALSHI-ACCESS-SIGNATURE", _signature);
        }
    }
}
