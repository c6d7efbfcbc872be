using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Exchange.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>
/// Lighter's REST API (<c>/lighter/api/v1/...</c>) over the core. Every request passes the fault
/// filter first (a 503 or 429 answers before anything is done; a dropped answer is carried out and
/// the connection cut). sendTx checks the transaction, its signature, the account's budget and the
/// API key's nonce, then hands it to the sequencer: the answer is a tx hash, not the order.
/// </summary>
internal sealed partial class LighterRestApi(LighterVenue venue)
{
    private const int AllMarkets = 255;

    private TimeProvider Time => venue.Options.TimeProvider;

    public void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(LighterVenue.ApiPrefix);
        api.AddEndpointFilter(FaultsAsync);
        api.MapGet("/orderBooks", (HttpContext http) => Markets(http, details: false));
        api.MapGet("/orderBookDetails", (HttpContext http) => Markets(http, details: true));
        api.MapGet("/funding-rates", (HttpContext _) => FundingRates());
        api.MapGet("/nextNonce", (Func<HttpContext, IResult>)NextNonce);
        api.MapPost("/sendTx", (Func<HttpContext, Task<IResult>>)SendTxAsync);
        api.MapGet("/account", (Func<HttpContext, IResult>)Account);
        api.MapGet("/accountActiveOrders", (Func<HttpContext, IResult>)ActiveOrders);
        api.MapGet("/accountInactiveOrders", (Func<HttpContext, IResult>)InactiveOrders);
        api.MapGet("/trades", (Func<HttpContext, IResult>)Trades);
        api.MapGet("/recentTrades", (Func<HttpContext, IResult>)RecentTrades);
        api.MapGet("/positionFunding", (Func<HttpContext, IResult>)PositionFunding);
        api.Map("/{**rest}", (HttpContext _) => LighterErrors.NotFound("unknown endpoint").ToResult());
    }

    /// <summary>Lighter's success body: "code": 200 first, then the fields.</summary>
    private static IResult Ok(JsonObject body)
    {
        var result = new JsonObject { ["code"] = 200 };
        foreach (var (name, value) in body.ToList())
        {
            body.Remove(name);
            result[name] = value;
        }
        return new LighterJsonResult(200, result);
    }

    private async ValueTask<object?> FaultsAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var fault = venue.Faults.Decide();
        if (fault.Latency > TimeSpan.Zero) await Task.Delay(fault.Latency, Time, http.RequestAborted);
        if (fault.Kind == FaultKind.ServerError) return LighterErrors.InjectedUnavailable().ToResult();
        if (fault.Kind == FaultKind.TooManyRequests) return LighterErrors.InjectedTooManyRequests().ToResult(retryAfterSeconds: 1);
        object? result;
        try
        {
            result = await next(invocation);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A bug in one handler answers a 500; it must never take the venue down.
        catch (Exception)
#pragma warning restore CA1031
        {
            result = LighterErrors.InternalError().ToResult();
        }
        if (fault.Kind == FaultKind.DropResponse)
        {
            // Carried out; the client never hears about it.
            http.Abort();
            return Results.Empty;
        }
        return result;
    }

    // ---- parameters --------------------------------------------------------------------------

    /// <summary>A whole-number query parameter; an error when present but not one.</summary>
    private static bool TryLong(HttpContext http, string name, out long? value, out LighterError? error)
    {
        value = null;
        error = null;
        var text = http.Request.Query[name].ToString();
        if (text.Length == 0) return true;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            value = v;
            return true;
        }
        error = LighterErrors.Param(name, "must be an integer");
        return false;
    }

    private static bool TryLimit(HttpContext http, out int limit, out LighterError? error)
    {
        limit = 100;
        if (!TryLong(http, "limit", out var l, out error)) return false;
        if (l is { } n)
        {
            if (n is < 1 or > 100)
            {
                error = LighterErrors.Param("limit", "must be 1..100");
                return false;
            }
            limit = (int)n;
        }
        return true;
    }

    /// <summary>market_id: null (absent or 255) for every market; an error for an unknown one.</summary>
    private bool TryMarket(HttpContext http, bool required, out LighterMarket? market, out LighterError? error)
    {
        market = null;
        if (!TryLong(http, "market_id", out var id, out error)) return false;
        if (id is null or AllMarkets)
        {
            if (!required || id is AllMarkets) return true;
            error = LighterErrors.Param("market_id", "is required");
            return false;
        }
        market = venue.WithLock(() => venue.MarketAt(id.Value));
        if (market is not null) return true;
        error = LighterErrors.Param("market_id", $"market {id.Value.ToString(CultureInfo.InvariantCulture)} does not exist");
        return false;
    }

    /// <summary>account_index and an auth token of that account (query "auth" or the Authorization header).</summary>
    private bool TryPrivate(HttpContext http, out long account, out LighterError? error)
    {
        account = 0;
        if (!TryLong(http, "account_index", out var id, out error)) return false;
        if (id is null)
        {
            error = LighterErrors.Param("account_index", "is required");
            return false;
        }
        var token = http.Request.Query["auth"].ToString();
        if (token.Length == 0) token = http.Request.Headers.Authorization.ToString();
        var (owner, why) = venue.VerifyAuth(token);
        if (why is not null)
        {
            error = why;
            return false;
        }
        if (owner != id)
        {
            error = LighterErrors.Auth("the token is not this account's");
            return false;
        }
        account = owner;
        return true;
    }

    // ---- market data -------------------------------------------------------------------------

    private IResult Markets(HttpContext http, bool details)
    {
        if (!TryMarket(http, required: false, out var market, out var error)) return error!.ToResult();
        return venue.WithLock(() =>
        {
            var all = new JsonArray();
            foreach (var m in venue.Markets())
            {
                if (market is not null && m.Index != market.Index) continue;
                var fresh = venue.Fresh(m);
                all.Add(details ? LighterWire.OrderBookDetails(fresh, venue.Exchange.Rules) : LighterWire.OrderBook(fresh, venue.Exchange.Rules));
            }
            return Ok(new JsonObject { [details ? "order_book_details" : "order_books"] = all });
        });
    }

    /// <summary>Lighter's funding-rates list (this venue's markets only), with the interval and next settlement added.</summary>
    private IResult FundingRates() => venue.WithLock(() =>
    {
        var all = new JsonArray();
        foreach (var m in venue.Markets())
        {
            var fresh = venue.Fresh(m).View;
            all.Add(new JsonObject
            {
                ["market_id"] = m.Index,
                ["exchange"] = "lighter",
                ["symbol"] = m.Symbol,
                ["rate"] = fresh.FundingRate.Value,
                ["funding_interval_hours"] = (decimal)fresh.FundingInterval.TotalMinutes / 60m,
                ["next_funding_time"] = LighterWire.Ms(fresh.NextFundingTime),
            });
        }
        return Ok(new JsonObject { ["funding_rates"] = all });
    });

    private IResult NextNonce(HttpContext http)
    {
        if (!TryLong(http, "account_index", out var account, out var error) || !TryLong(http, "api_key_index", out var apiKey, out error)) return error!.ToResult();
        if (account is null || apiKey is null) return LighterErrors.Param(account is null ? "account_index" : "api_key_index", "is required").ToResult();
        var key = venue.WithLock(() => apiKey is >= 0 and <= 255 ? venue.Accounts.Key(account.Value, (int)apiKey.Value) : null);
        return key is null
            ? LighterErrors.Tx(LighterErrors.UnknownAccount, "account or api key not found").ToResult()
            : Ok(new JsonObject { ["nonce"] = venue.WithLock(() => key.NextNonce) });
    }

    // ---- sendTx ------------------------------------------------------------------------------

    private async Task<IResult> SendTxAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return LighterErrors.Param("tx_type", "sendTx takes a form: tx_type, tx_info").ToResult();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var tx = LighterTransaction.Parse(form["tx_type"].ToString(), form["tx_info"].ToString(), out var why);
        if (tx is null)
            return LighterErrors.Tx(why.StartsWith("tx_type", StringComparison.Ordinal) ? LighterErrors.InvalidTxType : LighterErrors.InvalidTxInfo, why).ToResult();
        var (key, refused) = venue.VerifySignature(tx);
        if (refused is not null) return refused.ToResult();
        if (venue.Budget.TryConsume(tx.AccountIndex) is { } retryAfter) return LighterErrors.RateLimited(venue.Budget.PerMinute).ToResult(retryAfter);
        var (error, accepted) = venue.WithLock(() => venue.Accept(tx, key!));
        if (error is not null) return error.ToResult();
        return Ok(new JsonObject
        {
            ["message"] = "{\"ratelimit\": \"didn't use volume quota\"}",
            ["tx_hash"] = accepted!.Hash,
            ["predicted_execution_time_ms"] = LighterWire.Ms(accepted.DueAt),
        });
    }
}
