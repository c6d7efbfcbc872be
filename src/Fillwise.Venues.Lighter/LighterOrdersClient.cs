using System.Globalization;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Venues;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// Lighter's transactions (create, cancel, cancel-all) and order reads. sendTx acceptance is not
/// execution: <see cref="PlaceAsync"/> answers accepted with a tx hash, and the order shows up (or
/// ends) when the venue executes it; <see cref="AwaitOrderAsync"/> watches for that.
///
/// Nonces are sequential per API key, so every transaction goes out under one lock per key, in nonce
/// order: concurrent sends never clash with each other. The next nonce is read from the venue
/// (nextNonce) at the first send and after anything uncertain. An unknown answer (timeout, dropped
/// connection, 5xx) is resolved by the key's nonce while the lock is held: used means our
/// transaction landed (accepted, hash known: it is a function of the signed transaction); unused
/// means it did not, and the same signed transaction is sent again (if the first was only late, one
/// of the two uses the nonce and the other is refused 21104). A 21104 on a first send is a clash with
/// another sender of the key: the nonce is read again, the transaction re-signed and sent.
/// </summary>
public sealed class LighterOrdersClient
{
    private readonly LighterTransport _transport;
    private readonly LighterMarketDataClient _markets;
    private readonly LighterSigner? _signer;
    private readonly LighterAuthTokens? _auth;
    private readonly SemaphoreSlim _keyGate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _usedNonces = new();
    private long? _nextNonce;
    private int _clashes;

    internal LighterOrdersClient(LighterTransport transport, LighterMarketDataClient markets, LighterSigner? signer, LighterAuthTokens? auth, LighterTxBudget budget)
    {
        _transport = transport;
        _markets = markets;
        _signer = signer;
        _auth = auth;
        Budget = budget;
    }

    public LighterTxBudget Budget { get; }

    /// <summary>
    /// The hash of our transaction known to have used <paramref name="nonce"/> (accepted, or found
    /// landed by the nonce), or null. An unknown send whose nonce another transaction of ours used
    /// afterwards did not land: exactly one transaction takes each nonce.
    /// </summary>
    public string? HashAtNonce(long nonce) => _usedNonces.GetValueOrDefault(nonce);

    private LighterSendOutcome.Accepted Landed(LighterSignedTx tx, string hash, DateTimeOffset? predicted)
    {
        _usedNonces[tx.Nonce] = hash;
        // Keep the recent ones: a resolution asks about nonces of the last minutes.
        if (_usedNonces.Count > 4096)
            foreach (var old in _usedNonces.Keys.Order().Take(1024)) _usedNonces.TryRemove(old, out _);
        return new LighterSendOutcome.Accepted(hash, tx.Nonce, predicted);
    }

    /// <summary>Nonce clashes met and recovered from (another sender used the key's nonce).</summary>
    public int NonceClashes => Volatile.Read(ref _clashes);

    private LighterSigner Signer => _signer ?? throw new LighterApiException(VenueErrorKind.AuthenticationFailed, 0, "sending transactions needs Lighter credentials");

    private long Account => Signer.Credentials.AccountIndex;

    // ---- transactions ------------------------------------------------------------------------

    public async Task<LighterSendOutcome> PlaceAsync(LighterOrderRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        LighterMarketInfo? market;
        try
        {
            market = await _markets.MarketAsync(request.Instrument.Symbol, ct);
        }
        catch (LighterApiException e)
        {
            return new LighterSendOutcome.NotSent($"the market list could not be read ({e.Message})");
        }
        if (market is null) return new LighterSendOutcome.Rejected(RejectionReason.Other, 0, $"not sent: Lighter has no market {request.Instrument.Symbol}");
        if (!market.TryBaseAmount(request.Quantity, out var baseAmount) || baseAmount <= 0)
            return new LighterSendOutcome.Rejected(RejectionReason.InvalidQuantity, 0, $"not sent: quantity {request.Quantity} is not a positive multiple of {market.Instrument.Step}");
        if (!market.TryPriceUnits(request.Price, out var price))
            return new LighterSendOutcome.Rejected(RejectionReason.InvalidPrice, 0, $"not sent: price {request.Price} is not on {market.Instrument.PriceBands[0].Tick}'s grid or beyond a uint32");
        if (request.ClientOrderIndex is < 0 or > LighterClientOrderIndex.Max)
            return new LighterSendOutcome.Rejected(RejectionReason.Other, 0, "not sent: client order index must be 0..2^48-1");
        var immediate = request.Type == LighterOrderType.Market || request.TimeInForce == LighterTimeInForce.ImmediateOrCancel;
        var tif = immediate ? LighterTimeInForce.ImmediateOrCancel : request.TimeInForce;
        var signer = Signer;
        var now = _transport.Time.GetUtcNow();
        var expiry = immediate ? 0 : (now + TimeSpan.FromDays(28)).ToUnixTimeMilliseconds();
        return await SendAsync(nonce => signer.CreateOrder(market.MarketIndex, request.ClientOrderIndex, baseAmount, price, request.Side == Domain.Orders.OrderSide.Sell,
            (int)request.Type, (int)tif, request.ReduceOnly, expiry, nonce, _transport.Time.GetUtcNow() + _transport.Options.TransactionLifetime), ct);
    }

