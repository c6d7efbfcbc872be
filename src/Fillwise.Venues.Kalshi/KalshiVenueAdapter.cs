using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Kalshi;

/// <summary>
/// Kalshi as the engine sees it: the engine's four venue ports (execution commands, execution
/// reports, market data, instruments) on the signed REST client and the WebSocket client. Every
/// Kalshi word stays here: outcome instruments become V2 book sides and yes-leg prices on the way
/// out, and come back as buys and sells at the outcome's own price; Kalshi's status words and error
/// codes become the engine's. The same class serves the real exchange and the built-in one.
/// </summary>
public sealed partial class KalshiVenueAdapter : IExecutionClient, IExecutionReports
{
    private readonly KalshiRestClient _rest;
    private readonly KalshiWebSocketClient? _ws;
    private readonly TimeProvider _time;
    // Which outcome each of our orders is on: a V2 order or fill only says bid or ask, and "sell YES"
    // and "buy NO" are the same order to Kalshi. Learned from every command and query (they name the
    // instrument); an order we never saw is read the way Kalshi reads it (bid buys YES, ask buys NO).
    private readonly ConcurrentDictionary<ClientOrderId, OutcomeSide> _byClientId = new();
    private readonly ConcurrentDictionary<VenueOrderId, OutcomeSide> _byOrderId = new();

    public KalshiVenueAdapter(KalshiRestClient rest, KalshiWebSocketClient? ws, TimeProvider? time = null)
    {
        _rest = rest;
        _ws = ws;
        _time = time ?? TimeProvider.System;
    }

    public string Venue => KalshiInstruments.Venue;

    public async Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        if (!KalshiInstruments.TryParse(intent.Instrument, out var ticker, out var outcome))
            return Refused(RejectionReason.Other, "unknown_instrument", $"'{intent.Instrument}' is not a Kalshi outcome instrument");
        if (!KalshiInstruments.TryContracts(intent.Quantity, out var count, out var why))
            return Refused(RejectionReason.InvalidQuantity, "invalid_count", $"quantity {intent.Quantity} {why}");
        if (!KalshiInstruments.TryContractPrice(intent.LimitPrice, out var price, out why))
            return Refused(RejectionReason.InvalidPrice, KalshiErrorCodes.InvalidPrice, $"price {intent.LimitPrice} {why}");
        Remember(intent.ClientOrderId, null, outcome);

