using System.Collections.Concurrent;
using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Aster;

/// <summary>How the adapter waits and how far it reads back.</summary>
public sealed record AsterVenueAdapterOptions
{
    /// <summary>How long <see cref="AsterVenueAdapter.WatchAsync"/> waits for a new book's first snapshot before it returns (the feed keeps syncing).</summary>
    public TimeSpan WatchWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Instrument statuses come from exchangeInfo read at most this long ago (it lists every symbol: not read on every check).</summary>
    public TimeSpan StatusMaxAge { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>userTrades rows per request (Aster's maximum is 1000); a full page splits its time window in two.</summary>
    public int TradePageSize { get; init; } = 1000;
}

/// <summary>
/// Aster as the engine sees it: the four venue ports (execution commands, execution reports,
/// market data, instruments) on the Aster client. Every Aster word stays here: GTX, EXPIRED,
/// BOTH-mode signed positions and numeric codes become the engine's post-only flag, typed
/// rejections, long/short position reports and <see cref="RejectionReason"/>s. The same class
/// serves real Aster and the built-in venue.
/// <para>
/// Ids: Aster numbers orders and trades per symbol, and other venues number theirs from 1 too,
/// while the engine and its journal key orders and fills by id across every venue of a run. So
/// the adapter qualifies them with the instrument: order 17 on ZECUSDT is
/// <c>aster:ZECUSDT:17</c>, trade 5 is <c>aster:ZECUSDT:5</c>; the number after the last colon
/// is Aster's own (a bare number is accepted back too).
/// </para>
/// </summary>
public sealed partial class AsterVenueAdapter : IExecutionClient, IExecutionReports, IAsyncDisposable
{
    private readonly AsterClient _client;
    private readonly AsterUserDataStream? _stream;
    private readonly AsterVenueAdapterOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lifetime = new();
    // Symbols this account trades or holds: the ones "fills since" reads (userTrades needs a symbol).
    private readonly ConcurrentDictionary<string, byte> _symbols = new(StringComparer.Ordinal);

    public AsterVenueAdapter(AsterClient client, AsterUserDataStream? stream, AsterVenueAdapterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _stream = stream;
        _options = options ?? new AsterVenueAdapterOptions();
        _time = client.Options.TimeProvider;
    }

    public string Venue => _client.Options.Venue;

    /// <summary>Symbols the adapter reads fills of (traded, held, watched or asked about so far).</summary>
    public IReadOnlyCollection<string> FollowedSymbols => _symbols.Keys.ToList();

    /// <summary>Reads fills of <paramref name="symbol"/> too (one the engine has not named yet, e.g. from a config).</summary>
    public void Follow(string symbol) => _symbols.TryAdd(symbol, 0);

    public async Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        if (intent.Instrument.Venue != Venue)
            return Refused(RejectionReason.Other, "unknown_instrument", $"'{intent.Instrument}' is not an {Venue} instrument");
        if (intent.PostOnly && intent.TimeInForce != VenueTimeInForce.GoodTillCanceled)
            return Refused(RejectionReason.Other, "invalid_time_in_force", "a post-only order rests: its time in force must be good-till-canceled (Aster's GTX)");
        var symbol = intent.Instrument.Symbol;
        Follow(symbol);
        // The instrument's precision writes the order; when exchangeInfo cannot be read now, the numbers go as given for Aster to judge.
        await TryLoadInstrumentsAsync(symbol, cancellationToken);

        var tif = intent.PostOnly ? AsterTimeInForce.PostOnly : intent.TimeInForce switch
        {
            VenueTimeInForce.ImmediateOrCancel => AsterTimeInForce.ImmediateOrCancel,
            VenueTimeInForce.FillOrKill => AsterTimeInForce.FillOrKill,
            _ => AsterTimeInForce.GoodTillCanceled,
        };
        var request = new AsterOrderRequest(intent.Instrument, intent.Side, AsterOrderType.Limit, intent.Quantity, intent.LimitPrice, intent.ClientOrderId, tif,
            intent.ReduceOnly);
        return await _client.Orders.PlaceAsync(request, cancellationToken) switch
        {
            AsterPlaceOutcome.Accepted a => new SubmitOutcome.Accepted(OrderId(a.Order), a.Order.ExecutedQuantity, Remaining(a.Order)),
            // A crossing GTX is not an error to Aster: 200 with status EXPIRED. To the engine it is a re-price.
            AsterPlaceOutcome.Rejected { Order: not null, Code: 0 } r => new SubmitOutcome.Rejected(new Rejection(r.Reason, "EXPIRED", r.Message)),
            AsterPlaceOutcome.Rejected r => new SubmitOutcome.Rejected(new Rejection(r.Reason, Code(r.Code), r.Message)),
            AsterPlaceOutcome.Unknown u => new SubmitOutcome.Unknown(u.Reason),
            var other => new SubmitOutcome.Unknown($"unexpected outcome {other}"),
        };
    }

    public async Task<CancelOutcome> CancelAsync(OrderRef order, CancellationToken cancellationToken)
    {
        if (order.Instrument.Venue != Venue) return new CancelOutcome.NotFound($"'{order.Instrument}' is not an {Venue} instrument");
        Follow(order.Instrument.Symbol);
        // By Aster's order id when we know it, else by our client order id (Aster takes either).
        var id = AsterIds.TryOrder(order.Instrument, order.VenueOrderId, out var n) ? n : (long?)null;
        return await _client.Orders.CancelAsync(order.Instrument, id, id is null ? order.ClientOrderId : null, cancellationToken) switch
        {
            AsterCancelOutcome.Canceled c => new CancelOutcome.Canceled(c.Order.RemainingQuantity),
            AsterCancelOutcome.NotFound nf => new CancelOutcome.NotFound($"{Code(nf.Code)} {nf.Message}"),
            AsterCancelOutcome.Rejected r => new CancelOutcome.Rejected(new Rejection(r.Reason, Code(r.Code), r.Message)),
            AsterCancelOutcome.Unknown u => new CancelOutcome.Unknown(u.Reason),
            var other => new CancelOutcome.Unknown($"unexpected outcome {other}"),
        };
    }

    /// <summary>Loads exchangeInfo when the symbol's rules are not known yet; a failure only means they are read later.</summary>
    private async Task TryLoadInstrumentsAsync(string symbol, CancellationToken ct)
    {
        if (_client.MarketData.Instrument(symbol) is not null) return;
        try
        {
            await RefreshInstrumentsAsync(ct);
        }
        catch (AsterApiException)
        {
            // Unreachable now: the order is written as given; Aster refuses what does not fit (-1111).
        }
    }

    private static SubmitOutcome Refused(RejectionReason reason, string code, string message) =>
        new SubmitOutcome.Rejected(new Rejection(reason, code, message));

    private static string Code(int code) => code == 0 ? "unknown" : code.ToString(CultureInfo.InvariantCulture);

    private static VenueOrderId OrderId(AsterOrder o) => AsterIds.Order(o.Instrument, o.OrderId);

    /// <summary>What may still fill: nothing once Aster has finished the order (an IOC's expired remainder is gone).</summary>
    private static Quantity Remaining(AsterOrder o) => o.IsOpen ? o.RemainingQuantity : Quantity.Zero;

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AsterApiException e)
        {
            throw Map(e);
        }
    }

    private static VenueException Map(AsterApiException e) => new(
        e.Reason == RejectionReason.NotFound ? VenueErrorKind.NotFound : e.Kind,
        e.Code != 0 ? Code(e.Code) : e.HttpStatus is { } s ? $"http_{s.ToString(CultureInfo.InvariantCulture)}" : "unknown",
        e.Message, e);

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        foreach (var feed in _feeds.Values) await feed.DisposeAsync();
        _feeds.Clear();
        _lifetime.Dispose();
    }
}

/// <summary>
/// Aster's per-symbol order and trade numbers as ids unique across every venue of a run:
/// "aster:ZECUSDT:17". The number after the last colon is Aster's own.
/// </summary>
public static class AsterIds
{
    public static VenueOrderId Order(InstrumentId instrument, long orderId) =>
        new($"{instrument}:{orderId.ToString(CultureInfo.InvariantCulture)}");

    public static TradeId Trade(InstrumentId instrument, string tradeId) => new($"{instrument}:{tradeId}");

    /// <summary>Aster's own order number in an id of ours on <paramref name="instrument"/> (or a bare number); false for anything else.</summary>
    public static bool TryOrder(InstrumentId instrument, VenueOrderId? id, out long orderId)
    {
        orderId = 0;
        if (id is not { } value) return false;
        var text = value.Value;
        var prefix = instrument + ":";
        if (text.StartsWith(prefix, StringComparison.Ordinal)) text = text[prefix.Length..];
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out orderId);
    }
}
