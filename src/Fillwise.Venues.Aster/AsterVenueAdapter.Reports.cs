using System.Runtime.CompilerServices;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>Aster's word on our orders, fills, positions and cash, and its user-data stream, in the engine's terms.</summary>
public sealed partial class AsterVenueAdapter
{
    /// <summary>Aster takes userTrades windows of at most 7 days.</summary>
    private static readonly TimeSpan MaxTradeWindow = TimeSpan.FromDays(7);

    public Task<OrderStatusReport> GetOrderAsync(OrderRef order, CancellationToken cancellationToken)
    {
        Follow(order.Instrument.Symbol);
        if (AsterIds.TryOrder(order.Instrument, order.VenueOrderId, out var id))
            return Call(async () => Report(await _client.Orders.GetOrderAsync(order.Instrument, id, cancellationToken)));
        // No Aster order id yet: the order is found by our client order id.
        return ByClientIdAsync(order, cancellationToken);
    }

    private async Task<OrderStatusReport> ByClientIdAsync(OrderRef order, CancellationToken ct) =>
        await _client.Orders.FindAsync(order.Instrument, order.ClientOrderId, ct) switch
        {
            AsterLookupOutcome.Found f => Report(f.Order),
            AsterLookupOutcome.NotFound => throw new VenueException(VenueErrorKind.NotFound, "-2013", $"{Venue} has no order {order.ClientOrderId} on {order.Instrument.Symbol}"),
            AsterLookupOutcome.Unknown u => throw new VenueException(VenueErrorKind.Unknown, "unknown", u.Reason),
            var other => throw new VenueException(VenueErrorKind.Unknown, "unknown", $"unexpected lookup {other}"),
        };