    /// <summary>Cancels by order index or client order index (Lighter takes either).</summary>
    public async Task<LighterSendOutcome> CancelAsync(InstrumentId instrument, long index, CancellationToken ct)
    {
        LighterMarketInfo? market;
        try
        {
            market = await _markets.MarketAsync(instrument.Symbol, ct);
        }
        catch (LighterApiException e)
        {
            return new LighterSendOutcome.NotSent($"the market list could not be read ({e.Message})");
        }
        if (market is null) return new LighterSendOutcome.Rejected(RejectionReason.Other, 0, $"not sent: Lighter has no market {instrument.Symbol}");
        var signer = Signer;
        return await SendAsync(nonce => signer.CancelOrder(market.MarketIndex, index, nonce, _transport.Time.GetUtcNow() + _transport.Options.TransactionLifetime), ct);
    }

    /// <summary>Cancels every open order of the account.</summary>
    public Task<LighterSendOutcome> CancelAllAsync(CancellationToken ct)
    {
        var signer = Signer;
        return SendAsync(nonce => signer.CancelAll(nonce, _transport.Time.GetUtcNow() + _transport.Options.TransactionLifetime), ct);
    }

    /// <summary>The API key's next nonce as the venue has it.</summary>
    public async Task<long> GetNextNonceAsync(CancellationToken ct)
    {
        using var doc = await _transport.GetAsync("/nextNonce",
            [new("account_index", Account.ToString(CultureInfo.InvariantCulture)), new("api_key_index", Signer.Credentials.ApiKeyIndex.ToString(CultureInfo.InvariantCulture))], ct);
        return LighterJson.Long(doc.RootElement, "nonce");
    }

    private async Task<long?> TryNextNonceAsync(CancellationToken ct)
    {
        try
        {
            return await GetNextNonceAsync(ct);
        }
        catch (LighterApiException)
        {
            return null;
        }
    }

    private async Task<LighterSendOutcome> SendAsync(Func<long, LighterSignedTx> build, CancellationToken ct)
    {
        await _keyGate.WaitAsync(ct);
        try
        {
            if (_nextNonce is null)
            {
                _nextNonce = await TryNextNonceAsync(ct);
                if (_nextNonce is null) return new LighterSendOutcome.NotSent("the API key's next nonce could not be read");
            }
            var tx = build(_nextNonce.Value);
            var sends = 0;
            var clashes = 0;
            while (true)
            {
                await Budget.AcquireAsync(ct);
                sends++;
                try
                {
                    using var doc = await _transport.SendTxAsync(tx, ct);
                    _nextNonce = tx.Nonce + 1;
                    var predicted = LighterJson.OptLong(doc.RootElement, "predicted_execution_time_ms") is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
                    return Landed(tx, LighterJson.OptStr(doc.RootElement, "tx_hash") ?? tx.Hash, predicted);
                }
                catch (LighterApiException e) when (e.Kind == VenueErrorKind.RateLimited)
                {
                    // Refused before anything was done: wait as asked and send the same transaction again.
                    var wait = e.RetryAfter ?? TimeSpan.FromSeconds(1);
                    Budget.Pause(wait);
                    if (wait > _transport.Options.MaxRateLimitWait || sends >= _transport.Options.MaxAttempts)
                        return new LighterSendOutcome.Rejected(RejectionReason.RateLimited, e.Code, e.Message);
                }
                catch (LighterApiException e) when (e.Code == LighterErrorCodes.InvalidNonce)
                {
                    var next = await TryNextNonceAsync(ct);
                    if (next is null)
                    {
                        _nextNonce = null;
                        return sends > 1
                            ? new LighterSendOutcome.Unknown($"a resend was refused for its nonce and the nonce could not be read: {e.Message}", tx.Hash, tx.Nonce)
                            : new LighterSendOutcome.NotSent($"nonce clash, and the next nonce could not be read ({e.Message})");
                    }
                    _nextNonce = next;
                    // A resend refused for its nonce: an earlier send of this very transaction used it.
                    if (sends > 1 && next > tx.Nonce) return Landed(tx, tx.Hash, null);
                    // A clash: somebody else used the nonce. Nothing of ours landed: sign again with the key's next nonce.
                    Interlocked.Increment(ref _clashes);
                    if (++clashes > _transport.Options.MaxAttempts) return new LighterSendOutcome.Rejected(RejectionReason.Other, e.Code, $"nonce clashes kept coming: {e.Message}");
                    tx = build(next.Value);
                    sends = 0;
                }
                catch (LighterApiException e) when (e.Kind == VenueErrorKind.Unknown)
                {
                    var next = await TryNextNonceAsync(ct);
                    if (next is null)
                    {
                        _nextNonce = null;
                        return new LighterSendOutcome.Unknown($"{e.Message}; the API key's nonce could not be read to tell", tx.Hash, tx.Nonce);
                    }
                    _nextNonce = next;
                    // Only we send on this key while we hold it: its nonce moved past ours, so ours landed.
                    if (next > tx.Nonce) return Landed(tx, tx.Hash, null);
                    if (sends >= _transport.Options.MaxAttempts) return new LighterSendOutcome.Unknown($"{e.Message}; not landed after {sends} sends (it may still be on its way)", tx.Hash, tx.Nonce);
                    await Task.Delay(_transport.Backoff(sends), _transport.Time, ct);
                }
                catch (LighterApiException e)
                {
                    // Refused: the nonce was not used (the next transaction takes it).
                    _nextNonce = tx.Nonce;
                    return new LighterSendOutcome.Rejected(e.Reason, e.Code, e.Message);
                }
            }
        }
        finally
        {
            _keyGate.Release();
        }
    }

