using System.Globalization;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;

namespace Fillwise.Testing;

/// <summary>
/// A test double of a venue whose behaviour each test scripts: what a create does (accept, fill,
/// reject, lose the answer), what a cancel races. It keeps its own truth, like a venue, so tests
/// can compare the engine's beliefs with it.
/// </summary>
public sealed class ScriptedVenue : IExecutionVenue
{
    private readonly object _gate = new();
    private int _orderSeq, _tradeSeq;

    public string Name => "scripted";

    public List<VenueOrder> Orders { get; } = [];

    /// <summary>Decides what a create does; default: accept and rest.</summary>
    public Func<OrderIntent, int, SubmitScript> OnSubmit { get; set; } = (_, _) => SubmitScript.Accept;

    /// <summary>Runs just before a cancel takes effect: a test can fill here to race the cancel.</summary>
    public Action<VenueOrder>? BeforeCancel { get; set; }

    public int SubmitCalls { get; private set; }

    public Task<SubmitOutcome> SubmitAsync(OrderIntent intent, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            SubmitCalls++;
            if (Orders.Any(o => o.ClientOrderId == intent.ClientOrderId))
                return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Rejected("order_already_exists", "duplicate client_order_id"));
            var script = OnSubmit(intent, SubmitCalls);
            switch (script.Kind)
            {
                case SubmitKind.Reject:
                    return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Rejected(script.Code ?? "invalid_order", "scripted rejection"));
                case SubmitKind.LoseBeforeVenue:
                    return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Unknown("scripted: request lost"));
            }
            var (side, yes) = intent.Direction.ToV2(intent.LimitPrice);
            var order = new VenueOrder(new VenueOrderId($"v{++_orderSeq}"), intent.ClientOrderId, intent.Ticker, side, yes, intent.Count);
            Orders.Add(order);
            if (script.FillNow > 0) FillLocked(order, script.FillNow, script.FillYesPrice ?? yes);
            if (script.Kind == SubmitKind.LoseAnswer)
                return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Unknown("scripted: response dropped"));
            return Task.FromResult<SubmitOutcome>(new SubmitOutcome.Accepted(order.Id, order.Filled, order.Remaining));
        }
    }

    public void Fill(VenueOrder order, decimal count, ContractPrice? yesPrice = null)
    {
        lock (_gate) FillLocked(order, count, yesPrice ?? order.YesPrice);
    }

    private void FillLocked(VenueOrder order, decimal count, ContractPrice yesPrice)
    {
        var c = Contracts.Of(Math.Min(count, order.Remaining.Value));
        if (c.IsZero) return;
        order.Fills.Add(new VenueFill(new TradeId($"tr{++_tradeSeq}"), order.Id, order.ClientOrderId, order.Ticker, order.Side, c, yesPrice,
            Money.Parse("0.01"), true, DateTimeOffset.UnixEpoch.AddSeconds(_tradeSeq)));
        order.Filled += c;
        if (order.Remaining.IsZero) order.Status = VenueOrderStatus.Executed;
    }

    public Task<CancelOutcome> CancelAsync(VenueOrderId orderId, MarketTicker ticker, CancellationToken cancellationToken)
    {
        VenueOrder? order;
        lock (_gate) order = Orders.FirstOrDefault(o => o.Id == orderId);
        if (order is null || order.Status != VenueOrderStatus.Resting)
            return Task.FromResult<CancelOutcome>(new CancelOutcome.NotFound("not open"));
        BeforeCancel?.Invoke(order);
        lock (_gate)
        {
            if (order.Status != VenueOrderStatus.Resting) return Task.FromResult<CancelOutcome>(new CancelOutcome.NotFound("not open"));
            var reduced = order.Remaining;
            order.Status = VenueOrderStatus.Canceled;
            order.CanceledCount = reduced;
            return Task.FromResult<CancelOutcome>(new CancelOutcome.Canceled(reduced));
        }
    }

    public Task<VenueOrderReport> GetOrderAsync(VenueOrderId orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var order = Orders.FirstOrDefault(o => o.Id == orderId)
                ?? throw new VenueException(VenueErrorKind.Rejected, "not_found", $"order {orderId} not found");
            return Task.FromResult(order.Report());
        }
    }

    public Task<ResolveOutcome> ResolveAsync(MarketTicker ticker, ClientOrderId clientOrderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var order = Orders.FirstOrDefault(o => o.ClientOrderId == clientOrderId);
            return Task.FromResult<ResolveOutcome>(order is null ? new ResolveOutcome.NotFound() : new ResolveOutcome.Found(order.Report()));
        }
    }

    public Task<IReadOnlyList<VenueFill>> GetFillsAsync(VenueOrderId orderId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<VenueFill>>(Orders.Where(o => o.Id == orderId).SelectMany(o => o.Fills).ToList());
    }

    public Task<IReadOnlyList<VenueOrderReport>> GetOpenOrdersAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<VenueOrderReport>>(Orders.Where(o => o.Status == VenueOrderStatus.Resting).Select(o => o.Report()).ToList());
    }

    public Task<IReadOnlyList<VenuePosition>> GetPositionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VenuePosition>>([]);

    public Task<Money> GetBalanceAsync(CancellationToken cancellationToken) => Task.FromResult(Money.Parse("1000"));

    public static string Count(decimal c) => c.ToString("0.00", CultureInfo.InvariantCulture);
}

public enum SubmitKind { Accept, Reject, LoseAnswer, LoseBeforeVenue }

public sealed record SubmitScript(SubmitKind Kind, decimal FillNow = 0, ContractPrice? FillYesPrice = null, string? Code = null)
{
    public static readonly SubmitScript Accept = new(SubmitKind.Accept);
}

public sealed class VenueOrder(VenueOrderId id, ClientOrderId clientOrderId, MarketTicker ticker, BookSide side, ContractPrice yesPrice, Contracts initial)
{
    public VenueOrderId Id { get; } = id;
    public ClientOrderId ClientOrderId { get; } = clientOrderId;
    public MarketTicker Ticker { get; } = ticker;
    public BookSide Side { get; } = side;
    public ContractPrice YesPrice { get; } = yesPrice;
    public Contracts Initial { get; } = initial;
    public Contracts Filled { get; set; } = Contracts.Zero;
    public Contracts CanceledCount { get; set; } = Contracts.Zero;
    public Contracts Remaining => Initial - Filled - CanceledCount;
    public VenueOrderStatus Status { get; set; } = VenueOrderStatus.Resting;
    public List<VenueFill> Fills { get; } = [];

    public VenueOrderReport Report() => new(Id, ClientOrderId, Ticker, Side, YesPrice, Status, Initial, Filled, Remaining, null);
}

public sealed class FixedQuotes : IMarketQuotes
{
    public Dictionary<(MarketTicker, OutcomeSide), ContractPrice> Bids { get; } = [];

    public ContractPrice? BestBid(MarketTicker ticker, OutcomeSide side) => Bids.TryGetValue((ticker, side), out var p) ? p : null;
}

/// <summary>A catalog that knows the markets a test names.</summary>
public sealed class FixedCatalog : IMarketCatalog
{
    public HashSet<MarketTicker> Open { get; } = [];

    public Task<VenueMarket?> GetMarketAsync(MarketTicker ticker, CancellationToken cancellationToken) =>
        Task.FromResult(Open.Contains(ticker) ? new VenueMarket(ticker, "active", null, null) : null);
}
