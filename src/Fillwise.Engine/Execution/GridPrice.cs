using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Execution;

/// <summary>
/// A limit price put on the instrument's grid before it is journaled or sent, as the venue would
/// otherwise refuse it (Kalshi: invalid_price off its price_ranges). A buy rounds down and a sell
/// up, so snapping never makes an order more aggressive than asked; a price outside the
/// instrument's bounds is left for the gate to refuse, since moving it in would be.
/// </summary>
internal static class GridPrice
{
    /// <summary>The price to send, or null when <paramref name="limit"/> is already on the grid (or out of bounds).</summary>
    public static Price? Snap(Instrument instrument, OrderSide side, Price limit)
    {
        if (limit < instrument.MinPrice || limit > instrument.MaxPrice || instrument.IsOnGrid(limit)) return null;
        return instrument.SnapToGrid(limit, up: side == OrderSide.Sell);
    }
}
