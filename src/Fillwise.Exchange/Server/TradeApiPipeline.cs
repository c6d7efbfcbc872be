using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fillwise.Exchange.Server;

/// <summary>What an endpoint needs: authentication, which bucket it bills and how much.</summary>
internal sealed record EndpointAccess(bool RequiresAuth, RateBucket Bucket, int Cost, bool BilledInHandler = false);

/// <summary>
/// The filter every /trade-api/v2 endpoint runs through: injected faults, authentication,
/// rate limits, then the handler; a dropped response is carried out and then cut off.
/// </summary>
internal sealed class TradeApiPipeline(KalshiAuthenticator authenticator, TokenBucketRateLimiter limiter, FaultInjector faults, TimeProvider time)
{
    private const string UserKey = "fillwise.user";

    public static string? UserOf(HttpContext http) => http.Items[UserKey] as string;

    public static string RequireUser(HttpContext http) =>
        UserOf(http) ?? throw new InvalidOperationException("endpoint marked authenticated ran without a user");

    public TokenBucketRateLimiter Limiter => limiter;

    public KalshiAuthenticator Authenticator => authenticator;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var access = http.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>() ?? new EndpointAccess(true, RateBucket.Read, TokenBucketRateLimiter.DefaultCost);
        if (RequestTarget.Check(http) is { } notText) return notText;
        var fault = faults.Decide();
        if (fault.Latency > TimeSpan.Zero) await Task.Delay(fault.Latency, time, http.RequestAborted);
        // 5xx and 429 faults refuse before anything is done.
        if (fault.Kind == FaultKind.ServerError) return KalshiErrors.ServiceUnavailable();
        if (fault.Kind == FaultKind.TooManyRequests) return KalshiErrors.TooManyRequests();

        if (access.RequiresAuth || KalshiAuthenticator.HasCredentials(http.Request.Headers))
        {
            var auth = authenticator.Authenticate(http.Request.Headers, http.Request.Method, SignedPath(http));
            if (auth.Error is not null) return auth.Error;
            http.Items[UserKey] = auth.UserId;
        }

        var user = UserOf(http);
        if (user is not null && !access.BilledInHandler && !limiter.TryConsume(user, access.Bucket, access.Cost))
            return KalshiErrors.TooManyRequests();

        object? result;
        try
        {
            result = await next(invocation);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A bug in one handler answers 500 in Kalshi's shape; it must never take the exchange down.
        catch (Exception)
#pragma warning restore CA1031
        {
            result = KalshiErrors.Internal();
        }

        if (fault.Kind == FaultKind.DropResponse)
        {
            // The request was carried out; the client never hears about it.
            http.Abort();
            return Results.Empty;
        }
        return result;
    }

    /// <summary>The path exactly as the client sent it (what it signed), without the query.</summary>
    public static string SignedPath(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) return http.Request.PathBase + http.Request.Path;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 ? raw[..query] : raw;
    }
}

internal static class EndpointAccessExtensions
{
    public static RouteHandlerBuilder Public(this RouteHandlerBuilder builder, int cost = TokenBucketRateLimiter.DefaultCost) =>
        builder.WithMetadata(new EndpointAccess(false, RateBucket.Read, cost));

    public static RouteHandlerBuilder Read(this RouteHandlerBuilder builder, int cost = TokenBucketRateLimiter.DefaultCost) =>
        builder.WithMetadata(new EndpointAccess(true, RateBucket.Read, cost));

    public static RouteHandlerBuilder Write(this RouteHandlerBuilder builder, int cost = TokenBucketRateLimiter.DefaultCost) =>
        builder.WithMetadata(new EndpointAccess(true, RateBucket.Write, cost));

    /// <summary>Batches bill per item, and the whole batch must fit: the handler charges once it has counted.</summary>
    public static RouteHandlerBuilder WriteBilledInHandler(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new EndpointAccess(true, RateBucket.Write, 0, BilledInHandler: true));
}
