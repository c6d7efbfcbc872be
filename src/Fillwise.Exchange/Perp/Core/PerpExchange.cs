using Fillwise.Domain.Instruments;
using Fillwise.Domain.Perp;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Exchange.Perp.Core.Internal;

namespace Fillwise.Exchange.Perp.Core;

/// <summary>
/// The venue-neutral perpetual-futures matching core: per-symbol books with price-time priority,
/// LIMIT (GTC / IOC / FOK, post-only) and MARKET orders (bounded by mark ± the venue's band),
/// reduce-only, accounts with a wallet balance and a simple cross margin, maker and taker fees,
/// signed positions (the domain's <see cref="PositionAccounting"/>), funding at each market's own
/// interval on the injected clock, settable mark prices. Prices and quantities are integer ticks
/// and lots inside; money is exact decimal. A venue's rules come from <see cref="PerpVenueRules"/>;
/// its wire format is somebody else's job (Aster's REST in <c>Perp/Aster</c>).
///
/// Not thread-safe: the host holds one lock around every call. Events go to the listener
/// synchronously, in the order things happened: order events as they happen, then account
/// updates and book deltas when the operation ends.
/// </summary>
public sealed partial class PerpExchange
{
    private readonly Dictionary<string, PerpMarket> _markets = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PerpAccount> _accounts = [];
    private readonly List<PerpMarket> _dirtyMarkets = [];
    private readonly List<(PerpAccount Account, PerpMarket Market)> _touched = [];
    private long _nextAccount;
    private long _nextOrder;
    private long _nextTrade;
    private long _nextIncome;

