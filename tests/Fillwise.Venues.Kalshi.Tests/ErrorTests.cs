using System.Net;
using System.Text;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Kalshi.Tests;

public sealed class ErrorTests
{
    private static readonly MarketTicker T = new("KXT-1");

    [Fact]
    public void All_error_body_shapes_parse()
    {
        var nested = KalshiErrors.TryParse("""{"error":{"code":"invalid_order","message":"invalid order","details":"post only cross"}}"""u8)!;
        Assert.Equal(("invalid_order", "invalid order", "post only cross"), (nested.Code, nested.Message, nested.Details));

        var flat = KalshiErrors.TryParse("""{"code":"bad_request","message":"bad","details":"json: cannot unmarshal number"}"""u8)!;
        Assert.Equal(("bad_request", "json: cannot unmarshal number"), (flat.Code, flat.Details));

        var msg = KalshiErrors.TryParse("""{"msg":"Parameter validation failed"}"""u8)!;
        Assert.Equal("Parameter validation failed", msg.Message);
        Assert.Null(msg.Code);

        var tooMany = KalshiErrors.TryParse("""{"error":"too many requests"}"""u8)!;
        Assert.Equal("too many requests", tooMany.Message);

        Assert.Null(KalshiErrors.TryParse("<html>oops</html>"u8));
        Assert.Null(KalshiErrors.TryParse("""{"orders":[]}"""u8));
    }

    [Theory]
    [InlineData(400, """{"error":{"code":"insufficient_balance","message":"x"}}""", KalshiErrorKind.Rejected, "insufficient_balance")]
    [InlineData(400, """{"error":{"code":"invalid_price","message":"x"}}""", KalshiErrorKind.Rejected, "invalid_price")]
    [InlineData(400, """{"code":"bad_request","message":"x","details":"y"}""", KalshiErrorKind.Rejected, "bad_request")]
    [InlineData(400, """{"msg":"Parameter validation failed"}""", KalshiErrorKind.Rejected, null)]
    [InlineData(400, """{"error":{"code":"MARKET_INACTIVE","message":"x"}}""", KalshiErrorKind.Rejected, "MARKET_INACTIVE")]
    [InlineData(404, """{"error":{"code":"not_found","message":"x"}}""", KalshiErrorKind.Rejected, "not_found")]
    [InlineData(409, """{"error":{"code":"order_already_exists","message":"x"}}""", KalshiErrorKind.Rejected, "order_already_exists")]
    [InlineData(401, """{"error":{"code":"authentication_error","message":"authentication_error","details":"INCORRECT_API_KEY_SIGNATURE"}}""", KalshiErrorKind.AuthenticationFailed, "authentication_error")]
    [InlineData(403, "", KalshiErrorKind.AuthenticationFailed, null)]
    [InlineData(429, """{"error":"too many requests"}""", KalshiErrorKind.RateLimited, null)]
    [InlineData(500, """{"error":{"code":"internal","message":"x"}}""", KalshiErrorKind.Unknown, "internal")]
    [InlineData(502, "<html>bad gateway</html>", KalshiErrorKind.Unknown, null)]
    [InlineData(503, """{"error":{"code":"service_unavailable","message":"x"}}""", KalshiErrorKind.Unknown, "service_unavailable")]
    public async Task Status_and_body_are_classified(int status, string body, KalshiErrorKind kind, string? code)
    {
        var (client, _) = Clients.Rest((_, _) => StubHandler.Json(status, body), Clients.FastOptions with { MaxAttempts = 1 });
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.GetBalanceAsync());
        Assert.Equal(kind, e.Kind);
        Assert.Equal(status, e.HttpStatus);
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Codes_match_by_prefix()
    {
        var e = KalshiErrors.FromResponse("GET", "/x", HttpStatusCode.BadRequest, """{"error":{"code":"user_not_found:_3f2a","message":"m"}}"""u8);
        Assert.True(e.HasCode("user_not_found"));
        Assert.False(e.HasCode("not_found"));
        Assert.Equal(KalshiErrorKind.Rejected, e.Kind);
    }

