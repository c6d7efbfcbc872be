using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// Lighter as the engine sees it: the four venue ports on the Lighter client and its stream.
/// Lighter's words stay here: our client order id becomes a 48-bit client_order_index
/// (<see cref="LighterClientOrderIndex"/>), amounts become integers at the market's supported
/// decimals, and because sendTx acceptance is not execution a submit waits (up to
/// <see cref="LighterClientOptions.ExecutionWait"/>) for the order to show up: then it is accepted
/// with the venue's order index, or refused by its terminal status (canceled-post-only is a
/// re-price, PostOnlyWouldCross); not showing up in time is unknown, resolved by the index later.
/// </summary>
public sealed partial class LighterVenueAdapter : IExecutionClient, IExecutionReports
{
    private readonly LighterClient _client;
    private readonly LighterStream? _stream;
    private readonly TimeProvider _time;
    private readonly long _account;
    // Client order indexes handed out by this process, to refuse a second id on the same index and to name fills and reports.
    private readonly ConcurrentDictionary<long, ClientOrderId> _ids = new();
    // Orders as the stream last showed them, by client order index (what a waiting submit looks at first).
    private readonly ConcurrentDictionary<long, LighterOrder> _seen = new();
    // The last send of each create (its nonce and hash), to tell "accepted, not executed yet" from "never landed".
    private readonly ConcurrentDictionary<ClientOrderId, (long Nonce, string Hash)> _sends = new();

    public LighterVenueAdapter(LighterClient client, LighterStream? stream, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _stream = stream;
        _time = time ?? client.Options.TimeProvider;
        _account = client.Signer?.Credentials.AccountIndex ?? -1;
        if (stream is not null) stream.Observer = Observe;
    }

    public string Venue => _client.Options.Venue;

    /// <summary>The client_order_index of one of our ids; null when another id of this process has it already.</summary>
    public long? IndexOf(ClientOrderId id)
    {
        var index = LighterClientOrderIndex.Of(id);
        var owner = _ids.GetOrAdd(index, id);
        return owner == id ? index : null;
    }

    private ClientOrderId? IdOf(long index) => index != 0 && _ids.TryGetValue(index, out var id) ? id : null;

    public async Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        if (intent.Instrument.Venue != Venue) return Refused(RejectionReason.Other, "unknown_instrument", $"'{intent.Instrument}' is not a {Venue} instrument");
        if (intent.TimeInForce == VenueTimeInForce.FillOrKill) return Refused(RejectionReason.Other, "unsupported", "Lighter has no fill-or-kill");
        LighterMarketInfo? market;
        try
        {
            market = await _client.MarketData.MarketAsync(intent.Instrument.Symbol, cancellationToken);
        }
        catch (LighterApiException e)
        {
            return new SubmitOutcome.Unknown($"not sent: the market list could not be read ({e.Message})");
        }
        if (market is null) return Refused(RejectionReason.Other, "unknown_instrument", $"Lighter has no market {intent.Instrument.Symbol}");
        var instrument = market.Instrument;
        if (!instrument.IsOnStep(intent.Quantity) || intent.Quantity.IsZero)
            return Refused(RejectionReason.InvalidQuantity, "invalid_quantity", $"quantity {intent.Quantity} is not a positive multiple of {instrument.Step}");
        if (!instrument.IsOnGrid(intent.LimitPrice))
            return Refused(RejectionReason.InvalidPrice, "invalid_price", $"price {intent.LimitPrice} is off {instrument.Id}'s grid");
        if (IndexOf(intent.ClientOrderId) is not { } index)
            return Refused(RejectionReason.Other, "client_order_index_collision", $"client order id {intent.ClientOrderId} maps to an index another id of this process has");

