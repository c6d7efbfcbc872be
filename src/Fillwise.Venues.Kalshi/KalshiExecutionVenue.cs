using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// Kalshi as the engine sees it: the engine's venue ports (orders, markets, private stream,
/// quotes) on top of the signed REST client and the WebSocket client. The same class serves the
/// real exchange and the built-in one; only the environment differs.
/// </summary>
public sealed class KalshiExecutionVenue : IExecutionVenue, IMarketCatalog, IVenueEventSource, IMarketQuotes
{
    private readonly KalshiRestClient _rest;
    private readonly KalshiWebSocketClient? _ws;
    private readonly ConcurrentDictionary<MarketTicker, TopOfBook> _tops = new();
    private readonly ConcurrentDictionary<MarketTicker, byte> _watched = new();

    public KalshiExecutionVenue(KalshiRestClient rest, KalshiWebSocketClient? ws)
    {
        _rest = rest;
        _ws = ws;
    }

    public string Name => "kalshi";

    public async Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var (side, yesPrice) = intent.Direction.ToV2(intent.LimitPrice);
        var create = new KalshiCreateOrder(intent.Ticker, side, intent.Count, yesPrice, intent.TimeInForce, intent.ClientOrderId,
            ReduceOnly: intent.ReduceOnly ? true : null, PostOnly: intent.PostOnly ? true : null);
        try
        {
            var ack = await _rest.CreateOrderAsync(create, cancellationToken);
            return new SubmitOutcome.Accepted(ack.OrderId, ack.FillCount, ack.RemainingCount);
        }
        catch (KalshiApiException e) when (e.Kind == KalshiErrorKind.Rejected)
        {
            return new SubmitOutcome.Rejected(e.Code ?? "rejected", e.Message);
        }
        catch (KalshiApiException e) when (e.Kind == KalshiErrorKind.AuthenticationFailed)
        {
            return new SubmitOutcome.Rejected("authentication_failed", e.Message);
        }
        catch (KalshiApiException e)
        {
            // Unknown or rate limited after retries: the engine asks by client order id before anything else.
            return new SubmitOutcome.Unknown(e.Message);
        }
    }

    public async Task<CancelOutcome> CancelAsync(VenueOrderId orderId, MarketTicker ticker, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _rest.CancelOrderAsync(orderId, ticker, ct: cancellationToken);
            return result.Status == KalshiCancelStatus.Canceled
                ? new CancelOutcome.Canceled(result.Ack?.ReducedBy ?? Contracts.Zero)
                : new CancelOutcome.NotFound(result.Detail ?? "not cancelable");
        }
        catch (KalshiApiException e) when (e.Kind is KalshiErrorKind.Rejected or KalshiErrorKind.AuthenticationFailed)
        {
            return new CancelOutcome.Rejected(e.Code ?? "rejected", e.Message);
        }
        catch (KalshiApiException e)
        {
            return new CancelOutcome.Unknown(e.Message);
        }
    }

    public Task<VenueOrderReport> GetOrderAsync(VenueOrderId orderId, CancellationToken cancellationToken) =>
        Call(async () => Report(await _rest.GetOrderAsync(orderId, cancellationToken)));

    public async Task<ResolveOutcome> ResolveAsync(MarketTicker ticker, ClientOrderId clientOrderId, CancellationToken cancellationToken)
    {
        try
        {
            var resolution = await _rest.ResolveByClientOrderIdAsync(ticker, clientOrderId, cancellationToken);
            return resolution.Order is { } order ? new ResolveOutcome.Found(Report(order)) : new ResolveOutcome.NotFound();
        }
        catch (KalshiApiException e)
        {
            return new ResolveOutcome.Unknown(e.Message);
        }
    }

    public Task<IReadOnlyList<VenueFill>> GetFillsAsync(VenueOrderId orderId, CancellationToken cancellationToken) =>
        Call(async () => (IReadOnlyList<VenueFill>)(await _rest.GetFillsAsync(orderId: orderId, ct: cancellationToken)).Select(Fill).ToList());

    public Task<IReadOnlyList<VenueOrderReport>> GetOpenOrdersAsync(CancellationToken cancellationToken) =>
        Call(async () => (IReadOnlyList<VenueOrderReport>)(await _rest.GetOrdersAsync(new KalshiOrderQuery(Status: KalshiOrderStatus.Resting), cancellationToken)).Select(Report).ToList());

    public Task<IReadOnlyList<VenuePosition>> GetPositionsAsync(CancellationToken cancellationToken) =>
        Call(async () => (IReadOnlyList<VenuePosition>)(await _rest.GetPositionsAsync(ct: cancellationToken)).Markets
            .Select(p => new VenuePosition(p.Ticker, p.Side == OutcomeSide.No ? -p.Contracts.Value : p.Contracts.Value, p.RealizedPnl, p.FeesPaid, (int)p.RestingOrdersCount))
            .ToList());

    public Task<Money> GetBalanceAsync(CancellationToken cancellationToken) =>
        Call(async () => (await _rest.GetBalanceAsync(cancellationToken)).Balance);

    public async Task<VenueMarket?> GetMarketAsync(MarketTicker ticker, CancellationToken cancellationToken)
    {
        try
        {
            var m = await _rest.GetMarketAsync(ticker, cancellationToken);
            OutcomeSide? result = m.Result switch { "yes" => OutcomeSide.Yes, "no" => OutcomeSide.No, _ => null };
            return new VenueMarket(m.Ticker, m.Status ?? "unknown", m.CloseTime, result);
        }
        catch (KalshiApiException e) when (e.IsNotFound)
        {
            return null;
        }
        catch (KalshiApiException e)
        {
            throw Map(e);
        }
    }

    public ContractPrice? BestBid(MarketTicker ticker, OutcomeSide side)
    {
        if (!_tops.TryGetValue(ticker, out var top) || top.IsStale) return null;
        return side == OutcomeSide.Yes ? top.BestYesBid : top.BestNoBid;
    }

    /// <summary>Subscribes the market's order book, so its best bids are known (idempotent).</summary>
    public async Task WatchAsync(MarketTicker ticker, CancellationToken cancellationToken)
    {
        if (_ws is null || !_watched.TryAdd(ticker, 0)) return;
        await _ws.SubscribeAsync(KalshiChannels.OrderbookDelta, [ticker], cancellationToken);
    }

    public async IAsyncEnumerable<VenueEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_ws is null) yield break;
        await foreach (var e in _ws.Events.ReadAllAsync(cancellationToken))
        {
            switch (e)
            {
                case OrderBookUpdated book:
                    _tops[book.Top.Ticker] = book.Top;
                    break;
                case OrderBookStale stale:
                    foreach (var t in stale.Markets)
                        if (_tops.TryGetValue(t, out var top)) _tops[t] = top with { IsStale = true };
                    break;
                case FillUpdate fill:
                    yield return new VenueEvent.FillReceived(Fill(fill.Fill));
                    break;
                case UserOrderUpdate order:
                    yield return new VenueEvent.OrderUpdated(Report(order.Order));
                    break;
                case WsResyncNeeded resync:
                    yield return new VenueEvent.ResyncNeeded(resync.Since);
                    break;
            }
        }
    }

    private static VenueOrderReport Report(KalshiOrder o) => new(
        o.OrderId, o.ClientOrderId, o.Ticker, o.BookSide, o.YesPrice,
        o.Status switch
        {
            KalshiOrderStatus.Canceled => VenueOrderStatus.Canceled,
            KalshiOrderStatus.Executed => VenueOrderStatus.Executed,
            _ => VenueOrderStatus.Resting,
        },
        o.InitialCount, o.FillCount, o.RemainingCount, o.LastUpdateTime);

    private static VenueFill Fill(KalshiFill f) =>
        new(f.TradeId, f.OrderId, f.ClientOrderId, f.Ticker, f.BookSide, f.Count, f.YesPrice, f.Fee, f.IsTaker, f.Time ?? DateTimeOffset.UnixEpoch);

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (KalshiApiException e)
        {
            throw Map(e);
        }
    }

    private static VenueException Map(KalshiApiException e) => new(
        e.Kind switch
        {
            KalshiErrorKind.Rejected => VenueErrorKind.Rejected,
            KalshiErrorKind.RateLimited => VenueErrorKind.RateLimited,
            KalshiErrorKind.AuthenticationFailed => VenueErrorKind.AuthenticationFailed,
            _ => VenueErrorKind.Unknown,
        },
        e.IsNotFound ? "not_found" : e.Code ?? e.Kind.ToString(), e.Message, e);
}
