using System.Globalization;
using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>
/// Aster's order endpoints with outcomes instead of exceptions for what is expected: a create is
/// accepted, refused (with the engine's reason and Aster's code) or unknown; a crossing GTX is a
/// PostOnlyWouldCross refusal, not a failure. A create always carries its client order id, so its
/// retries are safe: a duplicate refusal on a retry means an earlier attempt landed, and the order
/// is fetched by that id.
/// </summary>
public sealed class AsterOrdersClient
{
    private readonly AsterTransport _transport;
    private readonly AsterMarketDataClient _markets;

    internal AsterOrdersClient(AsterTransport transport, AsterMarketDataClient markets)
    {
        _transport = transport;
        _markets = markets;
    }

    private string Venue => _transport.Options.Venue;

    public async Task<AsterPlaceOutcome> PlaceAsync(AsterOrderRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instrument = _markets.Instrument(request.Instrument.Symbol);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("symbol", request.Instrument.Symbol),
            new("side", AsterJson.ToWire(request.Side)),
            new("type", request.Type == AsterOrderType.Market ? "MARKET" : "LIMIT"),
            new("quantity", Fits(request.Quantity.Value, instrument?.QuantityDecimals) ? instrument!.FormatQuantity(request.Quantity) : request.Quantity.ToString()),
        };
        if (request.Type == AsterOrderType.Limit)
        {
            if (request.Price is not { } price) return new AsterPlaceOutcome.Rejected(RejectionReason.InvalidPrice, 0, "not sent: a limit order needs a price");
            parameters.Add(new("price", Fits(price.Value, instrument?.PriceDecimals) ? instrument!.FormatPrice(price) : price.ToString()));
            parameters.Add(new("timeInForce", AsterJson.ToWire(request.TimeInForce)));
        }
        if (request.ReduceOnly) parameters.Add(new("reduceOnly", "true"));
        parameters.Add(new("newClientOrderId", request.ClientOrderId.Value));
        parameters.Add(new("newOrderRespType", "RESULT"));