    [Fact]
    public async Task Error_inside_a_2xx_body_is_an_error()
    {
        var (client, _) = Clients.Rest((_, _) => StubHandler.Json(201, """{"error":{"code":"deprecated_v1_order_endpoint","message":"use v2"}}"""));
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.CreateOrderAsync(Create(null)));
        Assert.Equal(KalshiErrorKind.Rejected, e.Kind);
        Assert.True(e.HasCode(KalshiErrorCodes.DeprecatedV1OrderEndpoint));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("""{"order_id":"o-1","fill_count":"1.005","remaining_count":"0.00"}""")]
    public async Task Empty_or_unparseable_2xx_is_Unknown(string body)
    {
        var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(201, body));
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.CreateOrderAsync(Create(null)));
        Assert.Equal(KalshiErrorKind.Unknown, e.Kind);
        Assert.Single(handler.Seen); // no client id: never repeated
    }

    [Fact]
    public async Task Malformed_value_names_field_and_value()
    {
        var (client, _) = Clients.Rest((_, _) => StubHandler.Json(200, """{"balance":100,"balance_dollars":"12.3x"}"""));
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.GetBalanceAsync());
        Assert.Equal(KalshiErrorKind.Unknown, e.Kind);
        Assert.Contains("balance_dollars", e.Message, StringComparison.Ordinal);
        Assert.Contains("12.3x", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_is_Unknown()
    {
        var (client, _) = Clients.Rest(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return StubHandler.Json(200, "{}");
        }, Clients.FastOptions with { RequestTimeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 1 });
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.GetBalanceAsync());
        Assert.Equal(KalshiErrorKind.Unknown, e.Kind);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_failure_is_Unknown()
    {
        var (client, _) = Clients.Rest(static HttpResponseMessage (SeenRequest _, int _) => throw new HttpRequestException("connection reset", new IOException("reset")), Clients.FastOptions with { MaxAttempts = 1 });
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.GetBalanceAsync());
        Assert.Equal(KalshiErrorKind.Unknown, e.Kind);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_an_error()
    {
        using var cts = new CancellationTokenSource();
        var (client, _) = Clients.Rest(async (_, _) =>
        {
            await cts.CancelAsync();
            await Task.Delay(TimeSpan.FromSeconds(5), cts.Token);
            return StubHandler.Json(200, "{}");
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetBalanceAsync(cts.Token));
    }

    [Fact]
    public async Task Error_messages_never_contain_the_signature()
    {
        var (client, handler) = Clients.Rest((r, _) => StubHandler.Json(401,
            """{"error":{"code":"authentication_error","message":"bad","details":"INCORRECT_API_KEY_SIGNATURE"}}"""));
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.GetBalanceAsync());
        var sig = handler.Seen[0].Headers[KalshiAuthHeaders.SignatureHeader];
        Assert.DoesNotContain(sig, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(KalshiErrorKind.AuthenticationFailed, e.Kind);
    }

    internal static KalshiCreateOrder Create(string? coid) => new(T, BookSide.Bid, Contracts.Parse("5.00"), ContractPrice.Parse("0.4200"),
        VenueTimeInForce.GoodTillCanceled, coid is null ? null : new ClientOrderId(coid), PostOnly: true);
}

public sealed class RetryTests
{
    private static readonly MarketTicker T = new("KXT-1");

