using System.Globalization;
using System.Net;
using System.Text.Json;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// Sends Lighter REST requests with a timeout and maps the answers to JSON or a
/// <see cref="LighterApiException"/> whose kind says whether anything may have happened. Reads are
/// retried (seeded jitter); sendTx never is here: the orders client decides from the API key's
/// nonce whether a transaction landed before it sends anything again.
/// </summary>
internal sealed class LighterTransport
{
    private readonly HttpClient _http;
    private readonly Random _jitter;
    private readonly Lock _jitterGate = new();
    private readonly string _base;

    public LighterTransport(HttpClient http, LighterClientOptions options)
    {
        _http = http;
        Options = options;
        _jitter = new Random(options.Seed);
        _base = options.RestBaseUrl.ToString().TrimEnd('/') + "/api/v1";
    }

    public LighterClientOptions Options { get; }

    public TimeProvider Time => Options.TimeProvider;

    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(Options.MaxBackoff.TotalMilliseconds, Options.MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20) - 1));
        double fraction;
        lock (_jitterGate) fraction = 0.5 + _jitter.NextDouble() / 2;
        return TimeSpan.FromMilliseconds(ceiling * fraction);
    }

    /// <summary>A GET, retried on unknown outcomes and short 429s (reads change nothing).</summary>
    public async Task<JsonDocument> GetAsync(string path, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken ct, int? attempts = null)
    {
        var max = attempts ?? Options.MaxAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var url = _base + path + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))));
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                return await SendAsync(request, "GET " + path, ct);
            }
            catch (LighterApiException e) when (attempt < max && (e.Kind == VenueErrorKind.Unknown
                                                                 || (e.Kind == VenueErrorKind.RateLimited && (e.RetryAfter ?? TimeSpan.Zero) <= Options.MaxRateLimitWait)))
            {
                await Task.Delay(e.RetryAfter ?? Backoff(attempt), Time, ct);
            }
        }
    }

    /// <summary>POST /sendTx once: tx_type and tx_info as a form.</summary>
    public async Task<JsonDocument> SendTxAsync(LighterSignedTx tx, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _base + "/sendTx")
        {
            Content = new FormUrlEncodedContent([new("tx_type", tx.Type.ToString(CultureInfo.InvariantCulture)), new("tx_info", tx.Info)]),
        };
        return await SendAsync(request, "POST /sendTx", ct);
    }

    private async Task<JsonDocument> SendAsync(HttpRequestMessage request, string what, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.RequestTimeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new LighterApiException(VenueErrorKind.Unknown, 0, $"{what}: no answer within {Options.RequestTimeout.TotalSeconds:0.#} s", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new LighterApiException(VenueErrorKind.Unknown, 0, $"{what}: connection failed before an answer ({e.HttpRequestError})", null, e);
        }
        catch (IOException e)
        {
            throw new LighterApiException(VenueErrorKind.Unknown, 0, $"{what}: connection dropped before an answer", null, e);
        }
        using (response)
        {
            return Interpret(what, response, body);
        }
    }

    private static JsonDocument Interpret(string what, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var (code, message) = ReadError(body);
        if (status == 429)
        {
            var after = RetryAfter(response) ?? TimeSpan.FromSeconds(1);
            throw new LighterApiException(VenueErrorKind.RateLimited, code, $"{what}: HTTP 429 {code} {message}".TrimEnd(), status) { RetryAfter = after };
        }
        // 5xx: maybe carried out.
        if (status >= 500) throw new LighterApiException(VenueErrorKind.Unknown, code, $"{what}: HTTP {status} {code} {message}".TrimEnd(), status);
        if (status >= 400 || (code != 0 && code != 200))
        {
            var auth = status == 401 || code is LighterErrorCodes.InvalidAuth or LighterErrorCodes.InvalidSignature or LighterErrorCodes.UnknownAccount;
            throw new LighterApiException(auth ? VenueErrorKind.AuthenticationFailed : VenueErrorKind.Rejected, code, $"{what}: {code} {message}".TrimEnd(), status);
        }
        try
        {
            return JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        }
        catch (JsonException e)
        {
            throw new LighterApiException(VenueErrorKind.Unknown, 0, $"{what}: the answer is not JSON", status, e);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return delta;
        if (response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return null;
    }

    /// <summary>{"code":21706,"message":"..."} when the body has it; (0, "") otherwise.</summary>
    internal static (int Code, string Message) ReadError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (0, string.Empty);
            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var v) ? v : 0;
            var msg = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? string.Empty : string.Empty;
            return (code, msg);
        }
        catch (JsonException)
        {
            return (0, body.Length > 200 ? body[..200] : body);
        }
    }
}

/// <summary>
/// The client's side of Lighter's transaction budget: sendTx calls in a sliding minute (a send waits
/// until it fits), and the venue's own word: a 429 pauses every send until its Retry-After.
/// </summary>
public sealed class LighterTxBudget(TimeProvider time, int perMinute)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _sent = new();
    private DateTimeOffset _pausedUntil;

    public int PerMinute { get; } = perMinute;

    /// <summary>Sends in the current minute.</summary>
    public int Used
    {
        get
        {
            lock (_gate)
            {
                Expire(time.GetUtcNow());
                return _sent.Count;
            }
        }
    }

    /// <summary>Waits until one more transaction fits the minute (and any 429 pause has passed), then counts it.</summary>
    public async Task AcquireAsync(CancellationToken ct)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                Expire(now);
                if (now < _pausedUntil) wait = _pausedUntil - now;
                else if (_sent.Count >= PerMinute) wait = _sent.Peek() + Minute - now;
                else
                {
                    _sent.Enqueue(now);
                    return;
                }
            }
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, ct);
        }
    }

    /// <summary>A 429: nothing goes out until <paramref name="retryAfter"/> has passed.</summary>
    public void Pause(TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var until = time.GetUtcNow() + retryAfter;
            if (until > _pausedUntil) _pausedUntil = until;
        }
    }

    private void Expire(DateTimeOffset now)
    {
        while (_sent.Count > 0 && _sent.Peek() + Minute <= now) _sent.Dequeue();
    }
}
