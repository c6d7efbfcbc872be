using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Fillwise.Venues.Kalshi.Tests;

/// <summary>The committed TEST-ONLY key pair (Resources/TEST_ONLY_*.pem).</summary>
internal static class TestKeys
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Resources");
    public static string Pkcs1Path => Path.Combine(Dir, "TEST_ONLY_kalshi_key_pkcs1.pem");
    public static string Pkcs8Path => Path.Combine(Dir, "TEST_ONLY_kalshi_key_pkcs8.pem");
    public static string PublicPath => Path.Combine(Dir, "TEST_ONLY_kalshi_key_public.pem");
    public const string KeyId = "test-key-id-0000";

    public static RSA PublicKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(PublicPath));
        return rsa;
    }

    public static KalshiRequestSigner Signer(TimeProvider? time = null) => KalshiRequestSigner.FromPemFile(KeyId, Pkcs8Path, time);

    public static bool Verify(string payload, string base64Signature)
    {
        using var rsa = PublicKey();
        return rsa.VerifyData(Encoding.UTF8.GetBytes(payload), Convert.FromBase64String(base64Signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }
}

/// <summary>One request as the stub saw it.</summary>
internal sealed record SeenRequest(string Method, string PathAndQuery, string? Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>An in-process HttpMessageHandler answering from a script; records what it saw.</summary>
internal sealed class StubHandler(Func<SeenRequest, int, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private readonly List<SeenRequest> _seen = [];

    public IReadOnlyList<SeenRequest> Seen
    {
        get { lock (_seen) return _seen.ToList(); }
    }

    public static HttpResponseMessage Json(int status, string json) =>
        new((HttpStatusCode)status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var seen = new SeenRequest(request.Method.Method, request.RequestUri!.PathAndQuery, body, headers);
        int n;
        lock (_seen)
        {
            _seen.Add(seen);
            n = _seen.Count;
        }
        return await respond(seen, n).WaitAsync(cancellationToken);
    }
}

internal static class Clients
{
    public static readonly KalshiEnvironment Local = KalshiEnvironment.Parse("http://127.0.0.1:9000/trade-api/v2");

    public static KalshiRestOptions FastOptions => new()
    {
        BackoffBase = TimeSpan.FromMilliseconds(1),
        BackoffMax = TimeSpan.FromMilliseconds(5),
        RequestTimeout = TimeSpan.FromSeconds(5),
        RateTier = new KalshiRateTier("test", new(100_000, 100_000), new(100_000, 100_000)),
        PageSize = 2,
    };

    public static (KalshiRestClient Client, StubHandler Handler) Rest(Func<SeenRequest, int, Task<HttpResponseMessage>> respond, KalshiRestOptions? options = null)
    {
        var handler = new StubHandler(respond);
        var client = new KalshiRestClient(new HttpClient(handler), Local, TestKeys.Signer(), options ?? FastOptions);
        return (client, handler);
    }

    public static (KalshiRestClient Client, StubHandler Handler) Rest(Func<SeenRequest, int, HttpResponseMessage> respond, KalshiRestOptions? options = null) =>
        Rest((r, n) => Task.FromResult(respond(r, n)), options);
}

internal static class Json
{
    public const string Order1 = """
        {"order_id":"o-1","client_order_id":"c-1","ticker":"KXT-1","outcome_side":"yes","book_side":"bid","side":"yes","action":"buy",
         "status":"resting","yes_price_dollars":"0.4500","no_price_dollars":"0.5500","fill_count_fp":"2.00","remaining_count_fp":"8.00",
         "initial_count_fp":"10.00","taker_fill_cost_dollars":"0.900000","maker_fill_cost_dollars":"0.000000","taker_fees_dollars":"0.0350",
         "maker_fees_dollars":"0.0000","created_time":"2026-06-11T10:00:00Z","last_update_time":"2026-06-11T10:00:01Z"}
        """;

    public static string Order(string id, string coid, string ticker = "KXT-1", string status = "resting") =>
        Order1.Replace("\"o-1\"", $"\"{id}\"", StringComparison.Ordinal).Replace("\"c-1\"", $"\"{coid}\"", StringComparison.Ordinal)
              .Replace("\"KXT-1\"", $"\"{ticker}\"", StringComparison.Ordinal).Replace("\"resting\"", $"\"{status}\"", StringComparison.Ordinal);
}
