using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Fillwise.Domain;
using Fillwise.Domain.Values;
using static Fillwise.Venues.Kalshi.KalshiJson;

namespace Fillwise.Venues.Kalshi;

public sealed record KalshiRestOptions
{
    /// <summary>Per-attempt timeout; a timed-out attempt is an Unknown outcome.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts for requests that may be retried (reads, creates with a client_order_id, cancels).</summary>
    public int MaxAttempts { get; init; } = 4;

    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed of the backoff jitter, so a failing scenario replays.</summary>
    public int RandomSeed { get; init; } = 17;

    /// <summary>The tier used until (or unless) GET /account/limits answers.</summary>
    public KalshiRateTier RateTier { get; init; } = KalshiRateTier.Basic;

    /// <summary>
    /// How long a signature of the same METHOD + path may be reused; zero (the default) signs every
    /// request anew. Kalshi signs timestamp + METHOD + path only and accepts a timestamp within
    /// seconds of its clock, so the built-in exchange takes a repeated signature, but Kalshi does not
    /// document that it may be used twice: a refused replay on the real exchange would fail orders.
    /// Opt in only once verified on Kalshi's demo exchange. When on, the create path is re-signed in
    /// the background at half this age, so placing an order never waits for RSA.
    /// </summary>
    public TimeSpan SignatureReuse { get; init; } = TimeSpan.Zero;

    /// <summary>Page size for cursor walks (Kalshi allows 1..1000).</summary>
    public int PageSize { get; init; } = 200;
}

/// <summary>How a request may be repeated when its outcome is unknown or it was rate limited.</summary>
internal enum RetryPolicy
{
    /// <summary>Never repeated: a repeat could act twice (create without client id, amend, decrease, batches).</summary>
    Never,

    /// <summary>Repeated on Unknown and 429: reads, creates carrying a client_order_id, cancels.</summary>
    Safe,
}

public sealed record KalshiCancelAllResult(int Canceled, int AlreadyGone, IReadOnlyList<KalshiBatchCancelItem> Failed);

/// <summary>
/// The signed Kalshi REST V2 client. Never sets HttpClient.BaseAddress: every request uses an absolute
/// URL built from the environment so the signed path always includes /trade-api/v2.
/// </summary>
public sealed class KalshiRestClient : IDisposable
{
    private const string OrdersV2 = "/portfolio/events/orders";

    private readonly HttpClient _http;
    private readonly KalshiRequestSigner _signer;
    private readonly TimeProvider _time;
    private readonly Random _jitter;
    private readonly object _jitterGate = new();

