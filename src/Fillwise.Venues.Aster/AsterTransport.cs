using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>How a request may be repeated when its outcome is unknown.</summary>
internal enum AsterRetry
{
    /// <summary>Never: the caller resolves an unknown outcome itself.</summary>
    Never,
    /// <summary>Reads, cancels by id, creates carrying their client order id: the venue refuses a duplicate.</summary>
    Safe,
}

/// <summary>
/// Sends Aster REST requests: V3-signed when private (a new nonce per attempt), under the client's
/// rate limits, with a timeout; maps answers to JSON or an <see cref="AsterApiException"/> whose kind
/// says whether anything may have happened. Retries only what is safe to repeat, with seeded jitter.
/// </summary>
internal sealed class AsterTransport
{
    private readonly HttpClient _http;
    private readonly AsterClientOptions _options;
    private readonly AsterSigner? _signer;
    private readonly Random _jitter;
    private readonly Lock _jitterGate = new();
    private readonly string _base;

    public AsterTransport(HttpClient http, AsterClientOptions options, AsterSigner? signer, AsterRateLimiter limiter)
    {
        _http = http;
        _options = options;
        _signer = signer;
        Limiter = limiter;
        _jitter = new Random(options.Seed);
        _base = options.RestBaseUrl.ToString().TrimEnd('/');
    }

    public AsterRateLimiter Limiter { get; }

    public TimeProvider Time => _options.TimeProvider;

    public AsterClientOptions Options => _options;

    public async Task<JsonDocument> SendAsync(HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>> parameters, bool signed,
        int weight, bool isOrder, AsterRetry retry, CancellationToken ct)
    {
        var attempts = retry == AsterRetry.Safe ? _options.MaxAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Limiter.AcquireAsync(weight, isOrder, ct);
                return await SendOnceAsync(method, path, parameters, signed, ct);
            }
            catch (AsterApiException e) when (attempt < attempts && IsWorthRetrying(e))
            {
                var delay = e.RetryAfter ?? Backoff(attempt);
                await Task.Delay(delay, _options.TimeProvider, ct);
            }
        }
    }

    /// <summary>Unknown outcomes and 429s (the request was not carried out) are retried; refusals never.</summary>
    private bool IsWorthRetrying(AsterApiException e) =>
        e.Kind == VenueErrorKind.Unknown
        || (e.Kind == VenueErrorKind.RateLimited && e.HttpStatus == 429 && (e.RetryAfter ?? TimeSpan.Zero) <= _options.MaxRateLimitWait);

    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.MaxBackoff.TotalMilliseconds, _options.MinBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        double fraction;
        lock (_jitterGate) fraction = 0.5 + _jitter.NextDouble() / 2;
        return TimeSpan.FromMilliseconds(ceiling * fraction);
    }

    private async Task<JsonDocument> SendOnceAsync(HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>> parameters, bool signed, CancellationToken ct)
    {
        string query;
        if (signed)
        {
            if (_signer is null) throw new AsterApiException(VenueErrorKind.AuthenticationFailed, 0, $"{path} needs Aster credentials");
            query = _signer.SignParameters(parameters);
        }
        else
        {
            query = string.Join('&', parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        }
        var url = _base + path;
        using var request = new HttpRequestMessage(method, method == HttpMethod.Get && query.Length > 0 ? url + "?" + query : url);
        if (method != HttpMethod.Get && query.Length > 0)
            request.Content = new StringContent(query, Encoding.UTF8, "application/x-www-form-urlencoded");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new AsterApiException(VenueErrorKind.Unknown, 0, $"{method} {path}: no answer within {_options.RequestTimeout.TotalSeconds:0.#} s", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new AsterApiException(VenueErrorKind.Unknown, 0, $"{method} {path}: connection failed before an answer ({e.HttpRequestError})", null, e);
        }
        catch (IOException e)
        {
            throw new AsterApiException(VenueErrorKind.Unknown, 0, $"{method} {path}: connection dropped before an answer", null, e);
        }
        using (response)
        {
            return Interpret(method, path, response, body);
        }
    }

    private AsterApiException Failure(VenueErrorKind kind, HttpStatusCode status, string body, string what, TimeSpan? retryAfter = null)
    {
        var (code, msg) = ReadError(body);
        return new AsterApiException(kind, code, $"{what}: HTTP {(int)status} {code} {msg}".TrimEnd(), (int)status) { RetryAfter = retryAfter };
    }

    private JsonDocument Interpret(HttpMethod method, string path, HttpResponseMessage response, string body)
    {
        var status = response.StatusCode;
        var what = $"{method} {path}";
        if ((int)status is 429 or 418)
        {
            var after = RetryAfter(response) ?? TimeSpan.FromSeconds((int)status == 418 ? 120 : 1);
            if ((int)status == 418) Limiter.Ban(after);
            else Limiter.Pause(after);
            throw Failure(VenueErrorKind.RateLimited, status, body, what, after);
        }
        // 5xx, and 503 in particular ("execution status unknown"): maybe carried out.
        if ((int)status >= 500) throw Failure(VenueErrorKind.Unknown, status, body, what);
        if ((int)status >= 400)
        {
            var (code, _) = ReadError(body);
            var auth = (int)status == 401 || code is AsterErrorCodes.InvalidSignature or AsterErrorCodes.Unauthorized or (-2014) or (-1002);
            throw Failure(auth ? VenueErrorKind.AuthenticationFailed : VenueErrorKind.Rejected, status, body, what);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        }
        catch (JsonException e)
        {
            throw new AsterApiException(VenueErrorKind.Unknown, 0, $"{what}: the answer is not JSON", (int)status, e);
        }
        // Errors can arrive inside a 200: {"code":-2010,"msg":...}.
        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("code", out var c)
            && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var inner) && inner < 0)
        {
            var msg = doc.RootElement.TryGetProperty("msg", out var m) ? m.GetString() ?? string.Empty : string.Empty;
            doc.Dispose();
            throw new AsterApiException(VenueErrorKind.Rejected, inner, $"{what}: {inner} {msg}", (int)status);
        }
        return doc;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return delta;
        if (response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return null;
    }

    /// <summary>{"code":-2010,"msg":"..."} when the body has it; (0, "") otherwise.</summary>
    internal static (int Code, string Message) ReadError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (0, string.Empty);
            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var v) ? v : 0;
            var msg = root.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? string.Empty : string.Empty;
            return (code, msg);
        }
        catch (JsonException)
        {
            return (0, body.Length > 200 ? body[..200] : body);
        }
    }
}