        var (side, yesPrice) = KalshiInstruments.Direction(outcome, intent.Side).ToV2(price);
        var create = new KalshiCreateOrder(ticker, side, count, yesPrice, intent.TimeInForce, intent.ClientOrderId,
            ReduceOnly: intent.ReduceOnly ? true : null, PostOnly: intent.PostOnly ? true : null, OrderGroupId: _orderGroupId);
        try
        {
            var ack = await _rest.CreateOrderAsync(create, cancellationToken);
            Remember(intent.ClientOrderId, ack.OrderId, outcome);
            return new SubmitOutcome.Accepted(ack.OrderId, KalshiInstruments.Quantity(ack.FillCount), KalshiInstruments.Quantity(ack.RemainingCount));
        }
        catch (KalshiApiException e) when (e.Kind is KalshiErrorKind.Rejected or KalshiErrorKind.AuthenticationFailed)
        {
            return new SubmitOutcome.Rejected(KalshiRejections.From(e));
        }
        catch (KalshiApiException e)
        {
            // Unknown or rate limited after retries: the engine asks by client order id before anything else.
            return new SubmitOutcome.Unknown(e.Message);
        }
    }

    public async Task<CancelOutcome> CancelAsync(OrderRef order, CancellationToken cancellationToken)
    {
        if (order.VenueOrderId is not { } id) return new CancelOutcome.NotFound("the order has no venue order id yet");
        var (ticker, outcome) = KalshiInstruments.Parse(order.Instrument);
        Remember(order.ClientOrderId, id, outcome);
        try
        {
            var result = await _rest.CancelOrderAsync(id, ticker, ct: cancellationToken);
            return result.Status == KalshiCancelStatus.Canceled
                ? new CancelOutcome.Canceled(KalshiInstruments.Quantity(result.Ack?.ReducedBy ?? Contracts.Zero))
                : new CancelOutcome.NotFound(result.Detail ?? "not cancelable");
        }
        catch (KalshiApiException e) when (e.Kind is KalshiErrorKind.Rejected or KalshiErrorKind.AuthenticationFailed)
        {
            return new CancelOutcome.Rejected(KalshiRejections.From(e));
        }
        catch (KalshiApiException e)
        {
            return new CancelOutcome.Unknown(e.Message);
        }
    }

    public Task<OrderStatusReport> GetOrderAsync(OrderRef order, CancellationToken cancellationToken)
    {
        var (_, outcome) = KalshiInstruments.Parse(order.Instrument);
        Remember(order.ClientOrderId, order.VenueOrderId, outcome);
        if (order.VenueOrderId is not { } id)
            throw new VenueException(VenueErrorKind.NotFound, "no_order_id", $"order {order.ClientOrderId} has no venue order id yet");
        return Call(async () => Report(await _rest.GetOrderAsync(id, cancellationToken), outcome));
    }

    public async Task<ResolveOutcome> ResolveAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken)
    {
        var (ticker, outcome) = KalshiInstruments.Parse(instrument);
        Remember(clientOrderId, null, outcome);
        try
        {
            var resolution = await _rest.ResolveByClientOrderIdAsync(ticker, clientOrderId, cancellationToken);
            if (resolution.Order is not { } found) return new ResolveOutcome.NotFound();
            Remember(clientOrderId, found.OrderId, outcome);
            return new ResolveOutcome.Found(Report(found, outcome));
        }
        catch (KalshiApiException e)
        {
            return new ResolveOutcome.Unknown(e.Message);
        }
    }

    public Task<IReadOnlyList<FillReport>> GetFillsAsync(OrderRef order, CancellationToken cancellationToken)
    {
        var (_, outcome) = KalshiInstruments.Parse(order.Instrument);
        Remember(order.ClientOrderId, order.VenueOrderId, outcome);
        if (order.VenueOrderId is not { } id) return Task.FromResult<IReadOnlyList<FillReport>>([]);
        return Call(async () => (IReadOnlyList<FillReport>)(await _rest.GetFillsAsync(orderId: id, ct: cancellationToken)).Select(f => Fill(f, outcome)).ToList());
    }

    public Task<IReadOnlyList<FillReport>> GetFillsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        Call(async () => (IReadOnlyList<FillReport>)(await _rest.GetFillsAsync(minTime: since, ct: cancellationToken)).Select(f => Fill(f, OutcomeOf(f.OrderId, f.ClientOrderId, f.BookSide))).ToList());

    public Task<IReadOnlyList<OrderStatusReport>> GetOpenOrdersAsync(CancellationToken cancellationToken) =>
        Call(async () => (IReadOnlyList<OrderStatusReport>)(await _rest.GetOrdersAsync(new KalshiOrderQuery(Status: KalshiOrderStatus.Resting), cancellationToken))
            .Select(o => Report(o, OutcomeOf(o.OrderId, o.ClientOrderId, o.BookSide))).ToList());

    /// <summary>
    /// Kalshi's signed position per market (+YES / -NO) as a long position in the outcome held, its
    /// cost per contract (market exposure / contracts) as the average entry; a flat market is reported
    /// on its YES outcome with quantity 0, for its realized PnL and fees.
    /// </summary>
    public Task<IReadOnlyList<PositionReport>> GetPositionsAsync(CancellationToken cancellationToken) =>
        Call(async () => (IReadOnlyList<PositionReport>)(await _rest.GetPositionsAsync(ct: cancellationToken)).Markets
            .Select(p => new PositionReport(KalshiInstruments.Outcome(p.Ticker, p.Side ?? OutcomeSide.Yes), PositionSide.Long, KalshiInstruments.Quantity(p.Contracts),
                p.Contracts.IsZero ? null : Price.Of(Math.Round(p.MarketExposure.Dollars / p.Contracts.Value, Price.MaxDecimals, MidpointRounding.AwayFromZero)),
                p.RealizedPnl, p.FeesPaid))
            .ToList());

    public Task<AccountReport> GetAccountAsync(CancellationToken cancellationToken) =>
        Call(async () => new AccountReport((await _rest.GetBalanceAsync(cancellationToken)).Balance, "USD", _time.GetUtcNow()));

    public async IAsyncEnumerable<ExecutionEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_ws is null) yield break;
        await foreach (var e in _ws.Events.ReadAllAsync(cancellationToken))
        {
            switch (e)
            {
                case OrderBookUpdated book:
                    OnBook(book.Top);
                    break;
                case OrderBookStale stale:
                    OnStale(stale.Markets);
                    break;
                case TradeUpdate trade:
                    OnTrade(trade.Trade);
                    break;
                case FillUpdate fill:
                    yield return new ExecutionEvent.FillReported(Fill(fill.Fill, OutcomeOf(fill.Fill.OrderId, fill.Fill.ClientOrderId, fill.Fill.BookSide)));
                    break;
                case UserOrderUpdate order:
                    yield return new ExecutionEvent.OrderReported(Report(order.Order, OutcomeOf(order.Order.OrderId, order.Order.ClientOrderId, order.Order.BookSide)));
                    break;
                case WsResyncNeeded resync:
                    yield return new ExecutionEvent.ResyncNeeded(Venue, resync.Since);
                    break;
            }
        }
    }

    private void Remember(ClientOrderId? clientOrderId, VenueOrderId? orderId, OutcomeSide outcome)
    {
        if (clientOrderId is { } c) _byClientId[c] = outcome;
        if (orderId is { } o) _byOrderId[o] = outcome;
    }

    private OutcomeSide OutcomeOf(VenueOrderId orderId, ClientOrderId? clientOrderId, BookSide bookSide)
    {
        if (_byOrderId.TryGetValue(orderId, out var known)) return known;
        if (clientOrderId is { } c && _byClientId.TryGetValue(c, out known)) return known;
        return KalshiInstruments.CanonicalOutcome(bookSide);
    }

    private static OrderStatusReport Report(KalshiOrder o, OutcomeSide outcome)
    {
        var (side, price) = KalshiInstruments.FromV2(outcome, o.BookSide, o.YesPrice);
        var state = o.Status switch
        {
            KalshiOrderStatus.Canceled => VenueOrderState.Canceled,
            KalshiOrderStatus.Executed => VenueOrderState.Filled,
            _ => VenueOrderState.Open,
        };
        return new OrderStatusReport(KalshiInstruments.Outcome(o.Ticker, outcome), o.OrderId, o.ClientOrderId, side, price, state,
            KalshiInstruments.Quantity(o.InitialCount), KalshiInstruments.Quantity(o.FillCount), KalshiInstruments.Quantity(o.RemainingCount), o.LastUpdateTime);
    }

    private static FillReport Fill(KalshiFill f, OutcomeSide outcome)
    {
        var (side, price) = KalshiInstruments.FromV2(outcome, f.BookSide, f.YesPrice);
        return new FillReport(f.TradeId, KalshiInstruments.Outcome(f.Ticker, outcome), f.OrderId, f.ClientOrderId, side,
            KalshiInstruments.Quantity(f.Count), price, f.Fee, f.IsTaker, f.Time ?? DateTimeOffset.UnixEpoch);
    }

    private static SubmitOutcome Refused(RejectionReason reason, string code, string message) =>
        new SubmitOutcome.Rejected(new Rejection(reason, code, message));

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
        e.IsNotFound ? VenueErrorKind.NotFound : e.Kind switch
        {
            KalshiErrorKind.Rejected => VenueErrorKind.Rejected,
            KalshiErrorKind.RateLimited => VenueErrorKind.RateLimited,
            KalshiErrorKind.AuthenticationFailed => VenueErrorKind.AuthenticationFailed,
            _ => VenueErrorKind.Unknown,
        },
        e.Code ?? e.Kind.ToString(), e.Message, e);
}