    public KalshiRestClient(HttpClient http, KalshiEnvironment environment, KalshiRequestSigner signer, KalshiRestOptions? options = null,
        TimeProvider? time = null, KalshiClientHealth? health = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is not null)
            throw new ArgumentException("pass an HttpClient without BaseAddress: the client builds absolute URLs so the signed path keeps /trade-api/v2", nameof(http));
        _http = http;
        Environment = environment;
        _signer = signer;
        Options = options ?? new KalshiRestOptions();
        _time = time ?? TimeProvider.System;
        Health = health ?? new KalshiClientHealth();
        Limiter = new KalshiRateLimiter(Options.RateTier, _time);
        _jitter = new Random(Options.RandomSeed);
        if (Options.SignatureReuse > TimeSpan.Zero)
        {
            var createPath = Environment.RestPathPrefix + "/portfolio/events/orders";
            var half = Options.SignatureReuse / 2;
            _prewarm = _time.CreateTimer(_ => PrewarmCreate(createPath), null, TimeSpan.Zero, half);
        }
    }

    private readonly ITimer? _prewarm;

    private void PrewarmCreate(string createPath)
    {
        try
        {
            _signer.Prewarm("POST", createPath);
        }
        catch (Exception e) when (e is ObjectDisposedException or System.Security.Cryptography.CryptographicException)
        {
            // The signer went away first (shutdown): the next create signs for itself, or fails clearly.
        }
    }

    public KalshiEnvironment Environment { get; }

    public KalshiRestOptions Options { get; }

    public KalshiRateLimiter Limiter { get; }

    public KalshiClientHealth Health { get; }

    // ------------------------------------------------------------------ orders (V2 mutations)

    /// <summary>
    /// Places a V2 order. With a client_order_id it is retried (same id) on Unknown outcomes and 429;
    /// a 409 order_already_exists on a retry means an earlier attempt went through, so the order is
    /// fetched and returned with <see cref="KalshiOrderAck.RecoveredOrder"/> set. Without a client id it
    /// is sent exactly once. Throws <see cref="KalshiApiException"/>; Kind Unknown means "resolve it".
    /// </summary>
    public async Task<KalshiOrderAck> CreateOrderAsync(KalshiCreateOrder order, CancellationToken ct = default)
    {
        var policy = order.ClientOrderId is null ? RetryPolicy.Never : RetryPolicy.Safe;
        var attempts = 0;
        try
        {
            return await SendAsync(HttpMethod.Post, OrdersV2, order.Write, KalshiBucket.Write, KalshiCosts.Default, policy,
                KalshiOrderAck.From, ct, onAttempt: n => attempts = n).ConfigureAwait(false);
        }
        catch (KalshiApiException e) when (e.IsOrderAlreadyExists && attempts > 1 && order.ClientOrderId is { } coid)
        {
            var found = await ResolveByClientOrderIdAsync(order.Ticker, coid, ct).ConfigureAwait(false);
            if (found.Order is { } o) return KalshiOrderAck.FromOrder(o);
            // The venue says the id exists but we cannot see the order: still unknown, never "failed".
            throw new KalshiApiException(KalshiErrorKind.Unknown,
                $"create {coid} answered order_already_exists after a retry, but no order with that client_order_id is listed for {order.Ticker}",
                e.HttpStatus, e.Code, e.Details, e);
        }
    }

    /// <summary>
    /// Cancels the rest of an order (V2). A 404 is reported as <see cref="KalshiCancelStatus.NotFound"/>,
    /// never as a cancel: the order was already canceled or executed (or never existed), so poll it.
    /// </summary>
    public async Task<KalshiCancelResult> CancelOrderAsync(VenueOrderId orderId, MarketTicker? ticker = null, int? subaccount = null, CancellationToken ct = default)
    {
        var path = $"{OrdersV2}/{Escape(orderId.Value)}" + Query(("market_ticker", ticker?.Value), ("subaccount", Int(subaccount)));
        var attempts = 0;
        try
        {
            var ack = await SendAsync(HttpMethod.Delete, path, null, KalshiBucket.Write, KalshiCosts.CancelV2, RetryPolicy.Safe,
                KalshiCancelAck.From, ct, onAttempt: n => attempts = n).ConfigureAwait(false);
            return new KalshiCancelResult(KalshiCancelStatus.Canceled, ack, attempts > 1);
        }
        catch (KalshiApiException e) when (e.IsNotFound)
        {
            return new KalshiCancelResult(KalshiCancelStatus.NotFound, null, attempts > 1, e.Message);
        }
    }

    /// <summary>Amends price and/or total count (filled + resting). Sent once: a blind repeat could amend twice.</summary>
    public Task<KalshiAmendAck> AmendOrderAsync(VenueOrderId orderId, KalshiAmend amend, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"{OrdersV2}/{Escape(orderId.Value)}/amend", w =>
        {
            w.WriteStartObject();
            w.WriteString("ticker", amend.Ticker.Value);
            w.WriteString("side", amend.Side.ToWire());
            w.WriteString("price", amend.YesPrice.ToString());
            w.WriteString("count", amend.TotalCount.ToString());
            if (amend.ClientOrderId is { } c) w.WriteString("client_order_id", c.Value);
            if (amend.UpdatedClientOrderId is { } u) w.WriteString("updated_client_order_id", u.Value);
            w.WriteEndObject();
        }, KalshiBucket.Write, KalshiCosts.Default, RetryPolicy.Never, KalshiAmendAck.From, ct);

    /// <summary>Reduces an order by, or to, a count (exactly one). Sent once: reduce_by is not idempotent.</summary>
    public Task<KalshiDecreaseAck> DecreaseOrderAsync(VenueOrderId orderId, Contracts? reduceBy, Contracts? reduceTo, CancellationToken ct = default)
    {
        if ((reduceBy is null) == (reduceTo is null))
            throw new ArgumentException("give exactly one of reduceBy and reduceTo");
        return SendAsync(HttpMethod.Post, $"{OrdersV2}/{Escape(orderId.Value)}/decrease", w =>
        {
            w.WriteStartObject();
            if (reduceBy is { } by) w.WriteString("reduce_by", by.ToString());
            if (reduceTo is { } to) w.WriteString("reduce_to", to.ToString());
            w.WriteEndObject();
        }, KalshiBucket.Write, KalshiCosts.Default, RetryPolicy.Never, KalshiDecreaseAck.From, ct);
    }

    /// <summary>Batch create; each item succeeds or fails on its own. Sent once (items may have acted).</summary>
    public Task<IReadOnlyList<KalshiBatchCreateItem>> BatchCreateOrdersAsync(IReadOnlyList<KalshiCreateOrder> orders, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(orders.Count);
        return SendAsync<IReadOnlyList<KalshiBatchCreateItem>>(HttpMethod.Post, OrdersV2 + "/batched", w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("orders");
            foreach (var o in orders) o.Write(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }, KalshiBucket.Write, checked(KalshiCosts.Default * orders.Count), RetryPolicy.Never, root =>
            Array(root, "orders").Select(item =>
            {
                var coid = OptionalClientOrderId(item);
                if (ItemError(item) is { } err) return new KalshiBatchCreateItem(coid, null, err);
                return new KalshiBatchCreateItem(coid, KalshiOrderAck.From(item), null);
            }).ToList(), ct);
    }

    /// <summary>Batch cancel (2 tokens per item). Items that are already gone come back with a not_found error.</summary>
    public Task<IReadOnlyList<KalshiBatchCancelItem>> BatchCancelOrdersAsync(IReadOnlyList<KalshiBatchCancelRequest> orders, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(orders.Count);
        return SendAsync<IReadOnlyList<KalshiBatchCancelItem>>(HttpMethod.Delete, OrdersV2 + "/batched", w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("orders");
            foreach (var o in orders)
            {
                w.WriteStartObject();
                w.WriteString("order_id", o.OrderId.Value);
                if (o.Ticker is { } t) w.WriteString("market_ticker", t.Value);
                if (o.Subaccount is { } s) w.WriteNumber("subaccount", s);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }, KalshiBucket.Write, checked(KalshiCosts.BatchCancelPerItem * orders.Count), RetryPolicy.Safe, root =>
            Array(root, "orders").Select(item =>
                ItemError(item) is { } err
                    ? new KalshiBatchCancelItem(ReqOrderId(item), null, err)
                    : new KalshiBatchCancelItem(ReqOrderId(item), OptionalCount(item, "reduced_by", "reduced_by_fp"), null)).ToList(), ct);
    }

    /// <summary>
    /// Cancels every resting order (optionally of one market): lists them, then cancels in V2 batches
    /// that fit the write bucket. Orders that vanished meanwhile count as already gone.
    /// </summary>
    public async Task<KalshiCancelAllResult> CancelAllOrdersAsync(MarketTicker? ticker = null, CancellationToken ct = default)
    {
        var resting = await GetOrdersAsync(new KalshiOrderQuery(ticker, KalshiOrderStatus.Resting, PageSize: Options.PageSize), ct).ConfigureAwait(false);
        var perBatch = (int)Math.Max(1, Math.Min(20, Limiter.Write.Limit.Capacity / KalshiCosts.BatchCancelPerItem));
        int canceled = 0, gone = 0;
        var failed = new List<KalshiBatchCancelItem>();
        foreach (var chunk in resting.Chunk(perBatch))
        {
            var items = await BatchCancelOrdersAsync(chunk.Select(o => new KalshiBatchCancelRequest(o.OrderId, o.Ticker)).ToList(), ct).ConfigureAwait(false);
            foreach (var item in items)
            {
                if (item.Error is null) canceled++;
                else if (item.Error.IsNotFound) gone++;
                else failed.Add(item);
            }
        }
        return new KalshiCancelAllResult(canceled, gone, failed);
    }

    private static KalshiApiException? ItemError(JsonElement item)
    {
        if (!item.TryGetProperty("error", out var e) || e.ValueKind == JsonValueKind.Null) return null;
        var body = KalshiErrors.TryParse(item) ?? new KalshiErrorBody(null, e.GetRawText(), null);
        var status = body.Code is not null && KalshiErrorCodes.Matches(body.Code, KalshiErrorCodes.NotFound) ? 404 : (int?)null;
        return new KalshiApiException(KalshiErrorKind.Rejected, $"batch item failed: {body.Code} {body.Message} {body.Details}".TrimEnd(), status, body.Code, body.Details);
    }

    // ------------------------------------------------------------------ orders (reads)

    /// <summary>Every order matching the query, walking every page of the cursor.</summary>
    public async Task<IReadOnlyList<KalshiOrder>> GetOrdersAsync(KalshiOrderQuery? query = null, CancellationToken ct = default)
    {
        var list = new List<KalshiOrder>();
        await foreach (var o in StreamOrdersAsync(query, ct).ConfigureAwait(false)) list.Add(o);
        return list;
    }

    public IAsyncEnumerable<KalshiOrder> StreamOrdersAsync(KalshiOrderQuery? query = null, CancellationToken ct = default)
    {
        query ??= new KalshiOrderQuery();
        return PagesAsync("/portfolio/orders", [
            ("ticker", query.Ticker?.Value),
            ("status", query.Status?.ToWire()),
            ("min_ts", Unix(query.MinTime)),
            ("max_ts", Unix(query.MaxTime)),
        ], "orders", KalshiOrder.From, query.PageSize, ct);
    }

    /// <summary>GET /portfolio/orders/{id} (2 tokens). A missing order throws Rejected with IsNotFound.</summary>
    public Task<KalshiOrder> GetOrderAsync(VenueOrderId orderId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"/portfolio/orders/{Escape(orderId.Value)}", null, KalshiBucket.Read, KalshiCosts.GetOrderById, RetryPolicy.Safe,
            root => KalshiOrder.From(Object(root, "order")), ct);

    /// <summary>
    /// For the engine's unknown-outcome resolution: did an order with this client_order_id reach the
    /// venue? Neither orders list has a client id filter, so this pages through the market's live orders,
    /// then its archived ones: an order canceled or executed before Kalshi's historical cutoff is only in
    /// GET /historical/orders, and missing it would make an old, real order look like one never sent.
    /// </summary>
    public async Task<KalshiOrderResolution> ResolveByClientOrderIdAsync(MarketTicker ticker, ClientOrderId clientOrderId, CancellationToken ct = default)
    {
        await foreach (var o in StreamOrdersAsync(new KalshiOrderQuery(ticker, PageSize: Options.PageSize), ct).ConfigureAwait(false))
        {
            if (o.ClientOrderId == clientOrderId) return new KalshiOrderResolution(o);
        }
        try
        {
            await foreach (var o in StreamHistoricalOrdersAsync(ticker, ct: ct).ConfigureAwait(false))
            {
                if (o.ClientOrderId == clientOrderId) return new KalshiOrderResolution(o);
            }
        }
        catch (KalshiApiException e) when (e.IsNotFound)
        {
            // A venue without a historical archive (404 on the route): the live list was all there is.
        }
        return KalshiOrderResolution.NotFound;
    }

    // ------------------------------------------------------------------ historical archive

    /// <summary>
    /// GET /historical/cutoff: where Kalshi's live data ends. Null when the venue keeps no archive
    /// (404 on the route), i.e. everything is in the live endpoints.
    /// </summary>
    public async Task<KalshiHistoricalCutoff?> GetHistoricalCutoffAsync(CancellationToken ct = default)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, "/historical/cutoff", null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe,
                KalshiHistoricalCutoff.From, ct).ConfigureAwait(false);
        }
        catch (KalshiApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Orders canceled or executed before the cutoff (GET /historical/orders), every page.</summary>
    public IAsyncEnumerable<KalshiOrder> StreamHistoricalOrdersAsync(MarketTicker? ticker = null, DateTimeOffset? maxTime = null, CancellationToken ct = default) =>
        PagesAsync("/historical/orders", [("ticker", ticker?.Value), ("max_ts", Unix(maxTime))], "orders", KalshiOrder.From, Options.PageSize, ct);

    /// <summary>Fills from before the cutoff (GET /historical/fills), every page.</summary>
    public async Task<IReadOnlyList<KalshiFill>> GetHistoricalFillsAsync(MarketTicker? ticker = null, DateTimeOffset? maxTime = null, CancellationToken ct = default)
    {
        var list = new List<KalshiFill>();
        await foreach (var f in PagesAsync("/historical/fills", [("ticker", ticker?.Value), ("max_ts", Unix(maxTime))], "fills", KalshiFill.From, Options.PageSize, ct).ConfigureAwait(false))
        {
            list.Add(f);
        }
        return list;
    }

    // ------------------------------------------------------------------ portfolio

    public async Task<IReadOnlyList<KalshiFill>> GetFillsAsync(MarketTicker? ticker = null, VenueOrderId? orderId = null,
        DateTimeOffset? minTime = null, DateTimeOffset? maxTime = null, CancellationToken ct = default)
    {
        var list = new List<KalshiFill>();
        await foreach (var f in PagesAsync("/portfolio/fills", [
            ("ticker", ticker?.Value), ("order_id", orderId?.Value), ("min_ts", Unix(minTime)), ("max_ts", Unix(maxTime)),
        ], "fills", KalshiFill.From, Options.PageSize, ct).ConfigureAwait(false))
        {
            list.Add(f);
        }
        return list;
    }

    /// <summary>
    /// Recovery after a WebSocket reconnect: fills since <paramref name="since"/> (rounded down to the
    /// second, Kalshi's filter unit) whose trade id is not in <paramref name="alreadySeen"/>, oldest first,
    /// each trade id once. The caller adds the returned ids to its seen set.
    /// </summary>
    public async Task<IReadOnlyList<KalshiFill>> GetFillsSinceAsync(DateTimeOffset since, IReadOnlySet<TradeId> alreadySeen, CancellationToken ct = default)
    {
        // One second of overlap (min_ts is whole seconds); at or before the epoch means "all fills".
        DateTimeOffset? min = since > DateTimeOffset.UnixEpoch.AddSeconds(1) ? since.AddSeconds(-1) : null;
        var fills = await GetFillsAsync(minTime: min, ct: ct).ConfigureAwait(false);
        return DeduplicateFills(fills, alreadySeen);
    }

    internal static IReadOnlyList<KalshiFill> DeduplicateFills(IEnumerable<KalshiFill> fills, IReadOnlySet<TradeId> alreadySeen)
    {
        var fresh = new Dictionary<TradeId, KalshiFill>();
        foreach (var f in fills)
        {
            if (!alreadySeen.Contains(f.TradeId)) fresh.TryAdd(f.TradeId, f);
        }
        return fresh.Values.OrderBy(f => f.Time ?? DateTimeOffset.MinValue).ToList();
    }

    public async Task<KalshiPositions> GetPositionsAsync(MarketTicker? ticker = null, string? eventTicker = null, CancellationToken ct = default)
    {
        var markets = new List<KalshiMarketPosition>();
        var events = new List<KalshiEventPosition>();
        string? cursor = null;
        do
        {
            var path = "/portfolio/positions" + Query(("ticker", ticker?.Value), ("event_ticker", eventTicker),
                ("limit", Int(Options.PageSize)), ("cursor", cursor));
            var (m, e, next) = await SendAsync(HttpMethod.Get, path, null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe, root => (
                Array(root, "market_positions").Select(KalshiMarketPosition.From).ToList(),
                Array(root, "event_positions").Select(KalshiEventPosition.From).ToList(),
                OptionalString(root, "cursor")), ct).ConfigureAwait(false);
            markets.AddRange(m);
            events.AddRange(e);
            cursor = NextCursor(cursor, next, path);
        }
        while (cursor is not null);
        return new KalshiPositions(markets, events);
    }

    public Task<KalshiBalance> GetBalanceAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "/portfolio/balance", null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe, KalshiBalance.From, ct);

    public async Task<IReadOnlyList<KalshiSettlement>> GetSettlementsAsync(MarketTicker? ticker = null, DateTimeOffset? minTime = null, CancellationToken ct = default)
    {
        var list = new List<KalshiSettlement>();
        await foreach (var s in PagesAsync("/portfolio/settlements", [("ticker", ticker?.Value), ("min_ts", Unix(minTime))],
            "settlements", KalshiSettlement.From, Options.PageSize, ct).ConfigureAwait(false))
        {
            list.Add(s);
        }
        return list;
    }

    // ------------------------------------------------------------------ order groups

    /// <summary>Creates an order group (rolling 15 s matched-contracts limit). Sent once.</summary>
    public Task<string> CreateOrderGroupAsync(Contracts contractsLimit, int? subaccount = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "/portfolio/order_groups/create", w =>
        {
            w.WriteStartObject();
            w.WriteString("contracts_limit_fp", contractsLimit.ToString());
            if (subaccount is { } s) w.WriteNumber("subaccount", s);
            w.WriteEndObject();
        }, KalshiBucket.Write, KalshiCosts.Default, RetryPolicy.Never, root => RequiredString(root, "order_group_id"), ct);

    public Task<KalshiOrderGroup> GetOrderGroupAsync(string orderGroupId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"/portfolio/order_groups/{Escape(orderGroupId)}", null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe,
            root => KalshiOrderGroup.From(root, orderGroupId), ct);

    public Task<IReadOnlyList<KalshiOrderGroup>> GetOrderGroupsAsync(CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<KalshiOrderGroup>>(HttpMethod.Get, "/portfolio/order_groups", null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe,
            root => Array(root, "order_groups").Select(g => KalshiOrderGroup.From(g)).ToList(), ct);

    /// <summary>Clears a triggered group's block and counter (idempotent, so retried).</summary>
    public Task ResetOrderGroupAsync(string orderGroupId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"/portfolio/order_groups/{Escape(orderGroupId)}/reset", EmptyObject, KalshiBucket.Write, KalshiCosts.Default, RetryPolicy.Safe, _ => true, ct, allowEmpty: true);

    /// <summary>Cancels the group's orders and blocks new ones (idempotent, so retried).</summary>
    public Task TriggerOrderGroupAsync(string orderGroupId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"/portfolio/order_groups/{Escape(orderGroupId)}/trigger", EmptyObject, KalshiBucket.Write, KalshiCosts.Default, RetryPolicy.Safe, _ => true, ct, allowEmpty: true);

    public Task SetOrderGroupLimitAsync(string orderGroupId, Contracts contractsLimit, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, $"/portfolio/order_groups/{Escape(orderGroupId)}/limit", w =>
        {
            w.WriteStartObject();
            w.WriteString("contracts_limit_fp", contractsLimit.ToString());
            w.WriteEndObject();
        }, KalshiBucket.Write, KalshiCosts.Default, RetryPolicy.Safe, _ => true, ct, allowEmpty: true);

    public Task DeleteOrderGroupAsync(string orderGroupId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"/portfolio/order_groups/{Escape(orderGroupId)}", null, KalshiBucket.Write, KalshiCosts.Default, RetryPolicy.Never, _ => true, ct, allowEmpty: true);

    private static void EmptyObject(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteEndObject();
    }

    // ------------------------------------------------------------------ market data and account

    public async Task<IReadOnlyList<KalshiMarket>> GetMarketsAsync(string? eventTicker = null, string? seriesTicker = null, string? status = null,
        IReadOnlyCollection<MarketTicker>? tickers = null, CancellationToken ct = default)
    {
        var list = new List<KalshiMarket>();
        await foreach (var m in PagesAsync("/markets", [
            ("event_ticker", eventTicker), ("series_ticker", seriesTicker), ("status", status),
            ("tickers", tickers is { Count: > 0 } ? string.Join(',', tickers.Select(t => t.Value)) : null),
        ], "markets", KalshiMarket.From, Options.PageSize, ct).ConfigureAwait(false))
        {
            list.Add(m);
        }
        return list;
    }

    public Task<KalshiMarket> GetMarketAsync(MarketTicker ticker, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"/markets/{Escape(ticker.Value)}", null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe,
            root => KalshiMarket.From(Object(root, "market")), ct);

    /// <summary>The REST book; depth 0 = all levels.</summary>
    public Task<KalshiOrderbookSnapshot> GetOrderbookAsync(MarketTicker ticker, int depth = 0, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"/markets/{Escape(ticker.Value)}/orderbook" + Query(("depth", depth > 0 ? Int(depth) : null)), null,
            KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe, root => KalshiOrderbookSnapshot.From(ticker, root), ct);

    public async Task<IReadOnlyList<KalshiTrade>> GetTradesAsync(MarketTicker? ticker = null, DateTimeOffset? minTime = null, DateTimeOffset? maxTime = null, CancellationToken ct = default)
    {
        var list = new List<KalshiTrade>();
        await foreach (var t in PagesAsync("/markets/trades", [("ticker", ticker?.Value), ("min_ts", Unix(minTime)), ("max_ts", Unix(maxTime))],
            "trades", KalshiTrade.From, Options.PageSize, ct).ConfigureAwait(false))
        {
            list.Add(t);
        }
        return list;
    }

    public Task<KalshiExchangeStatus> GetExchangeStatusAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "/exchange/status", null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe, KalshiExchangeStatus.From, ct);

    public Task<KalshiRateTier> GetAccountLimitsAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "/account/limits", null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe, root =>
        {
            KalshiBucketLimit Bucket(string name)
            {
                var b = Object(root, name);
                var rate = OptionalLong(b, "refill_rate") ?? throw Missing(name + ".refill_rate");
                var cap = OptionalLong(b, "bucket_capacity") ?? rate;
                return rate > 0 && cap > 0 ? new KalshiBucketLimit(rate, cap) : throw Malformed(name, rate.ToString(CultureInfo.InvariantCulture), "limits must be positive");
            }
            return new KalshiRateTier(OptionalString(root, "usage_tier") ?? "unknown", Bucket("read"), Bucket("write"));
        }, ct);

    /// <summary>
    /// Adopts the account's tier from GET /account/limits. If the venue does not answer it (older
    /// venues, the built-in exchange), the configured tier stays and false is returned.
    /// </summary>
    public async Task<bool> RefreshRateTierAsync(CancellationToken ct = default)
    {
        try
        {
            Limiter.SetTier(await GetAccountLimitsAsync(ct).ConfigureAwait(false));
            return true;
        }
        catch (KalshiApiException e) when (e.Kind == KalshiErrorKind.Rejected)
        {
            return false;
        }
    }

    // ------------------------------------------------------------------ plumbing

    private async IAsyncEnumerable<T> PagesAsync<T>(string path, (string, string?)[] filters, string itemsField, Func<JsonElement, T> map,
        int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var parameters = filters.Append(("limit", Int(Math.Clamp(pageSize, 1, 1000)))).Append(("cursor", cursor)).ToArray();
            var pathAndQuery = path + Query(parameters);
            var (items, next) = await SendAsync(HttpMethod.Get, pathAndQuery, null, KalshiBucket.Read, KalshiCosts.Default, RetryPolicy.Safe,
                root => (Array(root, itemsField).Select(map).ToList(), OptionalString(root, "cursor")), ct).ConfigureAwait(false);
            foreach (var item in items) yield return item;
            cursor = NextCursor(cursor, next, pathAndQuery);
        }
        while (cursor is not null);
    }

    /// <summary>The last page has an empty cursor; a cursor that repeats would loop forever, so it is an error.</summary>
    private static string? NextCursor(string? previous, string? next, string path)
    {
        if (string.IsNullOrEmpty(next)) return null;
        if (next == previous)
            throw new KalshiApiException(KalshiErrorKind.Unknown, $"GET {path} returned the same cursor twice; stopping the page walk");
        return next;
    }

    private Task SendAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, KalshiBucket bucket, int cost, RetryPolicy policy,
        Func<JsonElement, bool> map, CancellationToken ct, bool allowEmpty) =>
        SendAsync<bool>(method, path, body, bucket, cost, policy, map, ct, null, allowEmpty);

    private async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, Action<Utf8JsonWriter>? body, KalshiBucket bucket, int cost,
        RetryPolicy policy, Func<JsonElement, T> map, CancellationToken ct, Action<int>? onAttempt = null, bool allowEmpty = false)
    {
        byte[]? payload = null;
        if (body is not null)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var w = new Utf8JsonWriter(buffer)) body(w);
            payload = buffer.WrittenSpan.ToArray();
        }
        var endpoint = EndpointName(method, pathAndQuery);
        var maxAttempts = policy == RetryPolicy.Safe ? Math.Max(1, Options.MaxAttempts) : 1;
        for (var attempt = 1; ; attempt++)
        {
            onAttempt?.Invoke(attempt);
            await Limiter.AcquireAsync(bucket, cost, ct).ConfigureAwait(false);
            var started = _time.GetTimestamp();
            try
            {
                var result = await SendOnceAsync(method, pathAndQuery, payload, map, allowEmpty, ct).ConfigureAwait(false);
                Health.RecordSuccess(endpoint, _time.GetElapsedTime(started), _time.GetUtcNow());
                return result;
            }
            catch (KalshiApiException e)
            {
                Health.RecordFailure(endpoint, _time.GetElapsedTime(started), e.Kind);
                if (e.Kind == KalshiErrorKind.RateLimited) Limiter.OnRateLimited(bucket);
                var retryable = e.Kind is KalshiErrorKind.Unknown or KalshiErrorKind.RateLimited;
                if (!retryable || attempt >= maxAttempts) throw;
                await Task.Delay(Backoff(attempt), _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<T> SendOnceAsync<T>(HttpMethod method, string pathAndQuery, byte[]? payload, Func<JsonElement, T> map, bool allowEmpty, CancellationToken ct)
    {
        var what = $"{method.Method} {Environment.RestPathPrefix}{StripQuery(pathAndQuery)}";
        using var request = new HttpRequestMessage(method, Environment.RestUri(pathAndQuery));
        var signedPath = Environment.RestPathPrefix + pathAndQuery;
        var auth = _signer.SignReusing(method.Method, signedPath, Options.SignatureReuse);
        request.Headers.TryAddWithoutValidation(KalshiAuthHeaders.KeyHeader, auth.KeyId);
        request.Headers.TryAddWithoutValidation(KalshiAuthHeaders.TimestampHeader, auth.TimestampMs);
        request.Headers.TryAddWithoutValidation(KalshiAuthHeaders.SignatureHeader, auth.Signature);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (payload is not null)
        {
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var timeout = new CancellationTokenSource(Options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        byte[] bytes;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            bytes = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw KalshiErrors.FromResponse(method.Method, what[(method.Method.Length + 1)..], response.StatusCode, bytes);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw new KalshiApiException(KalshiErrorKind.Unknown, $"{what} timed out after {Options.RequestTimeout.TotalMilliseconds:0} ms; outcome unknown", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new KalshiApiException(KalshiErrorKind.Unknown, $"{what} failed in transport ({e.HttpRequestError}); outcome unknown: {e.Message}", inner: e);
        }
        catch (IOException e)
        {
            throw new KalshiApiException(KalshiErrorKind.Unknown, $"{what} lost its connection; outcome unknown: {e.Message}", inner: e);
        }

        if (bytes.Length == 0)
        {
            if (allowEmpty) return map(default);
            throw new KalshiApiException(KalshiErrorKind.Unknown, $"{what} answered HTTP {status} with an empty body; outcome unknown", status);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new KalshiApiException(KalshiErrorKind.Unknown, $"{what} answered HTTP {status} with a body that is not JSON: {KalshiErrors.Quote(bytes)}", status, inner: e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            // Kalshi has answered 2xx with {"error":{...}} and no result: that is a refusal, not a success.
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var err) && err.ValueKind != JsonValueKind.Null
                && KalshiErrors.TryParse(root) is { } soft)
            {
                throw KalshiErrors.FromSoftError(method.Method, what[(method.Method.Length + 1)..], status, soft);
            }
            try
            {
                return map(root);
            }
            catch (KalshiApiException e)
            {
                throw new KalshiApiException(e.Kind, $"{what}: {e.Message}", status, e.Code, e.Details, e);
            }
            catch (Exception e) when (e is DomainException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                throw new KalshiApiException(KalshiErrorKind.Unknown, $"{what}: answer could not be read: {e.Message}", status, inner: e);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var exp = Options.BackoffBase.Ticks * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exp, Options.BackoffMax.Ticks);
        double factor;
        lock (_jitterGate) factor = 0.5 + (_jitter.NextDouble() * 0.5); // "equal jitter": never less than half the step
        return TimeSpan.FromTicks((long)(capped * factor));
    }

    private static string EndpointName(HttpMethod method, string pathAndQuery)
    {
        // Metric tag without ids, so cardinality stays small: "/portfolio/events/orders/{id}" style.
        var path = StripQuery(pathAndQuery);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder(method.Method);
        sb.Append(' ');
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            var isId = i > 0 && parts[i - 1] is "orders" or "markets" or "order_groups" && p is not ("batched" or "trades" or "create" or "orderbooks");
            sb.Append('/').Append(isId ? "{id}" : p);
        }
        return sb.ToString();
    }

    private static string StripQuery(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return q >= 0 ? pathAndQuery[..q] : pathAndQuery;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string? Int(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Unix(DateTimeOffset? time) => time?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    internal static string Query(params (string Name, string? Value)[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value)) continue;
            sb.Append(sb.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return sb.ToString();
    }

    public void Dispose()
    {
        _prewarm?.Dispose();
        Limiter.Dispose();
    }
}