        var request = new LighterOrderRequest(intent.Instrument, intent.Side, LighterOrderType.Limit, intent.Quantity, intent.LimitPrice, index,
            intent.TimeInForce == VenueTimeInForce.ImmediateOrCancel ? LighterTimeInForce.ImmediateOrCancel : intent.PostOnly ? LighterTimeInForce.PostOnly : LighterTimeInForce.GoodTillTime,
            intent.ReduceOnly);
        var sent = await _client.Orders.PlaceAsync(request, cancellationToken);
        switch (sent)
        {
            case LighterSendOutcome.Rejected r:
                return new SubmitOutcome.Rejected(new Rejection(Refine(r.Reason, r.Code, instrument, intent), Code(r.Code), r.Message));
            case LighterSendOutcome.Unknown u:
                _sends[intent.ClientOrderId] = (u.Nonce, u.TxHash);
                return new SubmitOutcome.Unknown(u.Reason);
            case LighterSendOutcome.NotSent n:
                // Nothing left: resolving finds nothing, and the engine sends it again.
                return new SubmitOutcome.Unknown("not sent: " + n.Reason);
        }
        var accepted = (LighterSendOutcome.Accepted)sent;
        _sends[intent.ClientOrderId] = (accepted.Nonce, accepted.TxHash);
        var found = await _client.Orders.AwaitOrderAsync(intent.Instrument, index, _client.Options.ExecutionWait, () => _seen.GetValueOrDefault(index), cancellationToken);
        return found switch
        {
            LighterLookupOutcome.Found f => Outcome(f.Order),
            LighterLookupOutcome.Unknown u => new SubmitOutcome.Unknown($"accepted as tx {accepted.TxHash}; its order could not be read: {u.Reason}"),
            _ => new SubmitOutcome.Unknown($"accepted as tx {accepted.TxHash} (nonce {accepted.Nonce}); not executed within {_client.Options.ExecutionWait.TotalSeconds:0.#} s"),
        };
    }

    /// <summary>An executed create: accepted with the venue's counts, or refused by a terminal status with nothing filled.</summary>
    private static SubmitOutcome Outcome(LighterOrder o) =>
        o.Filled.IsZero && !o.IsOpen && LighterErrorCodes.StatusReason(o.Status) is { } reason
            ? new SubmitOutcome.Rejected(new Rejection(reason, o.Status, $"order {o.OrderIndex} ended {o.Status} with nothing filled"))
            : new SubmitOutcome.Accepted(o.VenueOrderId, o.Filled, o.Remaining);

    /// <summary>21706 is both minimums at Lighter: the instrument says which one the order missed.</summary>
    private static RejectionReason Refine(RejectionReason reason, int code, Instrument instrument, OrderIntent intent) =>
        code == LighterErrorCodes.InvalidBaseOrQuoteAmount && intent.Quantity >= instrument.MinQuantity ? RejectionReason.BelowMinimumNotional : reason;

    private static string Code(int code) => code == 0 ? "not_sent" : code.ToString(CultureInfo.InvariantCulture);

    public async Task<CancelOutcome> CancelAsync(OrderRef order, CancellationToken cancellationToken)
    {
        var (orderIndex, clientIndex) = Indexes(order);
        // Already finished: nothing to send (a transaction costs budget and a nonce).
        if (await _client.Orders.FindAsync(order.Instrument, orderIndex is null ? clientIndex : null, orderIndex, cancellationToken, maxPages: 2)
            is LighterLookupOutcome.Found { Order: { IsOpen: false } finished })
            return new CancelOutcome.NotFound($"order {finished.OrderIndex} is {finished.Status}");
        var sent = await _client.Orders.CancelAsync(order.Instrument, orderIndex ?? clientIndex, cancellationToken);
        switch (sent)
        {
            case LighterSendOutcome.Rejected r:
                return new CancelOutcome.Rejected(new Rejection(r.Reason, Code(r.Code), r.Message));
            case LighterSendOutcome.Unknown u:
                return new CancelOutcome.Unknown(u.Reason);
            case LighterSendOutcome.NotSent n:
                return new CancelOutcome.Unknown("not sent: " + n.Reason);
        }
        // Accepted: the cancel takes effect when the venue executes it.
        var deadline = _time.GetUtcNow() + _client.Options.ExecutionWait;
        while (true)
        {
            var found = await _client.Orders.FindAsync(order.Instrument, orderIndex is null ? clientIndex : null, orderIndex, cancellationToken, maxPages: 2);
            switch (found)
            {
                case LighterLookupOutcome.Found { Order: { IsOpen: false } done }:
                    return done.Status == "canceled" ? new CancelOutcome.Canceled(done.Remaining) : new CancelOutcome.NotFound($"order {done.OrderIndex} is {done.Status}");
                case LighterLookupOutcome.NotFound:
                    return new CancelOutcome.NotFound("Lighter has no such order");
            }
            if (_time.GetUtcNow() >= deadline) return new CancelOutcome.Unknown("cancel accepted; the order still shows open");
            await Task.Delay(_client.Options.PollInterval, _time, cancellationToken);
        }
    }

    /// <summary>The venue's order index from our VenueOrderId, and the client order index from our id.</summary>
    private (long? OrderIndex, long ClientIndex) Indexes(OrderRef order)
    {
        long? orderIndex = order.VenueOrderId is { } v && long.TryParse(v.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        var clientIndex = LighterClientOrderIndex.Of(order.ClientOrderId);
        _ids.TryAdd(clientIndex, order.ClientOrderId);
        return (orderIndex, clientIndex);
    }

    public async Task<OrderStatusReport> GetOrderAsync(OrderRef order, CancellationToken cancellationToken)
    {
        var (orderIndex, clientIndex) = Indexes(order);
        return await _client.Orders.FindAsync(order.Instrument, orderIndex is null ? clientIndex : null, orderIndex, cancellationToken) switch
        {
            LighterLookupOutcome.Found f => Report(f.Order),
            LighterLookupOutcome.Unknown u => throw new VenueException(VenueErrorKind.Unknown, "unknown", u.Reason),
            _ => throw new VenueException(VenueErrorKind.NotFound, "not_found", $"Lighter has no order {order.VenueOrderId?.Value ?? order.ClientOrderId.Value}"),
        };
    }

    /// <summary>
    /// Our order by its client order index. Not listed: if our last send of it used a nonce the
    /// venue has moved past (and no other transaction of ours took that nonce), it was accepted and
    /// not executed yet: unknown for now. Otherwise it never landed.
    /// </summary>
    public async Task<ResolveOutcome> ResolveAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken)
    {
        var index = LighterClientOrderIndex.Of(clientOrderId);
        _ids.TryAdd(index, clientOrderId);
        if (_seen.TryGetValue(index, out var streamed)) return new ResolveOutcome.Found(Report(streamed));
        var found = await _client.Orders.FindAsync(instrument, index, null, cancellationToken);
        switch (found)
        {
            case LighterLookupOutcome.Found f:
                return new ResolveOutcome.Found(Report(f.Order));
            case LighterLookupOutcome.Unknown u:
                return new ResolveOutcome.Unknown(u.Reason);
        }
        if (!_sends.TryGetValue(clientOrderId, out var send)) return new ResolveOutcome.NotFound();
        long next;
        try
        {
            next = await _client.Orders.GetNextNonceAsync(cancellationToken);
        }
        catch (LighterApiException e)
        {
            return new ResolveOutcome.Unknown($"not listed, and the nonce could not be read: {e.Message}");
        }
        if (next <= send.Nonce) return new ResolveOutcome.NotFound();
        var taker = _client.Orders.HashAtNonce(send.Nonce);
        return taker is not null && taker != send.Hash
            ? new ResolveOutcome.NotFound()
            : new ResolveOutcome.Unknown($"tx {send.Hash} used its nonce and is not executed yet");
    }

    public async Task<IReadOnlyList<FillReport>> GetFillsAsync(OrderRef order, CancellationToken cancellationToken)
    {
        var (orderIndex, clientIndex) = Indexes(order);
        if (orderIndex is null)
        {
            if (await _client.Orders.FindAsync(order.Instrument, clientIndex, null, cancellationToken) is not LighterLookupOutcome.Found f) return [];
            orderIndex = f.Order.OrderIndex;
        }
        var trades = await Call(() => _client.Orders.GetAllTradesAsync(order.Instrument, orderIndex, cancellationToken));
        return [.. trades.Select(Fill).OfType<FillReport>()];
    }

    /// <summary>Every fill of ours since <paramref name="since"/>, oldest first (trades read newest first until older than that).</summary>
    public async Task<IReadOnlyList<FillReport>> GetFillsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var all = new List<LighterTrade>();
        long? from = null;
        while (true)
        {
            var (page, next) = await Call(() => _client.Orders.GetTradesAsync(null, from, ascending: false, 100, null, cancellationToken));
            all.AddRange(page.Where(t => t.Time >= since));
            if (next is null || page.Count == 0 || page[^1].Time < since) break;
            from = next;
        }
        all.Reverse();
        return [.. all.Select(Fill).OfType<FillReport>()];
    }

    public async Task<IReadOnlyList<OrderStatusReport>> GetOpenOrdersAsync(CancellationToken cancellationToken) =>
        [.. (await Call(() => _client.Orders.GetActiveOrdersAsync(null, cancellationToken))).Select(Report)];

    /// <summary>Each market's position as a signed report: long or short and the size, entry, realized PnL and the fees the venue reports.</summary>
    public async Task<IReadOnlyList<PositionReport>> GetPositionsAsync(CancellationToken cancellationToken) =>
        [.. (await Call(() => _client.Account.GetPositionsAsync(cancellationToken))).Select(p => new PositionReport(p.Instrument,
            p.SignedQuantity < 0m ? PositionSide.Short : PositionSide.Long, Quantity.Of(Math.Abs(p.SignedQuantity)),
            p.SignedQuantity == 0m ? null : p.EntryPrice, p.RealizedPnl, p.FeesPaid))];

    public async Task<AccountReport> GetAccountAsync(CancellationToken cancellationToken) =>
        new((await Call(() => _client.Account.GetAccountAsync(cancellationToken))).Collateral, "USDC", _time.GetUtcNow());

    public async IAsyncEnumerable<ExecutionEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_stream is null) yield break;
        await foreach (var e in _stream.ReadEventsAsync(cancellationToken))
        {
            switch (e)
            {
                case LighterStreamEvent.OrderUpdate o:
                    yield return new ExecutionEvent.OrderReported(Report(o.Order));
                    break;
                case LighterStreamEvent.TradeUpdate t when Fill(t.Trade) is { } fill:
                    yield return new ExecutionEvent.FillReported(fill);
                    break;
                case LighterStreamEvent.ResyncNeeded r:
                    yield return new ExecutionEvent.ResyncNeeded(Venue, r.Since);
                    break;
            }
        }
    }

    private void Observe(LighterStreamEvent e)
    {
        switch (e)
        {
            case LighterStreamEvent.OrderUpdate { Order: var o } when o.ClientOrderIndex != 0:
                _seen[o.ClientOrderIndex] = o;
                break;
            case LighterStreamEvent.PublicTrade { Trade: var t }:
                OnPublicTrade(t);
                break;
        }
    }

    private OrderStatusReport Report(LighterOrder o) =>
        new(o.Instrument, o.VenueOrderId, IdOf(o.ClientOrderIndex), o.Side, o.Price, o.State, o.Initial, o.Filled, o.Remaining, o.UpdatedAt);

    private FillReport? Fill(LighterTrade t)
    {
        if (t.ForAccount(_account) is not { } f) return null;
        return new FillReport(f.TradeId, f.Instrument, f.OrderId!.Value, IdOf(t.ClientIndexFor(_account)), f.Side, f.Quantity, f.Price, f.Fee, !f.IsMaker, f.Time);
    }

    private static SubmitOutcome Refused(RejectionReason reason, string code, string message) =>
        new SubmitOutcome.Rejected(new Rejection(reason, code, message));

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (LighterApiException e)
        {
            throw new VenueException(e.Kind, e.Code.ToString(CultureInfo.InvariantCulture), e.Message, e);
        }
    }
}