    // ---- reads -------------------------------------------------------------------------------

    private List<KeyValuePair<string, string>> Private(LighterMarketInfo? market)
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("account_index", Account.ToString(CultureInfo.InvariantCulture)),
            new("market_id", (market?.MarketIndex ?? 255).ToString(CultureInfo.InvariantCulture)),
        };
        if (_auth is not null) query.Add(new("auth", _auth.Current()));
        return query;
    }

    private async Task<LighterMarketInfo?> MarketOfAsync(InstrumentId? instrument, CancellationToken ct) =>
        instrument is { } i ? await _markets.MarketAsync(i.Symbol, ct) ?? throw new LighterApiException(VenueErrorKind.NotFound, 0, $"Lighter has no market {i.Symbol}") : null;

    /// <summary>Open orders (all markets when <paramref name="instrument"/> is null).</summary>
    public async Task<IReadOnlyList<LighterOrder>> GetActiveOrdersAsync(InstrumentId? instrument, CancellationToken ct)
    {
        var market = await MarketOfAsync(instrument, ct);
        if (market is null) await _markets.GetMarketsAsync(ct);
        using var doc = await _transport.GetAsync("/accountActiveOrders", Private(market), ct);
        return [.. LighterJson.Array(doc.RootElement, "orders").EnumerateArray().Select(o => LighterWire.Order(o, MarketAt(o)))];
    }

    /// <summary>One page of finished orders, newest first, and the cursor of the next page (null at the end).</summary>
    public async Task<(IReadOnlyList<LighterOrder> Orders, string? NextCursor)> GetInactiveOrdersAsync(InstrumentId? instrument, int limit, string? cursor, CancellationToken ct)
    {
        var market = await MarketOfAsync(instrument, ct);
        if (market is null) await _markets.GetMarketsAsync(ct);
        var query = Private(market);
        query.Add(new("limit", Math.Clamp(limit, 1, 100).ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(cursor)) query.Add(new("cursor", cursor));
        using var doc = await _transport.GetAsync("/accountInactiveOrders", query, ct);
        var orders = LighterJson.Array(doc.RootElement, "orders").EnumerateArray().Select(o => LighterWire.Order(o, MarketAt(o))).ToList();
        var next = LighterJson.OptStr(doc.RootElement, "next_cursor");
        return (orders, string.IsNullOrEmpty(next) ? null : next);
    }

    private LighterMarketInfo MarketAt(System.Text.Json.JsonElement order) =>
        _markets.Market((int)LighterJson.Long(order, "market_index")) ?? throw LighterJson.Bad("market_index", "an order of an unknown market in Lighter's answer");

    /// <summary>
    /// Our order under a client order index: open ones first, then the finished ones, newest first,
    /// up to <paramref name="maxPages"/> pages. Matching is by index and also, when given, by
    /// <paramref name="orderIndex"/>.
    /// </summary>
    public async Task<LighterLookupOutcome> FindAsync(InstrumentId instrument, long? clientOrderIndex, long? orderIndex, CancellationToken ct, int maxPages = 10)
    {
        bool Match(LighterOrder o) => (orderIndex is null || o.OrderIndex == orderIndex) && (clientOrderIndex is null || o.ClientOrderIndex == clientOrderIndex);
        try
        {
            var open = (await GetActiveOrdersAsync(instrument, ct)).FirstOrDefault(Match);
            if (open is not null) return new LighterLookupOutcome.Found(open);
            string? cursor = null;
            for (var page = 0; page < maxPages; page++)
            {
                var (orders, next) = await GetInactiveOrdersAsync(instrument, 100, cursor, ct);
                if (orders.FirstOrDefault(Match) is { } done) return new LighterLookupOutcome.Found(done);
                if (next is null) break;
                cursor = next;
            }
            return new LighterLookupOutcome.NotFound();
        }
        catch (LighterApiException e)
        {
            return new LighterLookupOutcome.Unknown(e.Message);
        }
    }

    /// <summary>
    /// Waits for an accepted create to be executed: the order under its client order index, as soon
    /// as the stream (<paramref name="seen"/>) or REST shows it, or NotFound after <paramref name="wait"/>.
    /// </summary>
    public async Task<LighterLookupOutcome> AwaitOrderAsync(InstrumentId instrument, long clientOrderIndex, TimeSpan wait, Func<LighterOrder?>? seen, CancellationToken ct)
    {
        var deadline = _transport.Time.GetUtcNow() + wait;
        LighterLookupOutcome last = new LighterLookupOutcome.NotFound();
        while (true)
        {
            if (seen?.Invoke() is { } streamed) return new LighterLookupOutcome.Found(streamed);
            last = await FindAsync(instrument, clientOrderIndex, null, ct, maxPages: 2);
            if (last is LighterLookupOutcome.Found) return last;
            if (_transport.Time.GetUtcNow() >= deadline) return last;
            await Task.Delay(_transport.Options.PollInterval, _transport.Time, ct);
        }
    }

    /// <summary>
    /// Our trades, by trade id: newest first, or oldest first from <paramref name="fromTradeId"/>;
    /// only one order's when <paramref name="orderIndex"/> is given. Returns the page and the next cursor.
    /// </summary>
    public async Task<(IReadOnlyList<LighterTrade> Trades, long? Next)> GetTradesAsync(InstrumentId? instrument, long? fromTradeId, bool ascending, int limit, long? orderIndex, CancellationToken ct)
    {
        var market = await MarketOfAsync(instrument, ct);
        if (market is null) await _markets.GetMarketsAsync(ct);
        var query = Private(market);
        query.Add(new("sort_by", "trade_id"));
        query.Add(new("sort_dir", ascending ? "asc" : "desc"));
        query.Add(new("limit", Math.Clamp(limit, 1, 100).ToString(CultureInfo.InvariantCulture)));
        if (fromTradeId is { } f) query.Add(new("from", f.ToString(CultureInfo.InvariantCulture)));
        if (orderIndex is { } o) query.Add(new("order_index", o.ToString(CultureInfo.InvariantCulture)));
        using var doc = await _transport.GetAsync("/trades", query, ct);
        var trades = LighterJson.Array(doc.RootElement, "trades").EnumerateArray()
            .Select(t => LighterWire.Trade(t, _markets.Market((int)LighterJson.Long(t, "market_id")) ?? throw LighterJson.Bad("market_id", "a trade of an unknown market")))
            .ToList();
        var next = LighterJson.OptStr(doc.RootElement, "next_cursor");
        return (trades, long.TryParse(next, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null);
    }

    /// <summary>Every trade of ours (of one order, when given), oldest first, paging through.</summary>
    public async Task<IReadOnlyList<LighterTrade>> GetAllTradesAsync(InstrumentId? instrument, long? orderIndex, CancellationToken ct, long? fromTradeId = null)
    {
        var all = new List<LighterTrade>();
        var from = fromTradeId ?? 0;
        while (true)
        {
            var (page, next) = await GetTradesAsync(instrument, from, ascending: true, 100, orderIndex, ct);
            all.AddRange(page);
            if (next is null || page.Count == 0) return all;
            from = next.Value;
        }
    }
}