    public PerpExchange(PerpVenueRules rules, TimeProvider time, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Validate() is { } why) throw new ArgumentException(why, nameof(rules));
        Rules = rules;
        Time = time ?? throw new ArgumentNullException(nameof(time));
        // Venue-looking numeric ids, deterministic from the seed.
        var start = 1_000_000L + (long)(uint)seed % 1000 * 1000;
        _nextOrder = start * 10;
        _nextTrade = start;
        _nextIncome = start * 100;
    }

    public PerpVenueRules Rules { get; }

    public TimeProvider Time { get; }

    public IPerpExchangeListener? Listener { get; set; }

    // ---- markets ---------------------------------------------------------------------------

    public PerpRejection? CreateMarket(PerpMarketDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (string.IsNullOrWhiteSpace(definition.Symbol) || definition.Symbol.Any(c => !char.IsAsciiLetterOrDigit(c)))
            return Reject(RejectionReason.Other, "symbol must be letters and digits");
        if (_markets.ContainsKey(definition.Symbol)) return Reject(RejectionReason.Other, $"market {definition.Symbol} exists already");
        if (definition.TickSize.IsZero || definition.StepSize.IsZero) return Reject(RejectionReason.Other, "tick_size and step_size must be positive");
        if (FixedPoint.DecimalPlaces(definition.TickSize.Value) + FixedPoint.DecimalPlaces(definition.StepSize.Value) > Money.MaxDecimals)
            return Reject(RejectionReason.Other, "tick_size and step_size together have more than 12 decimal places: notionals would not be exact");
        if (definition.MarkPrice.IsZero) return Reject(RejectionReason.Other, "mark_price must be positive");
        if (definition.FundingInterval < TimeSpan.FromMinutes(1)) return Reject(RejectionReason.Other, "funding interval must be at least a minute");
        var minPrice = definition.MinPrice ?? definition.TickSize;
        var maxPrice = definition.MaxPrice ?? Price.Of(1_000_000m);
        if (minPrice.IsZero || minPrice.Value % definition.TickSize.Value != 0m || maxPrice.Value % definition.TickSize.Value != 0m || maxPrice <= minPrice)
            return Reject(RejectionReason.Other, "min and max price must be positive multiples of the tick, min below max");
        if (definition.MinQuantity.Value % definition.StepSize.Value != 0m) return Reject(RejectionReason.Other, "min_quantity must be a multiple of step_size");
        Instrument instrument;
        try
        {
            instrument = new Instrument(new InstrumentId(Rules.Venue, definition.Symbol), InstrumentKind.Perpetual, definition.BaseAsset,
                [new PriceBand(minPrice, maxPrice, definition.TickSize)], definition.StepSize, definition.MinQuantity, definition.MinNotional,
                reduceOnlyWaivesMinimums: Rules.ReduceOnlyWaivesMinNotional, quoteCurrency: definition.QuoteAsset);
        }
        catch (Domain.DomainException e)
        {
            return Reject(RejectionReason.Other, e.Message);
        }
        _markets[definition.Symbol] = new PerpMarket(definition with { MinPrice = minPrice, MaxPrice = maxPrice }, instrument, Time.GetUtcNow());
        return null;
    }

    public IReadOnlyList<PerpMarketView> GetMarkets() => [.. _markets.Values.Select(View)];

    public PerpMarketView? GetMarket(string symbol) => _markets.TryGetValue(symbol, out var m) ? View(m) : null;

    public bool HasMarket(string symbol) => _markets.ContainsKey(symbol);

    private static PerpMarketView View(PerpMarket m) =>
        new(m.Definition, m.Instrument, m.Mark, m.FundingRate, m.FundingInterval, m.NextFundingTime, m.LastTradeTicks is { } t ? m.PriceOf(t) : null);

    public PerpRejection? SetMark(string symbol, Price mark)
    {
        if (!_markets.TryGetValue(symbol, out var m)) return Reject(RejectionReason.NotFound, $"market {symbol} not found");
        if (mark.IsZero) return Reject(RejectionReason.InvalidPrice, "mark price must be positive");
        // Funding due at the old mark settles first.
        Advance();
        m.Mark = mark;
        return null;
    }

    public PerpRejection? SetFundingRate(string symbol, FundingRate rate)
    {
        if (!_markets.TryGetValue(symbol, out var m)) return Reject(RejectionReason.NotFound, $"market {symbol} not found");
        Advance();
        m.FundingRate = rate;
        return null;
    }

    public PerpBookView? GetBook(string symbol, int depth = 1000)
    {
        if (!_markets.TryGetValue(symbol, out var m)) return null;
        return new PerpBookView(symbol, m.UpdateId, Levels(m, m.Bids, depth), Levels(m, m.Asks, depth), Time.GetUtcNow());
    }

    private static List<PerpBookLevel> Levels(PerpMarket m, PerpBookSide side, int depth)
    {
        var levels = new List<PerpBookLevel>(Math.Min(depth, side.Count));
        foreach (var level in side.FromBest())
        {
            if (levels.Count >= depth) break;
            levels.Add(new PerpBookLevel(m.PriceOf(level.Ticks), m.QuantityOf(level.TotalLots)));
        }
        return levels;
    }

    // ---- accounts --------------------------------------------------------------------------

    /// <summary>A new account with <paramref name="deposit"/>; agents pass retainHistory false so long runs stay small.</summary>
    public long CreateAccount(Money deposit, bool retainHistory = true)
    {
        if (deposit.IsNegative) throw new ArgumentOutOfRangeException(nameof(deposit), "deposit must not be negative");
        var id = ++_nextAccount;
        _accounts[id] = new PerpAccount(id, deposit.Dollars, retainHistory);
        return id;
    }

    public bool HasAccount(long accountId) => _accounts.ContainsKey(accountId);

    public PerpRejection? Deposit(long accountId, Money amount)
    {
        if (!_accounts.TryGetValue(accountId, out var a)) return Reject(RejectionReason.NotFound, "account not found");
        a.Balance += amount.Dollars;
        Listener?.OnAccount(new PerpAccountEvent(a.Id, PerpAccountChange.Deposit, Money.FromDollars(a.Balance), [], Time.GetUtcNow()));
        return null;
    }

    public PerpAccountView? GetAccount(long accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var a)) return null;
        decimal unrealized = 0, positionMargin = 0;
        var positions = new List<PerpPositionView>();
        foreach (var h in a.Holdings.Values)
        {
            unrealized += h.Book.Unrealized(h.Market.Mark);
            positionMargin += Math.Abs(h.Book.Quantity) * h.Market.Mark.Value / Rules.Leverage;
            positions.Add(PositionView(h));
        }
        return new PerpAccountView(a.Id, Money.FromDollars(a.Balance), MoneyOf(unrealized), MoneyOf(positionMargin), MoneyOf(a.OpenOrderNotional / Rules.Leverage), positions);
    }

    /// <summary>The position in one market (flat when the account never traded it); null for an unknown account or market.</summary>
    public PerpPositionView? GetPosition(long accountId, string symbol)
    {
        if (!_accounts.TryGetValue(accountId, out var a) || !_markets.TryGetValue(symbol, out var m)) return null;
        return a.Holdings.TryGetValue(m, out var h) ? PositionView(h) : PositionView(new PerpHolding(m));
    }

    /// <summary>Sets a position as if it had been opened earlier at <paramref name="entryPrice"/> (admin); realized PnL and balance stay.</summary>
    public PerpRejection? SetPosition(long accountId, string symbol, decimal signedQuantity, Price entryPrice)
    {
        if (!_accounts.TryGetValue(accountId, out var a)) return Reject(RejectionReason.NotFound, "account not found");
        if (!_markets.TryGetValue(symbol, out var m)) return Reject(RejectionReason.NotFound, $"market {symbol} not found");
        if (!m.TryLots(Quantity.Of(Math.Abs(signedQuantity)), out _)) return Reject(RejectionReason.InvalidQuantity, $"quantity {signedQuantity} is not a multiple of the step {m.Step}");
        if (signedQuantity != 0m && entryPrice.IsZero) return Reject(RejectionReason.InvalidPrice, "entry price must be positive");
        Advance();
        var h = a.Holding(m);
        h.Book = PositionAccounting.Opened(signedQuantity, entryPrice);
        h.UpdatedAt = Time.GetUtcNow();
        ExpireStaleReduceOnly(a, m);
        Touch(a, m);
        Flush(PerpAccountChange.AdminPosition);
        return null;
    }

    private PerpPositionView PositionView(PerpHolding h) => new(
        h.Market.Symbol, h.Book.Quantity, Math.Round(h.Book.AverageEntry, Price.MaxDecimals, MidpointRounding.AwayFromZero),
        MoneyOf(h.Realized), MoneyOf(h.Fees), MoneyOf(h.Funding), h.Market.Mark, MoneyOf(h.Book.Unrealized(h.Market.Mark)), h.UpdatedAt);

    /// <summary>Exact when it fits Money's 12 places (it always does for fills on a market's grid); rounded otherwise.</summary>
    private static Money MoneyOf(decimal value) => Money.Round(value, Money.MaxDecimals);

    // ---- queries ---------------------------------------------------------------------------

    public PerpOrderView? FindOrder(long accountId, long? orderId, string? clientOrderId)
    {
        if (!_accounts.TryGetValue(accountId, out var a)) return null;
        if (orderId is { } id) return a.Orders.TryGetValue(id, out var o) ? o.View() : null;
        if (clientOrderId is not null) return a.ByClientId.TryGetValue(clientOrderId, out var c) ? c.View() : null;
        return null;
    }

    public IReadOnlyList<PerpOrderView> OpenOrders(long accountId, string? symbol = null) =>
        _accounts.TryGetValue(accountId, out var a)
            ? [.. a.OpenOrders.Values.Where(o => symbol is null || o.Market.Symbol == symbol).OrderBy(o => o.Id).Select(o => o.View())]
            : [];

    /// <summary>Orders of the account in one market, oldest first, the last <paramref name="limit"/>.</summary>
    public IReadOnlyList<PerpOrderView> Orders(long accountId, string symbol, int limit = 500)
    {
        if (!_accounts.TryGetValue(accountId, out var a)) return [];
        var list = a.OrderHistory.Where(o => o.Market.Symbol == symbol).Select(o => o.View()).ToList();
        return list.Count > limit ? list.GetRange(list.Count - limit, limit) : list;
    }

    public IReadOnlyList<PerpFillView> Fills(long accountId, string? symbol = null, int limit = 1000)
    {
        if (!_accounts.TryGetValue(accountId, out var a)) return [];
        var list = a.Fills.Where(f => symbol is null || f.Symbol == symbol).ToList();
        return list.Count > limit ? list.GetRange(list.Count - limit, limit) : list;
    }

    public IReadOnlyList<PerpFundingView> FundingPayments(long accountId, string? symbol = null) =>
        _accounts.TryGetValue(accountId, out var a) ? [.. a.Funding.Where(f => symbol is null || f.Symbol == symbol)] : [];

    // ---- helpers ---------------------------------------------------------------------------

    private static PerpRejection Reject(RejectionReason reason, string message) => new(reason, message);

    private void Touch(PerpAccount account, PerpMarket market)
    {
        foreach (var (a, m) in _touched)
            if (ReferenceEquals(a, account) && ReferenceEquals(m, market)) return;
        _touched.Add((account, market));
    }

    private void MarkDirty(PerpMarket market)
    {
        if (!_dirtyMarkets.Contains(market)) _dirtyMarkets.Add(market);
    }

    /// <summary>End of an operation: account updates, then one book delta per changed market.</summary>
    private void Flush(PerpAccountChange reason)
    {
        var now = Time.GetUtcNow();
        if (_touched.Count > 0)
        {
            if (Listener is { } listener)
            {
                foreach (var group in _touched.GroupBy(t => t.Account))
                {
                    var positions = group.Select(t => PositionView(t.Account.Holding(t.Market))).ToList();
                    listener.OnAccount(new PerpAccountEvent(group.Key.Id, reason, Money.FromDollars(group.Key.Balance), positions, now));
                }
            }
            _touched.Clear();
        }
        foreach (var market in _dirtyMarkets)
        {
            if (!market.HasChanges) continue;
            var (bids, asks) = market.TakeChanges();
            market.UpdateId++;
            Listener?.OnBook(new PerpBookDelta(market.Symbol, market.UpdateId, market.UpdateId - 1, bids, asks, now));
        }
        _dirtyMarkets.Clear();
    }
}
