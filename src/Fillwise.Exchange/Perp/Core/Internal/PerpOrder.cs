using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Perp.Core.Internal;

/// <summary>An order inside the core: integer ticks and lots, linked into its price level while it rests.</summary>
internal sealed class PerpOrder
{
    public required long Id { get; init; }
    public required string ClientOrderId { get; init; }
    public required PerpAccount Account { get; init; }
    public required PerpMarket Market { get; init; }
    public required OrderSide Side { get; init; }
    public required PerpOrderType Type { get; init; }
    public required PerpTimeInForce TimeInForce { get; init; }
    public required bool PostOnly { get; init; }
    public required bool ReduceOnly { get; init; }
    /// <summary>Limit in ticks; for a market order, the worst price it may reach.</summary>
    public required long PriceTicks { get; init; }
    public required long OriginalLots { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public long ExecutedLots { get; set; }
    /// <summary>Σ fill ticks × lots (cumulative quote = this × tick × step).</summary>
    public decimal QuoteTickLots { get; set; }
    public PerpOrderStatus Status { get; set; } = PerpOrderStatus.New;
    public PerpEndReason EndReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // Price level queue links while resting.
    public PerpLevel? Level { get; set; }
    public PerpOrder? Previous { get; set; }
    public PerpOrder? Next { get; set; }

    public long RemainingLots => OriginalLots - ExecutedLots;

    public bool IsResting => Level is not null;

    public bool IsOpen => Status is PerpOrderStatus.New or PerpOrderStatus.PartiallyFilled;

    public PerpOrderView View() => new(Id, ClientOrderId, Account.Id, Market.Symbol, Side, Type, TimeInForce, PostOnly, ReduceOnly,
        Type == PerpOrderType.Limit ? Market.PriceOf(PriceTicks) : null,
        Market.QuantityOf(OriginalLots), Market.QuantityOf(ExecutedLots), QuoteTickLots * Market.TickStep,
        Status, EndReason, CreatedAt, UpdatedAt);
}
