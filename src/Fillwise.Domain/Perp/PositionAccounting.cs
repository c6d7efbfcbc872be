using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Domain.Perp;

/// <summary>
/// The arithmetic of a signed perpetual position, on exact decimals: the quantity held (+ long,
/// − short) and the cost of what is open (always ≥ 0, quantity × entry). A fill on the same side
/// adds to the cost; a fill on the other side first closes (realizing price PnL against the
/// pro-rata share of the cost) and, past zero, opens the other way at the fill price. The share
/// removed by a partial close is rounded to <see cref="CostDecimals"/> places and the last close
/// takes exactly what is left, so cost removed + cost remaining = cost paid, always: realized +
/// unrealized at any mark equals the cash flows of the fills plus quantity × mark, to the cent and
/// beyond. Fees and funding are not in here: venues report them apart from realized PnL.
/// </summary>
public readonly record struct PositionAccounting
{
    /// <summary>Places kept when a partial close removes its share of the cost (Money's own precision).</summary>
    public const int CostDecimals = Money.MaxDecimals;

    public static readonly PositionAccounting Flat = default;

    private PositionAccounting(decimal quantity, decimal cost)
    {
        Quantity = quantity;
        Cost = cost;
    }

    /// <summary>Signed quantity: + long, − short, 0 flat.</summary>
    public decimal Quantity { get; }

    /// <summary>What the open quantity cost: |quantity| × average entry, exact; 0 when flat.</summary>
    public decimal Cost { get; }

    public bool IsFlat => Quantity == 0m;

    /// <summary>A position opened earlier at <paramref name="entryPrice"/> (admin set-up, reconciliation).</summary>
    public static PositionAccounting Opened(decimal signedQuantity, Price entryPrice) =>
        signedQuantity == 0m ? Flat : new(signedQuantity, Math.Abs(signedQuantity) * entryPrice.Value);

    /// <summary>Cost / |quantity|, unrounded (callers round to what they display); 0 when flat.</summary>
    public decimal AverageEntry => Quantity == 0m ? 0m : Cost / Math.Abs(Quantity);

    /// <summary>Price PnL of the open quantity at <paramref name="mark"/>: quantity × mark − signed cost.</summary>
    public decimal Unrealized(Price mark) => Quantity * mark.Value - Math.Sign(Quantity) * Cost;

    /// <summary>
    /// The position after a fill of <paramref name="quantity"/> at <paramref name="price"/>, and the
    /// price PnL the fill realized (0 when it only added).
    /// </summary>
    public (PositionAccounting Next, decimal Realized) Apply(OrderSide side, Values.Quantity quantity, Price price)
    {
        if (quantity.IsZero) return (this, 0m);
        var q = quantity.Value;
        var signed = side == OrderSide.Buy ? q : -q;
        if (Quantity == 0m || Math.Sign(Quantity) == Math.Sign(signed))
            return (new(Quantity + signed, Cost + q * price.Value), 0m);

        var open = Math.Abs(Quantity);
        var closing = Math.Min(open, q);
        var removed = closing == open ? Cost : Math.Round(Cost * closing / open, CostDecimals, MidpointRounding.AwayFromZero);
        var proceeds = closing * price.Value;
        var realized = Quantity > 0m ? proceeds - removed : removed - proceeds;
        var beyond = q - closing;
        if (beyond == 0m)
        {
            var left = Quantity > 0m ? Quantity - closing : Quantity + closing;
            return (left == 0m ? Flat : new(left, Cost - removed), realized);
        }
        // Through zero: what is left of the fill opens the other way at the fill price.
        return (new(signed > 0m ? beyond : -beyond, beyond * price.Value), realized);
    }
}
