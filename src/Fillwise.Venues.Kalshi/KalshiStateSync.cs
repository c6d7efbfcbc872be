using Fillwise.Domain.Values;

namespace Fillwise.Venues.Kalshi;

/// <summary>The account as Kalshi sees it at one moment (seed 002 §2: "Kalshi is the database").</summary>
public sealed record KalshiTraderState(
    Money Balance,
    Money? PortfolioValue,
    IReadOnlyDictionary<MarketTicker, KalshiMarketPosition> Positions,
    IReadOnlyDictionary<VenueOrderId, KalshiOrder> RestingOrders,
    IReadOnlyDictionary<string, KalshiOrderGroup> OrderGroups,
    DateTimeOffset SyncedAt)
{
    public static readonly KalshiTraderState Empty = new(Money.Zero, null, new Dictionary<MarketTicker, KalshiMarketPosition>(),
        new Dictionary<VenueOrderId, KalshiOrder>(), new Dictionary<string, KalshiOrderGroup>(), DateTimeOffset.MinValue);
}

public enum ChangeKind
{
    Added,
    Removed,
    Changed,
}

public sealed record PositionChange(MarketTicker Ticker, ChangeKind Kind, KalshiMarketPosition? Before, KalshiMarketPosition? After);

public sealed record OrderChange(VenueOrderId OrderId, ChangeKind Kind, KalshiOrder? Before, KalshiOrder? After);

public sealed record OrderGroupChange(string OrderGroupId, ChangeKind Kind, KalshiOrderGroup? Before, KalshiOrderGroup? After);

/// <summary>What moved between two syncs.</summary>
public sealed record KalshiStateChanges(
    Money BalanceChange,
    IReadOnlyList<PositionChange> Positions,
    IReadOnlyList<OrderChange> Orders,
    IReadOnlyList<OrderGroupChange> OrderGroups)
{
    public bool IsEmpty => BalanceChange == Money.Zero && Positions.Count == 0 && Orders.Count == 0 && OrderGroups.Count == 0;
}

/// <summary>
/// Reads the account's whole state from Kalshi (every page) and tells what changed since the last
/// sync. Nothing is cached as truth: each sync replaces the previous snapshot.
/// </summary>
public sealed class KalshiStateSync
{
    private readonly KalshiRestClient _rest;
    private readonly TimeProvider _time;

    public KalshiStateSync(KalshiRestClient rest, TimeProvider time)
    {
        _rest = rest;
        _time = time;
    }

    public KalshiTraderState Current { get; private set; } = KalshiTraderState.Empty;

    public async Task<(KalshiTraderState State, KalshiStateChanges Changes)> SyncAsync(CancellationToken cancellationToken)
    {
        var balance = await _rest.GetBalanceAsync(cancellationToken);
        var positions = await _rest.GetPositionsAsync(ct: cancellationToken);
        var orders = await _rest.GetOrdersAsync(new KalshiOrderQuery(Status: KalshiOrderStatus.Resting), cancellationToken);
        var groups = await _rest.GetOrderGroupsAsync(cancellationToken);

        var state = new KalshiTraderState(
            balance.Balance,
            balance.PortfolioValue,
            positions.Markets.Where(p => p.Side is not null || !p.Contracts.IsZero).ToDictionary(p => p.Ticker),
            orders.ToDictionary(o => o.OrderId),
            groups.ToDictionary(g => g.Id, StringComparer.Ordinal),
            _time.GetUtcNow());
        var changes = Diff(Current, state);
        Current = state;
        return (state, changes);
    }

    public static KalshiStateChanges Diff(KalshiTraderState before, KalshiTraderState after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return new KalshiStateChanges(
            after.Balance - before.Balance,
            Compare(before.Positions, after.Positions, (a, b) => a.Side == b.Side && a.Contracts == b.Contracts && a.RealizedPnl == b.RealizedPnl && a.FeesPaid == b.FeesPaid,
                (k, kind, a, b) => new PositionChange(k, kind, a, b)),
            Compare(before.RestingOrders, after.RestingOrders, (a, b) => a.FillCount == b.FillCount && a.RemainingCount == b.RemainingCount && a.Status == b.Status && a.YesPrice == b.YesPrice,
                (k, kind, a, b) => new OrderChange(k, kind, a, b)),
            Compare(before.OrderGroups, after.OrderGroups, (a, b) => a.ContractsLimit == b.ContractsLimit && a.IsAutoCancelEnabled == b.IsAutoCancelEnabled && a.OrderIds.SequenceEqual(b.OrderIds),
                (k, kind, a, b) => new OrderGroupChange(k, kind, a, b)));
    }

    private static List<TChange> Compare<TKey, TValue, TChange>(IReadOnlyDictionary<TKey, TValue> before, IReadOnlyDictionary<TKey, TValue> after,
        Func<TValue, TValue, bool> same, Func<TKey, ChangeKind, TValue?, TValue?, TChange> make)
        where TKey : notnull
        where TValue : class
    {
        var changes = new List<TChange>();
        foreach (var (key, value) in after)
        {
            if (!before.TryGetValue(key, out var old)) changes.Add(make(key, ChangeKind.Added, null, value));
            else if (!same(old, value)) changes.Add(make(key, ChangeKind.Changed, old, value));
        }
        foreach (var (key, value) in before)
            if (!after.ContainsKey(key)) changes.Add(make(key, ChangeKind.Removed, value, null));
        return changes;
    }
}
