using System.Diagnostics;
using System.Net;
using System.Text;

namespace Fillwise.Benchmarks;

/// <summary>An in-memory Kalshi venue at the HTTP layer: notes when a create reaches it and answers at once.</summary>
internal sealed class KalshiWireTap : HttpMessageHandler
{
    private TaskCompletionSource<long> _create = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _orders;

    public Task<long> NextCreate()
    {
        _create = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _create.Task;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Post && path.EndsWith("/portfolio/events/orders", StringComparison.Ordinal))
        {
            _create.TrySetResult(Stopwatch.GetTimestamp());
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var coid = body.Split("\"client_order_id\":\"")[1].Split('"')[0];
            var ticker = body.Split("\"ticker\":\"")[1].Split('"')[0];
            var id = $"o{Interlocked.Increment(ref _orders)}";
            _last = (id, coid, ticker);
            return Json(HttpStatusCode.Created, $$"""{"order_id":"{{id}}","client_order_id":"{{coid}}","fill_count":"1.00","remaining_count":"0.00","ts_ms":1}""");
        }
        var (orderId, clientId, orderTicker) = _last;
        if (path.Contains("/markets/", StringComparison.Ordinal) && path[(path.LastIndexOf('/') + 1)..] is { Length: > 0 } market && market.StartsWith("KX", StringComparison.Ordinal))
            return Json(HttpStatusCode.OK, $$$"""{"market":{"ticker":"{{{market}}}","status":"active","price_ranges":[{"start":"0.0000","end":"1.0000","step":"0.0100"}]}}""");
        if (path.Contains("/portfolio/orders/", StringComparison.Ordinal))
            return Json(HttpStatusCode.OK, $$"""{"order":{"order_id":"{{orderId}}","client_order_id":"{{clientId}}","ticker":"{{orderTicker}}","outcome_side":"yes","book_side":"bid","side":"yes","action":"buy","type":"limit","status":"executed","yes_price_dollars":"0.4500","no_price_dollars":"0.5500","fill_count_fp":"1.00","remaining_count_fp":"0.00","initial_count_fp":"1.00"} }""");
        if (path.EndsWith("/portfolio/fills", StringComparison.Ordinal))
            return Json(HttpStatusCode.OK, $$"""{"fills":[{"trade_id":"t-{{orderId}}","order_id":"{{orderId}}","client_order_id":"{{clientId}}","ticker":"{{orderTicker}}","outcome_side":"yes","book_side":"bid","side":"yes","action":"buy","count_fp":"1.00","yes_price_dollars":"0.4500","no_price_dollars":"0.5500","is_taker":true,"fee_cost":"0.0175","created_time":"2026-01-01T00:00:00Z"}],"cursor":"" }""");
        return Json(HttpStatusCode.OK, "{}");
    }

    private (string, string, string) _last = ("o0", "c0", "KXBENCH-1");

    private static HttpResponseMessage Json(HttpStatusCode code, string json) =>
        new(code) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