        try
        {
            using var doc = await _transport.SendAsync(HttpMethod.Post, "/v3/order", parameters, signed: true, weight: 1, isOrder: true, AsterRetry.Safe, ct);
            return Placed(AsterJson.Order(doc.RootElement, Venue));
        }
        catch (AsterApiException e) when (e.Reason == RejectionReason.DuplicateClientOrderId)
        {
            // Either an earlier attempt of this very create landed, or the id was used before: the order under it says which.
            return await FindAsync(request.Instrument, request.ClientOrderId, ct) switch
            {
                AsterLookupOutcome.Found found when Matches(found.Order, request) => Placed(found.Order),
                AsterLookupOutcome.Unknown unknown => new AsterPlaceOutcome.Unknown($"duplicate client order id, lookup failed: {unknown.Reason}"),
                _ => new AsterPlaceOutcome.Rejected(RejectionReason.DuplicateClientOrderId, e.Code, e.Message),
            };
        }
        catch (AsterApiException e) when (e.Kind == VenueErrorKind.Unknown)
        {
            return new AsterPlaceOutcome.Unknown(e.Message);
        }
        catch (AsterApiException e)
        {
            return new AsterPlaceOutcome.Rejected(e.Reason, e.Code, e.Message);
        }
    }

    /// <summary>Written in the instrument's precision when it fits; otherwise as given, for the venue to judge (-1111).</summary>
    private static bool Fits(decimal value, int? decimals) => decimals is { } d && FixedPoint.DecimalPlaces(value) <= d;

    private static AsterPlaceOutcome Placed(AsterOrder order) => order.IsPostOnlyCross
        ? new AsterPlaceOutcome.Rejected(RejectionReason.PostOnlyWouldCross, 0, "post-only (GTX) order would have crossed: EXPIRED, nothing filled", order)
        : new AsterPlaceOutcome.Accepted(order);

    private static bool Matches(AsterOrder order, AsterOrderRequest request) =>
        order.Side == request.Side && order.OriginalQuantity == request.Quantity && order.Instrument == request.Instrument;

    /// <summary>Cancels by venue order id (preferred) or client order id.</summary>
    public async Task<AsterCancelOutcome> CancelAsync(InstrumentId instrument, long? orderId, ClientOrderId? clientOrderId, CancellationToken ct)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("symbol", instrument.Symbol) };
        if (orderId is { } id) parameters.Add(new("orderId", id.ToString(CultureInfo.InvariantCulture)));
        else if (clientOrderId is { } cid) parameters.Add(new("origClientOrderId", cid.Value));
        else throw new ArgumentException("an order id or a client order id is needed", nameof(orderId));
        try
        {
            using var doc = await _transport.SendAsync(HttpMethod.Delete, "/v3/order", parameters, signed: true, weight: 1, isOrder: false, AsterRetry.Safe, ct);
            return new AsterCancelOutcome.Canceled(AsterJson.Order(doc.RootElement, Venue));
        }
        catch (AsterApiException e) when (e.Reason == RejectionReason.NotFound)
        {
            return new AsterCancelOutcome.NotFound(e.Code, e.Message);
        }
        catch (AsterApiException e) when (e.Kind == VenueErrorKind.Unknown)
        {
            return new AsterCancelOutcome.Unknown(e.Message);
        }
        catch (AsterApiException e)
        {
            return new AsterCancelOutcome.Rejected(e.Reason, e.Code, e.Message);
        }
    }

    /// <summary>The order by venue id; throws <see cref="AsterApiException"/> (NotFound reason when Aster has none).</summary>
    public async Task<AsterOrder> GetOrderAsync(InstrumentId instrument, long orderId, CancellationToken ct)
    {
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/order",
            [new("symbol", instrument.Symbol), new("orderId", orderId.ToString(CultureInfo.InvariantCulture))], signed: true, 1, false, AsterRetry.Safe, ct);
        return AsterJson.Order(doc.RootElement, Venue);
    }

    /// <summary>Resolves an unknown create: the order under our client order id, definitely none, or still unknown.</summary>
    public async Task<AsterLookupOutcome> FindAsync(InstrumentId instrument, ClientOrderId clientOrderId, CancellationToken ct)
    {
        try
        {
            using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/order",
                [new("symbol", instrument.Symbol), new("origClientOrderId", clientOrderId.Value)], signed: true, 1, false, AsterRetry.Safe, ct);
            return new AsterLookupOutcome.Found(AsterJson.Order(doc.RootElement, Venue));
        }
        catch (AsterApiException e) when (e.Code == AsterErrorCodes.NoSuchOrder)
        {
            return new AsterLookupOutcome.NotFound();
        }
        catch (AsterApiException e)
        {
            return new AsterLookupOutcome.Unknown(e.Message);
        }
    }

    public async Task<IReadOnlyList<AsterOrder>> GetOpenOrdersAsync(InstrumentId? instrument, CancellationToken ct)
    {
        var parameters = instrument is { } i ? new List<KeyValuePair<string, string>> { new("symbol", i.Symbol) } : [];
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/openOrders", parameters, signed: true, instrument is null ? 40 : 1, false, AsterRetry.Safe, ct);
        return [.. doc.RootElement.EnumerateArray().Select(o => AsterJson.Order(o, Venue))];
    }

    /// <summary>The most recent orders of a symbol (open and finished), oldest first.</summary>
    public async Task<IReadOnlyList<AsterOrder>> GetOrdersAsync(InstrumentId instrument, int limit, CancellationToken ct)
    {
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/allOrders",
            [new("symbol", instrument.Symbol), new("limit", Math.Clamp(limit, 1, 1000).ToString(CultureInfo.InvariantCulture))], signed: true, 5, false, AsterRetry.Safe, ct);
        return [.. doc.RootElement.EnumerateArray().Select(o => AsterJson.Order(o, Venue))];
    }

    /// <summary>
    /// Our fills (userTrades) as position fills with trade ids: from <paramref name="fromId"/> on
    /// when given, or within [<paramref name="startTime"/>, <paramref name="endTime"/>] (Aster, as
    /// Binance, takes a window of at most 7 days and never together with fromId).
    /// </summary>
    public async Task<IReadOnlyList<PerpFill>> GetTradesAsync(InstrumentId instrument, long? fromId, int limit, CancellationToken ct, long? orderId = null,
        DateTimeOffset? startTime = null, DateTimeOffset? endTime = null)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("symbol", instrument.Symbol), new("limit", Math.Clamp(limit, 1, 1000).ToString(CultureInfo.InvariantCulture)) };
        if (fromId is { } f) parameters.Add(new("fromId", f.ToString(CultureInfo.InvariantCulture)));
        if (orderId is { } o) parameters.Add(new("orderId", o.ToString(CultureInfo.InvariantCulture)));
        if (startTime is { } start) parameters.Add(new("startTime", start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        if (endTime is { } end) parameters.Add(new("endTime", end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        using var doc = await _transport.SendAsync(HttpMethod.Get, "/v3/userTrades", parameters, signed: true, 5, false, AsterRetry.Safe, ct);
        return [.. doc.RootElement.EnumerateArray().Select(t => AsterJson.Trade(t, Venue))];
    }
}