    public async Task<ResolveOutcome> ResolveAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken cancellationToken)
    {
        if (instrument.Venue != Venue) return new ResolveOutcome.Unknown($"'{instrument}' is not an {Venue} instrument");
        Follow(instrument.Symbol);
        return await _client.Orders.FindAsync(instrument, clientOrderId, cancellationToken) switch
        {
            AsterLookupOutcome.Found f => new ResolveOutcome.Found(Report(f.Order)),
            AsterLookupOutcome.NotFound => new ResolveOutcome.NotFound(),
            AsterLookupOutcome.Unknown u => new ResolveOutcome.Unknown(u.Reason),
            var other => new ResolveOutcome.Unknown($"unexpected lookup {other}"),
        };
    }

    public Task<IReadOnlyList<FillReport>> GetFillsAsync(OrderRef order, CancellationToken cancellationToken)
    {
        if (!AsterIds.TryOrder(order.Instrument, order.VenueOrderId, out var id)) return Task.FromResult<IReadOnlyList<FillReport>>([]);
        Follow(order.Instrument.Symbol);
        return Call(async () => (IReadOnlyList<FillReport>)(await _client.Orders.GetTradesAsync(order.Instrument, null, _options.TradePageSize, cancellationToken, orderId: id))
            .Select(f => Fill(f, order.ClientOrderId)).ToList());
    }

    /// <summary>
    /// Every fill of every symbol this account trades, holds or was asked about, since
    /// <paramref name="since"/>: userTrades in windows of at most 7 days, a full page split in two
    /// until each window fits (whichever end of a full window Aster answers with, nothing is skipped).
    /// </summary>
    public Task<IReadOnlyList<FillReport>> GetFillsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var fills = new List<FillReport>();
            // A minute ahead of our clock: the venue's clock may run ahead of ours.
            var until = _time.GetUtcNow().AddMinutes(1).ToUnixTimeMilliseconds();
            foreach (var symbol in _symbols.Keys.Order(StringComparer.Ordinal).ToList())
            {
                var instrument = new InstrumentId(Venue, symbol);
                var window = (long)MaxTradeWindow.TotalMilliseconds;
                for (var start = since.ToUnixTimeMilliseconds(); start <= until; start += window)
                    await TradesInAsync(instrument, start, Math.Min(start + window - 1, until), fills, cancellationToken);
            }
            return (IReadOnlyList<FillReport>)fills.DistinctBy(f => f.TradeId).OrderBy(f => f.Time).ToList();
        });

    private async Task TradesInAsync(InstrumentId instrument, long startMs, long endMs, List<FillReport> into, CancellationToken ct)
    {
        var page = await _client.Orders.GetTradesAsync(instrument, null, _options.TradePageSize, ct,
            startTime: DateTimeOffset.FromUnixTimeMilliseconds(startMs), endTime: DateTimeOffset.FromUnixTimeMilliseconds(endMs));
        if (page.Count < _options.TradePageSize || endMs <= startMs)
        {
            into.AddRange(page.Select(f => Fill(f, null)));
            return;
        }
        var mid = startMs + (endMs - startMs) / 2;
        await TradesInAsync(instrument, startMs, mid, into, ct);
        await TradesInAsync(instrument, mid + 1, endMs, into, ct);
    }

    public Task<IReadOnlyList<OrderStatusReport>> GetOpenOrdersAsync(CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var open = await _client.Orders.GetOpenOrdersAsync(null, cancellationToken);
            foreach (var o in open) Follow(o.Instrument.Symbol);
            return (IReadOnlyList<OrderStatusReport>)open.Select(Report).ToList();
        });

    /// <summary>
    /// Aster's signed one-way (BOTH) positions as long or short reports at its average entry price;
    /// flat symbols are left out (Aster lists every symbol). Realized PnL and fees are not reported:
    /// positionRisk has neither, and the sums Aster keeps elsewhere (income, ACCOUNT_UPDATE's
    /// accumulated realized) cover the account's whole life on the symbol, which the engine's
    /// journal need not; compared with the engine's they would flag every account that traded
    /// before it. Funding is not on the port; <see cref="AsterAccountClient.GetFundingIncomeAsync"/> has it.
    /// </summary>
    public Task<IReadOnlyList<PositionReport>> GetPositionsAsync(CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var positions = await _client.Account.GetPositionsAsync(cancellationToken);
            var held = new List<PositionReport>();
            foreach (var p in positions)
            {
                if (p.Quantity == 0m) continue;
                Follow(p.Instrument.Symbol);
                held.Add(new PositionReport(p.Instrument, p.Quantity > 0m ? PositionSide.Long : PositionSide.Short, Quantity.Of(Math.Abs(p.Quantity)),
                    p.EntryPrice.IsZero ? null : p.EntryPrice, RealizedPnl: null, FeesPaid: null));
            }
            return (IReadOnlyList<PositionReport>)held;
        });

    /// <summary>The USDT wallet balance (deposits + realized − fees − funding), as Aster reports it.</summary>
    public Task<AccountReport> GetAccountAsync(CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var balance = await _client.Account.GetBalanceAsync(cancellationToken);
            return new AccountReport(balance.WalletBalance, balance.Asset, _time.GetUtcNow());
        });

    /// <summary>
    /// The user-data stream: each ORDER_TRADE_UPDATE as the fill it carries (a TRADE) followed by the
    /// order as it stands; a reconnect as a resync request from the last moment the stream was whole.
    /// ACCOUNT_UPDATE is left to reconciliation (positions are read over REST, where they are whole).
    /// </summary>
    public async IAsyncEnumerable<ExecutionEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_stream is null) yield break;
        await foreach (var e in _stream.ReadEventsAsync(cancellationToken))
        {
            switch (e)
            {
                case AsterStreamEvent.OrderUpdate update:
                    Follow(update.Order.Instrument.Symbol);
                    if (update.Fill is { } fill) yield return new ExecutionEvent.FillReported(Fill(fill, update.Order.ClientOrderId));
                    yield return new ExecutionEvent.OrderReported(Report(update.Order));
                    break;
                case AsterStreamEvent.ResyncNeeded resync:
                    yield return new ExecutionEvent.ResyncNeeded(Venue, resync.Since);
                    break;
            }
        }
    }

    /// <summary>Aster's order in the engine's words: NEW and PARTIALLY_FILLED are open; REJECTED (never rests) ends like EXPIRED.</summary>
    internal static OrderStatusReport Report(AsterOrder o)
    {
        var state = o.Status switch
        {
            AsterOrderStatus.New or AsterOrderStatus.PartiallyFilled => VenueOrderState.Open,
            AsterOrderStatus.Filled => VenueOrderState.Filled,
            AsterOrderStatus.Canceled => VenueOrderState.Canceled,
            _ => VenueOrderState.Expired,
        };
        // A MARKET order (someone else's, adopted) has no limit: its average price stands in.
        var limit = o.Price ?? (o.AveragePrice > 0m ? Price.Of(Math.Round(o.AveragePrice, Price.MaxDecimals, MidpointRounding.AwayFromZero)) : Price.Zero);
        return new OrderStatusReport(o.Instrument, OrderId(o), o.ClientOrderId, o.Side, limit, state, o.OriginalQuantity, o.ExecutedQuantity, Remaining(o), o.UpdateTime);
    }

    /// <summary>A fill with its commission (Aster reports what was paid, positive) and who took liquidity.</summary>
    internal static FillReport Fill(PerpFill f, ClientOrderId? clientOrderId)
    {
        var orderId = f.OrderId is { } raw && long.TryParse(raw.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? AsterIds.Order(f.Instrument, n)
            : throw new VenueException(VenueErrorKind.Unknown, "bad_fill", $"Aster fill {f.TradeId} has no order id");
        return new FillReport(AsterIds.Trade(f.Instrument, f.TradeId.Value), f.Instrument, orderId, clientOrderId ?? f.ClientOrderId, f.Side, f.Quantity, f.Price, f.Fee,
            IsTaker: !f.IsMaker, f.Time);
    }
}
