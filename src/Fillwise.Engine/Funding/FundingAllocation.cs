using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;

namespace Fillwise.Engine.Funding;

/// <summary>A lot's share of one funding settlement.</summary>
public sealed record FundingShare(PositionId Lot, Money Paid);

/// <summary>How one funding settlement was split: the lots' shares, and what no lot of ours held (an adopted leg, a position opened elsewhere).</summary>
public sealed record FundingSplit(IReadOnlyList<FundingShare> Shares, Money Unattributed);

/// <summary>
/// Splits a venue's funding settlement over the lots that held the position when it settled. A
/// venue funds its net position on the instrument; the engine keeps each entry as its own lot, so
/// each lot is charged in proportion to what it held then. When the venue says how big the
/// position was and our lots held less, the rest is unattributed (never pushed onto our lots);
/// when it does not say, our lots are taken to be the whole position. Shares are rounded to
/// <see cref="Decimals"/> places and the last lot takes what is left, so the shares and the
/// unattributed part always add up to the payment exactly.
/// </summary>
public static class FundingAllocation
{
    /// <summary>Places a share is rounded to (venues report funding to 6 or 8).</summary>
    public const int Decimals = 8;

    /// <param name="paid">What the account paid (negative: received).</param>
    /// <param name="signedPosition">The venue's signed position size at the settlement, when it says.</param>
    /// <param name="held">Each lot with its side and what it held just before the settlement.</param>
    public static FundingSplit Split(Money paid, decimal? signedPosition, IReadOnlyList<(PositionId Lot, PositionSide Side, Quantity Held)> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        var direction = signedPosition is { } q && q != 0m ? Math.Sign(q) : 0;
        // Only lots on the side the venue funded: a lot on the other side did not pay this.
        var charged = held.Where(h => !h.Held.IsZero && (direction == 0 || (h.Side == PositionSide.Long ? 1 : -1) == direction)).ToList();
        var ours = charged.Aggregate(0m, (s, h) => s + h.Held.Value);
        if (ours == 0m) return new FundingSplit([], paid);
        var whole = signedPosition is { } position && Math.Abs(position) > ours ? Math.Abs(position) : ours;
        var shares = new List<FundingShare>(charged.Count);
        var given = Money.Zero;
        for (var i = 0; i < charged.Count; i++)
        {
            var last = i == charged.Count - 1;
            var share = last && whole == ours ? paid - given : Money.Round(paid.Dollars * charged[i].Held.Value / whole, Decimals);
            shares.Add(new FundingShare(charged[i].Lot, share));
            given += share;
        }
        return new FundingSplit(shares, paid - given);
    }
}
