using System.Net;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster.Tests;

public class RateLimitTests
{
    private sealed class Scripted(Queue<Func<HttpResponseMessage>> answers) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(answers.Count > 0 ? answers.Dequeue()() : Json(HttpStatusCode.OK, """[{"asset":"USDT","balance":"1.00000000","availableBalance":"1.00000000","crossUnPnl":"0.00000000"}]"""));
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, int? retryAfter = null)
    {
        var r = new HttpResponseMessage(status) { Content = new StringContent(body) };
        if (retryAfter is { } s) r.Headers.Add("Retry-After", s.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return r;
    }

    private static AsterClient Client(HttpMessageHandler handler) => new(new HttpClient(handler),
        new AsterClientOptions { RestBaseUrl = new Uri("http://127.0.0.1:1/aster/fapi"), MinBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) },
        AsterCredentials.FromPrivateKey("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"));

    [Fact]
    public async Task A_429_pauses_for_its_Retry_After_then_a_safe_read_is_sent_again()
    {
        var handler = new Scripted(new([() => Json((HttpStatusCode)429, """{"code":-1003,"msg":"Too many requests"}""", retryAfter: 1)]));
        var client = Client(handler);
        var started = DateTimeOffset.UtcNow;
        var balance = await client.Account.GetBalanceAsync(CancellationToken.None);
        Assert.Equal(2, handler.Calls);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(900));
        Assert.Equal("USDT", balance.Asset);
    }

    [Fact]
    public async Task A_418_ban_fails_every_request_at_once_until_it_ends()
    {
        var handler = new Scripted(new([() => Json((HttpStatusCode)418, """{"code":-1003,"msg":"banned"}""", retryAfter: 120)]));
        var client = Client(handler);
        var first = await Assert.ThrowsAsync<AsterApiException>(() => client.Account.GetBalanceAsync(CancellationToken.None));
        Assert.Equal(VenueErrorKind.RateLimited, first.Kind);
        var second = await Assert.ThrowsAsync<AsterApiException>(() => client.Account.GetPositionsAsync(CancellationToken.None));
        Assert.Equal(VenueErrorKind.RateLimited, second.Kind);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_503_on_a_create_is_an_unknown_outcome_after_the_safe_retries()
    {
        var handler = new Scripted(new([.. Enumerable.Range(0, 10).Select(_ => (Func<HttpResponseMessage>)(() =>
            Json(HttpStatusCode.ServiceUnavailable, """{"code":-1007,"msg":"Timeout waiting for response from backend server. Send status unknown; execution status unknown."}""")))]));
        var client = Client(handler);
        var outcome = await client.Orders.PlaceAsync(new AsterOrderRequest(new("aster", "ZECUSDT"), Domain.Orders.OrderSide.Buy, AsterOrderType.Limit,
            Domain.Values.Quantity.Parse("0.1"), Domain.Values.Price.Parse("514"), new Domain.Values.ClientOrderId("c-1")), CancellationToken.None);
        Assert.IsType<AsterPlaceOutcome.Unknown>(outcome);
        Assert.Equal(client.Options.MaxAttempts, handler.Calls);
    }

    [Fact]
    public async Task The_weight_budget_makes_requests_wait_rather_than_overrun_it()
    {
        var limiter = new AsterRateLimiter(TimeProvider.System, weightPerMinute: 3, ordersPerMinute: 10);
        await limiter.AcquireAsync(2, false, CancellationToken.None);
        await limiter.AcquireAsync(1, false, CancellationToken.None);
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.AcquireAsync(1, false, soon.Token));
    }
}