    [Fact]
    public async Task Create_409_after_a_retry_fetches_the_order()
    {
        var (client, handler) = Clients.Rest((r, n) => (r.Method, r.PathAndQuery.Split('?')[0], n) switch
        {
            ("POST", _, 1) => StubHandler.Json(503, """{"error":{"code":"service_unavailable","message":"x"}}"""),
            ("POST", _, _) => StubHandler.Json(409, """{"error":{"code":"order_already_exists","message":"x"}}"""),
            ("GET", "/trade-api/v2/portfolio/orders", _) when !r.PathAndQuery.Contains("cursor=", StringComparison.Ordinal) =>
                StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-9", "other")}}],"cursor":"p2"}"""),
            ("GET", "/trade-api/v2/portfolio/orders", _) =>
                StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-7", "my-coid")}}],"cursor":""}"""),
            _ => StubHandler.Json(500, "{}"),
        });
        var ack = await client.CreateOrderAsync(ErrorTests.Create("my-coid"));
        Assert.Equal("o-7", ack.OrderId.Value);
        Assert.NotNull(ack.RecoveredOrder);
        Assert.Equal(Contracts.Parse("2.00"), ack.FillCount);
        var posts = handler.Seen.Where(s => s.Method == "POST").ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal(posts[0].Body, posts[1].Body); // same client_order_id, same order
        Assert.Contains("\"client_order_id\":\"my-coid\"", posts[0].Body, StringComparison.Ordinal);
        Assert.All(handler.Seen.Where(s => s.Method == "GET"), s => Assert.Contains("ticker=KXT-1", s.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_409_on_the_first_attempt_is_a_rejection()
    {
        var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(409, """{"error":{"code":"order_already_exists","message":"x"}}"""));
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.CreateOrderAsync(ErrorTests.Create("c")));
        Assert.True(e.IsOrderAlreadyExists);
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task Create_without_client_id_is_never_retried()
    {
        var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(500, "{}"));
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.CreateOrderAsync(ErrorTests.Create(null)));
        Assert.Equal(KalshiErrorKind.Unknown, e.Kind);
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task Create_with_client_id_retries_then_succeeds_and_body_uses_strings()
    {
        var (client, handler) = Clients.Rest((_, n) => n < 3
            ? StubHandler.Json(429, """{"error":"too many requests"}""")
            : StubHandler.Json(201, """{"order_id":"o-1","client_order_id":"c","fill_count":"1.00","remaining_count":"4.00","average_fill_price":"0.4100","average_fee_paid":"0.0175","ts_ms":1718000000000}"""));
        var ack = await client.CreateOrderAsync(ErrorTests.Create("c"));
        Assert.Equal(3, handler.Seen.Count);
        Assert.Equal(ContractPrice.Parse("0.4100"), ack.AverageFillPrice);
        Assert.Equal(Money.Parse("0.0175"), ack.AverageFeePaid);
        Assert.Equal(Contracts.Parse("4.00"), ack.RemainingCount);
        var body = handler.Seen[0].Body!;
        Assert.Contains("\"count\":\"5.00\"", body, StringComparison.Ordinal);
        Assert.Contains("\"price\":\"0.4200\"", body, StringComparison.Ordinal);
        Assert.Contains("\"side\":\"bid\"", body, StringComparison.Ordinal);
        Assert.Contains("\"time_in_force\":\"good_till_canceled\"", body, StringComparison.Ordinal);
        Assert.Contains("\"self_trade_prevention_type\":\"taker_at_cross\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\"", body, StringComparison.Ordinal);
        Assert.Equal("/trade-api/v2/portfolio/events/orders", handler.Seen[0].PathAndQuery);
    }

    [Fact]
    public async Task Create_gives_up_after_max_attempts_with_Unknown()
    {
        var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(502, "bad gateway"), Clients.FastOptions with { MaxAttempts = 3 });
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => client.CreateOrderAsync(ErrorTests.Create("c")));
        Assert.Equal(KalshiErrorKind.Unknown, e.Kind);
        Assert.Equal(3, handler.Seen.Count);
    }

    [Fact]
    public async Task Cancel_404_after_a_retry_is_NotFound_not_success()
    {
        var (client, handler) = Clients.Rest((_, n) => n == 1
            ? StubHandler.Json(500, "{}")
            : StubHandler.Json(404, """{"error":{"code":"not_found","message":"order not found"}}"""));
        var r = await client.CancelOrderAsync(new VenueOrderId("o-1"), T);
        Assert.Equal(KalshiCancelStatus.NotFound, r.Status);
        Assert.True(r.AfterRetry);
        Assert.Null(r.Ack);
        Assert.Equal("/trade-api/v2/portfolio/events/orders/o-1?market_ticker=KXT-1", handler.Seen[0].PathAndQuery);
        Assert.Equal("DELETE", handler.Seen[0].Method);
    }

    [Fact]
    public async Task Cancel_success_returns_the_ack()
    {
        var (client, _) = Clients.Rest((_, _) => StubHandler.Json(200, """{"order_id":"o-1","client_order_id":"c","reduced_by":"3.00","ts_ms":1718000000000}"""));
        var r = await client.CancelOrderAsync(new VenueOrderId("o-1"));
        Assert.Equal(KalshiCancelStatus.Canceled, r.Status);
        Assert.Equal(Contracts.Parse("3.00"), r.Ack!.ReducedBy);
        Assert.False(r.AfterRetry);
    }

    [Fact]
    public async Task Amend_and_decrease_are_sent_once()
    {
        var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(503, "{}"));
        await Assert.ThrowsAsync<KalshiApiException>(() => client.AmendOrderAsync(new VenueOrderId("o"), new KalshiAmend(T, BookSide.Bid, ContractPrice.Parse("0.4"), Contracts.Parse("3"))));
        await Assert.ThrowsAsync<KalshiApiException>(() => client.DecreaseOrderAsync(new VenueOrderId("o"), Contracts.Parse("1"), null));
        Assert.Equal(2, handler.Seen.Count);
    }

    [Fact]
    public async Task Resolve_by_client_id_walks_pages_and_reports_not_found()
    {
        var (client, handler) = Clients.Rest((r, _) =>
            r.PathAndQuery.StartsWith("/trade-api/v2/historical/", StringComparison.Ordinal) ? StubHandler.Json(404, """{"code":"not_found","message":"no such route"}""")
            : r.PathAndQuery.Contains("cursor=p2", StringComparison.Ordinal)
            ? StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-3", "x3")}}],"cursor":""}""")
            : StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-1", "x1")}},{{Json.Order("o-2", "x2")}}],"cursor":"p2"}"""));
        var none = await client.ResolveByClientOrderIdAsync(T, new ClientOrderId("nope"));
        Assert.False(none.Found);
        Assert.Equal(2, handler.Seen.Count(r => r.PathAndQuery.StartsWith("/trade-api/v2/portfolio/orders", StringComparison.Ordinal)));
        Assert.Single(handler.Seen, r => r.PathAndQuery.StartsWith("/trade-api/v2/historical/orders?ticker=KXT-1", StringComparison.Ordinal)); // a venue without an archive: 404, so not found
        var found = await client.ResolveByClientOrderIdAsync(T, new ClientOrderId("x3"));
        Assert.Equal("o-3", found.Order!.OrderId.Value);
    }

    [Fact]
    public async Task Resolve_by_client_id_finds_orders_archived_past_the_historical_cutoff()
    {
        var (client, handler) = Clients.Rest((r, _) =>
            r.PathAndQuery.StartsWith("/trade-api/v2/historical/orders", StringComparison.Ordinal)
                ? StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-old", "x-old", status: "executed")}}],"cursor":""}""")
            : r.PathAndQuery.StartsWith("/trade-api/v2/historical/cutoff", StringComparison.Ordinal)
                ? StubHandler.Json(200, """{"market_settled_ts":"2026-11-01T00:00:00Z","trades_created_ts":"2026-11-02T00:00:00Z","orders_updated_ts":"2026-11-03T00:00:00Z"}""")
            : StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-1", "x1")}}],"cursor":""}"""));
        var found = await client.ResolveByClientOrderIdAsync(T, new ClientOrderId("x-old"));
        Assert.Equal("o-old", found.Order!.OrderId.Value);
        Assert.Equal(KalshiOrderStatus.Executed, found.Order.Status);

        var cutoff = await client.GetHistoricalCutoffAsync();
        Assert.Equal(DateTimeOffset.Parse("2026-11-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), cutoff!.OrdersUpdated);
        Assert.Null(cutoff.PositionsLastUpdated);

        // An archive that fails (5xx) leaves the outcome unknown: never "not found".
        var (failing, _) = Clients.Rest((r, _) => r.PathAndQuery.StartsWith("/trade-api/v2/historical/", StringComparison.Ordinal)
            ? StubHandler.Json(503, "{}")
            : StubHandler.Json(200, """{"orders":[],"cursor":""}"""));
        var e = await Assert.ThrowsAsync<KalshiApiException>(() => failing.ResolveByClientOrderIdAsync(T, new ClientOrderId("x-old")));
        Assert.Equal(KalshiErrorKind.Unknown, e.Kind);
        Assert.NotEmpty(handler.Seen);
    }

    [Fact]
    public async Task Batch_items_fail_individually()
    {
        var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(200, """
            {"orders":[{"order_id":"o-1","reduced_by":"2.00","ts_ms":1},
                       {"order_id":"o-2","error":{"code":"not_found","message":"gone"}}]}
            """));
        var items = await client.BatchCancelOrdersAsync([new(new VenueOrderId("o-1")), new(new VenueOrderId("o-2"))]);
        Assert.Null(items[0].Error);
        Assert.Equal(Contracts.Parse("2.00"), items[0].ReducedBy);
        Assert.True(items[1].Error!.IsNotFound);
        Assert.Equal("/trade-api/v2/portfolio/events/orders/batched", handler.Seen[0].PathAndQuery);
    }

    [Fact]
    public async Task Signed_path_includes_prefix_and_excludes_query()
    {
        var (client, handler) = Clients.Rest((_, _) => StubHandler.Json(200, """{"orders":[],"cursor":""}"""));
        await client.GetOrdersAsync(new KalshiOrderQuery(T, KalshiOrderStatus.Resting));
        var seen = handler.Seen[0];
        Assert.Contains("status=resting", seen.PathAndQuery, StringComparison.Ordinal);
        var payload = seen.Headers[KalshiAuthHeaders.TimestampHeader] + "GET/trade-api/v2/portfolio/orders";
        Assert.True(TestKeys.Verify(payload, seen.Headers[KalshiAuthHeaders.SignatureHeader]));
        Assert.Equal(TestKeys.KeyId, seen.Headers[KalshiAuthHeaders.KeyHeader]);
    }

    [Fact]
    public async Task Pagination_walks_every_page()
    {
        var pages = new Dictionary<string, string>
        {
            [""] = $$"""{"orders":[{{Json.Order("o-1", "a")}},{{Json.Order("o-2", "b")}}],"cursor":"c1"}""",
            ["c1"] = $$"""{"orders":[{{Json.Order("o-3", "c")}},{{Json.Order("o-4", "d")}}],"cursor":"c2"}""",
            ["c2"] = $$"""{"orders":[{{Json.Order("o-5", "e")}}],"cursor":""}""",
        };
        var (client, handler) = Clients.Rest((r, _) =>
        {
            var q = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + r.PathAndQuery).Query);
            return StubHandler.Json(200, pages[q["cursor"] ?? ""]);
        });
        var orders = await client.GetOrdersAsync();
        Assert.Equal(["o-1", "o-2", "o-3", "o-4", "o-5"], orders.Select(o => o.OrderId.Value));
        Assert.Equal(3, handler.Seen.Count);
        Assert.All(handler.Seen, s => Assert.Contains("limit=2", s.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_repeating_cursor_stops_with_an_error()
    {
        var (client, _) = Clients.Rest((_, _) => StubHandler.Json(200, $$"""{"orders":[{{Json.Order("o-1", "a")}}],"cursor":"same"}"""),
            Clients.FastOptions with { MaxAttempts = 1 });
        await Assert.ThrowsAsync<KalshiApiException>(() => client.GetOrdersAsync());
    }

    [Fact]
    public async Task Health_counts_consecutive_errors_and_resets_on_success()
    {
        var fail = true;
        var (client, _) = Clients.Rest((_, _) => fail ? StubHandler.Json(500, "{}") : StubHandler.Json(200, """{"balance":100,"balance_dollars":"1.0000"}"""),
            Clients.FastOptions with { MaxAttempts = 2 });
        await Assert.ThrowsAsync<KalshiApiException>(() => client.GetBalanceAsync());
        Assert.Equal(2, client.Health.ConsecutiveErrors);
        fail = false;
        await client.GetBalanceAsync();
        Assert.Equal(0, client.Health.ConsecutiveErrors);
    }
}
